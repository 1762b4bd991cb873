"""Rules of the layout (DESIGN.md, "Where each step lives"), read off the source's import
statements: extraction is pure (no Scrapy, no Twisted), the store knows nothing of the crawler,
and every third-party module imported directly is declared in pyproject.toml."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Folders whose modules run only with an optional extra installed, and may import what it declares.
EXTRA_FOLDERS = {"crawler/frontier/": "redis"}


def imported_modules(folder: Path) -> dict[str, set[str]]:
    """Top-level module -> the files (relative to the repository) importing it, absolute imports only."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def top(module: str) -> str:
    return module.split(".")[0]


def requirement_names(requirements: list[str]) -> set[str]:
    """Distribution names of PEP 508 requirements, normalised as PEP 503 does."""
    names = set()
    for requirement in requirements:
        name = re.match(r"\s*([A-Za-z0-9._-]+)", requirement).group(1)
        names.add(re.sub(r"[-_.]+", "-", name).lower())
    return names


def undeclared(folder: str, declared: set[str]) -> dict[str, str]:
    """Third-party modules imported under `folder` whose distribution is not in `declared` (nor,
    for modules imported only in EXTRA_FOLDERS, in their extra)."""
    # the repository's own: its packages and folders of scripts (bench/, scripts/), the folder's modules
    local = {path.name for path in ROOT.iterdir() if path.is_dir() and any(path.glob("*.py"))}
    local |= {path.stem for path in (ROOT / folder).glob("*.py")}
    distributions = packages_distributions()
    missing = {}
    for module, files in imported_modules(ROOT / folder).items():
        name = top(module)
        if name in sys.stdlib_module_names or name in local or name == "__future__":
            continue
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(name, [])}
        assert dists, f"{name} (imported in {sorted(files)[0]}) belongs to no installed distribution"
        if dists & declared or all(dists & _extra_of(path) for path in files):
            continue
        missing[name] = f"{sorted(dists)} imported in {', '.join(sorted(files))}"
    return missing


def _extra_of(path: str) -> set[str]:
    extras = [extra for folder, extra in EXTRA_FOLDERS.items() if path.startswith(folder)]
    return requirement_names([r for extra in extras for r in PYPROJECT["optional-dependencies"][extra]])


@pytest.mark.parametrize("forbidden", ["scrapy", "twisted"])
def test_extraction_imports_nothing_of_the_crawl_framework(forbidden):
    imports = imported_modules(ROOT / "crawler" / "extract")
    assert imports, "no module read"
    offenders = {module: files for module, files in imports.items() if top(module) == forbidden}
    assert not offenders, offenders


def test_storage_imports_nothing_of_the_crawler():
    imports = imported_modules(ROOT / "storage")
    assert imports, "no module read"
    offenders = {module: files for module, files in imports.items() if top(module) == "crawler"}
    assert not offenders, offenders


@pytest.mark.parametrize("folder", ["crawler", "storage"])
def test_every_direct_import_is_a_declared_dependency(folder):
    assert not undeclared(folder, requirement_names(PYPROJECT["dependencies"]))


def test_every_test_import_is_declared_with_the_test_extra():
    declared = requirement_names(PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["test"])
    assert not undeclared("tests", declared)
