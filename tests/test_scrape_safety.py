"""Safety: scraped pages are untrusted; nothing they hold escapes the content folder,
breaks the YAML or reaches the handbook as markup or script."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import markdown
from mirror_fixtures import REAL_SITE, MirrorSite, scrape_mirror

from benchmarks.mirror.server import MirrorServer
from scraper.write import ExistingTips, write_tip
from tipbook.content import iter_tip_files, load_tip
from tipbook.model import Tip


def test_hostile_titles_cannot_escape_or_break_the_yaml(tmp_path: Path) -> None:
    titles = [
        "../../etc/passwd",
        "Why: the \"customer\" said 'no' # really",
        "- starts like a list: item",
        "{braces} & [brackets]: *stars* | pipes",
        "---",
        "Multi\nline\ttitle",
    ]
    for number, title in enumerate(titles):
        new = Tip(
            title=title,
            date=dt.date(2019, 3, 5),
            source=f"https://cssamerica.com/tip-{number}/",
            body="Text.",
        )
        _, path = write_tip(tmp_path, new, ExistingTips.load(tmp_path))
        assert path.resolve().is_relative_to((tmp_path / "tips").resolve())
        assert load_tip(path).title == " ".join(title.split())


def test_hostile_page_scraped_end_to_end(
    tmp_path: Path, scrape_content_dir: Path, offhost_server: MirrorServer
) -> None:
    """A post whose title and body try everything, through the real pipeline."""
    folder = tmp_path / "site" / "evil-post"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(
        """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>x</title></head><body class="single">
<article class="post"><h1 class="entry-title">../../../etc/passwd: "quoted" #1 – 3/5/19</h1>
<div class="entry-meta"><time datetime="2019-03-05T06:00:00-05:00"></time></div>
<div class="entry-content">
<p onclick="x()">Body <a href="javascript:alert(1)">link</a> text long enough to summarise.</p>
<script>alert(2)</script><iframe src="https://evil.example/"></iframe>
<p>&lt;img src=x onerror=alert(3)&gt; [click](javascript:alert(4))</p>
</div></article></body></html>""",
        encoding="utf-8",
    )
    server = MirrorServer(tmp_path / "site").start()
    try:
        site = MirrorSite(server, offhost_server, None)  # type: ignore[arg-type]
        report = scrape_mirror(site, scrape_content_dir, None, urls=[server.url("/evil-post/")])
    finally:
        server.stop()
    assert report.ok
    [path] = list(iter_tip_files(scrape_content_dir))
    assert path.parent == scrape_content_dir / "tips" / "2019"
    saved = load_tip(path)
    assert saved.title == '../../../etc/passwd: "quoted" #1'
    assert saved.slug == "etc-passwd-quoted-1"
    assert saved.source == f"{REAL_SITE}/evil-post/"
    text = path.read_text(encoding="utf-8")
    for marker in ("<script", "<iframe", "onclick", "<img"):
        assert marker not in text
    # Rendered as the site renders it, the body holds no markup and no script link.
    html = markdown.markdown(saved.body)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "href=" not in html
    assert "&lt;img src=x onerror=alert(3)&gt;" in html
