"""Where the crawl process's memory goes: `scrapy crawl news` on a cached bench site under tracemalloc.

    .venv/bin/python bench/throughput/memtrace.py 2000 [--shape listing] [--port 18089] [--every 10] [--top 25]

Serves the site bench.py built (bench/out/throughput/sites/), runs the crawl with Python's
tracemalloc on (one frame per allocation: the crawl is ~1.5x slower), snapshots the traced heap
every --every seconds and at the end, and prints, for the snapshot with the most traced bytes,
the --top allocation sites by size with their growth since the first snapshot after start-up,
the traced total against the process's RSS (what Python does not trace: C libraries, malloc
fragmentation), and the peak RSS of the crawl process and of its worker processes apart.
A tool to find what grows with N; its figures are not throughput figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
MB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def malloc_lines() -> list[str]:
    """glibc's view (mallinfo2: heap and mmap bytes, in use and free) and pymalloc's arenas."""
    import ctypes
    lines = []
    try:
        class MallInfo2(ctypes.Structure):
            _fields_ = [(name, ctypes.c_size_t) for name in
                        ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                         "fordblks", "keepcost")]
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        info = libc.mallinfo2()
        lines.append(f"glibc malloc: heaps {info.arena / MB:.1f} MB (in use {info.uordblks / MB:.1f}, free "
                     f"{info.fordblks / MB:.1f}), mmapped {info.hblkhd / MB:.1f} MB in {info.hblks} blocks")
    except (OSError, AttributeError) as exc:
        lines.append(f"glibc malloc: unreadable ({exc})")
    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(write)
        os.close(saved)
    text = b""
    while chunk := os.read(read, 65536):
        text += chunk
    os.close(read)
    keep = ("# arenas allocated current", "# bytes in allocated blocks", "# bytes in available blocks",
            "# bytes lost to", "Total")
    lines += [f"pymalloc: {line.strip()}" for line in text.decode(errors="replace").splitlines()
              if line.strip().startswith(keep)]
    return lines


def child(every: float, top: int, report: Path, argv: list[str]) -> None:
    """In the crawl process: tracemalloc on, a snapshot thread, then Scrapy's command line
    (every <= 0: no tracemalloc, only an RSS line every 5 s and malloc's figures at the end)."""
    if every <= 0:
        return light(report, argv)
    tracemalloc.start(1)
    best: list = [None, 0, 0, 0.0]  # snapshot, traced bytes, RSS then, seconds since start
    first: list = [None]
    started = time.monotonic()
    done = threading.Event()

    def take() -> None:
        snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        traced = tracemalloc.get_traced_memory()[0]
        if first[0] is None and time.monotonic() - started > 2 * every:
            first[0] = snapshot
        if traced >= best[1]:
            best[:] = [snapshot, traced, rss(), time.monotonic() - started]

    def loop() -> None:
        while not done.wait(every):
            take()

    def write() -> None:
        done.set()
        take()
        snapshot, traced, at_rss, at = best
        lines = [f"largest traced heap: {traced / MB:.1f} MB at {at:.0f} s (RSS then {at_rss / MB:.0f} MB, "
                 f"traced peak {tracemalloc.get_traced_memory()[1] / MB:.1f} MB)"]
        counts: dict[str, int] = {}
        for obj in gc.get_objects():
            name = type(obj).__name__
            counts[name] = counts.get(name, 0) + 1
        lines.append("gc-tracked objects at the end: " + ", ".join(
            f"{name} {count}" for name, count in sorted(counts.items(), key=lambda kv: -kv[1])[:12]))
        stats = (snapshot.compare_to(first[0], "lineno") if first[0] is not None else
                 [tracemalloc.StatisticDiff(s.traceback, s.size, s.size, s.count, s.count)
                  for s in snapshot.statistics("lineno")])
        stats.sort(key=lambda s: -s.size)
        for stat in stats[:top]:
            frame = stat.traceback[0]
            lines.append(f"{stat.size / MB:8.2f} MB {stat.size_diff / MB:+8.2f} MB {stat.count:9d} blocks  "
                         f"{frame.filename.replace(str(HERE.parents[1]) + '/', '')}:{frame.lineno}")
        report.write_text("\n".join(lines) + "\n")

    import atexit
    atexit.register(write)
    threading.Thread(target=loop, daemon=True).start()
    from scrapy.cmdline import execute
    sys.argv = ["scrapy", *argv]
    execute()


def light(report: Path, argv: list[str]) -> None:
    """RSS every 5 s (to set against the progress lines' stored counts), malloc's figures at the end."""
    started = time.monotonic()
    timeline: list[str] = []

    def loop() -> None:
        while True:
            timeline.append(f"{time.monotonic() - started:.0f}s {rss() / MB:.0f}MB")
            time.sleep(5)

    def write() -> None:
        counts: dict[str, int] = {}
        for obj in gc.get_objects():
            counts[type(obj).__name__] = counts.get(type(obj).__name__, 0) + 1
        lines = [f"RSS at the end {rss() / MB:.0f} MB", *malloc_lines(),
                 "gc-tracked objects at the end: " + ", ".join(
                     f"{name} {count}" for name, count in sorted(counts.items(), key=lambda kv: -kv[1])[:12]),
                 "RSS timeline: " + " ".join(timeline)]
        report.write_text("\n".join(lines) + "\n")

    import atexit
    atexit.register(write)
    threading.Thread(target=loop, daemon=True).start()
    from scrapy.cmdline import execute
    sys.argv = ["scrapy", *argv]
    execute()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        every, top, report = float(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
        child(every, top, report, sys.argv[5:])
        return
    import bench
    import make_site
    from server import serve, stop_on_sigterm

    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=int)
    parser.add_argument("--shape", choices=make_site.SHAPES, default=make_site.LISTING)
    parser.add_argument("--port", type=int, default=18089)
    parser.add_argument("--every", type=float, default=10.0,
                        help="seconds between snapshots; 0: no tracemalloc, RSS every 5 s and malloc's figures")
    parser.add_argument("--top", type=int, default=25, help="allocation sites printed")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an extra Scrapy setting")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}/"
    (bench.OUT / "logs").mkdir(parents=True, exist_ok=True)
    root = bench.site(args.pages, base, args.shape)
    store = bench.OUT / f"memtrace-{args.shape}-{args.pages}.db"
    report = bench.OUT / f"memtrace-{args.shape}-{args.pages}.txt"
    log_path = bench.OUT / "logs" / f"memtrace-{args.shape}-{args.pages}.log"
    bench.fresh_store(store)
    report.unlink(missing_ok=True)
    extra = dict(item.split("=", 1) for item in args.set)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(args.every), str(args.top), str(report),
           "crawl", "news", "-a", f"url={base}", "-s", f"NEWS_DB_PATH={store}",
           *bench.settings_args({**bench.SETTINGS, **extra})]
    with serve(root, args.port, allow_nginx=True):
        m = bench.measure(cmd, bench.ROOT, log_path, 3600)
    rows, note = bench.store_summary(store)
    bench.fresh_store(store)
    print(f"{args.shape} {args.pages}: {rows} rows, wall {m.wall:.1f} s, peak RSS {m.peak_rss / MB:.0f} MB = crawl process "
          f"{m.peak_main / MB:.0f} MB + workers {m.peak_workers / MB:.0f} MB (peaks apart); {note}")
    print(report.read_text() if report.exists() else "(no tracemalloc report: see the log)", end="")


if __name__ == "__main__":
    main()
