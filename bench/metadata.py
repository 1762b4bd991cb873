"""Metadata quality on the extraction dev set: title, authors, publish date; ours against trafilatura.

    .venv/bin/python bench/metadata.py                 # all 793 pages
    .venv/bin/python bench/metadata.py --every 4       # a quarter of them (pages 1, 5, 9, ...)
    .venv/bin/python bench/metadata.py --ids 0012,0107 --show title,authors,date
    .venv/bin/python bench/metadata.py --wordpress /tmp/wp-site/truth.json   # the live WordPress site

Both extractors see the same raw bytes in the same run, interleaved page by page (the order
alternates so neither always runs on a warm cache); ms/page is CPU time of this process.

Ours is `extract_article(html, url)`. When it returns a Rejection (not_article, too_short, ...)
the page's metadata is still measured: the page is decoded and parsed as `extract_article` does
and `extract_metadata` is called on that tree directly (outside the timed call), so every page
counts for every field. The baseline is `trafilatura.bare_extraction(html, url=url,
with_metadata=True)`.

Scoring: titles compare after squashing whitespace (quotes, case and punctuation as given).
Authors: the truth's `author` string and each of our names are split into names by the same
rule as our extractor (`authors.split_names`: "A, B", "A and B", "A & B", "A; B"; degrees such
as "MS" or "PhD" dropped), then compared as sets of case-folded, space-squashed names. Dates:
the day of `published_at` against the truth's `publish_date` (a month when the truth gives only
a month). The truth gives a bare day with no zone, so a date counts right when either its day in
the offset the page states or, for a date with an offset, its UTC day is the truth's day (an
evening instant at -05:00 is the next day in UTC); the same run also prints, in brackets, the
strict figures "right day / wrong day (stated offset only)", where only the stated-offset day
counts.

Dev set: WCXB development split (Murrough Foley, 2026), CC-BY-4.0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.devsplit import PARTS, part_of  # noqa: E402  (the tuning / validation split)
from crawler.extract import decode_html, extract_article  # noqa: E402
from crawler.extract.article import _parse  # noqa: E402  (the same parse as extract_article)
from crawler.extract.authors import split_names  # noqa: E402
from crawler.extract.metadata import extract_metadata  # noqa: E402

DEV = ROOT.parent / "shared" / "extraction-dev"


def name_set(names: list[str] | str | None) -> frozenset[str]:
    """Names as a comparable set: split by our rule, case-folded, whitespace squashed."""
    if not names:
        return frozenset()
    items = [names] if isinstance(names, str) else names
    return frozenset(" ".join(n.split()).casefold() for raw in items for n in split_names(raw) if n.strip())


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def ours(raw: bytes, url: str) -> tuple[dict, float, str]:
    """(fields, seconds, outcome) for our extractor."""
    start = time.process_time()
    record = extract_article(raw, url)
    spent = time.process_time() - start
    if record:
        return ({"title": record.title, "authors": record.authors, "date": record.published_at,
                 "provenance": record.provenance}, spent, "article")
    text, _ = decode_html(raw)
    tree = _parse(text)
    meta = extract_metadata(tree, {}, url=url) if tree is not None else None
    if meta is None:
        return {"title": None, "authors": [], "date": None}, spent, record.reason
    values = meta.values
    published = values.get("published_at")
    return ({"title": values.get("title"), "authors": values.get("authors") or [],
             "date": published.isoformat() if published else None, "provenance": meta.provenance},
            spent, record.reason)


def baseline(raw: bytes, url: str) -> tuple[dict, float]:
    start = time.process_time()
    doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True)
    spent = time.process_time() - start
    if doc is None:
        return {"title": None, "authors": [], "date": None}, spent
    return {"title": doc.title, "authors": doc.author or "", "date": doc.date}, spent


def utc_day(value: str | datetime | None) -> str:
    """The UTC day of an instant with an offset ('2025-05-14T19:30:03-07:00' -> '2025-05-15');
    '' for a naive or unparseable one."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value or "")
    except ValueError:
        return ""
    return moment.astimezone(timezone.utc).date().isoformat() if moment.tzinfo else ""


