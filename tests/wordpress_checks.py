"""Compare a crawled store with a WordPress truth.json (../shared/wordpress), post by post."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crawler.evaluation import shingle_scores
from crawler.urls import canonical_url

COMMENT_UI = ("Leave a Reply", "Leave a comment", "Post Comment", "Your email address will not be published",
              "Save my name, email", "You are commenting using your", "Connecting to %s", "Notify me of new",
              "responses to", "Logged in as", "says:")


def stored_articles(db_path: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = {row["url"]: dict(row) for row in conn.execute("SELECT * FROM articles")}
    conn.close()
    return rows


def compare_with_truth(db_path: Path, truth: dict) -> dict:
    """Per-field mismatches and body F1 of every truth post; raises nothing, returns a report."""
    rows = stored_articles(db_path)
    expected = {canonical_url(post["url"]): post for post in truth["posts"]}
    report = {"missing": sorted(set(expected) - set(rows)), "extra": sorted(set(rows) - set(expected)),
              "f1": {}, "mismatches": [], "leaks": []}
    for url, post in expected.items():
        row = rows.get(url)
        if row is None:
            continue
        report["f1"][url] = shingle_scores(row["body"], post["body_text"])[2]
        for phrase in COMMENT_UI:
            if phrase.lower() in row["body"].lower() and phrase.lower() not in post["body_text"].lower():
                report["leaks"].append((url, phrase))
        for comment in post["comments"]:
            if comment["text"][:60] in row["body"]:
                report["leaks"].append((url, "comment: " + comment["text"][:40]))
        want = {
            "title": post["title"],
            "authors": [post["author"]],
            "published_at": post["published"],
            "modified_at": post["modified"] if post["updated_after_publish"] else None,
            "categories": sorted(c["name"] for c in post["categories"]),
            "tags": sorted(t["name"] for t in post["tags"]),
        }
        got = {
            "title": row["title"],
            "authors": json.loads(row["authors"]),
            "published_at": row["published_at"],
            "modified_at": row["modified_at"],
            "categories": sorted(json.loads(row["categories"])),
            "tags": sorted(json.loads(row["tags"])),
        }
        for field, value in want.items():
            if got[field] != value:
                report["mismatches"].append((url, field, got[field], value))
    return report


def assert_matches_truth(db_path: Path, truth: dict) -> dict:
    report = compare_with_truth(db_path, truth)
    assert not report["missing"], f"posts not stored: {report['missing']}"
    assert not report["extra"], f"stored but not posts: {report['extra']}"
    assert not report["leaks"], f"comment text in bodies: {report['leaks']}"
    low = {url: f1 for url, f1 in report["f1"].items() if f1 < 0.99}
    assert not low, f"body F1 below 0.99: {low}"
    assert not report["mismatches"], "field mismatches:\n" + "\n".join(map(repr, report["mismatches"]))
    return report
