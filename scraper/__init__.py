"""Crawl the Customer Service Tip of the Week archive into tip files."""