class Score:
    """Counts for one extractor."""

    def __init__(self) -> None:
        self.c: Counter = Counter()
        self.seconds = 0.0
        self.parts: dict[str, "Score"] = {}

    def add(self, got: dict, truth: dict) -> dict[str, bool | str]:
        verdict: dict[str, bool | str] = {}
        self.c["pages"] += 1
        verdict["title"] = squash(got["title"]) == squash(truth.get("title"))
        self.c["title"] += verdict["title"]
        want, have = name_set(truth.get("author")), name_set(got["authors"])
        if truth.get("author"):
            self.c["with_author"] += 1
            verdict["authors"] = have == want
            self.c["authors"] += verdict["authors"]
        else:
            self.c["no_author"] += 1
            verdict["authors"] = not have
            self.c["authors_given"] += bool(have)
        day = truth.get("publish_date")
        if day:
            self.c["with_date"] += 1
            mine = (got["date"] or "")[: len(day)]
            verdict["date"] = "right" if mine == day else "missing" if not mine else "wrong"
            self.c["date_strict_right"] += verdict["date"] == "right"
            if verdict["date"] == "wrong" and utc_day(got["date"])[: len(day)] == day:
                verdict["date"] = "right"
            self.c["date_" + verdict["date"]] += 1
        return verdict

    def row(self, name: str) -> str:
        c = self.c
        pct = lambda a, b: f"{100 * a / b:5.1f}%" if b else "   - "  # noqa: E731
        return (f"| {name:<22} | {pct(c['title'], c['pages'])} | {pct(c['authors'], c['with_author'])} "
                f"| {c['authors_given']:>3} ({pct(c['authors_given'], c['no_author']).strip()}) "
                f"| {pct(c['date_right'], c['with_date'])} ({pct(c['date_strict_right'], c['with_date']).strip()}) "
                f"| {pct(c['date_wrong'], c['with_date'])} "
                f"({pct(c['date_wrong'] + c['date_right'] - c['date_strict_right'], c['with_date']).strip()}) "
                f"| {pct(c['date_missing'], c['with_date'])} | {1000 * self.seconds / max(c['pages'], 1):6.1f} |")


def check_wordpress(truth_path: str) -> None:
    """Fetch every post of the live WordPress test site and compare with its truth.json."""
    import urllib.request

    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    bad = 0
    for post in truth["posts"]:
        raw = urllib.request.urlopen(post["url"], timeout=30).read()
        record = extract_article(raw, post["url"], content_type="text/html; charset=UTF-8")
        # modified_at is left out: the theme's HTML does not show it (the spider's REST hints do)
        want = {"title": post["title"], "authors": [post["author"]], "published_at": post["published"],
                "categories": sorted(c["name"] for c in post["categories"]),
                "tags": sorted(t["name"] for t in post["tags"])}
        got = {} if not record else {"title": record.title, "authors": record.authors,
                                     "published_at": record.published_at,
                                     "categories": sorted(record.categories), "tags": sorted(record.tags)}
        diff = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
        if diff:
            bad += 1
            print(post["url"], diff)
    print(f"WordPress: {len(truth['posts']) - bad}/{len(truth['posts'])} posts match title, authors, "
          "published, categories and tags")


def read_page(page: str, dev: Path = DEV) -> tuple[bytes, str, dict]:
    """(raw bytes, URL, truth) of one dev-set page."""
    raw = gzip.decompress((dev / "html" / f"{page}.html.gz").read_bytes())
    doc = json.loads((dev / "ground-truth" / f"{page}.json").read_text(encoding="utf-8"))
    # one truth file has no URL: give the page a neutral one
    return raw, doc.get("url") or f"https://dev.invalid/pages/{page}", doc["ground_truth"]


def score_ours(pages: list[str], dev: Path = DEV) -> tuple[Score, dict[str, dict]]:
    """Our extractor over `pages`: the counts (and in `.parts`, each part's), and each page's verdicts."""
    score, verdicts = Score(), {}
    score.parts = {part: Score() for part in PARTS}
    for page in pages:
        raw, url, truth = read_page(page, dev)
        got, spent, _ = ours(raw, url)
        score.seconds += spent
        verdicts[page] = score.add(got, truth)
        score.parts[part_of(page)].add(got, truth)
    return score, verdicts


