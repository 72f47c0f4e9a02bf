"""Publishing: the address the site is built for, what a build holds back, and scheduled
tips going live on their date without anyone rebuilding by hand."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_corpus import FUTURE, REPO_ROOT, site_config, write_corpus

from tipbook.cli import main
from tipbook.errors import UsageError
from tipbook.schedule import Publisher, next_publication
from tipbook.site import build_site
from tipbook.site.report import checked_site_url, site_url_warning


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://127.0.0.1:8000/", "will point at this machine"),
        ("http://localhost/", "will point at this machine"),
        ("http://[::1]:8000/", "will point at this machine"),
        ("", "no site_url"),
        ("https://tips.example.org/", None),
        ("http://10.0.0.5/handbook/", None),  # an intranet address readers can reach
    ],
)
def test_loopback_site_url_is_warned(url: str, warned: str | None) -> None:
    warning = site_url_warning(url)
    if warned is None:
        assert warning is None
    else:
        # The option as `{site_url}`: the CLI says --site-url (test_site_publish's CLI tests).
        assert warning is not None and warned in warning and "{site_url}" in warning
        assert "--" not in warning


def test_site_url_option_is_checked() -> None:
    assert checked_site_url("https://tips.example.org/x") == "https://tips.example.org/x/"
    for bad in (
        "tips.example.org",
        "ftp://tips.example.org/",
        "https://",
        "http://[::1",  # was a ValueError traceback
        "https://tips.example.org:99999/",
        "https://tips example.org/",
        'https://tips.example.org/"><script>alert(1)</script>',
    ):
        with pytest.raises(UsageError, match="not a web address"):
            checked_site_url(bad)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "content")
    shutil.copy(REPO_ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "overrides", tmp_path / "overrides")
    (tmp_path / "tipbook.yml").write_text(
        "site_name: Test Handbook\nsite_url: http://127.0.0.1:8000/\ncontent_dir: content\n"
    )
    return tmp_path


def test_build_for_another_address_and_its_report(project: Path) -> None:
    args = ["--config", str(project / "tipbook.yml"), "build"]
    result = CliRunner().invoke(main, [*args, "--site-url", "https://tips.example.org/hb"])
    assert result.exit_code == 0, result.output
    sitemap = (project / "site" / "sitemap.xml").read_text()
    assert "<loc>https://tips.example.org/hb/</loc>" in sitemap and "127.0.0.1" not in sitemap
    feed = (project / "site" / "feed.xml").read_text()
    assert "https://tips.example.org/hb/tips/" in feed and "127.0.0.1" not in feed
    assert "will point at this machine" not in result.stderr
    # What was held back: the future tip with its date, the draft; every tip has a chapter.
    assert "Scheduled: 1 tip(s)" in result.stdout
    assert f"{FUTURE.isoformat()}  A Tip From the Future" in result.stdout
    assert "Drafts: 1 tip(s)" in result.stdout and "A Draft Nobody Should See" in result.stdout
    assert "In no chapter" not in result.stdout
    # tipbook.yml's own loopback address: built, with the warning.
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert "site_url is http://127.0.0.1:8000/: the feed and sitemap will point at" in result.stderr
    assert "<loc>http://127.0.0.1:8000/</loc>" in (project / "site" / "sitemap.xml").read_text()
    # A bad address is a usage error, and nothing is built.
    result = CliRunner().invoke(main, [*args, "--site-url", "tips.example.org"])
    assert result.exit_code == 2 and "not a web address" in result.output


def test_the_built_site_is_readable_by_a_web_server(project: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)  # the usual umask: folders 755, files 644
    try:
        build_site(site_config(project))
    finally:
        os.umask(old)
    site = project / "site"
    assert stat.S_IMODE(site.stat().st_mode) == 0o755  # mkdtemp's 0o700 answered 403
    assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644


def test_a_tip_in_no_chapter_is_reported(project: Path) -> None:
    path = next(project.glob("content/tips/*/*-own-the-mistake.md"))
    path.write_text(path.read_text().replace("themes:\n  - apology\n", "themes: []\n"))
    result = build_site(site_config(project))
    assert [tip.title for tip in result.held_back.unchaptered] == ["Own the Mistake"]
    lines = result.held_back.lines(project / "content")
    assert any(line.startswith("In no chapter: 1 tip(s)") for line in lines)


def test_the_publisher_rebuilds_on_the_date_and_survives_a_broken_tip(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = site_config(project)
    monkeypatch.setenv("TIPBOOK_TODAY", "2099-01-05")
    build_site(config)
    page = config.site_dir / f"tips/2099/{FUTURE.isoformat()}-a-tip-from-the-future/index.html"
    assert not page.exists()
    publisher = Publisher(config, config.site_dir)
    assert (
        publisher.next_date == FUTURE == next_publication(config.content_dir, FUTURE.replace(day=5))
    )
    assert publisher.check() is False  # not yet: nothing to do
    # On the day, a tip broken meanwhile: it is held back, the new tip goes live.
    monkeypatch.setenv("TIPBOOK_TODAY", FUTURE.isoformat())
    broken = next(project.glob("content/tips/*/*-own-the-mistake.md"))
    good = broken.read_text()
    broken.write_text(good.replace("  - apology\n", "  - apologies\n"))
    assert publisher.check() is True and page.is_file()
    assert publisher.last_error and "apologies" in publisher.last_error
    mended = config.site_dir / "tips/2024/2024-02-06-own-the-mistake/index.html"
    assert not mended.exists()
    assert publisher.check() is False  # nothing changed: no rebuild
    # Fixed: the next look at the clock publishes it, once.
    broken.write_text(good)
    assert publisher.check() is True and mended.is_file() and publisher.last_error is None
    assert publisher.check() is False and publisher.builds == 2


def test_a_scheduled_tip_broken_after_the_build_is_reported_on_its_date(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = site_config(project)
    monkeypatch.setenv("TIPBOOK_TODAY", "2099-01-05")
    build_site(config)
    scheduled = next(project.glob(f"content/tips/2099/{FUTURE.isoformat()}-*.md"))
    good = scheduled.read_text()
    scheduled.write_text(good.replace("title: ", "title: [", 1))  # YAML that does not parse
    publisher = Publisher(config, config.site_dir)
    assert publisher.next_date == FUTURE  # still due, though it cannot be read
    monkeypatch.setenv("TIPBOOK_TODAY", FUTURE.isoformat())
    assert publisher.check() is True  # built: the broken tip held back, reported
    assert publisher.last_error and scheduled.name in publisher.last_error
    assert not (config.site_dir / f"tips/2099/{scheduled.stem}/index.html").exists()
    scheduled.write_text(good)
    assert publisher.check() is True
    assert (config.site_dir / f"tips/2099/{scheduled.stem}/index.html").is_file()


def test_after_the_clock_goes_back_a_tip_dated_before_the_last_build_goes_live(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = site_config(project)
    monkeypatch.setenv("TIPBOOK_TODAY", FUTURE.isoformat())
    build_site(config)
    publisher = Publisher(config, config.site_dir)
    publisher.check()  # the site is as of FUTURE now
    # The clock goes back two days; meanwhile a tip is written for the day in between.
    monkeypatch.setenv("TIPBOOK_TODAY", FUTURE.replace(day=4).isoformat())
    assert publisher.check() is False
    scheduled = next(project.glob(f"content/tips/2099/{FUTURE.isoformat()}-*.md"))
    between = FUTURE.replace(day=5).isoformat()
    text = scheduled.read_text().replace(FUTURE.isoformat(), between)
    slug = scheduled.stem[len("2099-01-06-") :]
    path = scheduled.with_name(f"{between}-back-{slug}.md")
    path.write_text(text.replace(f"slug: {slug}", f"slug: back-{slug}"))
    monkeypatch.setenv("TIPBOOK_TODAY", between)
    assert publisher.check() is True
    assert (config.site_dir / f"tips/2099/{path.stem}/index.html").is_file()


def test_a_server_started_on_an_old_site_publishes_what_is_due_at_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    import os
    import time

    config = site_config(project)
    monkeypatch.setenv("TIPBOOK_TODAY", "2024-02-15")  # last Thursday's build…
    build_site(config)
    thursday = time.mktime(dt.date(2024, 2, 15).timetuple()) + 12 * 3600
    os.utime(config.site_dir / "index.html", (thursday, thursday))
    page = config.site_dir / "tips/2024/2024-02-20-listen-before-you-answer/index.html"
    assert not page.exists()
    monkeypatch.setenv("TIPBOOK_TODAY", "2024-02-22")  # …served again after Tuesday
    publisher = Publisher(config, config.site_dir, interval=0.05)
    assert publisher.next_date == dt.date(2024, 2, 20)
    publisher.start()  # the first look at the clock is at once
    try:
        deadline = time.monotonic() + 60
        while publisher.builds == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        publisher.stop()
    assert publisher.builds == 1 and page.is_file()
    assert publisher.next_date == FUTURE


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_serve_takes_a_port(repo_root: Path) -> None:
    def dry_run(*args: str) -> str:
        command = ["make", "-n", "-C", str(repo_root), "serve", *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    assert "tipbook serve --port 8123" in dry_run("PORT=8123")
    assert "--host 0.0.0.0" in dry_run("HOST=0.0.0.0")
    assert "--port" not in dry_run()  # serve.port from tipbook.yml


def test_the_readme_says_how_to_publish(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    publish = readme.split("\n## Publish\n", 1)[1].split("\n## ", 1)[0]
    for words in ("site_url", "--site-url", "site/", "proxy_pass http://127.0.0.1:8000",
                  "tipbook build", "5 0 * * *", "schedule:", "make serve PORT="):  # fmt: skip
        assert words in publish, words


def test_the_preview_reports_what_the_published_site_would_hold_back(project: Path) -> None:
    from tipbook.site.preview import make_preview_server

    config = site_config(project)
    server, builder, site = make_preview_server(config, "127.0.0.1", 0)
    try:
        lines = builder.held_back_lines
        assert "Scheduled: 1 tip(s), shown marked in this preview only:" in lines
        assert "Drafts: 1 tip(s), shown marked in this preview only:" in lines
        assert any(f"{FUTURE.isoformat()}  A Tip From the Future" in line for line in lines)
    finally:
        server.shutdown()
        builder.settle()  # the static search index the preview writes in the background
        shutil.rmtree(site, ignore_errors=True)


def test_tipbook_serve_says_when_the_next_scheduled_tip_goes_live(project: Path) -> None:
    import os
    import sys

    config = site_config(project)
    build_site(config)  # into project/site, where tipbook.yml there serves it from
    script = Path(sys.executable).parent / "tipbook"
    env = {**os.environ, "TIPBOOK_TODAY": "2024-03-01"}
    env.pop("TIPBOOK_CONFIG", None)
    server = subprocess.Popen(
        [str(script), "serve", "--port", "0"],
        cwd=project,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stderr is not None
        lines = [server.stderr.readline() for _ in range(2)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert lines[0].startswith("Serving ") and "http://127.0.0.1:" in lines[0]
    assert lines[1].strip() == (
        f"Next scheduled tip: {FUTURE:%A %d %B %Y}; the site is rebuilt that day."
    )


def test_make_serve_with_a_port_builds_for_that_address() -> None:
    """`make serve PORT=…` serves there and builds the feed and sitemap for that address
    (make -n: the commands it would run, after an up-to-date install)."""
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    dry = subprocess.run(
        ["make", "-n", "-o", "install", "serve", "PORT=8123"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "tipbook build --site-url http://127.0.0.1:8123/" in dry
    assert "tipbook serve --port 8123" in dry
    plain = subprocess.run(
        ["make", "-n", "-o", "install", "serve"], cwd=root, capture_output=True, text=True
    ).stdout
    assert "--site-url" not in plain  # tipbook.yml's site_url, as configured
