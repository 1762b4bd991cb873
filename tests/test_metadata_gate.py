"""Quality gate on metadata: issue #5's targets on the whole dev set, every run.

bench/metadata.py prints the same figures with bare trafilatura beside them; this test holds ours
to the issue's floors (title exact >= 85%, authors exact >= 80% with authors given on at most 10%
of the pages whose truth has none, publish date right day >= 88% and wrong day <= 10%), so a
change that costs metadata quality fails CI. A date counts right when its stated or its UTC day is
the truth's bare day (see bench/metadata.py). The same figures are also held, each part apart, on
the dev set's tuning and validation parts (bench/devsplit.py), with floors a little under what was
measured on each. Skipped when ../shared/extraction-dev is not there.
Dev set: WCXB development split (Murrough Foley, 2026), CC-BY-4.0.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT, SHARED

DEV_SET = SHARED / "extraction-dev"

pytestmark = pytest.mark.skipif(
    not (DEV_SET / "ground-truth").is_dir(),
    reason=f"extraction dev set not found at {DEV_SET} (the metadata gate needs ../shared/extraction-dev)",
)


def _bench():
    path = ROOT / "bench" / "metadata.py"
    spec = importlib.util.spec_from_file_location("bench_metadata", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_metadata", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev_run():
    bench = _bench()
    pages = sorted(p.name.split(".")[0] for p in (DEV_SET / "html").glob("*.html.gz"))
    assert len(pages) >= 790, f"{len(pages)} pages: the dev set looks incomplete"
    return bench.score_ours(pages, DEV_SET)


def _misses(verdicts: dict, field: str, bad=(False,), count: int = 12) -> str:
    """The first `count` tuning page ids whose verdict for `field` is one of `bad` (validation
    pages are never listed: rules are not designed on them)."""
    from bench.devsplit import TUNING, part_of

    return ", ".join([page for page, verdict in verdicts.items()
                      if verdict.get(field) in bad and part_of(page) == TUNING][:count])


# Floors per part, a little under what was measured (validation / tuning): title exact 89.6% /
# 85.1%, authors exact 81.0% / 81.1%, authors given where the truth has none 7.5% / 8.1%, publish
# day right 87.2% / 92.2%, wrong 10.7% / 4.5% (validation at 6d2d60b, tuning at the dates4 branch).
PART_FLOORS = {
    "validation": {"title": 0.88, "authors": 0.79, "given_max": 0.10, "date_right": 0.86, "date_wrong_max": 0.12},
    "tuning": {"title": 0.83, "authors": 0.79, "given_max": 0.10, "date_right": 0.91, "date_wrong_max": 0.07},
}


@pytest.mark.parametrize("part", sorted(PART_FLOORS))
def test_each_part_holds_its_floors(dev_run, part):
    floors = PART_FLOORS[part]
    counts = dev_run[0].parts[part].c
    figures = {
        "title": counts["title"] / counts["pages"],
        "authors": counts["authors"] / counts["with_author"],
        "given": counts["authors_given"] / counts["no_author"],
        "date_right": counts["date_right"] / counts["with_date"],
        "date_wrong": counts["date_wrong"] / counts["with_date"],
    }
    shown = ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
    assert figures["title"] >= floors["title"], f"{part}: {shown}"
    assert figures["authors"] >= floors["authors"], f"{part}: {shown}"
    assert figures["given"] <= floors["given_max"], f"{part}: {shown}"
    assert figures["date_right"] >= floors["date_right"], f"{part}: {shown}"
    assert figures["date_wrong"] <= floors["date_wrong_max"], f"{part}: {shown}"


def test_titles_exact_on_85_percent(dev_run):
    score, verdicts = dev_run
    c = score.c
    assert c["title"] / c["pages"] >= 0.85, f"title exact {c['title']}/{c['pages']}; misses: {_misses(verdicts, 'title')}"


def test_authors_exact_on_80_percent_and_given_on_at_most_10_percent_without(dev_run):
    score, verdicts = dev_run
    c = score.c
    assert c["authors"] / c["with_author"] >= 0.80, (
        f"authors exact {c['authors']}/{c['with_author']}; misses: {_misses(verdicts, 'authors')}")
    assert c["authors_given"] / c["no_author"] <= 0.10, f"authors given on {c['authors_given']}/{c['no_author']} pages without"


def test_publish_day_right_on_88_percent_and_wrong_on_at_most_10(dev_run):
    score, verdicts = dev_run
    c = score.c
    detail = f"right {c['date_right']}, wrong {c['date_wrong']}, missing {c['date_missing']} of {c['with_date']}"
    assert c["date_right"] / c["with_date"] >= 0.88, f"{detail}; wrong: {_misses(verdicts, 'date', ('wrong',))}"
    assert c["date_wrong"] / c["with_date"] <= 0.10, f"{detail}; wrong: {_misses(verdicts, 'date', ('wrong',))}"
