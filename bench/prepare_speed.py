"""CPU time of `crawler.prepare.prepare` per page, beside trafilatura's, and the records it makes.

Two page sets: N article pages of a generated bench site (bench/throughput's, e.g. its 2000-page
listing-only site), extracted with the boilerplate learned from its first 20 as a crawl does, and
the dev set (../shared/extraction-dev). For each page, ours
(`prepare(bytes, url, hints, now)`: decode, extract, parse, normalise, since, MinHash) and
`trafilatura.extract(html, output_format="json", with_metadata=True)` are timed in CPU time
(time.process_time: other processes on the machine do not count), alternated page by page, over
`--rounds` rounds. The ratio of the two is the figure to compare across commits: machine speed
cancels out.

`--dump DIR` writes each page's result (the record with its MinHash and bands, or the rejection)
as JSON, one file a page: diff two dumps (`diff -r`) to check that a change left every record as
it was.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract.boilerplate import LEARN_AFTER, learn_boilerplate  # noqa: E402
from crawler.prepare import prepare  # noqa: E402

SITE = ROOT / "bench" / "out" / "throughput" / "sites" / "listing-2000"
DEV_SET = ROOT.parent / "shared" / "extraction-dev"
BENCH_ORIGIN = "http://127.0.0.1:18089/"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)  # a fixed fetch time: the same page gives the same record


@dataclasses.dataclass
class Page:
    name: str  # file name of its dump
    url: str
    body: bytes
    hints: dict


def bench_pages(site: Path, limit: int) -> list[Page]:
    """The first `limit` article pages of a bench site (date paths, in name order), with the
    boilerplate a crawl learns from the site's first LEARN_AFTER articles as their hint: a
    crawl extracts all its later pages with it."""
    files = sorted(site.glob("20*/*/*/*/index.html"))[:limit]
    bodies = [path.read_bytes() for path in files]
    hints = {"content_type": "text/html", "min_body_chars": 200}
    learned = learn_boilerplate(bodies[:LEARN_AFTER])
    if learned:
        hints["boilerplate"] = learned.to_json()
    pages = []
    for path, body in zip(files, bodies):
        relative = path.relative_to(site).parent.as_posix()
        pages.append(Page(relative.replace("/", "_"), f"{BENCH_ORIGIN}{relative}/", body, hints))
    return pages


def dev_pages(root: Path, limit: int | None) -> list[Page]:
    """Every dev-set page (gunzipped bytes, its URL from the truth file)."""
    pages = []
    for html_path in sorted((root / "html").glob("*.html.gz"))[:limit]:
        page_id = html_path.name.split(".")[0]
        truth = root / "ground-truth" / f"{page_id}.json"
        url = json.loads(truth.read_text(encoding="utf-8")).get("url") if truth.exists() else None
        pages.append(Page(page_id, url or f"https://dev.invalid/{page_id}", gzip.decompress(html_path.read_bytes()),
                          {"content_type": "text/html"}))
    return pages


def as_json(result) -> dict:
    """Every field of the record (MinHash signature and bands included) or of the rejection."""
    found = {}
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if hasattr(value, "tolist"):  # the numpy signature
            value = value.tolist()
        found[f.name] = value
    return {"type": type(result).__name__, **found}


def trafilatura_json(page: Page) -> str | None:
    import trafilatura

    return trafilatura.extract(page.body.decode("utf-8", "replace"), url=page.url, output_format="json",
                               with_metadata=True)


def measure(pages: list[Page], rounds: int, baseline: bool) -> tuple[list[float], list[float]]:
    """CPU seconds of ours and of trafilatura per page, the smaller of `rounds` runs of each."""
    ours = [float("inf")] * len(pages)
    theirs = [float("inf")] * len(pages)
    clock = time.process_time
    for _ in range(rounds):
        for index, page in enumerate(pages):
            start = clock()
            prepare(page.body, page.url, page.hints, NOW)
            ours[index] = min(ours[index], clock() - start)
            if baseline:
                start = clock()
                trafilatura_json(page)
                theirs[index] = min(theirs[index], clock() - start)
    return ours, theirs


def report(label: str, pages: list[Page], ours: list[float], theirs: list[float], baseline: bool) -> None:
    def ms(values: list[float]) -> str:
        return f"mean {1000 * statistics.fmean(values):6.2f}  median {1000 * statistics.median(values):6.2f}"

    print(f"{label:<6} {len(pages):4d} pages  prepare ms/page: {ms(ours)}", end="")
    if baseline:
        ratio = sum(ours) / sum(theirs)
        print(f"  | trafilatura.extract: {ms(theirs)}  | ours/trafilatura {ratio:.3f}")
    else:
        print()


def dump(pages: list[Page], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for page in pages:
        result = prepare(page.body, page.url, page.hints, NOW)
        text = json.dumps(as_json(result), ensure_ascii=False, indent=1, sort_keys=True)
        (directory / f"{page.name}.json").write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE, help="a bench site's directory (default: %(default)s)")
    parser.add_argument("--pages", type=int, default=300, help="bench pages (default: %(default)s)")
    parser.add_argument("--dev-set", type=Path, default=DEV_SET, help="default: %(default)s")
    parser.add_argument("--dev-limit", type=int, help="only the first N dev pages")
    parser.add_argument("--only", choices=("bench", "dev"), help="one page set only")
    parser.add_argument("--rounds", type=int, default=1, help="time each page this many times, keep the least")
    parser.add_argument("--no-baseline", action="store_true", help="do not time trafilatura")
    parser.add_argument("--dump", type=Path, help="write each page's record as JSON under DIR/bench, DIR/dev")
    parser.add_argument("--no-timing", action="store_true", help="only --dump")
    args = parser.parse_args(argv)

    sets = []
    if args.only != "dev":
        if not args.site.is_dir():
            print(f"no bench site at {args.site} (make one with bench/throughput/bench.py)", file=sys.stderr)
            return 2
        sets.append(("bench", bench_pages(args.site, args.pages)))
    if args.only != "bench":
        if not (args.dev_set / "html").is_dir():
            print(f"no dev set at {args.dev_set}", file=sys.stderr)
            return 2
        sets.append(("dev", dev_pages(args.dev_set, args.dev_limit)))
    if args.dump:
        for label, pages in sets:
            dump(pages, args.dump / label)
            print(f"{label}: {len(pages)} records written to {args.dump / label}")
    if args.no_timing:
        return 0
    baseline = not args.no_baseline
    for label, pages in sets:
        for page in pages[:5]:  # warm caches and lazy imports
            prepare(page.body, page.url, page.hints, NOW)
            if baseline:
                trafilatura_json(page)
        ours, theirs = measure(pages, args.rounds, baseline)
        report(label, pages, ours, theirs, baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
