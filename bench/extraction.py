"""Body-extraction quality and speed on the dev set, against bare trafilatura in the same run.

    .venv/bin/python bench/extraction.py                 # all pages
    .venv/bin/python bench/extraction.py --sample        # the fixed sample the quality gate uses
    .venv/bin/python bench/extraction.py --limit 100     # the first 100 pages by id

The metric is the one in the dev set's README (the ScrapingHub article-extraction benchmark's):
`\\w+` tokens, multisets of 4-token shingles, per page tp/fp/fn; precision is the mean over pages
with a non-empty extraction, recall the mean over pages with a non-empty truth, F1 the harmonic
mean of the two means. A Rejection counts as an empty extraction. Per-page figures go to
bench/out/extraction.csv, worst pages first.

Dev set: the article pages of the WCXB development split (Murrough Foley, 2026), CC-BY-4.0.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from crawler.evaluation import shingles  # noqa: E402  (the dev set README's metric, in one place)
from bench.devsplit import PARTS, part_of  # noqa: E402  (the tuning / validation split)
DEV_SET = ROOT.parent / "shared" / "extraction-dev"
OUT = ROOT / "bench" / "out"

# Comment-section UI: a body holding one of these (and the truth not) leaks the comment block.
COMMENT_UI = (
    "Leave a Reply",
    "Leave a Comment",
    "Post Comment",
    "You are commenting using your",
    "Notify me of new comments",
    "Your email address will not be published",
    "Connecting to %s",
    "Save my name, email",
)
SAMPLE_STEP = 6  # the fixed sample: every 6th scored page in id order (132 pages)


# --- the metric (token shingles from crawler.evaluation, shared with the WordPress tests) ------

def match(truth: str, extracted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) shingle counts, normalised to sum to 1 so that long pages weigh no more."""
    want, got = shingles(truth), shingles(extracted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def page_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def page_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


@dataclass
class Score:
    """F1 / precision / recall over pages, from per-page (tp, fp, fn)."""

    f1: float
    precision: float
    recall: float

    @classmethod
    def of(cls, counts: Iterable[tuple[float, float, float]]) -> "Score":
        counts = list(counts)
        precisions = [page_precision(*c) for c in counts if c[0] + c[1] > 0]
        recalls = [page_recall(*c) for c in counts if c[0] + c[2] > 0]
        p = statistics.mean(precisions) if precisions else 0.0
        r = statistics.mean(recalls) if recalls else 0.0
        return cls(2 * p * r / (p + r) if p + r else 0.0, p, r)


def leaks(truth: str, extracted: str) -> list[str]:
    """Comment-UI phrases in the extraction that the truth does not contain."""
    low_truth, low_text = truth.lower(), extracted.lower()
    return [phrase for phrase in COMMENT_UI if phrase.lower() in low_text and phrase.lower() not in low_truth]


# --- the dev set ----------------------------------------------------------------------------

@dataclass
class Page:
    id: str
    url: str
    truth: str
    path: Path

    @property
    def part(self) -> str:
        """'tuning' or 'validation' (bench/devsplit.py)."""
        return part_of(self.id)

    def html(self) -> str:
        """The page decoded by the crawl's own rules (both extractors get the same text)."""
        from crawler.extract import decode_html

        return decode_html(gzip.decompress(self.path.read_bytes()))[0]


def load_pages(root: Path = DEV_SET, *, sample: bool = False, limit: int | None = None,
               ids: Iterable[str] = (), part: str | None = None) -> list[Page]:
    """Dev pages in id order: all, the fixed sample (every SAMPLE_STEP-th), or the given ids;
    only those of `part` ('tuning' or 'validation') when it is given.

    Pages without a truth body or a URL are left out: nothing to score, or no URL to pass.
    """
    pages = []
    for truth_path in sorted((root / "ground-truth").glob("*.json")):
        html_path = root / "html" / f"{truth_path.stem}.html.gz"
        if not html_path.exists():
            continue
        record = json.loads(truth_path.read_text(encoding="utf-8"))
        truth = record.get("ground_truth", {}).get("main_content") or ""
        if truth.strip() and record.get("url"):  # 3 of the 793 pages have no body or no URL
            pages.append(Page(truth_path.stem, record["url"], truth, html_path))
    wanted = set(ids)
    if wanted:
        pages = [p for p in pages if p.id in wanted]
    if part:
        pages = [p for p in pages if p.part == part]
    if sample:
        pages = pages[::SAMPLE_STEP]
    return pages[:limit] if limit else pages


# --- the extractors -------------------------------------------------------------------------

def ours(html: str, url: str) -> tuple[str, str]:
    """(body, rejection reason or '') from the crawler's extract_article."""
    from crawler.extract import extract_article

    record = extract_article(html, url)
    if not record:
        return "", f"{record.reason}: {record.detail}" if record.detail else record.reason
    return record.body, ""


def bare_trafilatura(html: str, url: str) -> tuple[str, str]:
    """(body, '') from trafilatura with comments off and everything else at its defaults."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or "", ""


@dataclass
class Run:
    """One extractor's results over the pages."""

    name: str
    extract: Callable[[str, str], tuple[str, str]]
    counts: list[tuple[float, float, float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    leaked: list[list[str]] = field(default_factory=list)
    errors: int = 0

    def add(self, page: Page, html: str) -> None:
        start = time.perf_counter()
        try:
            text, reason = self.extract(html, page.url)
        except Exception as exc:  # a crash is a result to count, not the end of the bench
            text, reason = "", f"error: {type(exc).__name__}: {exc}"
            self.errors += 1
        self.seconds.append(time.perf_counter() - start)
        self.texts.append(text)
        self.reasons.append(reason)
        self.counts.append(match(page.truth, text))
        self.leaked.append(leaks(page.truth, text))

    def summary(self, indices: Iterable[int] | None = None) -> dict:
        """Figures over the pages at `indices` (all pages when None)."""
        chosen = range(len(self.counts)) if indices is None else list(indices)
        score = Score.of(self.counts[i] for i in chosen)
        seconds = [self.seconds[i] for i in chosen]
        return {
            "pages": len(seconds),
            "F1": score.f1, "P": score.precision, "R": score.recall,
            "leaks": sum(1 for i in chosen if self.leaked[i]),
            "empty": sum(1 for i in chosen if not self.texts[i].strip()),
            "errors": sum(1 for i in chosen if self.reasons[i].startswith("error")),
            "median_ms": 1000 * statistics.median(seconds) if seconds else 0.0,
        }

    def part_summaries(self, pages: list["Page"]) -> dict[str, dict]:
        """Figures per part of the dev set ('tuning', 'validation') and over all pages ('whole')."""
        out = {part: self.summary(i for i, page in enumerate(pages) if page.part == part) for part in PARTS}
        out["whole"] = self.summary()
        return out


def run(pages: list[Page], baseline: bool = True, progress: bool = False) -> list[Run]:
    """Extract every page with ours (and bare trafilatura), interleaved page by page.

    The order alternates between pages so that neither extractor always runs on a warm cache.
    """
    runs = [Run("ours", ours)] + ([Run("trafilatura", bare_trafilatura)] if baseline else [])
    for index, page in enumerate(pages):
        html = page.html()
        for one in (runs if index % 2 == 0 else runs[::-1]):
            one.add(page, html)
        if progress and (index + 1) % 50 == 0:
            print(f"  {index + 1}/{len(pages)}", file=sys.stderr)
    return runs


# --- reporting ------------------------------------------------------------------------------

def write_csv(path: Path, pages: list[Page], runs: list[Run]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, page in enumerate(pages):
        row = {"id": page.id, "part": page.part, "url": page.url, "truth_chars": len(page.truth)}
        for one in runs:
            tp, fp, fn = one.counts[i]
            p, r = page_precision(tp, fp, fn), page_recall(tp, fp, fn)
            row.update({
                f"{one.name}_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                f"{one.name}_p": round(p, 4), f"{one.name}_r": round(r, 4),
                f"{one.name}_chars": len(one.texts[i]),
                f"{one.name}_ms": round(1000 * one.seconds[i], 1),
                f"{one.name}_reason": one.reasons[i],
                f"{one.name}_leaks": "; ".join(one.leaked[i]),
            })
        rows.append(row)
    rows.sort(key=lambda row: row["ours_f1"])
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def print_table(runs: list[Run], pages: list[Page], list_validation: bool = False) -> None:
    """One table per part (validation first: the headline), then the whole set; rejections and leaks.

    Rejected validation pages are counted, and named only with `list_validation` (for the final
    report: a rule is never designed by looking at them)."""
    print(f"{len(pages)} pages: " + ", ".join(f"{part} {sum(p.part == part for p in pages)}" for part in PARTS))
    by_run = [one.part_summaries(pages) for one in runs]
    for part in (PARTS[1], PARTS[0], "whole"):
        if not by_run[0][part]["pages"]:
            continue
        print(f"\n{part} ({by_run[0][part]['pages']} pages)")
        print(f"{'extractor':<12} {'F1':>6} {'P':>6} {'R':>6} {'leaks':>6} {'empty':>6} {'errors':>6} {'ms/page':>8}")
        for one, parts in zip(runs, by_run):
            s = parts[part]
            print(f"{one.name:<12} {s['F1']:6.4f} {s['P']:6.4f} {s['R']:6.4f} {s['leaks']:6d} {s['empty']:6d}"
                  f" {s['errors']:6d} {s['median_ms']:8.1f}")
        if len(by_run) == 2:
            print(f"F1 ours - trafilatura: {by_run[0][part]['F1'] - by_run[1][part]['F1']:+.4f}")
    if len(by_run) == 2 and by_run[1]["whole"]["median_ms"]:
        print(f"\nmedian time ratio ours / trafilatura: "
              f"{by_run[0]['whole']['median_ms'] / by_run[1]['whole']['median_ms']:.2f}")
    rejected = Counter(reason.split(":")[0] for reason in runs[0].reasons if reason)
    if rejected:
        print("ours, rejected or failed:", ", ".join(f"{k} {v}" for k, v in rejected.most_common()))
        for page, reason in zip(pages, runs[0].reasons):
            if reason and (page.part != PARTS[1] or list_validation):
                print(f"  rejected ({page.part}): {page.id} {page.url}: {reason}")
            elif reason:
                print(f"  rejected ({page.part}): one page (--list-validation names it)")
    for one in runs:
        for i, found in enumerate(one.leaked):
            if found and (pages[i].part != PARTS[1] or list_validation or one.name != "ours"):
                print(f"leak ({one.name}, {pages[i].part}): {pages[i].id} {pages[i].url}: {', '.join(found)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev-set", type=Path, default=DEV_SET, help="default: %(default)s")
    parser.add_argument("--limit", type=int, help="only the first N pages (after --sample)")
    parser.add_argument("--sample", action="store_true", help=f"the fixed sample: every {SAMPLE_STEP}th page")
    parser.add_argument("--ids", nargs="*", default=(), help="only these page ids")
    parser.add_argument("--part", choices=PARTS, help="only the pages of this part of the dev set")
    parser.add_argument("--list-validation", action="store_true",
                        help="name rejected and leaking validation pages too (for reports, not for tuning)")
    parser.add_argument("--no-baseline", action="store_true", help="skip bare trafilatura (faster)")
    parser.add_argument("--csv", type=Path, default=OUT / "extraction.csv", help="default: %(default)s")
    parser.add_argument("--dump", type=Path, help="write each page's extractions to this folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if not (args.dev_set / "ground-truth").is_dir():
        print(f"no dev set at {args.dev_set}", file=sys.stderr)
        return 2
    pages = load_pages(args.dev_set, sample=args.sample, limit=args.limit, ids=args.ids, part=args.part)
    runs = run(pages, baseline=not args.no_baseline, progress=sys.stderr.isatty())
    print_table(runs, pages, args.list_validation)
    write_csv(args.csv, pages, runs)
    print(f"per-page figures (worst first): {args.csv}")
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(pages):
            (args.dump / f"{page.id}.truth.txt").write_text(page.truth, encoding="utf-8")
            for one in runs:
                (args.dump / f"{page.id}.{one.name}.txt").write_text(one.texts[i], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
