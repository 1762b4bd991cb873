"""Every recorded page in fixtures/pages/<source>/<case>/ gives its expected record, field by field,
as the crawl prepares it (crawler.prepare, with the case's hints and its source's parser), judged
at the time it was fetched (`fetched_at` in response.json): the same input, the same output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datetime import datetime

from crawler.extract import Article
from crawler.extract.record import EXPECTED_FIELDS
from crawler.prepare import prepare

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
FIELDS = EXPECTED_FIELDS
CASES = sorted(p.parent for p in PAGES.glob("*/*/expected.json"))


def fetched_at(case: Path) -> datetime:
    """When the case's page was fetched (response.json), an aware UTC moment."""
    response = json.loads((case / "response.json").read_text("utf-8"))
    return datetime.fromisoformat(response["fetched_at"])


def hints_of(case: Path) -> dict:
    """The case's hints (hints.json: its source's timezone, language, prune, parser) and Content-Type."""
    response = json.loads((case / "response.json").read_text("utf-8"))
    hints_file = case / "hints.json"
    hints = json.loads(hints_file.read_text("utf-8")) if hints_file.exists() else {}
    return {"content_type": response.get("headers", {}).get("Content-Type"), **hints}


def _load(case: Path) -> tuple[Article, dict]:
    response = json.loads((case / "response.json").read_text("utf-8"))
    record = prepare((case / "response.html").read_bytes(), response["url"], hints_of(case), fetched_at(case))
    return record, json.loads((case / "expected.json").read_text("utf-8"))


_cache: dict[Path, tuple] = {}


def _record(case: Path):
    if case not in _cache:
        _cache[case] = _load(case)
    return _cache[case]


def test_there_are_fixtures():
    assert CASES, "no fixtures under fixtures/pages"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_records_when_it_was_fetched(case):
    moment = fetched_at(case)
    assert moment.tzinfo is not None
    record, _ = _record(case)
    assert record.fetched_at == moment.isoformat(timespec="seconds")  # the fetch time is the record's


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_is_an_article_with_only_known_fields(case):
    record, expected = _record(case)
    assert isinstance(record, Article), f"rejected: {getattr(record, 'reason', '')} {getattr(record, 'detail', '')}"
    assert set(expected) <= set(FIELDS), f"unexpected fields in expected.json: {set(expected) - set(FIELDS)}"


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_field(case, field):
    record, expected = _record(case)
    if not isinstance(record, Article):
        pytest.fail(f"rejected: {record.reason} {record.detail}")
    if field not in expected:
        pytest.skip(f"{field} not in expected.json")
    assert getattr(record, field) == expected[field]
