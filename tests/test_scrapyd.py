"""Scrapyd round trip, as README's "Scrapyd" section shows it: a real scrapyd on 127.0.0.1 with the
README's scrapyd.conf (username/password; only the port changes), `scrapyd-deploy` to scrapy.cfg's
[deploy] target with the README's credentials, the README's curl lines to schedule the crawl of a
declared source and list the jobs; then the rows are in the store."""

from __future__ import annotations

import base64
import configparser
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from storage import Store

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROJECT_FILES = ("crawler", "storage", "pyproject.toml", "setup.py", "scrapy.cfg", "README.md")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readme_blocks() -> list[tuple[str, str]]:
    """(language, text) of each fenced block in README's "### Scrapyd" section."""
    section = README.split("\n### Scrapyd\n", 1)[1]
    section = re.split(r"\n#{2,3} ", section, maxsplit=1)[0]
    return re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)


README = (ROOT / "README.md").read_text(encoding="utf-8")
[(_, SCRAPYD_CONF), (_, DEPLOY_TARGET), (_, COMMANDS)] = readme_blocks()
README_URL = "http://127.0.0.1:6800/"


def credentials() -> tuple[str, str]:
    config = configparser.ConfigParser()
    config.read_string(SCRAPYD_CONF)
    return config["scrapyd"]["username"], config["scrapyd"]["password"]


def api(base: str, endpoint: str) -> dict:
    """GET a Scrapyd JSON endpoint with the README's credentials."""
    request = urllib.request.Request(base + endpoint)
    request.add_header("Authorization", "Basic " + base64.b64encode(":".join(credentials()).encode()).decode())
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer.get("status") == "ok", answer
    return answer


def host_python(folder: Path) -> Path:
    """A Python like a Scrapyd host's: the project's dependencies, but not the project (this
    checkout's editable install is left out), so jobs can only run what the egg holds."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    [site_packages] = (folder / "lib").glob("python3*/site-packages")
    ours = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (site_packages / "dependencies.pth").write_text(f"{ours}\n")  # a path line: its .pth files are not run
    return folder / "bin" / "python"


@pytest.fixture
def scrapyd(tmp_path):
    """A scrapyd on a free 127.0.0.1 port, with its eggs, logs and queues in tmp_path; its base URL."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    python = host_python(tmp_path / "host-python")
    check = subprocess.run([str(python), "-c", "import scrapyd, scrapy, trafilatura\n"
                            "try:\n import crawler\nexcept ImportError: print('no project')"],
                           cwd=home, capture_output=True, text=True)
    assert check.stdout.strip() == "no project", check.stderr
    port = free_port()
    conf = re.sub(r"(?m)^http_port\s*=.*$", f"http_port = {port}", SCRAPYD_CONF)
    assert conf != SCRAPYD_CONF and "bind_address = 127.0.0.1" in conf
    (home / "scrapyd.conf").write_text(conf + "poll_interval = 0.5\n")  # (default 5 s: a faster test)
    process = subprocess.Popen([str(python), "-m", "scrapyd", "--pidfile", str(home / "scrapyd.pid")], cwd=home,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            api(base, "daemonstatus.json")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"scrapyd did not start: {process.communicate()[0]}")
            time.sleep(0.2)
    yield base, home
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_scrapy_cfg_has_the_readme_deploy_target():
    ours, readme = configparser.ConfigParser(), configparser.ConfigParser()
    ours.read(ROOT / "scrapy.cfg")
    readme.read_string(DEPLOY_TARGET)
    assert ours["deploy"]["project"] == readme["deploy"]["project"] == "news"
    assert ours["deploy"]["url"] == readme["deploy"]["url"] == README_URL
    assert (readme["deploy"]["username"], readme["deploy"]["password"]) == credentials()


def test_scrapyd_refuses_a_request_without_the_credentials(scrapyd):
    base, _ = scrapyd
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base + "listprojects.json", timeout=30)
    assert refused.value.code == 401


def test_a_job_scheduled_through_scrapyd_crawls_and_writes_the_store(tmp_path, scrapyd, site_server):
    base, home = scrapyd
    # the checkout, with the README's [deploy] target (credentials) pointed at this scrapyd
    project = tmp_path / "project"
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            project.mkdir(exist_ok=True)
            shutil.copy(source, project / name)
    cfg = project / "scrapy.cfg"
    cfg.write_text(cfg.read_text().split("[deploy]")[0] + DEPLOY_TARGET.replace(README_URL, base))
    # NEWS_HOME: where the job's sources file and store are (absolute paths: Scrapyd runs jobs in its folder)
    site = site_server("gulf-wire")
    news_home = tmp_path / "news-home"
    news_home.mkdir()
    (news_home / "sources.toml").write_text(f'[[source]]\nname = "gulf-wire"\nurl = "{site}"\n')
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "NEWS_HOME": str(news_home)}

    def sh(line: str) -> str:
        done = subprocess.run(["/bin/sh", "-c", line.replace(README_URL, base)], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        return done.stdout

    deploy_line, schedule_line, list_line = COMMANDS.strip().splitlines()
    assert deploy_line == "scrapyd-deploy"
    started = time.monotonic()
    deployed_answer = json.loads(sh(deploy_line))
    deployed = time.monotonic()
    assert deployed_answer["status"] == "ok" and deployed_answer["project"] == "news"
    assert "news" in api(base, "listspiders.json?project=news")["spiders"]

    job = json.loads(sh(schedule_line))["jobid"]
    deadline = time.monotonic() + 240
    while True:
        jobs = json.loads(sh(list_line))
        if any(j["id"] == job for j in jobs["finished"]):
            break
        assert time.monotonic() < deadline, jobs
        time.sleep(0.5)
    done = time.monotonic()
    log = (home / "logs" / "news" / "news" / f"{job}.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    assert "'finish_reason': 'finished'" in log, log[-3000:]

    with Store(news_home / "news.db") as store:
        articles = store.count_articles(source="gulf-wire")
        [run] = store.runs()
        sample = next(store.articles(source="gulf-wire", limit=1))
    assert articles >= 4 and sample.title and sample.url.startswith(site)
    assert (run.source, run.finish_reason, run.stored_new) == ("gulf-wire", "finished", articles)
    print(f"scrapyd round trip: deploy {deployed - started:.1f} s, job scheduled to finished "
          f"{done - deployed:.1f} s, {articles} articles stored, run {run.run_id} {run.finish_reason}")
