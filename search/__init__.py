"""Full-text search over the tips with Whoosh (the only place that imports whoosh)."""
