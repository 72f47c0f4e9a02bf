"""Summary, takeaway, series and themes: deterministic and explainable from the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from judged_chapters import JUDGED, measure, shipped_tips

from scraper.classify import (
    assign_themes,
    detect_series,
    excerpt_summary,
    find_takeaway,
    plain_text,
    shorten,
    summarize,
)
from tipbook.model import Series
from tipbook.nearest import ChapterSimilarity
from tipbook.taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy(repo_root: Path) -> Taxonomy:
    return load_taxonomy(repo_root / "content" / "themes.yml")


def test_summary_is_the_first_real_paragraph_in_plain_text() -> None:
    body = (
        "So how do you say it?\n\n"
        "- a list item that is long enough to be a paragraph but is a list item\n\n"
        "The **hospital** promoted the [3 C’s](https://x.org/): Compassionate Competent Care.\n\n"
        "Second paragraph."
    )
    assert summarize(body) == "The hospital promoted the 3 C’s: Compassionate Competent Care."


def test_long_summaries_are_cut_at_a_sentence_or_a_word() -> None:
    sentences = "This is one sentence of a tip that goes on. " * 10
    cut = shorten(sentences)
    assert len(cut) <= 300 and cut.endswith("goes on.")
    words = "word " * 100
    cut = shorten(words)
    assert len(cut) <= 300 and cut.endswith("word…")


def test_excerpt_summary_keeps_whole_sentences() -> None:
    excerpt = (
        "Two weeks ago, we addressed the Third Step of keeping a Customer for Life. "
        "Now, we’re sharing the Fourth and Final Step. While the 3rd step is the"
    )
    assert excerpt_summary(excerpt) == (
        "Two weeks ago, we addressed the Third Step of keeping a Customer for Life. "
        "Now, we’re sharing the Fourth and Final Step."
    )
    assert excerpt_summary("Short and cut in the") == "Short and cut in the …"


@pytest.mark.parametrize(
    ("last", "takeaway"),
    [
        ("Become an empathy expert.", "Become an empathy expert."),
        (
            "Use empathy as a strength. Make it your superpower.",
            "Use empathy as a strength. Make it your superpower.",
        ),
        ("Are you selfless?", ""),
        ("- a list item", ""),
        ("A long closing paragraph. " * 8, ""),
        ("One. Two. Three sentences.", ""),
    ],
)
def test_takeaway_is_a_short_closing_lesson(last: str, takeaway: str) -> None:
    assert find_takeaway(f"An opening paragraph of the tip.\n\n{last}") == takeaway


def test_no_takeaway_for_a_one_paragraph_body() -> None:
    assert find_takeaway("Become an empathy expert.") == ""


@pytest.mark.parametrize(
    ("title", "text", "series"),
    [
        ("Customer for Life – The First Step", "", Series("Customer for Life", 1)),
        ("Customer for Life – The Third Step", "", Series("Customer for Life", 3)),
        ("Customer for Life - The Second Step", "", Series("Customer for Life", 2)),
        (
            "Customer for Life – The Final Step",
            "the Fourth and Final Step",
            Series("Customer for Life", 4),
        ),
        ("Customer for Life – The Final Step", "no number here", None),
        ("Handling Complaints, Part 2", "", Series("Handling Complaints", 2)),
        ("Handling Complaints (Part III)", "", Series("Handling Complaints", 3)),
        ("Handling Complaints – Part 1", "", Series("Handling Complaints", 1)),
        ("The First Step to Success", "", None),
        ("Look Up, or Look Out!", "", None),
    ],
)
def test_series(title: str, text: str, series: Series | None) -> None:
    assert detect_series(title, text) == series


def test_themes_from_site_tags_and_signal_words(taxonomy: Taxonomy) -> None:
    themes, reasons = assign_themes(
        taxonomy,
        ["caring", "unknown-tag"],
        "Retain through Responsiveness",
        "Loyal customers renew when you keep them informed.",
    )
    assert themes == ["caring", "retention", "responsiveness"]
    assert str(reasons[0]) == "caring: site tag 'caring'"
    assert str(reasons[1]).startswith("retention: ")
    assert "retain×1" in str(reasons[1]) and "renew×1" in str(reasons[1])


def test_no_theme_without_evidence(taxonomy: Taxonomy) -> None:
    themes, reasons = assign_themes(taxonomy, [], "Holiday Poem 2023", "The days are longer.")
    assert themes == [] and reasons == []


# Says what the responsiveness chapter is about without one of its signal words.
KEEP_INFORMED = (
    "Tell Them First",
    "Tell customers what is happening with their order before they have to ask. Honour your "
    "promises about time, and the speed of your answers shows them they matter.",
)


def test_a_tip_no_signal_word_places_goes_to_its_nearest_chapter(
    taxonomy: Taxonomy, repo_root: Path
) -> None:
    title, body = KEEP_INFORMED
    assert assign_themes(taxonomy, [], title, body) == ([], [])  # signal words alone: nothing
    chapters = ChapterSimilarity(taxonomy, shipped_tips(repo_root / "content"))
    themes, reasons = assign_themes(taxonomy, [], title, body, chapters)
    assert themes == ["responsiveness"]
    reason = reasons[0]
    assert reason.nearest is not None and reason.nearest.similarity > 0
    # Explained by the tip's own words it shares with the chapter, and the chapter's tips.
    assert {"promises", "happening"} & set(reason.nearest.words)
    assert str(reason).startswith("responsiveness: nearest chapter (")
    assert "shared words" in str(reason) and "; like “" in str(reason)
    similar = {tip_id for tip_id, _ in reason.nearest.similar}
    in_chapter = {t.id for t in shipped_tips(repo_root / "content") if "responsiveness" in t.themes}
    assert similar and similar <= in_chapter


def test_signal_words_win_over_the_nearest_chapter(taxonomy: Taxonomy, repo_root: Path) -> None:
    chapters = ChapterSimilarity(taxonomy, shipped_tips(repo_root / "content"))
    body = "Tell them what is happening, quickly: call back and follow up promptly."
    themes, reasons = assign_themes(taxonomy, [], "Sorry, and Thank You", body, chapters)
    assert themes == ["responsiveness"] and reasons[0].nearest is None


def test_nothing_near_leaves_the_tip_for_an_editor(taxonomy: Taxonomy, repo_root: Path) -> None:
    chapters = ChapterSimilarity(taxonomy, shipped_tips(repo_root / "content"))
    themes, _ = assign_themes(taxonomy, [], "Rain", "Rain fell on the hills at noon.", chapters)
    assert themes == []


def test_chapters_with_no_tips_yet_still_have_their_own_words(taxonomy: Taxonomy) -> None:
    # A first scrape into an empty folder: only the chapters' titles, descriptions, signals.
    themes, reasons = assign_themes(taxonomy, [], *KEEP_INFORMED, ChapterSimilarity(taxonomy))
    assert themes == ["responsiveness"] and reasons[0].nearest is not None
    assert reasons[0].nearest.similar == ()


def test_precision_on_the_judged_tips(taxonomy: Taxonomy, repo_root: Path) -> None:
    """Every tip placed without giving up much precision (figures in the README)."""
    tips = shipped_tips(repo_root / "content")
    assert {t.id for t in tips} == set(JUDGED)  # every shipped tip is judged
    for learn_from_tips in (False, True):  # the scraper's way, then `themes suggest`'s
        signal, combined = measure(taxonomy, tips, learn_from_tips)
        print(f"\nsignal words only: {signal}\nwith nearest chapter: {combined}")
        assert signal.precision >= 0.9
        assert combined.coverage >= 0.85 and combined.placed > signal.placed
        assert combined.precision >= 0.75
        assert combined.nearest_given and combined.nearest_right / combined.nearest_given >= 0.3


def test_plain_text_drops_markdown() -> None:
    assert plain_text("**Bold** and *em* [link](https://x.org) \\[x\\](y) &lt;b&gt;2") == (
        "Bold and em link [x](y) 2"
    )
