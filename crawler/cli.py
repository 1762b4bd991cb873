"""`news-crawl`: tools for maintainers adding sources — record a fixture, probe a new site."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import click

from crawler.discovery import feed_links, read_sitemap, sitemaps_from_robots
from crawler.discovery.wordpress import api_root, posts_url
from crawler.extract import Article, extract_article
from crawler.settings import USER_AGENT
from crawler.sources import SourceError, load_sources

EXPECTED_FIELDS = ("url", "title", "body", "authors", "published_at", "modified_at", "language",
                   "description", "image", "site_name", "categories", "tags")
KEPT_HEADERS = ("Content-Type", "Link", "Last-Modified", "ETag")


def fetch(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes, str]:
    """(status, headers, body, final URL) of a GET; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read(), url


def _slug(url: str) -> str:
    path = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    path = re.sub(r"\.html?$", "", path)
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:60] or "home"


def _source_hints(sources_path: str, name: str) -> dict:
    try:
        sources = {s.name: s for s in load_sources(sources_path)}
    except SourceError:
        return {}
    source = sources.get(name)
    if source is None:
        return {}
    hints = {"timezone": source.timezone, "language": source.language, "prune": source.prune}
    return {k: v for k, v in hints.items() if v}


@click.group()
def main() -> None:
    """Tools for maintainers: record fixtures, probe new sites."""


@main.command()
@click.argument("url")
@click.option("--source", "source_name", required=True, help="Source name: the fixture goes to fixtures/pages/<source>/.")
@click.option("--case", help="Case folder name (default: from the URL's last path segment).")
@click.option("--file", "saved_file", type=click.Path(exists=True, dir_okay=False), help="Read the page from a saved file instead of fetching URL.")
@click.option("--content-type", default="text/html; charset=utf-8", show_default=True, help="Content-Type of a --file page.")
@click.option("--fixtures", default="fixtures/pages", show_default=True, type=click.Path(file_okay=False))
@click.option("--sources", "sources_path", envvar="NEWS_SOURCES", default="sources.toml", show_default=True,
              help="Declared sources: the source's timezone/language/prune become the fixture's hints.")
def record(url: str, source_name: str, case: str | None, saved_file: str | None, content_type: str,
           fixtures: str, sources_path: str) -> None:
    """Record URL as a fixture with a draft expected.json to review.

    Example: news-crawl record https://example.com/2025/01/02/story/ --source example
    """
    if saved_file:
        status, headers, body, final_url = 200, {"Content-Type": content_type}, Path(saved_file).read_bytes(), url
    else:
        status, headers, body, final_url = fetch(url)
    folder = Path(fixtures) / source_name / (case or _slug(final_url))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "response.html").write_bytes(body)
    kept = {k: v for k, v in headers.items() if k.title() in KEPT_HEADERS}
    (folder / "response.json").write_text(
        json.dumps({"url": final_url, "status": status, "headers": kept}, indent=1, ensure_ascii=False) + "\n")
    hints = _source_hints(sources_path, source_name)
    if hints:
        (folder / "hints.json").write_text(json.dumps(hints, indent=1, ensure_ascii=False) + "\n")
    result = extract_article(body, final_url, content_type=kept.get("Content-Type"), **hints)
    if not isinstance(result, Article):
        click.echo(f"{folder}: the page is rejected ({result.reason}: {result.detail}); no expected.json written", err=True)
        raise SystemExit(1)
    expected = {name: getattr(result, name) for name in EXPECTED_FIELDS}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    click.echo(f"recorded {final_url} -> {folder}/ (HTTP {status}, {len(body)} bytes)")
    click.echo("review expected.json by hand against the page: it is a draft from the current extraction")


def _probe_lines(url: str) -> tuple[dict, list[str]]:
    """What a site offers for discovery, as source keys and report lines."""
    base = url if urlsplit(url).path else url + "/"
    found: dict = {"sitemaps": [], "feeds": []}
    report = []
    status, _, body, _ = fetch(urljoin(base, "/robots.txt"))
    robots_sitemaps = sitemaps_from_robots(body.decode("utf-8", "replace")) if status == 200 else []
    report.append(f"robots.txt: HTTP {status}, {len(robots_sitemaps)} Sitemap line(s)")
    candidates = list(dict.fromkeys(robots_sitemaps + [urljoin(base, p) for p in
                                                       ("/sitemap.xml", "/wp-sitemap.xml", "/sitemap_index.xml")]))
    for sitemap in candidates:
        status, _, body, _ = fetch(sitemap)
        parsed = read_sitemap(body, sitemap) if status == 200 else None
        entries = parsed.entries if parsed else None
        report.append(f"sitemap {sitemap}: HTTP {status}" + (f", {len(entries)} entries" if entries is not None else ""))
        if entries and sitemap not in robots_sitemaps:
            found["sitemaps"].append(sitemap)
    status, headers, body, _ = fetch(base)
    html = body.decode("utf-8", "replace")
    feeds = feed_links(html, base)
    report.append(f"home page: HTTP {status}, {len(feeds)} feed(s) declared")
    root = api_root(headers.get("Link"), html, base)
    if root:
        status, _, _, _ = fetch(posts_url(root, 1).replace("per_page=100", "per_page=1"))
        report.append(f"WordPress: REST API at {root}, posts answer HTTP {status}")
        found["kind"] = "wordpress"
    else:
        report.append("WordPress: not detected")
    return found, report


@main.command()
@click.argument("url")
@click.option("--name", help="Source name for the entry (default: from the host).")
def probe(url: str, name: str | None) -> None:
    """Probe a new site (robots.txt, sitemaps, feeds, WordPress REST) and print a [[source]] entry.

    Example: news-crawl probe https://example.com/ --name example
    """
    found, report = _probe_lines(url)
    for line in report:
        click.echo(f"# {line}")
    host = urlsplit(url).hostname or "site"
    slug = name or re.sub(r"[^a-z0-9]+", "-", host.lower().removeprefix("www.")).strip("-")
    click.echo("[[source]]")
    click.echo(f'name = "{slug}"')
    click.echo(f'url = "{url if urlsplit(url).path else url + "/"}"')
    if found.get("kind"):
        click.echo(f'kind = "{found["kind"]}"')
    if found["sitemaps"]:
        click.echo("sitemaps = [" + ", ".join(f'"{s}"' for s in found["sitemaps"]) + "]")
