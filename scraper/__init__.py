"""Crawl the Customer Service Tip of the Week archive into tip files.

One module per stage, wired together by `pipeline.scrape`:
discover (archives, pagination, URLs) → fetch (the one HTTP client: robots.txt, delays,
retries, cache) → extract (title, date, tags, body HTML) → convert (safe Markdown) →
classify (summary, takeaway, series, themes) → write (atomic, editors' files kept).
`doors` reads the REST API, feeds and sitemaps, `images` keeps the posts' images, `excerpt`
and `series` are the theme-independent cleaning rules, `report` holds the typed outcome
(the CLI's terminal display is `tipbook.scrape_output`). `netsafe` is what a hostile server
cannot do (the address policy, bounded bodies). A run (`pipeline._Run`) is made of units
by job over shared state (`runstate`): `discovery`, `sitemap_reading`, `post_fetching`,
`tip_writing`.
"""
