"""The `tipbook` command line: a thin layer over the library.

Each subcommand lives in its own module under `tipbook/commands/` and exposes a click
command named `command`; this group finds them, so adding a job is adding one file.
Command modules import heavy libraries inside their functions to keep `--help` fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

import click

from tipbook import __version__, commands
from tipbook.config import Config, load_config, project_config_file
from tipbook.errors import TipbookError

if TYPE_CHECKING:
    from pathlib import Path  # imported where used: keeps `--help` light


class CommandFolder(click.Group):
    """A click group whose subcommands are the modules of `tipbook.commands`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [
            m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")
        ]
        return sorted(name.replace("_", "-") for name in names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"tipbook.commands.{cmd_name.replace('-', '_')}")
        command: click.Command = module.command
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except TipbookError as error:
            raise cli_error(error) from None


def flag(name: str) -> str:
    """The command-line flag of a library option name: "source_base" → "--source-base"."""
    return "--" + name.replace("_", "-")


def cli_error(error: TipbookError) -> click.ClickException:
    """A library error as click prints it: its message with flags for option names, and its
    exit code (1: the content or the set-up is wrong; 2: the command was asked wrongly)."""
    failure = _AskedWrongly if error.exit_code == _AskedWrongly.exit_code else click.ClickException
    return failure(error.worded(flag))


class _AskedWrongly(click.ClickException):
    """A usage error printed without click's usage text (the message says what to change)."""

    exit_code = 2


@click.group(
    name="tipbook", cls=CommandFolder, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, "--version", prog_name="tipbook")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True),
    help="The tipbook.yml to use (default: the nearest one above the current folder).",
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """tipbook: the Customer Service Tip of the Week archive as a living handbook.

    \b
    Examples:
      tipbook scrape                 # refresh content/ from the tip archive
      tipbook build && tipbook serve # publish the handbook on http://127.0.0.1:8000
      tipbook search "empathy"       # search every tip from the terminal
    """
    from pathlib import Path

    ctx.obj = LazyConfig(Path(config_path) if config_path else None)


class LazyConfig:
    """Loads tipbook.yml on first use, so `--help` works even where the file is broken."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._config: Config | None = None

    def get(self, project: bool = True) -> Config:
        if self._config is None:
            path = self.path
            if path is None and project:
                path = project_config_file()  # outside a project: one clear error
            self._config = load_config(path)
        return self._config


def get_config(ctx: click.Context, project: bool = True) -> Config:
    """The configuration for the running command (commands call this, tests pass `--config`).

    Every command works on a project: without a `tipbook.yml` here or above, it ends with
    one message saying so, before touching the disk. `project=False` (scrape, which can
    write to any `--content-dir`) falls back to defaults relative to the current folder.
    """
    root = ctx.find_root()
    if not isinstance(root.obj, LazyConfig):
        root.obj = LazyConfig(None)
    return root.obj.get(project)
