"""The related-tips engine: content similarity, tie-breakers, fill-in, determinism."""

from __future__ import annotations

import datetime as dt
import random

from search.related import related_tips
from tipbook.model import Series, Tip
from tipbook.terms import term_frequencies, terms

DAY = dt.date(2020, 1, 7)


def tip(n: int, title: str, body: str = "", themes: list[str] | None = None, **kw) -> Tip:
    return Tip(
        title=title,
        date=DAY + dt.timedelta(days=7 * n),
        themes=themes or [],
        body=body,
        **kw,
    )


APOLOGY = [
    tip(0, "Say sorry like you mean it", "An apology after a mistake: apologize sincerely."),
    tip(1, "The art of the apology", "Apologizing for a transfer; sorry the customer waited."),
    tip(2, "Never too late to apologize", "A late apology still repairs the mistake."),
]
TEAM = [
    tip(3, "Hand off to a co-worker", "Handoffs between peers and co-workers on the team."),
    tip(4, "Build up your peers", "Praise your co-worker before the handoff; peers count."),
    tip(5, "Teamwork across departments", "Peers in other departments share the handoff."),
]
BODY = [
    tip(6, "Body language speaks", "Eye contact, a nod and posture convey compassion."),
    tip(7, "Eye contact matters", "Posture and eye contact show you listen; nod."),
]


def test_terms_are_stemmed_and_stop_words_dropped() -> None:
    assert terms("Apologize! The apology, apologizing") == ["apolog"] * 3
    assert terms("transferred transfers") == ["transfer"] * 2
    assert terms("and the of you your") == []
    assert "http" not in terms("see https://example.com/page and [a link](http://x.y/z)")


def test_title_weighs_more_than_body() -> None:
    counts = term_frequencies(tip(0, "Empathy", "empathy"))
    assert counts["empathi"] == 4  # three for the title, one for the body


def test_related_tips_follow_content() -> None:
    related = related_tips(APOLOGY + TEAM + BODY, k=2)
    for group in (APOLOGY, TEAM):
        for member in group:
            expected = {t.id for t in group} - {member.id}
            assert set(related[member.id]) == expected, member.title
    assert related[BODY[0].id][0] == BODY[1].id


def test_never_itself_and_k_results() -> None:
    tips = APOLOGY + TEAM + BODY
    related = related_tips(tips, k=5)
    assert set(related) == {t.id for t in tips}
    for tip_id, others in related.items():
        assert tip_id not in others
        assert len(others) == 5
        assert len(set(others)) == 5


def test_k_larger_than_collection_and_edge_cases() -> None:
    related = related_tips(APOLOGY, k=10)
    assert all(len(v) == 2 for v in related.values())
    assert related_tips([], k=5) == {}
    assert related_tips(APOLOGY, k=0) == {t.id: [] for t in APOLOGY}
    assert related_tips(APOLOGY[:1]) == {APOLOGY[0].id: []}


def test_deterministic_whatever_the_order() -> None:
    tips = APOLOGY + TEAM + BODY
    expected = related_tips(tips)
    for seed in range(5):
        shuffled = tips[:]
        random.Random(seed).shuffle(shuffled)
        assert related_tips(shuffled) == expected


def test_ties_go_to_same_series_then_shared_themes() -> None:
    text = "Greeting every caller warmly with a smile"
    me = tip(0, "Warm greetings", text, ["courtesy"], series=Series("Greetings", 1))
    same_series = tip(1, "Warm greetings", text, series=Series("Greetings", 2))
    shared_theme = tip(2, "Warm greetings", text, ["courtesy"])
    plain = tip(3, "Warm greetings", text)
    related = related_tips([plain, shared_theme, same_series, me], k=3)
    assert related[me.id] == [same_series.id, shared_theme.id, plain.id]


def test_tips_without_shared_words_are_filled_from_themes_and_series() -> None:
    lonely = tip(0, "Xylophones", "Quixotic zephyrs.", ["empathy"])
    theme_mate = tip(1, "Wombats", "Juxtaposed fjords.", ["empathy"])
    series_a = tip(2, "Alpha", "Mnemonic", series=Series("Saga", 1))
    series_b = tip(3, "Beta", "Pneumatic", series=Series("Saga", 2))
    others = [tip(10 + i, f"Unrelated {i}", f"word{i}") for i in range(3)]
    related = related_tips([lonely, theme_mate, series_a, series_b, *others], k=2)
    assert related[lonely.id][0] == theme_mate.id
    assert related[series_a.id][0] == series_b.id
    assert all(len(v) == 2 for v in related.values())


def test_common_words_do_not_make_everything_related() -> None:
    # Every tip says "customer service"; only the topical words should decide.
    tips = [
        tip(i, f"Customer service {topic}", f"customer service {topic} {topic} {extra}")
        for i, (topic, extra) in enumerate(
            [
                ("refunds", "receipt"),
                ("refunds", "money"),
                ("phones", "voicemail"),
                ("phones", "ringing"),
                ("smiles", "warmth"),
                ("smiles", "greeting"),
            ]
        )
    ]
    related = related_tips(tips, k=1)
    for first, second in zip(tips[::2], tips[1::2], strict=True):
        assert related[first.id] == [second.id]
        assert related[second.id] == [first.id]


def test_large_collection_gets_full_lists() -> None:
    rnd = random.Random(7)
    vocab = sorted({"".join(rnd.choices("bcdfghjklmnpqrstvwxz", k=6)) for _ in range(400)})
    tips = [
        tip(i, " ".join(rnd.sample(vocab, 3)), " ".join(rnd.choices(vocab, k=60)), ["empathy"])
        for i in range(300)
    ]
    related = related_tips(tips)
    assert all(len(v) == 5 and tid not in v for tid, v in related.items())


def test_work_per_tip_is_bounded_not_all_pairs() -> None:
    # Each word is in ~10% of the tips: far more than a postings list keeps.
    from search.related import POSTINGS_DEPTH, TOP_TERMS, _postings, _vectors

    rnd = random.Random(3)
    words = sorted({"".join(rnd.choices("bcdfghjklmnpqrstvwxz", k=7)) for _ in range(500)})
    tips = [tip(i, "Same words", " ".join(rnd.sample(words, 50))) for i in range(400)]
    vectors = _vectors([term_frequencies(t) for t in tips])
    postings = _postings(vectors)
    assert max(len(v) for v in vectors) <= TOP_TERMS
    assert max(len(p) for p in postings.values()) == POSTINGS_DEPTH  # capped
    # So each tip meets at most TOP_TERMS × POSTINGS_DEPTH candidates, not 399.
    assert TOP_TERMS * POSTINGS_DEPTH < 400 * 399
    assert all(len(v) == 5 for v in related_tips(tips).values())
