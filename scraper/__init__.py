"""Crawl the Customer Service Tip of the Week archive into tip files.

One module per stage, wired together by `pipeline.scrape`:
discover (archives, pagination, URLs) → fetch (the one HTTP client: robots.txt, delays,
retries, cache) → extract (title, date, tags, body HTML) → convert (safe Markdown) →
classify (summary, takeaway, series, themes) → write (atomic, editors' files kept).
`report` holds the typed outcome, `console` the progress display for the CLI.
"""
