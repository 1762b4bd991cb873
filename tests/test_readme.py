"""README documents every news-store command and every NEWS_* setting, and nothing that is gone."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click

from storage.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def news_settings() -> dict[str, object]:
    """The NEWS_* names assigned in crawler/settings.py, with their values (parsed, not imported)."""
    tree = ast.parse((ROOT / "crawler" / "settings.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id.startswith("NEWS_"):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:  # computed: its name is still checked, its default is not
                    found[target.id] = ...
    return found


def settings_table() -> dict[str, str]:
    """README's Settings table: setting -> default cell."""
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(NEWS_[A-Z0-9_]+)` \| ([^|]*) \|", section, flags=re.M))


def test_every_news_setting_is_in_the_settings_table():
    settings = news_settings()
    assert "NEWS_DB_PATH" in settings and "NEWS_RUN_ID" in settings
    missing = sorted(set(settings) - set(settings_table()))
    assert not missing, f"README's Settings table lacks {missing}"


def test_the_settings_table_names_no_setting_that_is_gone():
    stale = sorted(set(settings_table()) - set(news_settings()))
    assert not stale, f"README documents settings crawler/settings.py no longer has: {stale}"


def test_the_documented_defaults_are_the_settings_values():
    table = settings_table()
    for name, value in news_settings().items():
        if value is ... or name not in table:
            continue
        cell = table[name].strip().strip("`")
        assert cell == ("(empty)" if value == "" else str(value)), f"{name}: README says {cell!r}, settings {value!r}"


def test_every_cli_command_is_documented():
    missing = [name for name in main.commands if f"news-store {name}" not in README]
    assert not missing, f"README does not document news-store {missing}"


def test_the_readme_shows_no_cli_command_that_does_not_exist():
    shown = set(re.findall(r"news-store (?:--db \S+ )?([a-z][a-z-]*)", README))
    assert shown - set(main.list_commands(click.Context(main))) == set()  # plugin commands (ingest) included


def test_the_datasette_metadata_file_named_in_the_readme_exists():
    for path in re.findall(r"-m (\S+\.json)", README):
        if not path.startswith("example"):
            assert (ROOT / path).is_file(), path
