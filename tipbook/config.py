"""tipbook's configuration: one `tipbook.yml`, read into typed, validated settings.

Every problem in the file is reported at once, then loading stops, so an editor fixes the
file in one go. Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tipbook import __version__
from tipbook.errors import ConfigError, display_path
from tipbook.taxonomy import THEMES_FILE
from tipbook.yamlsafe import load_yaml, yaml_error_line

CONFIG_FILE = "tipbook.yml"
CONFIG_ENV = "TIPBOOK_CONFIG"
PROJECT_URL = "https://github.com/tipbook/tipbook"
DEFAULT_START_URLS = (
    "https://cssamerica.com/category/customer-service-tip-of-the-week/",
    "https://cssamerica.com/tag/caring/",
    "https://cssamerica.com/tag/compassion/",
    "https://cssamerica.com/tag/empathy/",
)


@dataclass(frozen=True)
class ScrapeConfig:
    start_urls: tuple[str, ...] = DEFAULT_START_URLS
    delay: float = 1.0
    concurrency: int = 2
    timeout: float = 20.0
    retries: int = 3
    max_bytes: int = 5_000_000
    user_agent: str = f"tipbook/{__version__} (+{PROJECT_URL})"


# Characters no address readers type holds: spaces, quotes, angle brackets, controls.
_NOT_IN_AN_ADDRESS = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def is_site_url(url: str) -> bool:
    """An address a site can be published at: http(s), a host, a valid port, nothing a
    page's `href` or the feed would have to escape (`javascript:`, `"><`, spaces)."""
    if not url or _NOT_IN_AN_ADDRESS.search(url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range or not a number raises ValueError
    except ValueError:  # also "http://[::1" (an unclosed IPv6 host)
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    log_queries: bool = True  # the served box's unanswered queries, to `query_log`


@dataclass(frozen=True)
class Config:
    """Where things are and how tipbook behaves; built by `load_config`."""

    root: Path
    site_name: str = "Customer Service Tip of the Week"
    site_description: str = ""
    site_url: str = ""
    content_dir: Path = Path("content")
    site_dir: Path = Path("site")
    index_dir: Path = Path(".tipbook/index")
    cache_dir: Path = Path(".tipbook/cache")
    query_log: Path = Path(".tipbook/queries.jsonl")  # see search.querylog
    scrape: ScrapeConfig = field(default_factory=ScrapeConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)

    @property
    def tips_dir(self) -> Path:
        return self.content_dir / "tips"

    @property
    def themes_file(self) -> Path:
        return self.content_dir / THEMES_FILE

    @property
    def mkdocs_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def with_paths(self, **paths: Path) -> Config:
        """A copy with some directories replaced (e.g. from CLI options), made absolute."""
        resolved: dict[str, Any] = {k: Path(v).resolve() for k, v in paths.items() if v}
        return replace(self, **resolved)


def find_config_file(start: Path | None = None) -> Path | None:
    """`$TIPBOOK_CONFIG`, else the nearest `tipbook.yml` in `start` or a parent folder."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None


def project_config_file(start: Path | None = None) -> Path:
    """The project's `tipbook.yml` (as `find_config_file`); none is one clear `ConfigError`.

    Commands that read or write a handbook call this first, so that outside a project they
    stop with this message instead of working on defaults and creating folders there.
    """
    path = find_config_file(start)
    if path is None:
        here = display_path(start) if start else str(Path.cwd())
        raise ConfigError(
            f"no {CONFIG_FILE} in {here} or any folder above it: this is not a tipbook "
            f"project; run the command in the handbook's folder, or pass {{config}} FILE",
            options=("config",),
        )
    return path


def load_config(path: Path | None = None) -> Config:
    """Load and validate the configuration; without a file, defaults relative to the cwd."""
    path = path or find_config_file()
    if path is None:
        return _resolve(Config(root=Path.cwd().resolve()), Path.cwd().resolve())
    shown = display_path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read the configuration: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not a text file: save it as UTF-8 text") from None
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        where = f"{shown}:{line}" if line else shown
        raise ConfigError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: expected `key: value` settings")

    problems: list[str] = []
    top = _typed(data, Config, problems, "", skip=frozenset({"root", "scrape", "serve"}))
    scrape = _typed(data.get("scrape") or {}, ScrapeConfig, problems, "scrape.")
    serve = _typed(data.get("serve") or {}, ServeConfig, problems, "serve.")
    if "start_urls" in scrape:
        urls = scrape["start_urls"]
        bad = [u for u in urls if not str(u).startswith(("http://", "https://"))]
        if bad:
            problems.append(f"scrape.start_urls: {bad[0]!r} is not a web address")
        scrape["start_urls"] = tuple(str(u) for u in urls)
    site_url = top.get("site_url")
    if isinstance(site_url, str) and site_url.strip() and not is_site_url(site_url.strip()):
        problems.append(
            f"site_url: {site_url!r} is not a web address: give the full address readers "
            "use, e.g. https://tips.example.org/"
        )
    for key in ("delay", "timeout"):
        if scrape.get(key, 0) < 0:
            problems.append(f"scrape.{key}: must be 0 or more")
    for key in ("concurrency", "max_bytes"):
        if key in scrape and scrape[key] < 1:
            problems.append(f"scrape.{key}: must be at least 1")
    if problems:
        lines = "\n".join(f"{shown}: {p}" for p in problems)
        raise ConfigError(f"{lines}\nFix the settings above (see the README's configuration).")
    root = path.resolve().parent
    config = Config(root=root, scrape=ScrapeConfig(**scrape), serve=ServeConfig(**serve), **top)
    return _resolve(config, root)


def _resolve(config: Config, root: Path) -> Config:
    def absolute(p: Path) -> Path:
        return p if p.is_absolute() else (root / p).resolve()

    return replace(
        config,
        content_dir=absolute(config.content_dir),
        site_dir=absolute(config.site_dir),
        index_dir=absolute(config.index_dir),
        cache_dir=absolute(config.cache_dir),
        query_log=absolute(config.query_log),
    )


_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "Path": Path}


def _typed(
    data: dict[str, Any],
    schema: type,
    problems: list[str],
    prefix: str,
    skip: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Check `data` against a dataclass's fields; collect every problem instead of stopping."""
    known = {f.name: f for f in fields(schema) if f.name not in skip}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in skip:
            continue
        if key not in known:
            problems.append(f"{prefix}{key}: unknown setting (known: {', '.join(known)})")
            continue
        kind = str(known[key].type)
        if kind.startswith("tuple"):
            if not isinstance(value, list) or not value:
                problems.append(f"{prefix}{key}: expected a list")
                continue
        elif kind == "bool":
            if not isinstance(value, bool):
                problems.append(f"{prefix}{key}: expected true or false, found {value!r}")
                continue
        elif kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = float(value)
        elif kind in _TYPES and kind != "Path":
            if not isinstance(value, _TYPES[kind]) or isinstance(value, bool):
                problems.append(f"{prefix}{key}: expected {kind}, found {value!r}")
                continue
        elif kind == "Path":
            if not isinstance(value, str) or not value:
                problems.append(f"{prefix}{key}: expected a folder path")
                continue
            value = Path(value)
        values[key] = value
    return values
