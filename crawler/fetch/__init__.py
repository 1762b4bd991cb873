"""Fetching: downloader and spider middlewares (politeness, retries, redirects, depth cuts,
per-source download counts) and the names of fetch failures."""
