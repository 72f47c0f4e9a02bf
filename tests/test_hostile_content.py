"""What content can do to a build: YAML aliases are refused in every file tipbook reads
(tipbook.yamlsafe): a tip's front matter, `themes.yml`, `tipbook.yml` and a hand-written
page (a 74 KB page of aliases took 1.2 GB and wrote a 287 MB search index; now it is one
message naming the file, with memory bounded); and an image only a draft uses stays out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from site_corpus import REPO_ROOT, BuiltCorpus, write_corpus

from tipbook.config import load_config
from tipbook.errors import ConfigError, ContentError, TipbookError
from tipbook.site import build_site
from tipbook.taxonomy import load_taxonomy

MAX_PEAK_MB = 400


def alias_list(key: str, copies: int = 7_000, length: int = 20_000) -> str:
    """`key:` a list of `copies` aliases to one `length`-character string (~74 KB of YAML)."""
    return f"long: &x {'A' * length}\n{key}: [{', '.join(['*x'] * copies)}]\n"


def test_an_alias_in_tipbook_yml_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "tipbook.yml"
    config.write_text("site_name: &n Handbook\nsite_description: *n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"tipbook\.yml.*alias"):
        load_config(config)


def test_an_alias_in_themes_yml_is_refused(tmp_path: Path) -> None:
    themes = tmp_path / "themes.yml"
    text = (REPO_ROOT / "content" / "themes.yml").read_text(encoding="utf-8")
    # Valid without the refusal: the first chapter's signals repeat as the second's.
    text = text.replace("signals: [", "signals: &same [", 1)
    at = text.index("signals: [")
    text = text[:at] + "signals: *same" + text[text.index("\n", at) :]
    themes.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match="alias, which tipbook does not allow"):
        load_taxonomy(themes)


def test_an_alias_in_synonyms_yml_is_refused(tmp_path: Path) -> None:
    """A set of aliases to one long list would stand for millions of index terms."""
    from tipbook.synonyms import load_synonyms

    words = ", ".join(f"word{n}" for n in range(50))
    (tmp_path / "synonyms.yml").write_text(
        f"synonyms:\n  - &set [{words}]\n" + "  - *set\n" * 20, encoding="utf-8"
    )
    synonyms, problems = load_synonyms(tmp_path)
    assert synonyms.sets == ()
    assert [p.rule for p in problems] == ["synonyms"]
    assert "alias, which tipbook does not allow" in problems[0].message


def test_synonyms_yml_problems_name_their_line_and_a_shared_word_is_a_warning(
    tmp_path: Path,
) -> None:
    """Each problem of synonyms.yml was printed without a line, and the word in two sets,
    meant as a warning, was an error (its level went to the message's values, as a
    keyword): `check` failed on it."""
    from tipbook.synonyms import load_synonyms

    (tmp_path / "synonyms.yml").write_text(
        "synonyms:\n  - [mistake, error]\n  - [solo]\n  - {x: y}\n  - [error, blunder]\n",
        encoding="utf-8",
    )
    synonyms, problems = load_synonyms(tmp_path)
    assert synonyms.sets == (("mistake", "error"), ("error", "blunder"))
    found = [(p.line, p.field, p.level) for p in problems]
    assert found == [
        (3, "synonyms[2]", "error"),
        (4, "synonyms[3]", "error"),
        (5, "synonyms[4]", "warning"),
    ]


def test_a_page_of_aliases_fails_the_build_with_memory_bounded(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content")
    pages = tmp_path / "content" / "pages"
    pages.mkdir()
    (pages / "bomb.md").write_text(f"---\n{alias_list('tags')}---\n\n# Bomb\n", "utf-8")
    program = textwrap.dedent(
        f"""
        import resource, sys
        sys.path[:0] = [{str(REPO_ROOT)!r}, {str(REPO_ROOT / "tests")!r}]
        from pathlib import Path
        from site_corpus import site_config
        from tipbook.errors import TipbookError
        from tipbook.site import build_site
        try:
            build_site(site_config(Path({str(tmp_path)!r})))
            print("BUILT")
        except TipbookError as error:
            print("REFUSED", str(error).replace("\\n", " "))
        print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    outcome, peak = lines[-2], float(lines[-1].split()[1])
    assert outcome.startswith("REFUSED") and "bomb.md:3" in outcome and "alias" in outcome, outcome
    assert peak <= MAX_PEAK_MB, f"peak {peak:.0f} MB"
    index = tmp_path / "site" / "search" / "search_index.json"
    assert not index.exists() or index.stat().st_size < 5_000_000


def test_a_page_with_a_key_written_twice_fails_the_build_naming_the_line(
    corpus_site: BuiltCorpus, tmp_path: Path
) -> None:
    """MkDocs' loader keeps the second of two same keys unsaid; tipbook's says which line."""
    config = corpus_site.copy_to(tmp_path)
    pages = config.content_dir / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "twice.md").write_text("---\ntitle: One\ntitle: Two\n---\n\n# Twice\n", "utf-8")
    with pytest.raises(TipbookError) as refused:
        build_site(config)
    assert "twice.md:3" in str(refused.value) and "written twice" in str(refused.value)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def test_only_images_a_published_tip_uses_are_published(tmp_path: Path) -> None:
    from site_corpus import site_config

    from tipbook.site import build_site

    content = tmp_path / "content"
    write_corpus(content)
    (content / "media").mkdir()
    for name in ("used-1a2b.png", "draft-3c4d.png", "future-5e6f.png"):
        (content / "media" / name).write_bytes(PNG)
    for words, name in (
        ("xylophone", "draft-3c4d.png"),
        ("nebula", "future-5e6f.png"),
        ("marmalade", "used-1a2b.png"),
    ):
        tip = next(p for p in content.glob("tips/*/*.md") if words in p.read_text("utf-8"))
        tip.write_text(tip.read_text("utf-8") + f"\n![a picture](../../media/{name})\n", "utf-8")
    site = build_site(site_config(tmp_path)).site_dir
    assert sorted(p.name for p in (site / "media").iterdir()) == ["used-1a2b.png"]


def test_a_search_index_over_its_bound_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every visitor downloads Material's search index: one over the bound (here lowered to
    what the corpus's editors' page alone exceeds) stops the build, naming the page."""
    from site_corpus import site_config

    from tipbook.site import build_site, plugin

    write_corpus(tmp_path / "content")
    pages = tmp_path / "content" / "pages"
    pages.mkdir()
    (pages / "long.md").write_text("# Long\n\n" + "word " * 4000 + "\n", "utf-8")
    monkeypatch.setattr(plugin, "MAX_SEARCH_INDEX_CHARS", 15_000)
    with pytest.raises(TipbookError, match=r"search index would hold .*/pages/long/"):
        build_site(site_config(tmp_path))
    assert not (tmp_path / "site").exists()
