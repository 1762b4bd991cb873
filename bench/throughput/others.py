"""Time one extractor per page on a generated site's article files; print one JSON line.

    python bench/throughput/others.py EXTRACTOR SITE_DIR LIMIT

EXTRACTOR: trafilatura (the inline spider's call), news-crawler (crawler.extract.extract_article),
newspaper4k or news-please. bench.py --others runs it with this project's venv for the first two
and with bench/out/others-venv for the others, so it imports nothing of the project at the top.
The pages (LIMIT of them, evenly spread over the site) are read into memory first; one warm-up
page is not timed. Checked against the site's manifest: title equal, author named, first body
sentence present, first reader comment absent (present: the comments leaked into the text).
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version
from pathlib import Path


def trafilatura_extractor():
    import trafilatura

    def run(html: bytes, url: str) -> tuple[str, list[str], str]:
        found = json.loads(trafilatura.extract(html.decode("utf-8"), output_format="json", with_metadata=True) or "{}")
        return found.get("title") or "", [a.strip() for a in (found.get("author") or "").split(";")], found.get("text") or ""
    return run, version("trafilatura")


def news_crawler_extractor():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from crawler.extract import extract_article

    def run(html: bytes, url: str) -> tuple[str, list[str], str]:
        found = extract_article(html, url)
        return (found.title, list(found.authors), found.body) if found else ("", [], "")
    return run, version("news-crawler")


def newspaper_extractor():
    import newspaper

    def run(html: bytes, url: str) -> tuple[str, list[str], str]:
        article = newspaper.Article(url, fetch_images=False)
        article.download(input_html=html.decode("utf-8"))
        article.parse()
        return article.title or "", list(article.authors), article.text or ""
    return run, version("newspaper4k")


def news_please_extractor():
    from newsplease import NewsPlease

    def run(html: bytes, url: str) -> tuple[str, list[str], str]:
        found = NewsPlease.from_html(html.decode("utf-8"), url=url, fetch_images=False)
        return found.title or "", list(found.authors or []), found.maintext or ""
    return run, version("news-please")


EXTRACTORS = {"trafilatura": trafilatura_extractor, "news-crawler": news_crawler_extractor,
              "newspaper4k": newspaper_extractor, "news-please": news_please_extractor}


def main() -> None:
    name, root, limit = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    manifest = [json.loads(line) for line in open(root / "manifest.jsonl", encoding="utf-8")]
    step = max(1, len(manifest) // limit)
    cases = [(entry, (root / entry["path"].lstrip("/")).read_bytes()) for entry in manifest[::step][:limit]]
    extract, release = EXTRACTORS[name]()
    extract(cases[0][1], cases[0][0]["url"])  # warm-up: lazy imports and caches
    counts = {"title_ok": 0, "author_ok": 0, "body_found": 0, "comments_leaked": 0}
    elapsed = 0.0
    for entry, html in cases:
        started = time.perf_counter()
        title, authors, text = extract(html, entry["url"])
        elapsed += time.perf_counter() - started
        counts["title_ok"] += " ".join(title.split()) == entry["title"]
        counts["author_ok"] += entry["author"] in authors
        counts["body_found"] += entry["body_first"] in text
        counts["comments_leaked"] += entry["comment_first"] in text
    print(json.dumps({"name": name, "version": release, "pages": len(cases),
                      "ms_per_page": 1000 * elapsed / len(cases), **counts}))


if __name__ == "__main__":
    main()
