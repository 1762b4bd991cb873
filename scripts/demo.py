"""The offline demo: serve the fixture sites that sources.toml declares on 127.0.0.1, crawl every
declared source into news.db with one `scrapy crawl news`, and print what was stored.
Run through `./run demo` (see README)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.devserver import serve_site  # noqa: E402
from crawler.sources import load_sources  # noqa: E402
from storage import Store, StoreError  # noqa: E402


def main() -> int:
    db_path = Path(os.environ.get("NEWS_DB_PATH", ROOT / "news.db")).resolve()
    sources_path = ROOT / "sources.toml"
    servers = []
    for source in load_sources(sources_path):
        site = ROOT / "fixtures" / "sites" / source.name
        parts = urlsplit(source.url)
        if site.is_dir() and parts.hostname == "127.0.0.1":
            servers.append(serve_site(site, port=parts.port or 80))
            print(f"serving fixtures/sites/{source.name} at {source.url}")
    print("crawling every declared source ...", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWS_DB_PATH={db_path}",
         "-s", f"NEWS_SOURCES={sources_path}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT,
    )
    for server in servers:
        server.shutdown()
    try:
        store = Store(db_path)
    except StoreError as error:  # the crawl made no store (its log above says why)
        print(f"demo: {error}", file=sys.stderr)
        return 1
    with store:
        print()
        print("articles stored per source:")
        for source, count in store.counts_by_source().items():
            print(f"  {source:24} {count}")
        print("rejects by reason (pages seen and not stored, with why):")
        for reason, count in store.rejects_by_reason().items():
            print(f"  {reason:24} {count}")
        print()
        print(f"store: {db_path}")
        print(f'look:  sqlite3 {db_path} "SELECT source, published_at, title FROM articles ORDER BY published_at DESC LIMIT 10"')
        print(f"       .venv/bin/news-store --db {db_path} stats")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
