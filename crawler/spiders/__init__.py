"""Spiders: `news` crawls any news site from its home URL."""
