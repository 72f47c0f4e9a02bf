"""tipbook's configuration: one `tipbook.yml`, read into typed, validated settings.

Every problem in the file is reported at once, then loading stops, so an editor fixes the
file in one go. Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from tipbook import __version__
from tipbook.errors import ConfigError, display_path
from tipbook.model import TIPS_DIR
from tipbook.schemas import is_site_url, read_config
from tipbook.taxonomy import THEMES_FILE
from tipbook.yamlsafe import load_yaml_located, yaml_error_line, yaml_error_reason

__all__ = ["Config", "ScrapeConfig", "ServeConfig", "is_site_url", "load_config"]

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
        return self.content_dir / TIPS_DIR

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
    """Load and validate the configuration; without a file, defaults relative to the cwd.

    The file is read through its schema (`tipbook.schemas.ConfigFile`): every problem is
    reported at once, each as `file:line: setting: what to do`."""
    path = path or find_config_file()
    if path is None:
        return _resolve(Config(root=Path.cwd().resolve()), Path.cwd().resolve())
    shown = display_path(path)
    try:
        data, lines = load_yaml_located(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read the configuration: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not a text file: save it as UTF-8 text") from None
    except yaml.YAMLError as error:
        line = yaml_error_line(error)
        where = f"{shown}:{line}" if line else shown
        raise ConfigError(f"{where}: not valid YAML: {yaml_error_reason(error)}") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{shown}: expected `key: value` settings")
    settings, errors = read_config(data or {}, lines)
    problems = [(e.line, ".".join(map(str, e.where)), e.message) for e in errors]
    if problems or settings is None:
        shown_lines = "\n".join(f"{shown}:{line}: {name}: {what}" for line, name, what in problems)
        raise ConfigError(
            f"{shown_lines}\nFix the settings above (see the README's configuration)."
        )
    root = path.resolve().parent
    config = Config(
        root=root,
        scrape=ScrapeConfig(**_written(settings.scrape)),
        serve=ServeConfig(**_written(settings.serve)),
        **dict(settings.written()),
    )
    return _resolve(config, root)


def _written(section: BaseModel) -> dict[str, Any]:
    """The settings of a section the file sets (the others keep their defaults)."""
    return {k: v for k, v in section.model_dump().items() if v is not None}


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
