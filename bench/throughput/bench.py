"""Crawl → extract → store throughput: `scrapy crawl news` against the usual inline-trafilatura spider.

    .venv/bin/python bench/throughput/bench.py [--shape both] [--pages 2000] [--growth 500,2000,8000] [--rounds 2] [--others]

On a generated WordPress-like site (make_site.py, cached under bench/out/throughput/sites/) served
by nginx on 127.0.0.1 (server.py), in each --shape (`sitemap`: stories listed in sitemaps;
`listing`: no sitemap or feed, only an "Older posts" chain and category/tag archives, some 404),
one run alternates, for --rounds rounds:
  (a) the hand-rolled project: inline_spider.py (a SitemapSpider) on the sitemap shape,
      inline_listing_spider.py (story links and "Older posts" only) on the listing shape, calling
      trafilatura.extract(..., output_format="json", with_metadata=True) in the callback, items to
      a JSONL feed;
  (b) `scrapy crawl news -a url=BASE -s NEWS_DB_PATH=<fresh store>` from the repo root;
both with AutoThrottle off, 16 concurrent requests (16 per domain), no delay. Each run gives wall
time from process start to exit, articles/s (rows ÷ wall), rows (b: articles in the store, which
must be N exactly; a: JSONL lines), ERROR log lines and tracebacks, CPU seconds and peak RSS of
the whole process tree (worker processes included, sampled every 0.1 s from /proc), that CPU split
into the crawl's own process and its worker processes, requests made (and answered 404), then the
ratio (b)/(a). Then the growth table: one (b) run for each N in --growth. With --others, the
same pages go through newspaper4k and news-please (in their own venv, bench/out/others-venv) and
our extract_article, timed per page from the files, as ratios to trafilatura.

Absolute figures move 2x between machines and with load: quote the ratios of one run.
Everything is printed to stdout as plain aligned text; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "bench" / "out" / "throughput"
OTHERS_VENV = ROOT / "bench" / "out" / "others-venv"
sys.path.insert(0, str(HERE))

import make_site  # noqa: E402
from server import serve, stop_on_sigterm  # noqa: E402

SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
            "DOWNLOAD_DELAY": "0", "LOG_LEVEL": "INFO"}
ERROR_LINE = re.compile(r"^\S+ \S+ \[[^\]]*\] (?:ERROR|CRITICAL):", re.M)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- measuring a process tree ---------------------------------------------------------------------

def proc_table() -> dict[int, tuple[int, int, float]]:
    """Every process: pid -> (parent pid, RSS bytes, user+system CPU seconds), from /proc."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * PAGE_SIZE,
                                  (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return table


def pss(pid: int) -> int:
    """Proportional set size in bytes (shared pages split between their users), 0 if unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle or waiting on I/O) since boot."""
    with open("/proc/stat") as handle:
        ticks = [int(x) for x in handle.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS  # user..steal, less idle and iowait


class TreeSampler(threading.Thread):
    """Every 0.1 s, the summed RSS of a process and all its descendants; keeps the peak and each
    process's last CPU time (workers forked by a forkserver are grandchildren and, when they are not
    waited for, absent from getrusage(RUSAGE_CHILDREN))."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.peak_main = self.peak_others = 0  # peak RSS of the process itself, and of the sum of its descendants
        self.cpu: dict[int, float] = {}
        self.processes = 0
        self.done = threading.Event()

    def sample(self) -> None:
        table = proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.pid] if self.pid in table else []
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        self.peak_rss = max(self.peak_rss, sum(table[pid][1] for pid in tree))
        if tree:
            self.peak_main = max(self.peak_main, table[tree[0]][1])
            self.peak_others = max(self.peak_others, sum(table[pid][1] for pid in tree[1:]))
        self.peak_pss = max(self.peak_pss, sum(map(pss, tree)))
        self.processes = max(self.processes, len(tree))
        for pid in tree:
            self.cpu[pid] = table[pid][2]

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def stop(self) -> None:
        self.done.set()
        self.join()


@dataclass
class Measure:
    wall: float
    cpu: float
    peak_rss: int
    peak_pss: int
    processes: int
    returncode: int
    other_cpu: float  # CPU seconds everything else on the machine used meanwhile
    worker_cpu: float = 0.0  # CPU seconds of the tree's processes other than the crawl's own (its last /proc samples)
    peak_main: int = 0  # peak RSS of the crawl's own process
    peak_workers: int = 0  # peak of the summed RSS of its descendants (extraction workers, the forkserver)

    @property
    def main_cpu(self) -> float:
        """CPU seconds of the crawl's own process (the reactor thread and its helper threads)."""
        return max(0.0, self.cpu - self.worker_cpu)


def measure(cmd: list[str], cwd: Path, log_path: Path, timeout: float) -> Measure:
    """Run CMD to its end with its output in LOG_PATH; wall, CPU and peak RSS of its process tree."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = machine_busy()
    started = time.perf_counter()
    with open(log_path, "wb") as output:
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    sampler = TreeSampler(process.pid)
    sampler.start()
    try:
        returncode = process.wait(timeout)
    except BaseException:  # timeout or Ctrl-C: end the crawl and its workers (its own session)
        os.killpg(process.pid, 9)
        process.wait()
        raise
    finally:
        wall = time.perf_counter() - started
        sampler.stop()
    busy = machine_busy() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    cpu = max(waited, sum(sampler.cpu.values()))
    workers = sum(seconds for pid, seconds in sampler.cpu.items() if pid != process.pid)
    return Measure(wall, cpu, sampler.peak_rss, sampler.peak_pss, sampler.processes, returncode, max(0.0, busy - cpu),
                   workers, sampler.peak_main, sampler.peak_others)


# --- the two crawlers -----------------------------------------------------------------------------

@dataclass
class Run:
    label: str
    pages: int
    rows: int
    errors: int
    tracebacks: int
    m: Measure
    note: str = ""
    requests: int = 0  # Scrapy's downloader/request_count
    not_found: int = 0  # responses with status 404

    @property
    def rate(self) -> float:
        return self.rows / self.m.wall


def log_faults(path: Path) -> tuple[int, int]:
    text = path.read_text(errors="replace")
    return len(ERROR_LINE.findall(text)), text.count("Traceback (most recent call last)")


def log_requests(path: Path) -> tuple[int, int]:
    """Requests downloaded and responses with status 404, from the stats Scrapy dumps at the end of its log."""
    text = path.read_text(errors="replace")
    found = [int(m.group(1)) if (m := re.search(rf"'{re.escape(key)}': (\d+)", text)) else 0
             for key in ("downloader/request_count", "downloader/response_status_count/404")]
    return found[0], found[1]


def settings_args(settings: dict[str, str]) -> list[str]:
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


INLINE_SPIDERS = {make_site.SITEMAP: "inline_spider.py", make_site.LISTING: "inline_listing_spider.py"}


def run_inline(base: str, pages: int, tag: str, timeout: float, shape: str = make_site.SITEMAP) -> Run:
    feed, log_path = OUT / f"inline-{tag}.jsonl", OUT / "logs" / f"inline-{tag}.log"
    feed.unlink(missing_ok=True)
    # outside the repo: scrapy.cfg would load this project's settings and pipelines
    with tempfile.TemporaryDirectory(prefix="bench-inline-") as cwd:
        m = measure([sys.executable, "-m", "scrapy", "runspider", str(HERE / INLINE_SPIDERS[shape]), "-a", f"url={base}",
                     "-O", str(feed), *settings_args(SETTINGS)], Path(cwd), log_path, timeout)
    rows = sum(1 for _ in open(feed, "rb")) if feed.exists() else 0
    errors, tracebacks = log_faults(log_path)
    note = f"exit {m.returncode}" if m.returncode else ""
    return Run(f"(a) inline {tag}", pages, rows, errors, tracebacks, m, note, *log_requests(log_path))


def fresh_store(path: Path) -> None:
    for stale in [path, *path.parent.glob(path.name + "-*"), *path.parent.glob(path.name + ".*.lock")]:
        stale.unlink(missing_ok=True)


def store_summary(path: Path) -> tuple[int, str]:
    """Article rows, and a short line: rejects by reason and the run's finish reason."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        rejects = db.execute("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC").fetchall()
        finish = db.execute("SELECT group_concat(DISTINCT finish_reason) FROM crawl_runs").fetchone()[0]
    reasons = ", ".join(f"{reason} {count}" for reason, count in rejects) or "none"
    return rows, f"finish {finish}; rejects: {reasons}"


def run_news(base: str, pages: int, tag: str, timeout: float, extra: dict[str, str],
             store: Path | None = None) -> Run:
    """(b) into a fresh store, removed after; or into STORE as it is, kept (a re-crawl)."""
    keep = store is not None
    store, log_path = store or OUT / f"news-{tag}.db", OUT / "logs" / f"news-{tag}.log"
    if not keep:
        fresh_store(store)
    m = measure([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={base}", "-s", f"NEWS_DB_PATH={store}",
                 *settings_args({**SETTINGS, **extra})], ROOT, log_path, timeout)
    try:
        rows, note = store_summary(store)
    except sqlite3.Error as exc:
        rows, note = 0, f"store unreadable: {exc}"
    if m.returncode:
        note = f"exit {m.returncode}; {note}"
    errors, tracebacks = log_faults(log_path)
    if not keep:
        fresh_store(store)
    return Run(f"(b) news {tag}", pages, rows, errors, tracebacks, m, note, *log_requests(log_path))


# --- sites ----------------------------------------------------------------------------------------

def site(pages: int, base: str, shape: str = make_site.SITEMAP) -> Path:
    """The generated site of PAGES articles in SHAPE for BASE, built once and cached."""
    root = OUT / "sites" / (str(pages) if shape == make_site.SITEMAP else f"{shape}-{pages}")
    if not make_site.is_built(root, pages, base, shape=shape):
        log(f"building a {shape} site of {pages} pages in {root} ...")
        started = time.perf_counter()
        make_site.build(pages, root, base, shape=shape)
        log(f"  built in {time.perf_counter() - started:.0f} s")
    return root


def site_bytes(root: Path) -> tuple[int, int, int]:
    """Article pages' total, smallest and largest size in bytes."""
    sizes = [(root / json.loads(line)["path"].lstrip("/")).stat().st_size for line in open(root / "manifest.jsonl")]
    return sum(sizes), min(sizes), max(sizes)


# --- printing -------------------------------------------------------------------------------------

def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain aligned text: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    def line(row: list[str]) -> str:
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
    return "\n".join([line(headers), *map(line, rows)])


def run_row(run: Run) -> list[str]:
    m = run.m
    return [run.label, f"{m.wall:.1f}", f"{run.rate:.1f}", str(run.rows), "yes" if run.rows == run.pages else "NO",
            str(run.errors), str(run.tracebacks), str(run.requests), str(run.not_found), f"{m.cpu:.1f}",
            f"{m.main_cpu:.1f}", f"{m.worker_cpu:.1f}", f"{m.cpu / m.wall:.2f}", f"{m.other_cpu / m.wall:.2f}",
            f"{m.peak_rss / MB:.0f}", f"{m.peak_pss / MB:.0f}" if m.peak_pss else "-", str(m.processes)]


RUN_HEADERS = ["run", "wall s", "articles/s", "rows", "rows=N", "errors", "tracebacks", "requests", "404s", "CPU s",
               "main CPU s", "workers CPU s", "cores", "other cores", "peak RSS MB", "peak PSS MB", "procs"]


def site_line(shape: str, pages: int, root: Path, server: str, port: int) -> str:
    total, smallest, largest = site_bytes(root)
    return (f"{shape} site: {pages} article pages, {smallest / 1000:.0f}-{largest / 1000:.0f} KB (total {total / MB:.0f} MB), "
            f"served by {server} on 127.0.0.1:{port}; (a) is {INLINE_SPIDERS[shape]}")


def header(extra: dict[str, str]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "crawler", "storage"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    sys.path.insert(0, str(ROOT))
    import crawler.settings as news_settings
    workers = getattr(news_settings, "NEWS_EXTRACT_WORKERS", "(no such setting: extraction in the crawl process)")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join([
        f"machine: {os.cpu_count()} cores, load average {load} at start; commit {commit}"
        f"{' + uncommitted changes in crawler/ or storage/' if dirty else ''}",
        f"crawls: {' '.join(f'{k}={v}' for k, v in SETTINGS.items())}"
        + (f"; (b) also {' '.join(f'{k}={v}' for k, v in extra.items())}" if extra else ""),
        f"NEWS_EXTRACT_WORKERS default: {workers}",
    ])


def ratio_lines(runs: list[Run]) -> list[str]:
    inline = [r for r in runs if r.label.startswith("(a)")]
    news = [r for r in runs if r.label.startswith("(b)")]
    per_round = [f"round {i + 1} {b.rate / a.rate:.2f}x" for i, (a, b) in enumerate(zip(inline, news))]
    rate = lambda rs: sum(r.rows for r in rs) / sum(r.m.wall for r in rs)  # noqa: E731
    lines = [f"ratio (b)/(a) articles/s: {', '.join(per_round)}; all rounds {rate(news) / rate(inline):.2f}x"]
    per = lambda rs, f: sum(map(f, rs)) / max(1, sum(r.rows for r in rs))  # noqa: E731
    cpu = lambda rs: 1000 * per(rs, lambda r: r.m.cpu)  # noqa: E731
    cores = os.cpu_count() or 1
    lines.append(f"requests per stored article: (a) {per(inline, lambda r: r.requests):.2f} "
                 f"({per(inline, lambda r: r.not_found):.2f} answered 404), (b) {per(news, lambda r: r.requests):.2f} "
                 f"({per(news, lambda r: r.not_found):.2f} answered 404)")
    split = lambda rs: (f"{1000 * per(rs, lambda r: r.m.main_cpu):.1f} main process + "  # noqa: E731
                        f"{1000 * per(rs, lambda r: r.m.worker_cpu):.1f} workers")
    lines.append(f"CPU ms per stored article: (a) {cpu(inline):.1f} = {split(inline)}, (b) {cpu(news):.1f} = {split(news)}")
    lines.append(f"peak RSS (b) max {max(r.m.peak_rss for r in news) / MB:.0f} MB, "
                 f"PSS {max(r.m.peak_pss for r in news) / MB:.0f} MB")
    lines.append(f"CPU-bound ceiling of the ratio, (a) on one core and (b) on all {cores}: "
                 f"{cores} x {cpu(inline):.1f} / {cpu(news):.1f} = {cores * cpu(inline) / cpu(news):.2f}x")
    return lines


def first_listing(shape: str, number: int, args: argparse.Namespace) -> bool:
    """The (b) crawl followed by the unchanged re-crawl: the listing shape's first round."""
    return shape == make_site.LISTING and number == 1 and not args.no_recrawl


def recrawl_line(shape: str, first: Run, again: Run) -> str:
    """The unchanged re-crawl against the first crawl into the same store (issue #19: <= 1/10)."""
    fraction = again.m.wall / first.m.wall
    new = re.search(r"'news/stored/new': (\d+)", (OUT / "logs" / f"news-{shape}-r1-recrawl.log").read_text(errors="replace"))
    return (f"unchanged re-crawl ({shape}, same store): {again.m.wall:.2f} s vs the first crawl's {first.m.wall:.2f} s "
            f"= {fraction:.3f} (1/{1 / fraction:.1f}); {again.requests} requests, {new.group(1) if new else 0} new rows, "
            f"{again.rows} rows, {again.errors + again.tracebacks} errors")


def growth_ratio(grown: list[Run], pages: int) -> list[str]:
    """Peak RSS at the largest N over the one at PAGES (or the smallest N) (issue #19: <= 1.15)."""
    if len(grown) < 2:
        return []
    top = max(grown, key=lambda r: r.pages)
    base = next((r for r in grown if r.pages == pages), min(grown, key=lambda r: r.pages))
    part = lambda f: f"{f(top.m) / MB:.0f} / {f(base.m) / MB:.0f} MB = {f(top.m) / f(base.m):.2f}x"  # noqa: E731
    return [f"peak RSS at {top.pages} / at {base.pages}: {part(lambda m: m.peak_rss)} "
            f"(crawl process {part(lambda m: m.peak_main)}, workers {part(lambda m: m.peak_workers)})"]


# --- other extractors -----------------------------------------------------------------------------

OTHERS = {"newspaper4k": "newspaper4k", "news-please": "news-please"}


def others_python() -> tuple[Path | None, str]:
    """The Python of bench/out/others-venv, made on first use; or None and why not."""
    python = OTHERS_VENV / "bin" / "python"
    check = [str(python), "-c", "import newspaper, newsplease"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    log(f"installing newspaper4k and news-please into {OTHERS_VENV} ...")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(OTHERS_VENV)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *OTHERS.values()], check=True, capture_output=True,
                       timeout=900)
        subprocess.run(check, check=True, capture_output=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = (getattr(exc, "stderr", b"") or b"").decode(errors="replace").strip().splitlines()
        return None, f"could not install them: {detail[-1] if detail else exc}"
    return python, ""


def time_extractor(python: Path, name: str, root: Path, limit: int) -> dict:
    result = subprocess.run([str(python), "-W", "ignore", str(HERE / "others.py"), name, str(root), str(limit)],
                            cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if result.returncode:
        return {"name": name, "error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def others_report(root: Path, limit: int) -> str:
    python, why = others_python()
    runs = [time_extractor(Path(sys.executable), "trafilatura", root, limit),
            time_extractor(Path(sys.executable), "news-crawler", root, limit)]
    if python:
        runs += [time_extractor(python, name, root, limit) for name in OTHERS]
    base = runs[0].get("ms_per_page")
    rows, failed = [], []
    for r in runs:
        if "error" in r:
            failed.append(f"{r['name']}: {r['error']}")
            continue
        pct = lambda key: f"{100 * r[key] / r['pages']:.0f}%"  # noqa: E731
        rows.append([r["name"], r["version"], f"{r['ms_per_page']:.1f}", f"{base / r['ms_per_page']:.2f}x" if base else "-",
                     pct("title_ok"), pct("author_ok"), pct("body_found"), pct("comments_leaked")])
    text = table(["extractor", "version", "ms/page", "speed vs trafilatura", "title ok", "author ok", "body found",
                  "comments leaked"], rows)
    notes = [f"{runs[0].get('pages', limit)} article pages, read from disk first, one process each, one after another"]
    if not python:
        notes.append(f"newspaper4k / news-please skipped: {why}")
    notes += [f"failed: {f}" for f in failed]
    return text + "\n" + "\n".join(notes)


# --- main -----------------------------------------------------------------------------------------

def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=[*make_site.SHAPES, "both"], default="both",
                        help="site shape(s) to compare on (default both)")
    parser.add_argument("--growth-shape", choices=make_site.SHAPES,
                        help="site shape of the growth table (default: listing when it is compared, else sitemap)")
    parser.add_argument("--pages", type=int, default=2000, help="articles in the compared site (default 2000)")
    parser.add_argument("--growth", default="500,2000,8000,32000", help="site sizes for the growth table ('' skips it)")
    parser.add_argument("--no-recrawl", action="store_true",
                        help="skip the unchanged re-crawl after the listing shape's first (b) crawl")
    parser.add_argument("--rounds", type=int, default=2, help="(a)/(b) pairs, alternated (default 2)")
    parser.add_argument("--port", type=int, default=18089, help="port on 127.0.0.1 to serve the sites on")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="an extra Scrapy setting for (b), e.g. NEWS_EXTRACT_WORKERS=0 (repeatable)")
    parser.add_argument("--others", action="store_true", help="also time newspaper4k and news-please per page")
    parser.add_argument("--others-pages", type=int, default=200, help="pages for --others (default 200)")
    parser.add_argument("--python-server", action="store_true", help="serve with python -m http.server, not nginx")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a crawl is killed")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.set)
    growth = [int(n) for n in args.growth.split(",") if n.strip()]
    base = f"http://127.0.0.1:{args.port}/"
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    shapes = list(make_site.SHAPES) if args.shape == "both" else [args.shape]
    growth_shape = args.growth_shape or (make_site.LISTING if make_site.LISTING in shapes else shapes[0])
    roots = {shape: site(args.pages, base, shape) for shape in shapes}
    growth_roots = {n: site(n, base, growth_shape) for n in growth}

    report = [header(extra)]
    summary = []
    recrawl = summary_recrawl = ""
    for shape in shapes:
        runs: list[Run] = []
        with serve(roots[shape], args.port, allow_nginx=not args.python_server) as server:
            report += ["", site_line(shape, args.pages, roots[shape], server, args.port)]
            for number in range(1, args.rounds + 1):
                for crawl in ("a", "b"):
                    log(f"{shape} round {number}: ({crawl}) on {args.pages} pages ...")
                    tag = f"{shape}-r{number}"
                    recrawl_store = OUT / f"news-{tag}.db" if crawl == "b" and first_listing(shape, number, args) else None
                    if recrawl_store is not None:
                        fresh_store(recrawl_store)
                    run = (run_inline(base, args.pages, tag, args.timeout, shape) if crawl == "a"
                           else run_news(base, args.pages, tag, args.timeout, extra, recrawl_store))
                    log(f"  {run.rate:.1f} articles/s, {run.rows} rows")
                    runs.append(run)
                    if recrawl_store is not None:
                        log(f"{shape}: (b) again on the unchanged site, same store ...")
                        again = run_news(base, args.pages, f"{tag}-recrawl", args.timeout, extra, recrawl_store)
                        fresh_store(recrawl_store)
                        recrawl = recrawl_line(shape, run, again)
        lines = ratio_lines(runs)
        report += [table(RUN_HEADERS, [run_row(r) for r in runs]), *lines]
        report += [f"{r.label}: {r.note}" for r in runs if r.note]
        if shape == make_site.LISTING and recrawl:
            report.append(recrawl)
            summary_recrawl = recrawl
        summary += [f"{shape}: {lines[0]}", f"  {lines[1]}", f"  {lines[2]}"]
    if summary_recrawl:
        summary.append(summary_recrawl)
    if len(summary) > 1:
        report += ["", "both shapes:", *summary]

    if growth:
        grown = []
        for n in growth:
            with serve(growth_roots[n], args.port, allow_nginx=not args.python_server):
                log(f"growth: (b) on {n} pages ({growth_shape} shape) ...")
                grown.append(run_news(base, n, f"growth-{growth_shape}-{n}", args.timeout, extra))
        rows = [[str(r.pages), f"{r.m.wall:.1f}", f"{r.rate:.1f}", "yes" if r.rows == r.pages else f"NO ({r.rows})",
                 str(r.errors + r.tracebacks), f"{r.requests / max(1, r.rows):.2f}", f"{r.m.cpu:.1f}",
                 f"{r.m.cpu / r.m.wall:.2f}", f"{r.m.other_cpu / r.m.wall:.2f}",
                 f"{1000 * r.m.cpu / max(1, r.rows):.1f}", f"{1000 * r.m.main_cpu / max(1, r.rows):.1f}",
                 f"{r.m.peak_rss / MB:.0f}", f"{r.m.peak_main / MB:.0f}", f"{r.m.peak_workers / MB:.0f}",
                 f"{r.m.peak_pss / MB:.0f}" if r.m.peak_pss else "-"] for r in grown]
        report += ["", f"growth: `scrapy crawl news`, one run per site size, {growth_shape} shape",
                   table(["N", "wall s", "articles/s", "rows=N", "errors", "requests/article", "CPU s", "cores",
                          "other cores", "CPU ms/article", "main ms/article", "peak RSS MB", "main RSS MB",
                          "workers RSS MB", "peak PSS MB"], rows)]
        report += [f"N={r.pages}: {r.note}" for r in grown if r.note]
        report += growth_ratio(grown, args.pages)

    if args.others:
        log("timing extractors per page ...")
        report += ["", others_report(roots[shapes[0]], args.others_pages)]
    report.append(f"\nload average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n".join(report))


if __name__ == "__main__":
    main()
