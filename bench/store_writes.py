"""Store writes/s with FTS5 on: batched transactions (as the crawl writes) vs one autocommit per row.

    .venv/bin/python bench/store_writes.py [--rows 3000] [--batch 200]

Each mode writes the same synthetic articles (~3 KB bodies, words drawn Zipf-like from a 20,000
word vocabulary, as in real text) into a fresh store through `Store.write_batch`, the pipeline's
own call, with the store's own settings (WAL, synchronous=NORMAL; `--synchronous FULL` shows
what the same writes cost when every commit waits for the disk). The store is made in `--dir`
(default: the current directory, where news.db lives) since the cost of a commit is the disk's.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage import Store  # noqa: E402

WORDS = "army port oil dam talks market election court rain".split() + [f"w{n}" for n in range(20_000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]  # Zipf: a few words common, most rare


def make_articles(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    words = lambda k: " ".join(rng.choices(WORDS, WEIGHTS, k=k))  # noqa: E731
    paragraphs = lambda: "\n\n".join(words(90) for _ in range(5))  # noqa: E731
    return [{
        "url": f"https://bench.example/{n}", "source": "bench", "title": words(8),
        "body": paragraphs(), "authors": ["Bench Writer"], "published_at": "2020-07-28T15:16:00+03:00",
        "language": "en", "categories": ["Bench"], "tags": [], "provenance": {}, "content_hash": f"h{n}",
        "fetched_at": "2024-01-01T00:00:00Z",
    } for n in range(count)]


def rows_per_second(articles: list[dict], batch: int, path: Path, synchronous: str) -> float:
    path.unlink(missing_ok=True)
    with Store(path, write=True) as store:
        store.db.execute(f"PRAGMA synchronous = {synchronous}")
        started = time.perf_counter()
        for start in range(0, len(articles), batch):
            store.write_batch(articles[start:start + batch])
        elapsed = time.perf_counter() - started
        assert store.count() == len(articles)
        assert store.db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'army'").fetchone()[0]
    return len(articles) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="where to make the stores")
    parser.add_argument("--synchronous", choices=["NORMAL", "FULL"], default="NORMAL",
                        help="NORMAL is the store's setting; FULL syncs the disk on every commit")
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode, alternating; the best counts")
    args = parser.parse_args()
    articles = make_articles(args.rows)
    runs: dict[int, list[float]] = {args.batch: [], 1: []}
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="store-bench-") as tmp:
        for _ in range(args.repeat):
            for batch, figures in runs.items():
                figures.append(rows_per_second(articles, batch, Path(tmp) / "bench.db", args.synchronous))
    batched, single = max(runs[args.batch]), max(runs[1])
    print(f"store writes, FTS5 on, {args.rows} articles of ~3 KB (WAL, synchronous={args.synchronous}), in {args.dir},"
          f" best of {args.repeat}:")
    print(f"  write_batch of {args.batch}:       {batched:8.0f} rows/s")
    print(f"  one autocommit per row: {single:8.0f} rows/s")
    print(f"  batched / per-row:      {batched / single:8.1f}x")


if __name__ == "__main__":
    main()
