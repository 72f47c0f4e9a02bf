"""The hostile corpus (tests/fixtures/hostile/corpus.yml) as a content folder and a site.

One tip per hostile value: each body vector in a tip of its own, each front-matter value in
the field it attacks (title, summary, takeaway, tags, series name, source), and the hostile
posts scraped from a loopback server through the real scraper. A few safe tips show the
subset tips need (paragraphs, emphasis, lists, headings, quotes, tables, images, links).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from mirror_fixtures import MirrorSite, scrape_mirror
from site_corpus import site_config

from benchmarks.mirror.server import MirrorServer
from tipbook.config import Config
from tipbook.content import save_tip
from tipbook.model import Series, Tip

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILE = REPO_ROOT / "tests" / "fixtures" / "hostile" / "corpus.yml"
NEWEST = dt.date(2024, 2, 20)  # a Tuesday; the tips go back one week each
FIELDS = ("title", "summary", "takeaway", "tags", "series", "source")
HOSTILE_THEME = "hostile"  # a chapter whose title and description are hostile

SAFE_TITLE = "The Safe Subset"
SAFE_BODY = """Plain paragraph with *emphasis*, **strong words** and `code`.

## A second-level heading

### A third-level heading

- first bullet
- second bullet

Then, in order:

1. first step
2. second step

> A quoted customer said thanks.

| Left | Right |
| :--- | ----: |
| cell a | cell b |

![A smiling customer](smile.png)

Links: [a web page](https://example.com/page), [plain http](http://example.com/),
[write to us](mailto:help@example.com), [a relative page](../../archive/index.md) and
[an anchor](#a-second-level-heading).
"""


def load_corpus() -> dict[str, Any]:
    return yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))


def vector_count() -> int:
    return sum(len(values) for values in load_corpus().values())


def _tip(index: int, payload: str = "", **fields: Any) -> Tip:
    values: dict[str, Any] = {
        "title": f"Hostile vector {index}",
        "date": NEWEST - dt.timedelta(weeks=index),
        "themes": ["caring", HOSTILE_THEME] if index % 2 else ["caring"],
        "tags": ["hostile"],
        "summary": f"Summary of vector {index}.",
        "takeaway": f"Takeaway of vector {index}.",
        "body": f"Vector {index} opens here.\n\n{payload}\n\nVector {index} ends here.",
    }
    values.update(fields)
    return Tip(**values)


def hostile_tips() -> list[Tip]:
    """Every hostile tip of the corpus but the scraped ones, and the safe-subset tip."""
    corpus = load_corpus()
    tips = [_tip(0, title=SAFE_TITLE, body=SAFE_BODY, tags=["safe"])]
    for payload in corpus["body"]:
        tips.append(_tip(len(tips), payload=payload))
    for field in FIELDS:
        for value in corpus[field]:
            index = len(tips)
            if field == "tags":
                tips.append(_tip(index, tags=[value, "hostile"]))
            elif field == "series":
                # Two parts, so both the series page and each part's series box show it.
                tips.append(_tip(index, series=Series(value, 1)))
                tips.append(_tip(index + 1, series=Series(value, 2)))
            elif field == "source":
                tips.append(_tip(index, source=value, excerpt_only=True))
            else:
                tips.append(_tip(index, **{field: value}))
    return tips


# The smallest valid PNG (1×1, transparent): the safe tip's image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def write_hostile_content(content_dir: Path) -> list[Tip]:
    """The shipped themes and every hostile tip below `content_dir`."""
    content_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "content" / "themes.yml", content_dir / "themes.yml")
    corpus = load_corpus()
    themes = yaml.safe_load((content_dir / "themes.yml").read_text(encoding="utf-8"))
    themes["themes"].append({"id": HOSTILE_THEME, **corpus["theme"], "signals": []})
    (content_dir / "themes.yml").write_text(yaml.safe_dump(themes), encoding="utf-8")
    page = corpus["page"]
    (content_dir / "pages").mkdir()
    front = yaml.safe_dump(page["front_matter"])
    (content_dir / "pages" / "hostile.md").write_text(f"---\n{front}---\n\n{page['body']}", "utf-8")
    tips = hostile_tips()
    for tip in tips:
        save_tip(content_dir, tip)
    (content_dir / "tips" / f"{NEWEST.year}" / "smile.png").write_bytes(PNG)
    return tips


def hostile_site_config(root: Path, content_dir: Path | None = None) -> Config:
    """The repository's configuration for a site below `root`, with MkDocs' link checks
    reporting instead of failing (as the live preview does): the strict build would refuse
    a few vectors as broken links (`java&#x73;cript:` is a relative link to MkDocs), and
    the point is what reaches a page when they are not refused."""
    text = (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO_ROOT / 'overrides'}")
    text = text.replace("docs_dir: content", f"docs_dir: {content_dir or root / 'content'}")
    text = text.replace("unrecognized_links: warn", "unrecognized_links: info\n  not_found: info")
    assert "not_found: info" in text, "mkdocs.yml's validation section changed"
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    config = site_config(root, content_dir)
    return dataclasses.replace(config, root=root.resolve())


def scraped_page(title: str, body: str) -> str:
    """A WordPress-like post page holding a hostile title and body."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Post</title></head>
<body class="single"><article class="post"><h1 class="entry-title">{title}</h1>
<div class="entry-content">{body}
<p>Enough ordinary words follow so that the post reads as a tip with a summary.</p>
</div></article></body></html>"""


def scrape_hostile(
    folder: Path, content_dir: Path, offhost_server: MirrorServer
) -> tuple[list[str], Any]:
    """Serve the corpus' hostile posts on loopback and scrape them into `content_dir` with
    the real scraper; the posts' URLs and the scrape report."""
    paths = []
    for number, page in enumerate(load_corpus()["scraped"]):
        path = folder / f"hostile-{number}"
        path.mkdir(parents=True)
        (path / "index.html").write_text(scraped_page(page["title"], page["body"]), "utf-8")
        paths.append(f"/hostile-{number}/")
    server = MirrorServer(folder).start()
    try:
        site = MirrorSite(server, offhost_server, None)  # type: ignore[arg-type]
        urls = [server.url(path) for path in paths]
        report = scrape_mirror(site, content_dir, None, urls=urls)
    finally:
        server.stop()
    return urls, report


@contextlib.contextmanager
def gate_open() -> Iterator[None]:
    """Publish every readable tip, errors and all: `check`'s gate holds back a tip with a
    `<script>`, so the hostile corpus reaches the sanitiser only with the gate open. The
    sanitiser is the second wall, and these tests prove it holds on its own."""
    import pytest

    from tipbook.check import Verdict

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Verdict, "passes", property(lambda self: self.file.tip is not None))
        yield
