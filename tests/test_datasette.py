"""The store opens usefully in Datasette with the shipped metadata: search, facets, newest first."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import Store
from storage.cli import datasette_metadata_for, main
from test_store import article

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "storage" / "datasette-metadata.json"


def test_the_metadata_file_configures_articles():
    tables = json.loads(METADATA.read_text())["databases"]["news"]["tables"]
    articles = tables["articles"]
    assert articles["facets"] == ["source", "language", {"array": "categories"}]
    assert articles["fts_table"] == "articles_fts" and articles["sort_desc"] == "published_at"


def test_the_cli_rekeys_the_metadata_for_any_file_name(tmp_path):
    assert list(datasette_metadata_for("/data/example.db")["databases"]) == ["example"]
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "gulf.db"), "datasette-metadata"])
    assert result.exit_code == 0
    assert json.loads(result.output)["databases"]["gulf"]["tables"]["articles"]["fts_table"] == "articles_fts"


def test_datasette_serves_the_articles_table_with_search_and_facets(tmp_path):
    datasette_app = pytest.importorskip("datasette.app")
    path = tmp_path / "news.db"
    with Store(path, write=True) as store:
        store.write_batch([
            article(1, title="Port expansion opens terminal", categories=["Business"]),
            article(2, title="In Diyala, the army meets the Peshmerga", categories=["Iraq", "Politics"],
                    language="ar", published_at="2020-07-28T15:16:00+03:00"),
            article(3, title="Rates held steady", categories=["Business", "Economy"]),
        ])
    ds = datasette_app.Datasette([str(path)], metadata=json.loads(METADATA.read_text()))

    async def fetch():
        await ds.invoke_startup()
        page = await ds.client.get("/news/articles")
        found = await ds.client.get("/news/articles.json?_search=Peshmerga&_shape=objects")
        table = await ds.client.get("/news/articles.json?_shape=objects&_extra=facet_results")
        return page, found, table

    page, found, table = asyncio.run(fetch())
    assert page.status_code == 200
    assert 'name="_search"' in page.text and "In Diyala" in page.text
    assert found.status_code == 200
    assert [row["title"] for row in found.json()["rows"]] == ["In Diyala, the army meets the Peshmerga"]
    data = table.json()
    assert [row["id"] for row in data["rows"]] == [2, 3, 1]  # published_at, newest first
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # Datasette 1.0 nests them
    assert set(facets) >= {"source", "language", "categories"}
    categories = {r["value"]: r["count"] for r in facets["categories"]["results"]}
    assert categories == {"Business": 2, "Economy": 1, "Iraq": 1, "Politics": 1}
