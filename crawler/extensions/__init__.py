"""Scrapy extensions: components wired by signals rather than by items."""
