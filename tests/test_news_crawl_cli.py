"""news-crawl record / probe on ordinary mistakes: one line, no traceback, nothing left behind, and
a reviewed expected.json never overwritten without --force."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main as news_crawl

ROOT = Path(__file__).resolve().parent.parent
STORY = "2025/03/03/central-bank-holds-interest-rates-steady.html"


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def news_crawl_process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)


def error_line(stderr: str) -> str:
    """The one `Error:` line of stderr (warnings may come first), with no traceback."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if not line.startswith("warning: ")]
    assert len(errors) == 1 and errors[0].startswith("Error: "), stderr
    return errors[0]


def record(fixtures: Path, url: str, *args: str, source: str = "gulf-wire"):
    return CliRunner().invoke(news_crawl, ["record", url, "--source", source, "--fixtures", str(fixtures),
                                           "--sources", str(ROOT / "sources.toml"), *args])


@pytest.mark.parametrize(("url", "status", "message"), [
    ("example.com", 2, "Error: 'example.com' is not a URL: did you mean https://example.com/?"),
    ("example.com/news/", 2, "Error: 'example.com/news/' is not a URL: did you mean https://example.com/news/?"),
    ("ftp://127.0.0.1/", 2, "Error: 'ftp://127.0.0.1/': only http(s) URLs are fetched"),
])
def test_probe_refuses_what_is_not_an_http_url_in_one_line(url, status, message):
    done = news_crawl_process("probe", url)
    assert done.returncode == status and done.stdout == ""
    assert error_line(done.stderr) == message


def test_probe_of_an_unreachable_site_is_one_line():
    url = f"http://127.0.0.1:{closed_port()}/"
    done = news_crawl_process("probe", url)
    assert done.returncode == 1 and done.stdout == ""
    assert error_line(done.stderr).startswith(f"Error: cannot fetch {url}robots.txt: ") and "refused" in done.stderr


def test_record_of_an_unreachable_page_leaves_nothing(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/2025/01/02/story/"
    done = news_crawl_process("record", url, "--source", "gulf-wire", "--fixtures", str(tmp_path / "pages"))
    assert done.returncode == 1 and done.stdout == ""
    assert error_line(done.stderr).startswith(f"Error: cannot fetch {url}: ")
    assert list(tmp_path.iterdir()) == []


def test_record_of_a_bare_host_is_a_usage_error(tmp_path):
    done = news_crawl_process("record", "example.com/story/", "--source", "gulf-wire", "--fixtures", str(tmp_path))
    assert done.returncode == 2 and "did you mean https://example.com/story/?" in error_line(done.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("path", "message"), [
    ("no-such-story/", "answered HTTP 404: nothing recorded"),
    ("", "the page is rejected (not_article: "),  # the home page: fetched, but no article to expect
])
def test_record_of_a_page_it_cannot_record_leaves_no_file_and_no_folder(tmp_path, site_server, path, message):
    fixtures = tmp_path / "pages"
    result = record(fixtures, site_server("gulf-wire") + path)
    assert result.exit_code == 1
    assert message in error_line(result.stderr)
    assert not fixtures.exists()


def test_record_never_overwrites_a_reviewed_expected_json_without_force(tmp_path, site_server):
    fixtures, url = tmp_path / "pages", site_server("gulf-wire") + STORY
    assert record(fixtures, url, "--case", "bank").exit_code == 0
    case = fixtures / "gulf-wire" / "bank"
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    expected["authors"] = ["Omar Farouk", "Reviewed By Hand"]  # the maintainer's correction
    (case / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    reviewed = {p.name: p.read_bytes() for p in case.iterdir()}

    again = record(fixtures, url, "--case", "bank")
    assert again.exit_code == 1 and again.stdout == ""
    assert error_line(again.stderr) == (f"Error: {case}/expected.json exists (reviewed by hand?): nothing recorded; "
                                        "pass --force to overwrite it, or --case NAME for a new case")
    assert {p.name: p.read_bytes() for p in case.iterdir()} == reviewed
    slug = record(fixtures, url)  # the default case name is the URL's: a recording there is refused too
    assert slug.exit_code == 0 and (fixtures / "gulf-wire" / "central-bank-holds-interest-rates-steady").is_dir()
    assert record(fixtures, url).exit_code == 1

    forced = record(fixtures, url, "--case", "bank", "--force")
    assert forced.exit_code == 0, forced.output
    assert json.loads((case / "expected.json").read_text("utf-8"))["authors"] == ["Omar Farouk"]


def test_record_refuses_a_reviewed_case_before_fetching(tmp_path):
    case = tmp_path / "pages" / "gulf-wire" / "bank"
    case.mkdir(parents=True)
    (case / "expected.json").write_text("{}\n")
    unreachable = f"http://127.0.0.1:{closed_port()}/story/"
    result = record(tmp_path / "pages", unreachable, "--case", "bank")
    assert result.exit_code == 1 and "expected.json exists" in error_line(result.stderr)  # not "cannot fetch"


def test_record_warns_for_an_undeclared_source_and_records_without_hints(tmp_path, site_server):
    fixtures = tmp_path / "pages"
    result = record(fixtures, site_server("gulf-wire") + STORY, "--case", "bank", source="gulf-wrie")
    assert result.exit_code == 0, result.output
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"warning: source 'gulf-wrie' is not declared in {ROOT / 'sources.toml'} (declared: ")
    assert "gulf-wire" in warning and warning.endswith("); recording without its hints")
    assert sorted(p.name for p in (fixtures / "gulf-wrie" / "bank").iterdir()) == [
        "expected.json", "response.html", "response.json"]
    declared = record(fixtures, site_server("gulf-wire") + STORY, "--case", "bank")
    assert declared.stderr == "" and (fixtures / "gulf-wire" / "bank" / "hints.json").exists()
