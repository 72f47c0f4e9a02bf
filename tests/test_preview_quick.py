"""The preview's quick rebuild (tipbook/site/incremental.py): after each edit, add and
delete of a tip in a running preview, its site is the site a fresh preview build of the
same content writes, page for page; a text edit renders only the pages it changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from site_corpus import site_config

from benchmarks.generate import generate_corpus
from tipbook.content import iter_tip_files
from tipbook.site.preview import PreviewBuilder

pytestmark = pytest.mark.slow

URL = "http://127.0.0.1:8000/"


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built preview but Pagefind's (its chunk names are content hashes
    that vary from run to run; its input is the tips, the same either way)."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in site.rglob("*")
        if path.is_file() and not path.relative_to(site).as_posix().startswith("pagefind/")
    }


FRESH = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from site_corpus import site_config
from tipbook.site.preview import PreviewBuilder
fresh = PreviewBuilder(site_config(Path(sys.argv[2])), Path(sys.argv[3]), sys.argv[4], drafts=True)
fresh()
fresh.settle()
"""


def assert_same_as_fresh(builder: PreviewBuilder, tmp_path: Path, name: str) -> None:
    """The builder's site equals a fresh preview build's, made in another process (MkDocs
    keeps one plugin instance per process: a second build here would take its state)."""
    fresh = tmp_path / name
    tests = str(Path(__file__).parent)
    subprocess.run([sys.executable, "-c", FRESH, tests, str(tmp_path), str(fresh), URL], check=True)
    builder.settle()
    mine, theirs = site_files(builder.site_dir), site_files(fresh)
    assert sorted(mine) == sorted(theirs)
    differ = [name for name in theirs if mine[name] != theirs[name]]
    assert differ == [], f"pages that differ from a fresh build: {differ[:10]}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def preview(tmp_path: Path) -> PreviewBuilder:
    generate_corpus(tmp_path / "content", 60)
    builder = PreviewBuilder(site_config(tmp_path), tmp_path / "preview", URL, drafts=True)
    builder()
    return builder


def test_text_edits_render_only_what_they_change(preview: PreviewBuilder, tmp_path: Path) -> None:
    files = sorted(iter_tip_files(preview.config.content_dir))
    site = preview.site_dir
    pages_before = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}

    # A body edit with words many tips share: other tips' related lists move.
    edit(files[10], "\n\n", "\n\nRefund the escalation politely and follow up the complaint.\n\n")
    preview()
    assert (preview.error, preview.quick_builds) == ("", 1)
    rendered = [p for p, t in pages_before.items() if p.stat().st_mtime_ns != t]
    assert 1 <= len(rendered) < len(pages_before) / 4  # not the whole site
    assert_same_as_fresh(preview, tmp_path, "fresh-1")

    # A summary edit: the lists showing it (home, chapters, archive…) change too.
    edit(files[-1], "summary: ", "summary: Newly summarised, ")
    preview()
    assert (preview.error, preview.quick_builds) == ("", 2)
    for shown in ("index.html", "feed.xml", f"archive/{files[-1].parent.name}/index.html"):
        assert "Newly summarised" in (site / shown).read_text(encoding="utf-8")
    assert_same_as_fresh(preview, tmp_path, "fresh-2")


def test_adding_retitling_and_deleting_tips(preview: PreviewBuilder, tmp_path: Path) -> None:
    files = sorted(iter_tip_files(preview.config.content_dir))
    newest = files[-1]
    slug = newest.stem[len("2025-06-03-") :]
    added = newest.with_name(newest.name.replace(slug, f"{slug}-again"))
    text = newest.read_text(encoding="utf-8").replace(f"slug: {slug}", f"slug: {slug}-again")
    added.write_text(text.replace("title: ", "title: Again, ", 1), encoding="utf-8")
    preview()
    assert preview.error == "" and preview.quick_builds == 0
    assert_same_as_fresh(preview, tmp_path, "fresh-add")

    edit(files[5], "title: ", "title: Retitled ")
    preview()
    assert preview.error == ""
    assert_same_as_fresh(preview, tmp_path, "fresh-title")

    files[20].unlink()
    preview()
    assert preview.error == ""
    assert_same_as_fresh(preview, tmp_path, "fresh-delete")

    # Back to a text edit: quick again, on the state the full rebuilds left.
    edit(files[30], "\n\n", "\n\nAcknowledge the customer and apologise for the delay.\n\n")
    preview()
    assert (preview.error, preview.quick_builds) == ("", 1)
    assert_same_as_fresh(preview, tmp_path, "fresh-again")


def test_a_theme_or_template_change_is_not_taken_for_a_tip_edit(tmp_path: Path) -> None:
    """A save of mkdocs.yml or of a template (watched by the preview) rebuilds in full: the
    quick rebuild, which found no tip changed, used to keep every page as it was."""
    import dataclasses
    import shutil

    from site_corpus import REPO_ROOT

    for name in ("mkdocs.yml", "tipbook.yml"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    shutil.copytree(REPO_ROOT / "overrides", tmp_path / "overrides")
    generate_corpus(tmp_path / "content", 20)
    config = dataclasses.replace(site_config(tmp_path), root=tmp_path)
    builder = PreviewBuilder(config, tmp_path / "preview", URL, drafts=True)
    builder()
    home = builder.site_dir / "index.html"
    assert 'data-md-color-primary="indigo"' in home.read_text(encoding="utf-8")

    edit(tmp_path / "mkdocs.yml", "primary: indigo", "primary: red")
    builder()
    assert (builder.error, builder.quick_builds) == ("", 0)
    assert 'data-md-color-primary="red"' in home.read_text(encoding="utf-8")

    template = tmp_path / "overrides" / "404.html"
    edit(template, "{% block content %}", "{% block content %}<p>Template changed</p>")
    builder()
    assert "Template changed" in (builder.site_dir / "404.html").read_text(encoding="utf-8")


def test_a_failed_background_index_does_not_stop_the_next(tmp_path: Path) -> None:
    """The preview writes its static search index in a background thread; a write that
    fails (the site folder swapped away by a full rebuild meanwhile) used to end that
    thread for good, and no later build of the session wrote an index again."""
    import logging

    from tipbook.site.collect import collect_tips
    from tipbook.site.static_search import StaticSearchRun

    generate_corpus(tmp_path / "content", 5)
    collection = collect_tips(tmp_path / "content", drafts=True)
    urls = {collection.src_uri(tip): f"tips/{tip.slug}/" for tip in collection.tips}
    run = StaticSearchRun(logging.getLogger("test"))
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    run.prepare(collection, urls, later=True)
    run.finish(tmp_path / "not-a-folder" / "site", background=True)
    run.wait()
    run.prepare(collection, urls, later=True)
    run.finish(tmp_path / "site", background=True)
    run.wait()
    assert (tmp_path / "site" / "pagefind").is_dir()
    assert (tmp_path / "site" / "search" / "vectors").is_dir()
