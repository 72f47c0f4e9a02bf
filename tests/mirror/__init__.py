"""A faithful local mirror of the tip archive, built from the seeds, for the scraper tests."""
