"""A faithful local mirror of the tip archive, built from the seeds (`seed_posts/`), for the
scraper tests and the scrape benchmark (here, so that benchmarks/ imports nothing from tests/)."""
