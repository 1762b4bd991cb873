"""The extraction workers' forkserver (crawler.workers): one process that imports the extraction
code once and forks each worker from it. Importing that code takes ~0.5 s of CPU, so the crawl
starts the forkserver as early as it can, in a thread, to run beside its own start-up. This
module imports nothing heavy, so that starting it costs nothing."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import threading

PRELOAD = ["crawler.prepare"]  # imported once by the forkserver; every worker forks with it loaded


def wanted(settings) -> bool:
    """Whether the crawl extracts in worker processes (NEWS_EXTRACT_WORKERS is not 0)."""
    return str(settings.get("NEWS_EXTRACT_WORKERS")).strip() != "0"


def forkserver_context() -> multiprocessing.context.BaseContext:
    """multiprocessing's forkserver context, its forkserver preloading PRELOAD."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_forkserver() -> None:
    """Start the forkserver in a thread, now; the pool's workers fork from it at once later
    (multiprocessing starts it once per process: later calls only check it runs)."""
    forkserver_context()
    threading.Thread(target=multiprocessing.forkserver.ensure_running, name="news-forkserver", daemon=True).start()
