"""The command line as a user meets it: help, version, exit codes, the README's promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipbook import __version__
from tipbook.cli import main


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Usage: tipbook" in result.output
    for name in main.list_commands(None):  # type: ignore[arg-type]
        assert name in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in main.list_commands(None):  # type: ignore[arg-type]
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "tipbook " + name in result.output.lower().replace("usage: ", ""), name
        assert "example" in result.output.lower(), f"`tipbook {name} --help` shows no example"


def test_every_command_is_documented_in_the_readme(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`tipbook ([a-z-]+)", readme))
    missing = set(main.list_commands(None)) - documented  # type: ignore[arg-type]
    assert not missing, f"README.md does not document: {sorted(missing)}"


def test_readme_starts_with_the_two_setup_commands(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line]
    assert commands == ["make serve", "make test"]


def test_installed_console_script(repo_root: Path) -> None:
    script = Path(sys.executable).parent / "tipbook"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "Commands:" in result.stdout or "Usage:" in result.stdout


def test_broken_config_is_one_clear_message(tmp_path: Path) -> None:
    config = tmp_path / "tipbook.yml"
    config.write_text("site_name: [\n")
    script = Path(sys.executable).parent / "tipbook"
    commands = CliRunner().invoke(main, ["--help"])
    assert commands.exit_code == 0
    names = main.list_commands(None)  # type: ignore[arg-type]
    if "check" not in names:
        return  # nothing reads the configuration yet
    result = subprocess.run(
        [str(script), "--config", str(config), "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"tipbook\.yml:\d+: not valid YAML", result.stderr), result.stderr


@pytest.mark.parametrize(
    "args",
    [["check"], ["build"], ["search", "empathy"], ["index"], ["themes", "list"], ["serve"],
     ["new", "A Tip"]],
    ids=lambda args: args[0],
)  # fmt: skip
def test_commands_outside_a_project_say_so_and_create_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    outside = tmp_path / "not-a-project"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.delenv("TIPBOOK_CONFIG", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"Error: no tipbook.yml in {outside} or any folder above it" in result.output
    assert "--config FILE" in result.output
    assert list(outside.iterdir()) == []  # no index, no site, no content folder


def test_every_option_is_explained_in_help() -> None:
    import click

    def commands(group: click.Group, prefix: str):  # type: ignore[no-untyped-def]
        for name in group.list_commands(None):  # type: ignore[arg-type]
            command = group.get_command(None, name)  # type: ignore[arg-type]
            yield f"{prefix} {name}", command
            if isinstance(command, click.Group):
                yield from commands(command, f"{prefix} {name}")

    for name, command in commands(main, "tipbook"):
        for option in command.params:
            if isinstance(option, click.Option):
                assert option.help, f"`{name} --help` does not explain {option.opts[0]}"
    result = CliRunner().invoke(main, ["search", "--help"], terminal_width=200)
    theme = next(line for line in result.output.splitlines() if "--theme ID" in line)
    assert "repeat it" in theme
    limit = next(line for line in result.output.splitlines() if "--limit N" in line)
    assert "How many hits to show, 1–100" in limit and "default: 10" in limit


def test_the_readme_command_table_lists_every_option(repo_root: Path) -> None:
    import click

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- commands:", 1)[1].split("\n\n", 1)[0]
    rows = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `tipbook")]
    for name in main.list_commands(None):  # type: ignore[arg-type]
        command = main.get_command(None, name)  # type: ignore[arg-type]
        synopsis = " ".join(row for row in rows if f"`tipbook {name}" in row)
        assert synopsis, f"README's command table has no row for `tipbook {name}`"
        subcommands = command.commands.values() if isinstance(command, click.Group) else []
        for each in [command, *subcommands]:
            for option in each.params:
                if isinstance(option, click.Option) and option.name != "help":
                    named = (
                        re.search(rf"(?<![\w-]){opt}(?![\w-])", synopsis) for opt in option.opts
                    )
                    assert any(named), f"README's row for `tipbook {name}` lacks {option.opts[-1]}"


def test_library_errors_are_plain_and_the_cli_names_its_flags(
    tmp_path: Path, repo_root: Path
) -> None:
    """The library's errors know nothing of click or of flags; the CLI words them."""
    import datetime as dt

    import click

    from search.options import QueryError, SearchOptions
    from tipbook.editor import series_option
    from tipbook.errors import TipbookError, UsageError

    assert not issubclass(TipbookError, click.ClickException)
    with pytest.raises(QueryError) as query:
        SearchOptions(since=dt.date(2020, 1, 1), until=dt.date(2019, 1, 1))
    assert query.value.message == "since 2020-01-01 is after until 2019-01-01: swap them"
    with pytest.raises(UsageError) as usage:
        series_option("Steps", None)
    assert "--" not in usage.value.message and "give both series" in usage.value.message

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "themes.yml").write_bytes(
        (repo_root / "content" / "themes.yml").read_bytes()
    )
    (tmp_path / "tipbook.yml").write_text("content_dir: content\n", encoding="utf-8")
    config = ["--config", str(tmp_path / "tipbook.yml")]
    result = CliRunner().invoke(main, [*config, "new", "Step", "--series", "Steps"])
    assert result.exit_code == 2, result.output
    assert 'Error: give both --series "Series name" and --part N' in result.output
    result = CliRunner().invoke(
        main, [*config, "search", "x", "--since", "2020-01-01", "--until", "2019-01-01"]
    )
    assert result.exit_code == 2, result.output
    assert "--since 2020-01-01 is after --until 2019-01-01: swap them" in result.output


def test_library_notes_name_options_and_the_cli_words_them() -> None:
    """The scraper's notes and reasons, the build's site_url warning and the zensical error
    name options as `{name}` (no flag in the library); the CLI says each as its flag."""
    from rich.console import Console

    from scraper.report import PageProblem, ScrapeReport
    from tipbook.cli import flag
    from tipbook.errors import word_options
    from tipbook.scrape_output import print_summary
    from tipbook.site.report import site_url_warning

    report = ScrapeReport(notes=["https://x.example/: stopped after 1 pages ({max_pages})"])
    report.failures.append(PageProblem("https://x.example/", "{via} rest: no REST API", "archive"))
    console = Console(record=True, width=300)
    print_summary(report, console, word=flag)
    shown = console.export_text()
    assert "(--max-pages)" in shown and "--via rest: no REST API" in shown
    assert "{" not in shown
    warning = site_url_warning("")
    assert warning is not None and "--" not in warning
    assert "--site-url URL" in word_options(warning, flag, ("site_url",))
