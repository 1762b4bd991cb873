"""The offline demo: serve every site under fixtures/sites/ on 127.0.0.1, crawl each into news.db,
and print what was stored. Run through `./run demo` (see README)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.devserver import base_url, serve_site  # noqa: E402
from storage import Store  # noqa: E402


def main() -> int:
    db_path = Path(os.environ.get("NEWS_DB_PATH", ROOT / "news.db")).resolve()
    sites = sorted(p for p in (ROOT / "fixtures" / "sites").iterdir() if p.is_dir())
    failures = 0
    for site in sites:
        server = serve_site(site)
        url = base_url(server)
        print(f"crawling {site.name} at {url} ...", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}", "-a", f"source_name={site.name}",
             "-s", f"NEWS_DB_PATH={db_path}", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT,
        )
        server.shutdown()
        failures += done.returncode != 0
    with Store(db_path) as store:
        print()
        print("articles stored per site:")
        for source, count in store.counts_by_source().items():
            print(f"  {source:24} {count}")
        print("rejects by reason (pages seen and not stored, with why):")
        for reason, count in store.rejects_by_reason().items():
            print(f"  {reason:24} {count}")
        print()
        print(f"store: {db_path}")
        print(f'look:  sqlite3 {db_path} "SELECT source, published_at, title FROM articles ORDER BY published_at DESC LIMIT 10"')
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
