"""Quality gate on body extraction: both parts of the dev set must keep their F1 and leak nothing.

The dev set is split by page id (bench/devsplit.py) into a tuning part, which rules are designed
on, and a validation part, which only checks them. The gate runs the whole validation part (181
pages) and every 6th page of the tuning part (102 pages; bench/extraction.py computes the same
figures on all pages). The floors sit a little under what the current extractor measures, so that
a change that costs quality on either part fails here; raise them when extraction improves.
Dev set: WCXB development split (Murrough Foley, 2026), CC-BY-4.0.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT, SHARED

DEV_SET = SHARED / "extraction-dev"
# (F1, precision, recall) floors per part, a little under what was measured:
# validation (181 pages) F1 0.9515 P 0.9450 R 0.9581; tuning sample (102 pages) F1 0.9607 P 0.9516 R 0.9699.
FLOORS = {
    "validation": (0.945, 0.938, 0.950),
    "tuning": (0.955, 0.945, 0.962),
}

pytestmark = pytest.mark.skipif(
    not (DEV_SET / "ground-truth").is_dir(),
    reason=f"extraction dev set not found at {DEV_SET} (the quality gate needs ../shared/extraction-dev)",
)


def _bench():
    """bench/extraction.py as a module: the metric and the sample live there, once."""
    path = ROOT / "bench" / "extraction.py"
    spec = importlib.util.spec_from_file_location("bench_extraction", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_extraction", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample_run():
    bench = _bench()
    validation = bench.load_pages(DEV_SET, part="validation")
    tuning = bench.load_pages(DEV_SET, part="tuning", sample=True)
    assert len(validation) >= 170 and len(tuning) >= 95, (
        f"{len(validation)} validation and {len(tuning)} tuning pages: the dev set looks incomplete")
    pages = validation + tuning
    [ours] = bench.run(pages, baseline=False)
    return bench, pages, ours


def _worst(bench, pages, run, count: int = 8) -> str:
    rows = []
    for page, counts, reason in zip(pages, run.counts, run.reasons):
        p, r = bench.page_precision(*counts), bench.page_recall(*counts)
        rows.append((2 * p * r / (p + r) if p + r else 0.0, page.id, p, r, reason))
    rows.sort()
    return "\n".join(f"  {pid}: F1 {f1:.3f} P {p:.3f} R {r:.3f} {reason}" for f1, pid, p, r, reason in rows[:count])


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_body_quality_holds_on_each_part(sample_run, part):
    bench, pages, ours = sample_run
    chosen = [i for i, page in enumerate(pages) if page.part == part]
    score = bench.Score.of(ours.counts[i] for i in chosen)
    f1_floor, precision_floor, recall_floor = FLOORS[part]
    detail = f"{part}: F1 {score.f1:.4f} P {score.precision:.4f} R {score.recall:.4f}"
    if part == "tuning":  # validation pages are never listed: rules are not designed on them
        subset = [pages[i] for i in chosen]
        run = bench.Run("ours", ours.extract, counts=[ours.counts[i] for i in chosen],
                        reasons=[ours.reasons[i] for i in chosen])
        detail += "; worst pages:\n" + _worst(bench, subset, run)
    assert score.f1 >= f1_floor, f"body F1 fell under {f1_floor}: {detail}"
    assert score.precision >= precision_floor, f"body precision fell under {precision_floor}: {detail}"
    assert score.recall >= recall_floor, f"body recall fell under {recall_floor}: {detail}"


def test_sample_bodies_carry_no_comment_ui(sample_run):
    _, pages, ours = sample_run
    leaks = {page.id: found for page, found in zip(pages, ours.leaked) if found}
    assert not leaks, f"comment-UI phrases in bodies (the truth has none): {leaks}"


def test_sample_extraction_never_crashes(sample_run):
    _, pages, ours = sample_run
    errors = {page.id: reason for page, reason in zip(pages, ours.reasons) if reason.startswith("error")}
    assert not errors, f"extract_article raised: {errors}"
