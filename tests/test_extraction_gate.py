"""Quality gate on body extraction: a fixed sample of the dev set must keep its F1 and leak nothing.

The sample is every 6th page of ../shared/extraction-dev in id order (132 pages; see
bench/extraction.py, which computes the same figures on the whole set). The floors sit a little
under what the current extractor measures, so that a change that costs quality fails here; raise
them when extraction improves. Dev set: WCXB development split (Murrough Foley, 2026), CC-BY-4.0.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT, SHARED

DEV_SET = SHARED / "extraction-dev"
# Measured on the sample: F1 0.956, P 0.952, R 0.961, no leaks (whole dev set: F1 0.955).
F1_FLOOR = 0.950
PRECISION_FLOOR = 0.945
RECALL_FLOOR = 0.950

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
    pages = bench.load_pages(DEV_SET, sample=True)
    assert len(pages) >= 120, f"sample of {len(pages)} pages: the dev set looks incomplete"
    [ours] = bench.run(pages, baseline=False)
    return bench, pages, ours


def _worst(bench, pages, run, count: int = 8) -> str:
    rows = []
    for page, counts, reason in zip(pages, run.counts, run.reasons):
        p, r = bench.page_precision(*counts), bench.page_recall(*counts)
        rows.append((2 * p * r / (p + r) if p + r else 0.0, page.id, p, r, reason))
    rows.sort()
    return "\n".join(f"  {pid}: F1 {f1:.3f} P {p:.3f} R {r:.3f} {reason}" for f1, pid, p, r, reason in rows[:count])


def test_sample_body_quality_holds(sample_run):
    bench, pages, ours = sample_run
    score = bench.Score.of(ours.counts)
    detail = f"F1 {score.f1:.4f} P {score.precision:.4f} R {score.recall:.4f}; worst pages:\n" + _worst(bench, pages, ours)
    assert score.f1 >= F1_FLOOR, f"body F1 fell under {F1_FLOOR}: {detail}"
    assert score.precision >= PRECISION_FLOOR, f"body precision fell under {PRECISION_FLOOR}: {detail}"
    assert score.recall >= RECALL_FLOOR, f"body recall fell under {RECALL_FLOOR}: {detail}"


def test_sample_bodies_carry_no_comment_ui(sample_run):
    _, pages, ours = sample_run
    leaks = {page.id: found for page, found in zip(pages, ours.leaked) if found}
    assert not leaks, f"comment-UI phrases in bodies (the truth has none): {leaks}"


def test_sample_extraction_never_crashes(sample_run):
    _, pages, ours = sample_run
    errors = {page.id: reason for page, reason in zip(pages, ours.reasons) if reason.startswith("error")}
    assert not errors, f"extract_article raised: {errors}"
