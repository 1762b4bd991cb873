"""news-store: read the store from the shell (stats, search, export, rejects, runs, sources)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TextIO

import click

from .records import StoredArticle
from .schema import ARTICLE_COLUMNS, JSON_COLUMNS
from .store import Store, StoreError, utc_bound


class IsoDate(click.ParamType):
    """An ISO 8601 date or datetime; naive values are UTC."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            utc_bound(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date or datetime (e.g. 2020-07-28 or 2020-07-28T15:00:00+03:00)",
                      param, ctx)
        return value


def _open(ctx: click.Context) -> Store:
    """The --db store, read-only; a file that is not a usable store ends the command with one line."""
    path = Path(ctx.obj)
    if not path.is_file():
        raise click.ClickException(f"no store at {path}: crawl first, or pass --db PATH (or set NEWS_DB_PATH)")
    try:
        return ctx.with_resource(Store(path))
    except StoreError as error:
        raise click.ClickException(str(error)) from error


class StoreGroup(click.Group):
    """Commands over one store: an SQLite error while reading (a damaged file) is one line, exit 1.

    Other packages add commands through the `news_store.commands` entry point group (as datasette
    and sqlite-utils plugins do): the crawler's `ingest`, without storage/ importing the crawler.
    A plugin is imported only when its command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(point.name for point in _plugins())})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        for point in _plugins():
            if point.name == name:
                try:
                    return point.load()
                except ImportError as error:  # a missing optional extra (redis)
                    raise click.ClickException(f"{name} is unavailable: {error} "
                                               "(pip install 'news-crawler[redis]')") from error
        return None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.Error as error:
            raise click.ClickException(f"cannot read the store {ctx.obj}: {error}") from error


def _plugins() -> list[Any]:
    return list(entry_points(group="news_store.commands"))


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print rows as aligned columns: numbers right, text left, None as '-'."""
    rows = [["-" if v is None else v for v in row] for row in rows]
    widths = [max([len(h)] + [len(str(row[i])) for row in rows]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    for row in [list(headers), *rows]:
        cells = [str(v).rjust(w) if num else str(v).ljust(w) for v, w, num in zip(row, widths, numeric)]
        click.echo("  ".join(cells).rstrip())


def _json_lines(objects: Iterable[Any]) -> None:
    for obj in objects:
        click.echo(json.dumps(obj if isinstance(obj, dict) else asdict(obj), ensure_ascii=False))


since_option = click.option("--since", type=IsoDate(), help="Published at or after this date/time (UTC unless it has an offset).")
until_option = click.option("--until", type=IsoDate(), help="Published before this date/time.")
source_option = click.option("--source", help="Only this source.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
FORMATS = ("table", "jsonl", "csv")


def output_options(command):
    """One set of output options for every listing command (as sqlite-utils shares its own):
    `--format table|jsonl|csv`, and `--json`, short for `--format jsonl`."""
    command = click.option("--json", "as_json", is_flag=True, help="Same as --format jsonl.")(command)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table: aligned columns; jsonl: one JSON object a line; csv: a header, then one "
                             "row an object (lists and objects as JSON).")(command)


def _emitted(objects: Iterable[Any], fmt: str, as_json: bool) -> bool:
    """Print `objects` as JSON lines or CSV and return True; False for a table (the command's own)."""
    fmt = "jsonl" if as_json else fmt
    if fmt == "jsonl":
        _json_lines(objects)
        return True
    if fmt == "csv":
        rows = [obj if isinstance(obj, dict) else asdict(obj) for obj in objects]
        headers = list(rows[0]) if rows else []
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if headers:
            writer.writerow(headers)
        for row in rows:
            writer.writerow([json.dumps(row[h], ensure_ascii=False) if isinstance(row[h], list | dict) else row[h]
                             for h in headers])
        click.echo(out.getvalue(), nl=False)
        return True
    return False


@click.group(cls=StoreGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", envvar="NEWS_DB_PATH", default="news.db", show_default=True,
              type=click.Path(dir_okay=False), help="The store to read (default: $NEWS_DB_PATH, else news.db).")
@click.pass_context
def main(ctx: click.Context, db_path: str) -> None:
    """Read the news store: what is in it, full-text search, exports, rejects and crawl runs.

    \b
    Example:
        news-store --db news.db stats
    """
    ctx.obj = db_path


@main.command()
@json_option
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Totals and per-source article counts.

    \b
    Example:
        news-store --db news.db stats
    """
    totals = _open(ctx).stats()
    if as_json:
        _json_lines([totals])
        return
    click.echo(f"{totals.path}  (schema {totals.schema})")
    click.echo(f"articles {totals.articles}, rejects {totals.rejects}, crawl runs {totals.crawl_runs}")
    if totals.first_published:
        click.echo(f"published {totals.first_published} .. {totals.last_published}; last fetched {totals.last_fetched}")
    click.echo()
    _table(["source", "articles"], totals.articles_by_source.items())
    if totals.rejects_by_reason:
        click.echo()
        _table(["reject reason", "pages"], totals.rejects_by_reason.items())


@main.command()
@click.argument("query")
@source_option
@since_option
@until_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="At most this many hits.")
@click.option("--raw", is_flag=True, help="QUERY is SQLite FTS5 syntax (OR, NOT, \"phrase\", prefix*).")
@output_options
@click.pass_context
def search(ctx: click.Context, query: str, source: str | None, since: str | None, until: str | None,
           limit: int, raw: bool, fmt: str, as_json: bool) -> None:
    """Full-text search over titles and bodies, best match first.

    Every word must match, in any order; --raw passes FTS5 syntax through.

    \b
    Examples:
        news-store search Peshmerga
        news-store search "oil exports" --source gulf-wire --since 2020-01-01
        news-store search --raw "Kirkuk OR Erbil" --limit 5
    """
    store = _open(ctx)
    try:
        hits = list(store.search(query, source=source, since=since, until=until, limit=limit, raw=raw))
    except sqlite3.OperationalError as error:  # bad --raw syntax
        raise click.ClickException(f"bad search query {query!r}: {error}") from error
    if _emitted(({**hit.article.to_dict(), "snippet": hit.snippet} for hit in hits), fmt, as_json):
        return
    if not hits:
        click.echo(f"no articles match {query!r}", err=True)
    for hit in hits:
        article = hit.article
        click.echo(f"{article.published_at or '(undated)'}  {article.source}  {article.title}")
        click.echo(f"    {article.url}")
        click.echo(f"    {' '.join(hit.snippet.split())}")


EXPORT_COLUMNS = [*ARTICLE_COLUMNS, "cluster_id"]


def _csv_row(article: StoredArticle) -> list[Any]:
    row = article.to_dict()
    return [json.dumps(row[c], ensure_ascii=False) if c in JSON_COLUMNS else row[c] for c in EXPORT_COLUMNS]


def _write(articles: Iterable[StoredArticle], out: TextIO, fmt: str) -> int:
    written = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for article in articles:
            writer.writerow(_csv_row(article))
            written += 1
    else:
        for article in articles:
            out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
            written += 1
    return written


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per line (arrays as arrays); csv: a header row, arrays as JSON text.")
@source_option
@since_option
@until_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write here instead of standard output.")
@click.pass_context
def export(ctx: click.Context, fmt: str, source: str | None, since: str | None, until: str | None, output: str) -> None:
    """Export articles, newest first, streamed (constant memory, any store size).

    A progress bar shows on a terminal when the rows go to a file or a pipe.

    \b
    Examples:
        news-store export --format jsonl > articles.jsonl
        news-store export --format csv --source gulf-wire --since 2020-07-01 -o gulf.csv
    """
    store = _open(ctx)
    to_stdout = output == "-"
    out = sys.stdout if to_stdout else ctx.with_resource(open(output, "w", encoding="utf-8", newline=""))
    articles = store.articles(source=source, since=since, until=until)
    show_bar = _isatty(sys.stderr) and not (to_stdout and _isatty(out))
    if show_bar:
        total = store.count_articles(source=source, since=since, until=until)
        with click.progressbar(articles, length=total, label="exporting", file=sys.stderr) as bar:
            written = _write(bar, out, fmt)
    else:
        written = _write(articles, out, fmt)
    out.flush()
    if not to_stdout:
        click.echo(f"exported {written} articles to {output}", err=True)


def _isatty(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@main.command()
@click.option("--reason", help="Only this reason (see `news-store stats` for the counts).")
@source_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="At most this many.")
@output_options
@click.pass_context
def rejects(ctx: click.Context, reason: str | None, source: str | None, limit: int, fmt: str, as_json: bool) -> None:
    """Pages the crawls saw and did not store, last seen first, with why and how many times
    (a URL rejected again for the same reason keeps one row).

    \b
    Examples:
        news-store rejects --reason too_short
        news-store rejects --source gulf-wire --limit 10
    """
    rows = list(_open(ctx).rejects(reason=reason, source=source, limit=limit))
    if _emitted(rows, fmt, as_json):
        return
    _table(["last_seen", "times", "source", "reason", "status", "url", "detail"],
           ([r.seen_at, r.times_seen, r.source, r.reason, r.status, r.url, (r.detail or "")[:80]] for r in rows))


@main.command()
@source_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="At most this many.")
@output_options
@click.pass_context
def runs(ctx: click.Context, source: str | None, limit: int, fmt: str, as_json: bool) -> None:
    """Crawl runs, newest first: one row per run and source, with what each did.

    \b
    Example:
        news-store runs --source gulf-wire --limit 5
    """
    rows = _open(ctx).runs(source=source, limit=limit)
    if _emitted(rows, fmt, as_json):
        return
    _table(
        ["run_id", "source", "started_at", "seconds", "finish_reason", "discovered", "fetched", "new",
         "updated", "duplicates", "rejected", "complete", "health"],
        ([r.run_id, r.source, r.started_at, None if r.duration_seconds is None else round(r.duration_seconds),
          r.finish_reason, r.discovered, r.fetched, r.stored_new, r.updated, r.duplicates, r.rejected,
          _complete(r), _run_health(r)] for r in rows),
    )


def _run_health(run) -> str:
    """A run's health in one cell: its warning, `ok`, or why it was not judged."""
    if run.finish_reason == "running":
        return ""
    return run.health_warning or run.health.get("note") or ("ok" if run.health.get("pages") else "")


@main.command()
@output_options
@click.pass_context
def sources(ctx: click.Context, fmt: str, as_json: bool) -> None:
    """Every source in the store: articles, rejects, runs, last run, and the health of the last
    run that fetched enough article pages to judge (share of article pages that gave an article,
    author and date fill rates, with a warning when one dropped sharply against earlier runs: a
    layout change); when the last run fetched too little (an incremental run, no change), the
    health column says so and names the run the figures are from.

    \b
    Example:
        news-store sources
    """
    rows = _open(ctx).sources()
    if _emitted(rows, fmt, as_json):
        return

    def rate(summary, name: str) -> str:
        value = summary.health.get(name)
        return "" if value is None else f"{value:.0%}"

    def verdict(summary) -> str:
        judged = not summary.health.get("note")
        text = (summary.health_warning or ("ok" if summary.health.get("pages") else "")) if judged else ""
        if summary.last_run_note and judged:  # the columns are of an earlier run: say which, and why
            text += f" (run of {summary.health_run}); last run {summary.last_run_note}"
        return text or summary.health.get("note") or ""

    _table(["source", "articles", "rejects", "runs", "last_run", "pages", "article%", "author%", "date%", "health",
            "complete"],
           ([s.source, s.articles, s.rejects, s.runs, s.last_run_finished, s.health.get("pages", ""),
             rate(s, "article_rate"), rate(s, "author_rate"), rate(s, "date_rate"), verdict(s), _complete(s)]
            for s in rows))
    for s in rows:
        if s.complete is False:
            click.echo(f"WARNING: {s.source}: last crawl incomplete: {s.incomplete}", err=True)


def _complete(summary) -> str:
    if summary.complete is None:
        return ""
    return "yes" if summary.complete else "NO"


@main.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Upgrade the store to this version's schema, printing each migration applied.

    Readers never change the file they read: a store written by an older version is upgraded by
    the next crawl into it, or by this command. Safe while a crawl runs (the migrations wait for
    its write) and when nothing is pending.

    \b
    Example:
        news-store --db news.db migrate
    """
    path = Path(ctx.obj)
    if not path.is_file():
        raise click.ClickException(f"no store at {path}: nothing to migrate (a crawl creates the store)")
    try:
        store = ctx.with_resource(Store(path, write=True))
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    for name in store.applied_now:
        click.echo(f"applied {name}")
    version = store.schema_version()
    click.echo(f"store {path} is at schema {version} ({store.stats().schema})"
               + ("" if store.applied_now else ": nothing to do"))


METADATA = "datasette-metadata.json"


def datasette_metadata_for(db_path: str | Path) -> dict[str, Any]:
    """The shipped Datasette metadata, keyed by the database name Datasette gives `db_path` (its stem)."""
    metadata = json.loads(resources.files(__package__).joinpath(METADATA).read_text(encoding="utf-8"))
    metadata["databases"] = {Path(db_path).stem: metadata["databases"]["news"]}
    return metadata


@main.command("datasette-metadata")
@click.pass_context
def datasette_metadata(ctx: click.Context) -> None:
    """Print Datasette metadata (facets, search, sort) for the --db store.

    Datasette names a database after its file, so the shipped storage/datasette-metadata.json
    fits news.db; this prints the same for any file name.

    \b
    Example:
        news-store --db example.db datasette-metadata > example-metadata.json
        datasette example.db -m example-metadata.json
    """
    click.echo(json.dumps(datasette_metadata_for(ctx.obj), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