def page_ids(args) -> list[str]:
    ids = sorted(p.name.split(".")[0] for p in (DEV / "html").glob("*.html.gz"))
    if args.part:
        ids = [i for i in ids if part_of(i) == args.part]
    if args.ids:
        wanted = set(args.ids.split(","))
        ids = [i for i in ids if i in wanted]
    ids = ids[args.offset :: args.every]
    return ids[: args.limit] if args.limit else ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=1, help="take every Nth page (subset runs)")
    parser.add_argument("--offset", type=int, default=0, help="start of the --every stride")
    parser.add_argument("--limit", type=int, default=0, help="at most this many pages")
    parser.add_argument("--ids", default="", help="comma-separated page ids")
    parser.add_argument("--show", default="", help="print our misses for fields: title,authors,date")
    parser.add_argument("--dump", default="", help="write one JSON line per page (ours, verdicts) to this file")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura (faster iteration)")
    parser.add_argument("--part", choices=PARTS, help="only the pages of this part of the dev set")
    parser.add_argument("--list-validation", action="store_true",
                        help="--show misses of validation pages too (for reports, not for tuning)")
    parser.add_argument("--wordpress", default="", metavar="TRUTH_JSON",
                        help="instead: check the live WordPress test site against its truth.json")
    args = parser.parse_args()
    if args.wordpress:
        check_wordpress(args.wordpress)
        return
    show = {s for s in args.show.split(",") if s}

    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    mine, theirs = Score(), Score()
    parts = {part: (Score(), Score()) for part in PARTS}
    outcomes: Counter = Counter()
    for n, page in enumerate(page_ids(args)):
        raw, url, truth = read_page(page)
        runs = [lambda: ours(raw, url)] + ([] if args.no_baseline else [lambda: baseline(raw, url)])
        results = [run() for run in (runs if n % 2 == 0 else runs[::-1])]
        if n % 2:
            results.reverse()
        got, spent, outcome = results[0]
        outcomes[outcome] += 1
        mine.seconds += spent
        verdict = mine.add(got, truth)
        part = part_of(page)
        parts[part][0].seconds += spent
        parts[part][0].add(got, truth)
        if not args.no_baseline:
            their, their_spent = results[1]
            theirs.seconds += their_spent
            theirs.add(their, truth)
            parts[part][1].seconds += their_spent
            parts[part][1].add(their, truth)
        if dump:
            dump.write(json.dumps({"id": page, "outcome": outcome, "got": got, "verdict": verdict,
                                   "truth": {k: truth.get(k) for k in ("title", "author", "publish_date")}},
                                  ensure_ascii=False, default=str) + "\n")
        for name in sorted(show if part != PARTS[1] or args.list_validation else ()):
            ok = verdict.get(name)
            if ok not in (True, "right", None):
                want = {"title": truth.get("title"), "authors": truth.get("author"), "date": truth.get("publish_date")}
                field = {"title": "title", "authors": "authors", "date": "published_at"}[name]
                origin = got.get("provenance", {}).get(field)
                print(f"{page} {name} [{outcome}] ({origin}) got={got[name]!r} want={want[name]!r}  {url}")

    c = mine.c
    print(f"\n{c['pages']} pages ({c['with_author']} with an author, {c['no_author']} without; "
          f"{c['with_date']} with a date). Our outcomes: {dict(outcomes)}")
    for name, (ours_score, their_score) in [(PARTS[1], parts[PARTS[1]]), (PARTS[0], parts[PARTS[0]]),
                                            ("whole", (mine, theirs))]:
        if not ours_score.c["pages"]:
            continue
        print(f"\n{name} ({ours_score.c['pages']} pages)")
        print("| extractor              | title exact | authors exact | authors given, truth none "
              "| date right day (stated offset only) | wrong day (stated offset only) | missing | ms/page |")
        print("|---|---|---|---|---|---|---|---|")
        print(ours_score.row("ours (extract_article)"))
        if not args.no_baseline:
            print(their_score.row("trafilatura 2.3.1 bare"))
    if not args.no_baseline:
        print(f"\ntime ratio ours/trafilatura: {mine.seconds / max(theirs.seconds, 1e-9):.2f}x")


if __name__ == "__main__":
    main()
