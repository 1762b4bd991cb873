#!/usr/bin/env python3
"""Run the extractor on every extraction fixture and print per-field mismatches.

    python scripts/check_fixtures.py [fixtures/pages/<source>/<case> ...]

A fixture is a folder `fixtures/pages/<source>/<case>/` with `response.html` (raw body bytes as
served), `response.json` (`{"url", "status", "fetched_at", "headers": {"Content-Type"}}`), an
optional `hints.json` (the source's timezone, language, prune, parser) and `expected.json` (the
record from the site's ground truth: url, title, body, authors, published_at, modified_at,
language, description, image, site_name, categories, tags). Each page is prepared as the crawl
does (crawler.prepare) at its `fetched_at`, as tests/test_fixtures.py does. Reports only; exit
status 1 when any field differs (or the page is rejected), 0 when every fixture matches.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datetime import datetime  # noqa: E402

from crawler.extract.record import EXPECTED_FIELDS  # noqa: E402
from crawler.prepare import prepare  # noqa: E402

FIELDS = EXPECTED_FIELDS


def fixture_dirs(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    return sorted(p.parent for p in (ROOT / "fixtures" / "pages").glob("*/*/expected.json"))


def _short(value, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _body_diff(expected: str, got: str) -> list[str]:
    """Paragraph-level diff of two bodies: what is missing and what is extra."""
    lines = []
    for line in difflib.ndiff(expected.split("\n\n"), (got or "").split("\n\n")):
        if line[:1] in "+-":
            lines.append(f"        {'extra  ' if line[0] == '+' else 'missing'} {_short(line[2:], 110)}")
    return lines


def check(case: Path) -> list[str]:
    """Mismatch lines for one fixture (empty when it matches)."""
    response = json.loads((case / "response.json").read_text("utf-8"))
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
    hints_file = case / "hints.json"
    hints = json.loads(hints_file.read_text("utf-8")) if hints_file.exists() else {}
    now = datetime.fromisoformat(response["fetched_at"]) if response.get("fetched_at") else None
    result = prepare((case / "response.html").read_bytes(), response["url"],
                     {"content_type": headers.get("content-type"), **hints}, now)
    if not result:  # a Rejection
        return [f"  REJECTED: {getattr(result, 'reason', '?')} {getattr(result, 'detail', '')}"]
    got = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    problems = []
    for field in FIELDS:
        want, have = expected.get(field), got.get(field)
        if want == have:
            continue
        problems.append(f"  {field}: expected {_short(want)}\n  {' ' * len(field)}       got {_short(have)}")
        if field == "body" and isinstance(want, str):
            problems += _body_diff(want, have)
    return problems


def main(argv: list[str]) -> int:
    failed = 0
    for case in fixture_dirs(argv):
        name = case.relative_to(ROOT / "fixtures" / "pages") if case.is_relative_to(ROOT) else case
        problems = check(case)
        fields = [p.split(":")[0].strip() for p in problems if p.startswith("  ") and not p.startswith("   ")]
        print(f"{name}: {'ok' if not problems else 'MISMATCH ' + ', '.join(fields)}")
        for line in problems:
            print(line)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
