"""The extraction worker pool: results equal in-process extraction; a stuck or killed worker is
replaced, only its page fails, and the pool keeps working."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from crawler.extract import extract_article
from crawler.items import CrawledArticle
from crawler.workers import ExtractionPool, WorkerFailed

PAGE = ("<html lang='en'><head><title>Dam repairs finished</title><meta property='og:type' content='article'>"
        "</head><body><article><h1>Dam repairs finished</h1>"
        + "".join(f"<p>Engineers finished grouting the foundations of the Mosul dam, part {i}, the ministry said "
                  f"on Tuesday, ending a four-year programme.</p>" for i in range(6))
        + "</article></body></html>")
# a 1 MB report of 9000 paragraphs: seconds of extraction
SLOW = ("<html><head><title>Report</title></head><body><article><h1>Report</h1>"
        + "".join(f"<p>Paragraph {i} of a long report on the water levels of the Tigris and Euphrates rivers.</p>"
                  for i in range(9000)) + "</article></body></html>")


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


async def started(pool: ExtractionPool, within: float = 60) -> None:
    """Until every worker of the pool is up (before that, pages are extracted in this process);
    a pool whose workers are not up `within` seconds fails the test instead of hanging it."""
    deadline = time.monotonic() + within
    while len(pool.workers) < pool.size or not all(worker.ready for worker in pool.workers):
        assert time.monotonic() < deadline, f"extraction workers not ready after {within} s"
        await asyncio.sleep(0.01)


def test_pool_results_equal_in_process_extraction():
    async def go():
        pool = ExtractionPool(2, timeout=30)
        try:
            await started(pool)
            results = await asyncio.gather(*(pool.prepare(PAGE, f"https://s.example/{i}") for i in range(6)))
        finally:
            pool.close()
        return results, pool.ran_here

    results, ran_here = run(go())
    assert ran_here == 0
    assert [r.to_dict() for r in results] == [extract_article(PAGE, f"https://s.example/{i}").to_dict() for i in range(6)]


def test_an_urgent_page_goes_ahead_of_the_queued_ones():
    """A listing page, whose links the crawl waits for, is extracted before story pages queued
    earlier; only the pages already handed to the worker (its pipe) come before it."""
    async def go():
        pool = ExtractionPool(1, timeout=30)
        finished: list[str] = []

        async def page(name: str, urgent: bool = False) -> None:
            await pool.run("prepare", PAGE, f"https://s.example/{name}", {}, None, urgent=urgent)
            finished.append(name)

        try:
            await started(pool)
            stories = [asyncio.ensure_future(page(f"story{i}")) for i in range(8)]
            await asyncio.sleep(0)  # all eight queued (two of them in the worker's pipe)
            listing = asyncio.ensure_future(page("listing", urgent=True))
            await asyncio.gather(*stories, listing)
        finally:
            pool.close()
        return finished

    finished = run(go())
    assert sorted(finished) == sorted([f"story{i}" for i in range(8)] + ["listing"])
    assert finished.index("listing") <= ExtractionPool.PREFETCH


def test_the_first_pages_do_not_wait_for_the_workers_to_start():
    """The crawl's first pages arrive before the workers have imported the extraction code: they
    are extracted in the crawl process, with the same result, and the pool then works as usual."""
    async def go():
        pool = ExtractionPool(1, timeout=30)
        try:
            first = await pool.prepare(PAGE, "https://s.example/")
            ready_then = any(worker.ready for worker in pool.workers)
            await started(pool)
            later = await pool.prepare(PAGE, "https://s.example/later")
        finally:
            pool.close()
        return first, ready_then, later, pool.ran_here

    first, ready_then, later, ran_here = run(go())
    assert not ready_then and ran_here == 1  # the later page went to the worker
    assert first.to_dict() == extract_article(PAGE, "https://s.example/").to_dict()
    assert later.to_dict() == extract_article(PAGE, "https://s.example/later").to_dict()


def test_a_page_waits_for_a_replaced_worker_not_for_the_reactor():
    """Only the crawl's first pages are extracted in the crawl process: once a worker has been
    ready, a page asked for while its replacement starts waits for it (and its page timeout)."""
    async def go():
        pool = ExtractionPool(1, timeout=30)
        try:
            await started(pool)
            pool._replace(pool.workers[0], None)  # as a recycled worker is: the new one is not ready yet
            result = await pool.prepare(PAGE, "https://s.example/after")
        finally:
            pool.close()
        return result, pool.ran_here

    result, ran_here = run(go())
    assert result.title == "Dam repairs finished" and ran_here == 0


def test_stuck_worker_is_replaced_and_only_its_page_fails():
    async def go():
        pool = ExtractionPool(1, timeout=0.3)
        try:
            await started(pool)  # the worker is up: timing starts now
            slow = asyncio.ensure_future(pool.prepare(SLOW, "https://s.example/slow"))
            queued = asyncio.ensure_future(pool.prepare(PAGE, "https://s.example/queued"))  # waits in its pipe
            with pytest.raises(WorkerFailed) as caught:
                await slow
            assert (await queued).title == "Dam repairs finished"  # given to the new worker
            after = await pool.prepare(PAGE, "https://s.example/ok")
        finally:
            pool.close()
        return caught.value, after, pool.replaced

    failure, after, replaced = run(go())
    assert failure.reason == "extract_timeout"
    assert after.title == "Dam repairs finished" and replaced == 1


def test_killed_worker_is_replaced_and_only_its_page_fails():
    async def go():
        pool = ExtractionPool(1, timeout=30)
        try:
            await started(pool)
            task = asyncio.ensure_future(pool.prepare(SLOW, "https://s.example/slow"))
            await asyncio.sleep(0.3)
            os.kill(pool.workers[0].process.pid, signal.SIGKILL)  # as the OOM killer would
            with pytest.raises(WorkerFailed) as caught:
                await task
            after = await pool.prepare(PAGE, "https://s.example/ok")
        finally:
            pool.close()
        return caught.value, after

    failure, after = run(go())
    assert failure.reason == "worker_crashed"
    assert after.title == "Dam repairs finished"


def test_pool_returns_records_normalised_with_bands_that_the_pipelines_take_as_they_are():
    from crawler import neardup
    from crawler.pipelines.normalise import NormalisePipeline, normalise

    messy = PAGE.replace("Engineers finished", "Engineers \t  finished")

    async def go():
        pool = ExtractionPool(1, timeout=30)
        try:
            await started(pool)
            return await pool.prepare(messy, "https://S.example/story?utm_source=x")
        finally:
            pool.close()

    result = run(go())
    expected = normalise(CrawledArticle.of(extract_article(messy, "https://S.example/story?utm_source=x")))
    assert result.to_dict() == expected.to_dict()
    assert "Engineers finished" in result.body and result.url == "https://s.example/story"
    assert result.minhash_bands == neardup.bands(result.minhash)
    before = result.to_dict()
    assert NormalisePipeline().process_item(result).to_dict() == before


class _NoForkPool(ExtractionPool):
    def _start_process(self):
        raise OSError("fork: Resource temporarily unavailable")


def test_pool_whose_workers_cannot_start_rejects_pages_with_a_reason():
    async def go():
        pool = _NoForkPool(2, timeout=30)
        try:
            before = await pool.prepare(PAGE, "https://s.example/1")  # the failure is not known yet
            await asyncio.sleep(0.2)  # the boot thread's failure reaches the loop
            with pytest.raises(WorkerFailed) as later:
                await pool.prepare(PAGE, "https://s.example/2")
        finally:
            pool.close()
        return before, later.value

    before, later = run(go())
    assert before.title == "Dam repairs finished"  # extracted in this process while the workers were starting
    assert later.reason == "worker_crashed"
    assert "Resource temporarily unavailable" in str(later)
