"""The index's terms are computed without Whoosh's token chain (`search.schema.index_terms`,
for speed): they must be the analyzer's own, word for word, so tips and queries (which go
through the analyzer) still meet, and ranking is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_corpus import TIPS
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from search.indexer import tip_document
from search.schema import build_schema, index_terms, text_analyzer, weighted_content
from tipbook.content import load_tips
from tipbook.model import Tip
from tipbook.text import body_text

REPOSITORY_CONTENT = Path(__file__).resolve().parents[1] / "content"
TRICKY = [
    "Apologise, apologising and apologised: the colour of BEHAVIOUR at the theatre.",
    "A a I i to-do e.g. U.S.A. v1.2.3 3.14 co-worker's e-mail",
    "empath* wild*card **bold** `code` _under_score_ snake_case",
    "İstanbul ÉCOLE straße ﬁne Ǆemal naïve café — “quoted” ½",
    "How do I keep a customer after I made a mistake? Then what should they do?",
    "judgement catalogue dialogues centres centred analysed analyses paralysing",
    "",
    "   \n\n  ",
]


def analyzer_terms(text: str) -> list[str]:
    return [token.text for token in text_analyzer()(text)]


def keywords(tip: Tip) -> list[str]:
    return list(dict.fromkeys([*tip.themes, *tip.tags]))


def texts() -> list[str]:
    tips = [*TIPS, *load_tips(REPOSITORY_CONTENT)]
    parts = [t for tip in tips for t in (tip.title, tip.summary, tip.takeaway)]
    return [*TRICKY, *parts, *(body_text(tip.body) for tip in tips)]


def test_index_terms_are_the_analyzers_terms() -> None:
    checked = texts()
    assert len(checked) > 100
    for text in checked:
        assert list(index_terms(text)) == analyzer_terms(text), text


def test_a_documents_content_terms_are_its_weighted_texts_analysed() -> None:
    for tip in TIPS:
        doc = tip_document(tip, f"content/tips/{tip.id}.md", f"/tips/{tip.id}/")
        text = weighted_content(
            tip.title, tip.summary, tip.takeaway, body_text(tip.body), keywords(tip)
        )
        assert doc["content"] == analyzer_terms(text)
        assert doc["title"] == analyzer_terms(tip.title)
        assert doc["_stored_title"] == tip.title


@pytest.mark.parametrize(
    "query",
    [
        "empathy",
        '"customer service"',
        "apologise transfer",
        "title:compassion",
        "custom*",
        "co-worker",
    ],
)
def test_terms_and_analysed_text_rank_alike(tmp_path: Path, query: str) -> None:
    """An index written from terms scores every tip as one written from the analysed text."""
    scores = []
    for name, as_text in (("terms", False), ("text", True)):
        (tmp_path / name).mkdir()
        index = whoosh_index.create_in(str(tmp_path / name), build_schema())
        with index.writer() as writer:
            for tip in TIPS:
                doc = tip_document(tip, f"content/tips/{tip.id}.md", f"/tips/{tip.id}/")
                if as_text:
                    doc["title"] = doc.pop("_stored_title")
                    doc["content"] = weighted_content(
                        tip.title, tip.summary, tip.takeaway, body_text(tip.body),
                        keywords(tip),
                    )  # fmt: skip
                writer.add_document(**doc)
        with index.searcher() as searcher:
            parsed = QueryParser("content", index.schema).parse(query)
            hits = searcher.search(parsed, limit=None)
            scores.append({hit["id"]: round(hit.score, 9) for hit in hits})
            assert all(hit["title"] for hit in hits)
    assert scores[0] and scores[0] == scores[1]
