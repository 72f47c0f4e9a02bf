"""Synonym sets applied at index time: a tip that has one word of a set is indexed with the
set's other words too (`content/synonyms.yml`, loaded by `tipbook.synonyms`).

Expanding the tips rather than the queries keeps the served index (Whoosh) and the static
one (Pagefind, which has no synonym support) in agreement: both index the same added words,
and each search box sends the query as typed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from search.schema import index_terms
from tipbook.errors import ContentError
from tipbook.model import Tip
from tipbook.synonyms import Synonyms, load_synonyms
from tipbook.taxonomy import THEMES_FILE, Theme, load_taxonomy
from tipbook.text import body_text

MAX_REPEAT = 3


class ConceptWords:
    """Finds, for a tip's text, the synonyms it lacks of every set it has a word of.

    Matching uses the search analyzer, so endings, UK spellings and stop words count as
    they do in a query: "apologised" has the set of "apology".
    """

    def __init__(self, synonyms: Synonyms, chapters: Iterable[Theme] = ()) -> None:
        self.sets = [(terms, [" ".join(index_terms(t)) for t in terms]) for terms in synonyms.sets]
        # The chapters as concepts: a tip in a chapter is indexed with the chapter's title
        # ("Apology and Service Recovery"). Not its signal words: they are the classifier's
        # broad clues ("words", "personal", "body language") and, added to every tip of
        # the chapter, they cost keyword queries more than they gave questions (judged MRR
        # 0.89 → 0.85 for 0.70 → 0.71 held out).
        chapters = list(chapters)
        self.chapters = {theme.id: [theme.title] for theme in chapters}
        # Their signal words serve at query time instead: a query that finds nothing is
        # offered the chapter whose signals it has most (the search box, search/tipbook.json).
        self.signals = {theme.id: list(theme.signals) for theme in chapters}

    def chapter_words(self, themes: Iterable[str]) -> list[str]:
        """The titles of the chapters `themes` name."""
        return [word for theme in themes for word in self.chapters.get(theme, [])]

    def added_words(self, tip: Tip) -> list[str]:
        """The words both indexes add to `tip`: its chapters' titles, then `words_for`."""
        return [*self.chapter_words(tip.themes), *self._words_for_terms(tip_terms(tip))]

    def words_for(self, text: str) -> list[str]:
        """The words to add to a tip with this text (empty when no set applies).

        Each set's missing words are added once per time the tip uses the set (at most
        `MAX_REPEAT`), so a tip about apologies ranks above one that says "sorry" once.
        """
        return self._words_for_terms(index_terms(text))

    def _words_for_terms(self, terms: Sequence[str]) -> list[str]:
        if not self.sets:
            return []
        stems = " ".join(terms)
        counts = Counter(stems.split())
        padded = f" {stems} "
        added: list[str] = []
        for terms, term_stems in self.sets:
            uses = [
                (counts[stem] if " " not in stem else padded.count(f" {stem} ")) if stem else 0
                for stem in term_stems
            ]
            repeat = min(sum(uses), MAX_REPEAT)
            if repeat:
                missing = [term for term, used in zip(terms, uses, strict=True) if not used]
                added += missing * repeat
        return added


def tip_terms(tip: Tip) -> list[str]:
    """The terms of `tip_search_text`, from its parts' (`index_terms` memoises each part, so
    the served index, which weights the parts, finds them analysed)."""
    parts = (tip.title, tip.summary, tip.takeaway, body_text(tip.body))
    return [term for part in parts for term in index_terms(part)]


def tip_search_text(tip: Tip) -> str:
    """The words of a tip that decide its synonyms: title, summary, takeaway, body."""
    return "\n".join([tip.title, tip.summary, tip.takeaway, body_text(tip.body)])


def load_concepts(content_dir: Path) -> tuple[ConceptWords, str]:
    """The synonym sets and chapters of `content_dir`, and a digest of both files (the
    index is written again when either changes). Their problems are `tipbook check`'s."""
    synonyms = load_synonyms(content_dir)[0]
    themes_path = Path(content_dir) / THEMES_FILE
    try:
        chapters = list(load_taxonomy(themes_path))
        themes_digest = hashlib.sha256(themes_path.read_bytes()).hexdigest()
    except (ContentError, OSError):
        chapters, themes_digest = [], ""
    digest = hashlib.sha256(f"{synonyms.digest}:{themes_digest}".encode()).hexdigest()
    return ConceptWords(synonyms, chapters), digest
