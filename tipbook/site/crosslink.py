"""Cross-links between tips: the related tips each tip page lists.

The ranking itself is the search package's (`search.related.related_tips`, content
similarity computed once for the whole collection in about linear time); this module only
makes its answer safe for the site: never the tip itself, only tips in this build, at most
`k`, in the engine's (deterministic) order.
"""

from __future__ import annotations

from tipbook.site.collect import Collection

RELATED_COUNT = 5


def related_map(collection: Collection, k: int = RELATED_COUNT) -> dict[str, list[str]]:
    """Map every tip id of the collection to the ids of its `k` most related tips."""
    from search.related import related_tips  # heavy (whoosh's stemmer): import when needed

    ranked = related_tips(collection.tips, k=k)
    result: dict[str, list[str]] = {}
    for tip in collection.tips:
        ids = [
            other
            for other in dict.fromkeys(ranked.get(tip.id, []))
            if other != tip.id and collection.get(other) is not None
        ]
        result[tip.id] = ids[:k]
    return result
