"""`news-crawl`: tools for maintainers adding sources — record a fixture, probe a new site."""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import click

from crawler.discovery import feed_links, read_sitemap, sitemaps_from_robots
from crawler.discovery.wordpress import api_root, posts_url
from crawler.extract import Article
from crawler.prepare import prepare
from crawler.extract.record import EXPECTED_FIELDS
from crawler.settings import USER_AGENT
from crawler.sources import SourceError, load_sources

KEPT_HEADERS = ("Content-Type", "Link", "Last-Modified", "ETag")


class CommandError(click.ClickException):
    """One `Error: …` line on stderr and exit status 1: the command could not do its job."""


class UsageError(CommandError):
    """One `Error: …` line and exit status 2: the command line itself is wrong."""

    exit_code = 2


def http_url(url: str) -> str:
    """`url` when it is an absolute http(s) URL; a UsageError naming the fix otherwise."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return url
    if not parts.scheme or not parts.netloc:  # a bare host such as example.com or example.com/news
        raise UsageError(f"{url!r} is not a URL: did you mean https://{url.lstrip('/')}" + ("" if "/" in url else "/") + "?")
    raise UsageError(f"{url!r}: only http(s) URLs are fetched")


def fetch(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes, str]:
    """(status, headers, body, final URL) of a GET; HTTP errors are returned, not raised; a page
    that cannot be fetched at all (refused, DNS, timeout, broken response) is a CommandError."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read(), url
    except urllib.error.URLError as error:
        raise CommandError(f"cannot fetch {url}: {error.reason}") from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise CommandError(f"cannot fetch {url}: {error or type(error).__name__}") from error


def _slug(url: str) -> str:
    path = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    path = re.sub(r"\.html?$", "", path)
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:60] or "home"


def _declared(sources_path: str, name: str) -> dict:
    """Declared sources by name, with a warning on stderr when `name` is not one of them."""
    try:
        declared = {s.name: s for s in load_sources(sources_path)}
    except (SourceError, OSError) as error:
        click.echo(f"warning: cannot read the declared sources ({error}); recording {name!r} without hints", err=True)
        return {}
    if name not in declared:
        click.echo(f"warning: source {name!r} is not declared in {sources_path} (declared: {', '.join(declared)}); "
                   "recording without its hints", err=True)
    return declared


def _source_hints(source) -> dict:
    hints = {"timezone": source.timezone, "language": source.language, "prune": source.prune,
             "parser": source.parser}
    return {k: v for k, v in hints.items() if v}


def _refuse_reviewed(folder: Path, force: bool) -> None:
    if (folder / "expected.json").exists() and not force:
        raise CommandError(f"{folder}/expected.json exists (reviewed by hand?): nothing recorded; "
                           "pass --force to overwrite it, or --case NAME for a new case")


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
@click.option("--force", is_flag=True, help="Overwrite a case that already has an expected.json.")
def record(url: str, source_name: str, case: str | None, saved_file: str | None, content_type: str,
           fixtures: str, sources_path: str, force: bool) -> None:
    """Record URL as a fixture with a draft expected.json to review.

    Writes nothing unless the page is fetched (HTTP 200) and gives an article; never replaces a
    case's expected.json (reviewed by hand) without --force.

    Example: news-crawl record https://example.com/2025/01/02/story/ --source example
    """
    http_url(url)
    declared = _declared(sources_path, source_name)
    if case:
        _refuse_reviewed(Path(fixtures) / source_name / case, force)
    fetched_at = datetime.now(timezone.utc).replace(microsecond=0)  # the fixture's `now` (crawler.prepare)
    if saved_file:
        status, headers, body, final_url = 200, {"Content-Type": content_type}, Path(saved_file).read_bytes(), url
    else:
        status, headers, body, final_url = fetch(url)
    if status != 200:
        raise CommandError(f"{url} answered HTTP {status}: nothing recorded")
    folder = Path(fixtures) / source_name / (case or _slug(final_url))
    _refuse_reviewed(folder, force)
    kept = {k: v for k, v in headers.items() if k.title() in KEPT_HEADERS}
    hints = _source_hints(declared[source_name]) if source_name in declared else {}
    result = prepare(body, final_url, {"content_type": kept.get("Content-Type"), **hints}, fetched_at)
    if not isinstance(result, Article):
        raise CommandError(f"{final_url}: the page is rejected ({result.reason}: {result.detail}); nothing recorded")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "response.html").write_bytes(body)
    (folder / "response.json").write_text(
        json.dumps({"url": final_url, "status": status, "fetched_at": fetched_at.isoformat(), "headers": kept},
                   indent=1, ensure_ascii=False) + "\n")
    (folder / "hints.json").unlink(missing_ok=True)  # a --force re-record under other hints
    if hints:
        (folder / "hints.json").write_text(json.dumps(hints, indent=1, ensure_ascii=False) + "\n")
    expected = {name: getattr(result, name) for name in EXPECTED_FIELDS}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    click.echo(f"recorded {final_url} -> {folder}/ (HTTP {status}, {len(body)} bytes)")
    click.echo("review expected.json by hand against the page: it is a draft from the current extraction")


def _probe_lines(url: str) -> tuple[dict, list[str]]:
    """What a site offers for discovery, as source keys and report lines."""
    base = url if urlsplit(url).path else url + "/"
    found: dict = {"sitemaps": [], "feeds": []}
    report = []
    status, _, body, _ = fetch(urljoin(base, "/robots.txt"))  # an unreachable site ends here, in one line
    robots_sitemaps = sitemaps_from_robots(body.decode("utf-8", "replace")) if status == 200 else []
    report.append(f"robots.txt: HTTP {status}, {len(robots_sitemaps)} Sitemap line(s)")
    candidates = list(dict.fromkeys(robots_sitemaps + [urljoin(base, p) for p in
                                                       ("/sitemap.xml", "/wp-sitemap.xml", "/sitemap_index.xml")]))
    for sitemap in candidates:
        try:
            status, _, body, _ = fetch(sitemap)
        except CommandError as error:  # one sitemap (maybe on another host) failing is a finding
            report.append(f"sitemap {sitemap}: {error.message}")
            continue
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
        try:
            status, _, _, _ = fetch(posts_url(root, 1).replace("per_page=100", "per_page=1"))
            report.append(f"WordPress: REST API at {root}, posts answer HTTP {status}")
        except CommandError as error:
            report.append(f"WordPress: REST API at {root}, posts: {error.message}")
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
    found, report = _probe_lines(http_url(url))
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


if __name__ == "__main__":
    main()
