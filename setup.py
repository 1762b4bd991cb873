"""For `scrapyd-deploy`, which builds the Scrapyd egg with `setup.py bdist_egg`: everything is in
pyproject.toml (the `scrapy` entry point names the settings module)."""

from setuptools import setup

setup()
