"""tipbook.yml: the one configuration place."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipbook.config import DEFAULT_START_URLS, load_config
from tipbook.errors import ConfigError


def test_shipped_config(repo_root: Path) -> None:
    config = load_config(repo_root / "tipbook.yml")
    assert config.content_dir == repo_root / "content"
    assert config.site_dir == repo_root / "site"
    assert config.index_dir == repo_root / ".tipbook" / "index"
    assert config.scrape.start_urls[0] == (
        "https://cssamerica.com/category/customer-service-tip-of-the-week/"
    )
    assert set(DEFAULT_START_URLS) <= set(config.scrape.start_urls)
    assert config.scrape.delay == 1.0
    assert "tipbook" in config.scrape.user_agent
    assert config.serve.host == "127.0.0.1"
    assert config.site_name


def test_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "tipbook.yml").write_text("content_dir: kb\nscrape:\n  delay: 0\n")
    config = load_config(tmp_path / "tipbook.yml")
    assert config.content_dir == tmp_path / "kb"
    assert config.scrape.delay == 0.0


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "tipbook.yml"
    path.write_text(
        "site_nme: x\nsite_dir: 3\nscrape:\n  delay: fast\n  concurrency: 0\n"
        "  start_urls: [ftp://x]\nserve:\n  port: eighty\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = caught.value.message
    for expected in (
        "site_nme: unknown setting",
        "site_dir: expected a folder path",
        "scrape.delay: expected float",
        "scrape.concurrency: must be at least 1",
        "scrape.start_urls: 'ftp://x' is not a web address",
        "serve.port: expected int",
    ):
        assert expected in message
    assert message.count("tipbook.yml:") == 6
    # tipbook.schemas.ConfigFile: each at the line of its setting, in the file's order.
    lines = [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in message.splitlines()[:6]]
    assert lines == ["1", "2", "4", "5", "6", "8"]


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tipbook.yml"
    path.write_text("site_name: [\n")
    with pytest.raises(ConfigError, match=r"tipbook\.yml:2: not valid YAML"):
        load_config(path)


def test_yaml_aliases_are_refused_in_tipbook_yml_and_themes_yml(tmp_path: Path) -> None:
    """Aliases of aliases make a few lines stand for billions of values: every YAML file
    tipbook reads refuses them, naming the file and the line."""
    from tipbook.errors import ContentError
    from tipbook.taxonomy import load_taxonomy

    laughs = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\n"
    config = tmp_path / "tipbook.yml"
    config.write_text(f"{laughs}site_name: *b\n")
    with pytest.raises(ConfigError, match=r"tipbook\.yml:2: not valid YAML: .*alias"):
        load_config(config)
    themes = tmp_path / "themes.yml"
    themes.write_text(f"{laughs}themes: *b\n")
    with pytest.raises(ContentError) as error:
        load_taxonomy(themes)
    (problem,) = error.value.problems
    assert problem.line == 2 and "alias" in problem.message and problem.rule == "taxonomy"


def test_a_config_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tipbook.yml"
    path.write_bytes("site_name: Caf\u00e9\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="tipbook.yml: not a text file: save it as UTF-8"):
        load_config(path)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)//", "tips.example.org", "http://[::1", "https://a b.org/"]
)
def test_a_site_url_that_is_no_web_address_is_refused(tmp_path: Path, url: str) -> None:
    path = tmp_path / "tipbook.yml"
    path.write_text(f"site_url: {url!r}\n")
    with pytest.raises(ConfigError, match="site_url: .* is not a web address"):
        load_config(path)


def test_nearest_file_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tipbook.yml").write_text("site_name: Found\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    monkeypatch.delenv("TIPBOOK_CONFIG", raising=False)
    assert load_config().site_name == "Found"


def test_mkdocs_yml_names_each_setting_once() -> None:
    """YAML lets a repeated key silently replace the first (two `extra_javascript:` lists
    dropped a script once): every mapping in mkdocs.yml names each key once."""
    import yaml

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
        keys = [loader.construct_object(key) for key, _ in node.value]
        repeated = {k for k in keys if keys.count(k) > 1}
        assert not repeated, f"mkdocs.yml repeats {sorted(map(str, repeated))}"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    # Material's `!!python/name:` tags are not used; a tag would fail loudly here.
    yaml.load((Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(), Strict)


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("site_name: x\nsite_name: y\n", 2, "`site_name` is written twice"),
        ("serve:\n  port: 8000\n  port: 9000\n", 3, "`port` is written twice"),
        ("site_name: 2024-02-30\n", 1, "2024-02-30 is not a real date"),
    ],
)
def test_a_key_written_twice_or_an_impossible_date_is_one_clear_message(
    tmp_path: Path, text: str, line: int, said: str
) -> None:
    """PyYAML keeps the last of two equal keys silently, and raises a bare ValueError (a
    traceback in the CLI) for a date that does not exist: both are `file:line: …` errors,
    in tipbook.yml, themes.yml and a tip alike (tipbook.yamlsafe's loader)."""
    from tipbook.errors import ContentError
    from tipbook.taxonomy import load_taxonomy

    path = tmp_path / "tipbook.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value.message)
    assert f"tipbook.yml:{line}: not valid YAML: {said}" in message, message
    assert "<unicode string>" not in message
    themes = tmp_path / "themes.yml"
    themes.write_text("themes:\n- id: a\n  title: A\n  title: B\n  description: 2024-02-30\n")
    with pytest.raises(ContentError) as caught:
        load_taxonomy(themes)
    assert "themes.yml:4" in str(caught.value.message)
    assert "`title` is written twice" in str(caught.value.message)


def test_a_port_beyond_65535_is_refused_by_the_file_not_by_a_traceback(tmp_path: Path) -> None:
    """`serve: {port: 99999999}` passed `check` and ended `tipbook serve` in an
    OverflowError from bind()."""
    path = tmp_path / "tipbook.yml"
    path.write_text("serve:\n  port: 99999999\n")
    with pytest.raises(ConfigError, match=r"tipbook\.yml:2: serve\.port: must be at most 65535"):
        load_config(path)
