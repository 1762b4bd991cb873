"""README's scheduling examples, run as written: the crontab line (through /bin/sh, with cron's
bare PATH) and the systemd units (`systemd-analyze verify`, then their ExecStart in their
WorkingDirectory). Only the checkout's place changes: $NEWS_HOME, /srv/news-crawler in the units."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Store

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
UNIT_HOME = "/srv/news-crawler"  # where the README's units say the checkout is


def readme_blocks(heading: str) -> list[tuple[str, str]]:
    """(language, text) of each fenced block in README's section `heading`."""
    section = README.split(f"\n{heading}\n", 1)[1]
    section = re.split(r"\n#{2,3} ", section, maxsplit=1)[0]
    return re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)


def checkout(tmp_path: Path, site: str) -> Path:
    """A place like the checkout the examples run in: scrapy.cfg, a sources.toml declaring the
    local fixture site, and the project's .venv."""
    home = tmp_path / "news-crawler"
    home.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", home / "scrapy.cfg")
    (home / "sources.toml").write_text(f'[[source]]\nname = "gulf-wire"\nurl = "{site}"\n')
    (home / ".venv").symlink_to(Path(sys.prefix))
    return home


def assert_crawled(home: Path, run) -> None:
    assert run.returncode == 0, run.stdout + run.stderr
    log = (home / "crawl.log").read_text()
    assert "'finish_reason': 'finished'" in log and "Traceback" not in log
    with Store(home / "news.db") as store:
        assert store.count_articles(source="gulf-wire") >= 4
        assert [r.source for r in store.runs()] == ["gulf-wire"]


def test_the_crontab_line_runs_as_written(tmp_path, site_server):
    [(language, crontab)] = readme_blocks("### cron")
    assert language == "crontab"
    lines = [line for line in crontab.splitlines() if line.strip() and not line.startswith("#")]
    variables = dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))
    [entry] = [line for line in lines if not re.match(r"^[A-Z_]+=", line)]
    minute, hour, day, month, weekday, command = entry.split(None, 5)
    assert variables == {"NEWS_HOME": UNIT_HOME} and (hour, day, month, weekday) == ("*", "*", "*", "*")
    assert "%" not in command  # cron would turn it into a newline

    def cron(home: Path) -> subprocess.CompletedProcess:
        env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "NEWS_HOME": str(home)}  # cron's
        return subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)

    home = checkout(tmp_path, site_server("gulf-wire"))
    run = cron(home)
    assert_crawled(home, run)
    assert run.stdout == "" and run.stderr == ""  # with LOG_FILE, a good run gives cron nothing to mail

    # a run that fails (here: news.db is another program's database) gives cron one line to mail
    failing = tmp_path / "failing"
    failing.mkdir()
    home = checkout(failing, site_server("gulf-wire"))
    foreign = sqlite3.connect(home / "news.db")
    foreign.execute("CREATE TABLE notes (text TEXT)")
    foreign.close()
    run = cron(home)
    assert run.returncode == 0 and run.stderr == ""  # the echo ran
    assert run.stdout == f"news crawl failed: exit status 1, see {home}/crawl.log\n"
    errors = [line for line in (home / "crawl.log").read_text().splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "not a news store" in errors[0]


def units() -> dict[str, str]:
    """The README's systemd unit files, by name."""
    found = {}
    for language, text in readme_blocks("### systemd service and timer"):
        assert language == "ini"
        first = text.splitlines()[0]
        assert first.startswith("# /etc/systemd/system/")
        found[first.rsplit("/", 1)[1]] = text
    assert set(found) == {"news-crawl.service", "news-crawl.timer"}
    return found


def test_the_systemd_units_verify_and_their_exec_start_runs_as_written(tmp_path, site_server):
    home = checkout(tmp_path, site_server("gulf-wire"))
    folder = tmp_path / "units"
    folder.mkdir()
    for name, text in units().items():
        (folder / name).write_text(text.replace(UNIT_HOME, str(home)))
    service = configparser.ConfigParser(interpolation=None, strict=False)
    service.read_string(units()["news-crawl.service"].replace(UNIT_HOME, str(home)))
    section = service["Service"]
    assert section["Type"] == "oneshot" and section["SuccessExitStatus"] == "3"

    analyze = shutil.which("systemd-analyze")
    if analyze:  # checks every key, the ExecStart binary and that the timer has its service
        verify = subprocess.run([analyze, "verify", "--man=no", str(folder / "news-crawl.service"),
                                 str(folder / "news-crawl.timer")], capture_output=True, text=True, timeout=120)
        assert verify.returncode == 0, verify.stderr
        assert str(home) not in verify.stderr, verify.stderr
    run = subprocess.run(shlex.split(section["ExecStart"]), cwd=section["WorkingDirectory"],
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, capture_output=True, text=True,
                         timeout=300)
    assert_crawled(home, run)


def test_systemd_analyze_would_catch_a_wrong_path(tmp_path):
    """The verification above is not a formality: a unit whose ExecStart is missing fails it."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    folder = tmp_path / "units"
    folder.mkdir()
    for name, text in units().items():
        (folder / name).write_text(text)  # /srv/news-crawler does not exist here
    verify = subprocess.run([analyze, "verify", "--man=no", str(folder / "news-crawl.service")],
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode != 0 and "is not executable" in verify.stderr


def test_readme_tells_the_exit_statuses_the_units_rely_on():
    section = README.split("\n## Running unattended: cron, systemd, Scrapyd\n", 1)[1].split("\n### ", 1)[0]
    statuses = dict(re.findall(r"^\| (\d) \| ([^|]+) \|", section, flags=re.M))
    assert sorted(statuses) == ["0", "1", "2", "3"]
    assert statuses["3"].startswith("interrupted")
