"""The only code in search/ that reads Whoosh's private structures (Whoosh-Reloaded 2.7).

Each function has a public-API fallback, so a Whoosh release that changes them is slower,
not wrong; pyproject.toml bounds Whoosh-Reloaded to the releases known good.
"""

from __future__ import annotations

from typing import Any


def postings(matcher: Any) -> tuple[list[int], list[float]]:
    """All (docnums, term frequencies) of a term, a block at a time where Whoosh allows.

    Whoosh's public `Matcher.id()`/`weight()`/`next()` cost three Python calls a posting;
    its codec-w3 leaf matcher decodes whole blocks (`_read_ids`, `_read_weights`, `_ids`,
    `_weights`, `_next_block`: private), which the BM25 tables in `search.rank` read whole.
    """
    leaf = matcher
    while hasattr(leaf, "child") and not hasattr(leaf, "_read_ids"):
        leaf = leaf.child  # deleted tips are filtered out later, by the matched set
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(leaf, "_read_ids") and hasattr(leaf, "_next_block"):
        # Whoosh's own leaf matcher (codec w3): take each decoded block whole.
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            ids.extend(leaf._ids)
            weights.extend(leaf._weights)
            leaf._next_block()
        return ids, weights
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def toc_doc_count(index: Any) -> int:
    """Tips in the index, from its table of contents alone (`Index._read_toc`, private).

    Whoosh's `Index.doc_count()` opens a reader on every segment (~20 ms each at 10,000
    tips) just to add up numbers the table of contents already holds.
    """
    read_toc = getattr(index, "_read_toc", None)
    if read_toc is None:
        return int(index.doc_count())
    return sum(segment.doc_count() for segment in read_toc().segments)


def pattern_terms(q: Any, reader: Any, limit: int) -> list[tuple[str, int]] | None:
    """(term, doc frequency) pairs a prefix or wildcard query matches, at most `limit`;
    None for other queries or when Whoosh's private pattern helpers are gone.

    Walking the term list from the prefix gives each term's frequency with it; Whoosh's
    public `expanded_terms` would cost one more lookup a term. The wildcard's prefix and
    regular expression come from `PatternQuery._find_prefix` / `_get_pattern` (private).
    """
    import itertools
    import re

    from whoosh import query as wq

    if not isinstance(q, wq.PatternQuery):
        return None
    if isinstance(q, wq.Prefix):
        prefix, pattern = q.text, None
    elif hasattr(q, "_find_prefix") and hasattr(q, "_get_pattern"):
        prefix, pattern = q._find_prefix(q.text), re.compile(q._get_pattern())
    else:
        return None
    field = reader.schema[q.fieldname]
    pairs = (
        (field.from_bytes(btext), info.doc_frequency())
        for btext, info in reader.iter_prefix(q.fieldname, prefix)
    )
    matching = ((t, df) for t, df in pairs if pattern is None or pattern.match(t))
    return list(itertools.islice(matching, limit))
