"""Full-text search over the tips with Whoosh (the only place that imports whoosh)."""

# The served search index of a build, inside the built site, so the pages and the index
# `tipbook serve` answers from go live together (one publish swaps both). Hidden: MkDocs
# keeps hidden entries, and `tipbook serve` never serves this folder as files. Here, not
# in search.indexer, so the server names it without importing Whoosh.
PUBLISHED_INDEX = ".tipbook-search"
