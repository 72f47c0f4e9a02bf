"""Cross-links between tips: the related tips each tip page lists.

The ranking itself is the search package's (`search.related.related_tips`, content
similarity computed once for the whole collection in about linear time); this module only
makes its answer safe for the site: never the tip itself, only tips in this build, at most
`k`, in the engine's (deterministic) order.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping

from tipbook.site.collect import Collection

RELATED_COUNT = 5


def related_map(collection: Collection, k: int = RELATED_COUNT) -> dict[str, list[str]]:
    """Map every tip id of the collection to the ids of its `k` most related tips."""
    lazy = RelatedMap(collection, k)
    return {tip.id: lazy[tip.id] for tip in collection.tips}


class RelatedMap(Mapping[str, list[str]]):
    """`related_map`'s answer, each tip's list ranked when first looked up: the site build
    ranks a tip in the process that renders its page (see `search.related.RelatedIndex`)."""

    def __init__(self, collection: Collection, k: int = RELATED_COUNT) -> None:
        from search.related import RelatedIndex  # imported when first needed (with its stemmer)

        self._collection = collection
        self._k = k
        self._index = RelatedIndex(collection.tips, k=k)
        self._ids = list(dict.fromkeys(tip.id for tip in collection.tips))
        self._found: dict[str, list[str]] = {}

    def updated(self, collection: Collection) -> tuple[RelatedMap, set[str]] | None:
        """This map for `collection`, the same tips with some edited (a preview's edit),
        and the ids whose lists may differ: what a new `RelatedMap(collection)` answers
        (`search.related.RelatedIndex.updated`). None: build a new map."""
        found = self._index.updated(collection.tips)
        if found is None:
            return None
        index, stale = found
        new = copy.copy(self)
        new._collection, new._index = collection, index
        new._found = {i: ids for i, ids in self._found.items() if i not in stale}
        return new, stale

    def __getitem__(self, tip_id: str) -> list[str]:
        found = self._found.get(tip_id)
        if found is None:
            if self._collection.get(tip_id) is None:
                raise KeyError(tip_id)
            ids = [
                other
                for other in dict.fromkeys(self._index.of(tip_id))
                if other != tip_id and self._collection.get(other) is not None
            ]
            found = self._found[tip_id] = ids[: self._k]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
