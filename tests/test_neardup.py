"""Near-duplicates: syndicated copies of one story share a cluster_id, different stories on the
same topic do not. Unit tests of crawler.neardup on fixtures/neardup/, the cluster pipeline on a
temporary store, and real crawls of two fixture sites into one store."""

from __future__ import annotations

import asyncio

import itertools
import zlib
import random
import sqlite3
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scrapy.utils.test import get_crawler

from conftest import ROOT, run_crawl
from crawler import neardup
from crawler.items import CrawledArticle
from crawler.pipelines.cluster import ClusterPipeline
from crawler.rules import Cluster
from storage.writer import StoreWriter
from storage import Store

FIXTURES = ROOT / "fixtures" / "neardup"
TEXTS = sorted(FIXTURES.glob("*/*/*.txt"))


def story(path: Path) -> str:
    return f"{path.parts[-3]}/{path.parts[-2]}"


@pytest.fixture(scope="module")
def signatures() -> dict[Path, neardup.Signature]:
    return {path: neardup.signature(path.read_text("utf-8")) for path in TEXTS}


def cluster(signatures: dict[Path, neardup.Signature], order: list[Path]) -> dict[Path, object]:
    """Add texts one at a time, as the pipeline adds items: path -> cluster."""
    index = neardup.BandIndex()
    assigned = {}
    for path in order:
        found = index.best(signatures[path])
        assigned[path] = found[1] if found else path
        index.add(path, signatures[path], assigned[path])
    return assigned


# --- the fixtures ---------------------------------------------------------------------------

def test_the_fixtures_have_groups_of_copies_and_same_topic_stories():
    stories = Counter(story(path) for path in TEXTS)
    topics = Counter(path.parts[-3] for path in TEXTS)
    assert len(TEXTS) >= 40 and len(stories) >= 10
    assert sum(count >= 2 for count in stories.values()) >= 10  # stories with copies
    assert all(len({story(p) for p in TEXTS if p.parts[-3] == topic}) >= 2 for topic in topics)


# --- crawler.neardup ------------------------------------------------------------------------

def test_different_stories_on_one_topic_never_reach_the_threshold(signatures):
    for a, b in itertools.combinations(TEXTS, 2):
        if a.parts[-3] == b.parts[-3] and story(a) != story(b):
            score = neardup.similarity(signatures[a], signatures[b])
            assert score < neardup.DEFAULT.threshold, f"{story(a)}/{a.stem} ~ {story(b)}/{b.stem}: {score:.2f}"


@pytest.mark.parametrize("seed", range(10))
def test_copies_cluster_together_and_same_topic_stories_apart(signatures, seed):
    order = list(TEXTS)
    random.Random(seed).shuffle(order)
    assigned = cluster(signatures, order)
    for a, b in itertools.combinations(TEXTS, 2):
        if story(a) != story(b):
            assert assigned[a] != assigned[b], f"{story(a)}/{a.stem} clustered with {story(b)}/{b.stem}"
    true_pairs = [(a, b) for a, b in itertools.combinations(TEXTS, 2) if story(a) == story(b)]
    joined = sum(assigned[a] == assigned[b] for a, b in true_pairs)
    assert joined / len(true_pairs) >= 0.85  # bench/neardup.py: 0.94 on average, 0.875 at worst


def test_a_wire_copy_with_a_new_lead_and_no_credit_line_joins_the_original(signatures):
    wire = FIXTURES / "kurdistan-oil" / "ceyhan-pipeline-restart"
    for copy in ("gulf-business", "erbil-post", "news-portal-short"):
        score = neardup.similarity(signatures[wire / "wire.txt"], signatures[wire / f"{copy}.txt"])
        assert score >= neardup.DEFAULT.threshold, copy


def test_credit_lines_copyright_and_dateline_are_not_part_of_the_story():
    text = ("BAGHDAD/ERBIL, Sept 27 (Tigris Press Agency) - Crude oil began flowing again.\n\n"
            "The deal must be renewed - the officials said.\n\n(Tigris Press Agency)\n\n"
            "Reporting by Ahmed Rasheed; Editing by Louise Heavens\n\n"
            "Copyright 2025 Levant Wire. All rights reserved.")
    assert neardup.clean(text) == "Crude oil began flowing again.\n\nThe deal must be renewed - the officials said."
    assert neardup.clean("البصرة (وكالة الرافدين للأنباء) - خرج محتجون") == "خرج محتجون"
    assert neardup.clean("The KDP - which won - said so.") == "The KDP - which won - said so."


def test_signatures_and_bands_are_deterministic_and_fit_sqlite_integers():
    text = (FIXTURES / "floods" / "erbil-flash-floods" / "wire.txt").read_text("utf-8")
    sig = neardup.signature(text)
    bands = neardup.bands(sig)
    assert len(sig) == neardup.DEFAULT.num_perm and len(bands) == neardup.DEFAULT.bands
    assert [band for band, _ in bands] == list(range(neardup.DEFAULT.bands))
    assert all(-2**63 <= value < 2**63 for _, value in bands)
    assert neardup.bands(neardup.signature(text)) == bands
    assert neardup.similarity(sig, neardup.signature(text)) == 1.0


def test_band_values_are_pinned():
    # Stored bands are compared with the next crawl's: a hashing or parameter change that
    # alters them orphans every stored band. If this fails on purpose, stores need re-banding.
    bands = neardup.bands(neardup.signature("Flash floods swept through parts of Erbil on Saturday, "
                                            "killing at least nine people, civil defence officials said."))
    assert bands[:3] == PINNED_BANDS


PINNED_BANDS = [(0, -8859214333341528558), (1, -1925775600257260028), (2, 4331644349706482163)]


def test_numbers_weigh_in_features():
    features = neardup.features("Profit rose 14% to 2.31 billion dirhams, up from 2,030 million, the bank said.")
    assert {b"#14#0", b"#2.31#7", b"#2030#0"} <= features
    assert neardup.signature("") is None and neardup.signature(" ,.- ") is None


def test_cluster_key_is_stable_positive_and_json_safe():
    key = neardup.cluster_key("https://example.com/2025/01/02/story/")
    assert key == neardup.cluster_key("https://example.com/2025/01/02/story/")
    assert 0 <= key < 2**53
    assert key != neardup.cluster_key("https://example.com/2025/01/02/other/")


def test_band_index_forgets_its_oldest_entries():
    index = neardup.BandIndex(capacity=2)
    firsts = {path.parts[-3]: path for path in reversed(TEXTS)}  # one text of each topic
    texts = [path.read_text("utf-8") for path in list(firsts.values())[:4]]
    for n, text in enumerate(texts):
        index.add(n, neardup.signature(text), f"cluster-{n}")
        assert index.dropped == (n >= 2)  # said once it forgot one (the cluster rule then asks the store)
    assert len(index) == 2 and 0 not in index and index.payload(2) == "cluster-2"
    assert index.best(neardup.signature(texts[0])) is None
    assert index.best(neardup.signature(texts[2]))[:2] == (2, "cluster-2")
    assert all(0 not in index.bucket(band) for band in index.buckets)
    index.add(1, neardup.signature(texts[1]), "cluster-1")  # added again: now the newest
    index.add(3, neardup.signature(texts[3]), "cluster-3")
    assert list(index.entries) == [1, 3]


def test_band_index_ranks_candidates_by_shared_bands_then_first_band_then_age():
    index = neardup.BandIndex(capacity=10)
    sig = np.zeros(neardup.DEFAULT.num_perm, dtype=np.uint32)
    query = [(band, 1000 + band) for band in range(neardup.DEFAULT.bands)]

    def sharing(*numbers: int) -> list[tuple[int, int]]:
        return [(band, value if band in numbers else -band - 1) for band, value in query]
    index.add("none", sig, 0, sharing())
    index.add("late-one", sig, 1, sharing(9))
    index.add("two", sig, 2, sharing(20, 30))
    index.add("early-one", sig, 3, sharing(2))
    index.add("early-one-newer", sig, 4, sharing(2))
    assert index.candidates(query) == ["two", "early-one", "early-one-newer", "late-one"]
    assert index.bucket(1002 * neardup.DEFAULT.bands + 2) == ["early-one", "early-one-newer"]
    index.remove("early-one")
    index.add("early-one", sig, 5, sharing(2))  # added again: now the newest of its rank
    assert index.candidates(query) == ["two", "early-one-newer", "early-one", "late-one"]
    assert index.candidates(query[5:]) == ["two", "late-one"]  # a query of some bands only
    with pytest.raises(ValueError):
        index.add("short", sig[:10], 6)


def test_band_index_holds_about_a_kilobyte_an_entry():
    """#19: the crawl's in-run index (3,000 articles) was ~11 MB as a dict of buckets."""
    rng = np.random.default_rng(7)
    tracemalloc.start()
    try:
        index = neardup.BandIndex(capacity=3000)
        for n in range(3500):
            sig = rng.integers(0, 2**32, neardup.DEFAULT.num_perm, dtype=np.uint32)
            index.add(f"https://example.com/2024/05/01/story-number-{n}/", sig, n)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(index) == 3000 and index.dropped
    assert held < 3000 * 1200


# --- storage and the pipeline ---------------------------------------------------------------

def article(url: str, path: str, source: str = "test") -> CrawledArticle:
    body = (FIXTURES / path).read_text("utf-8")
    return CrawledArticle(url=url, title=path, body=body, source=source, content_hash=url)


class ClusterRun:
    """The cluster rule (crawler.rules.Cluster) over a real store file, as a crawl runs it: the
    store opened in its writer thread (storage.StoreWriter), the rule awaited per item."""

    def __init__(self, db_path: Path, threshold: float) -> None:
        self.loop = asyncio.new_event_loop()
        self.writer = StoreWriter(db_path)
        try:
            self.loop.run_until_complete(self.writer.open())
        except (sqlite3.Error, OSError):  # the crawl stops on it; the rule still works without a store
            pass
        self.store = self.writer.store
        self.stats = get_crawler().stats
        self.rule = Cluster(self.writer, self.stats, threshold)

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        self.loop.run_until_complete(self.rule.assign(item))
        return item

    def close_spider(self) -> None:
        self.loop.run_until_complete(self.writer.close())
        self.loop.close()


def pipeline(db_path: Path, threshold: float = neardup.DEFAULT.threshold) -> ClusterRun:
    return ClusterRun(db_path, threshold)


def store_items(db_path: Path, items: list[CrawledArticle]) -> None:
    """Write items as StorePipeline does: cluster_id in the row, bands by url."""
    rows = []
    for item in items:
        row = item.to_dict()
        row["cluster_id"] = item.cluster_id
        rows.append(row)
    with Store(db_path, write=True) as store:
        store.write_batch(rows, bands={item.url: item.minhash_bands for item in items})


def test_the_pipeline_clusters_copies_within_a_run(tmp_path):
    cluster_pipeline = pipeline(tmp_path / "news.db")
    items = [cluster_pipeline.process_item(article(f"https://{name}.example/story/", path)) for name, path in (
        ("wire", "kurdistan-oil/ceyhan-pipeline-restart/wire.txt"),
        ("other", "kurdistan-oil/oil-company-payments/wire.txt"),
        ("copy", "kurdistan-oil/ceyhan-pipeline-restart/erbil-post.txt"),
    )]
    cluster_pipeline.close_spider()
    original, other, copy = items
    assert original.cluster_id == neardup.cluster_key(original.url) == copy.cluster_id
    assert other.cluster_id == neardup.cluster_key(other.url)
    assert all(len(item.minhash_bands) == neardup.DEFAULT.bands for item in items)
    stats = cluster_pipeline.stats.get_stats()
    assert stats["news/clusters/new"] == 2 and stats["news/clusters/joined"] == 1
    assert stats["news/sources/test/clusters/joined"] == 1


def test_the_pipeline_finds_stored_copies_and_their_cluster(tmp_path):
    db_path = tmp_path / "news.db"
    first = pipeline(db_path)
    stored = [first.process_item(article("https://a.example/oil/", "kurdistan-oil/ceyhan-pipeline-restart/wire.txt")),
              first.process_item(article("https://a.example/bank/", "bank-earnings/q2-profit-rises/wire.txt"))]
    first.close_spider()
    store_items(db_path, stored)
    with Store(db_path) as store:
        assert store.cluster_of("https://a.example/oil/") == neardup.cluster_key("https://a.example/oil/")
        assert [c[1] for c in store.candidates(stored[0].minhash_bands)][0] == "https://a.example/oil/"
        assert store.candidates([]) == []

    second = pipeline(db_path)  # a later crawl: nothing in memory, the store has the original
    copy = second.process_item(article("https://b.example/oil/", "kurdistan-oil/ceyhan-pipeline-restart/gulf-business.txt"))
    next_quarter = second.process_item(article("https://b.example/q3/", "bank-earnings/q3-profit-falls/wire.txt"))
    second.close_spider()
    assert copy.cluster_id == stored[0].cluster_id
    assert next_quarter.cluster_id not in (stored[0].cluster_id, stored[1].cluster_id)
    store_items(db_path, [copy, next_quarter])
    with Store(db_path) as store:
        assert [a.url for a in store.cluster(stored[0].cluster_id)] == ["https://a.example/oil/", "https://b.example/oil/"]
        rows = store.db.execute("SELECT count(*), count(cluster_id) FROM articles").fetchone()
        assert rows == (4, 4)


def test_an_edit_keeps_its_cluster_and_a_row_stored_before_clustering_gets_no_bands(tmp_path):
    db_path = tmp_path / "news.db"
    with Store(db_path, write=True) as store:  # as stored by a crawl without the cluster pipeline
        store.write_batch([article("https://a.example/old/", "floods/erbil-flash-floods/wire.txt").to_dict()])
    cluster_pipeline = pipeline(db_path)
    edit = article("https://a.example/old/", "floods/erbil-flash-floods/kurdistan-today.txt")
    edit.replaces = edit.url
    cluster_pipeline.process_item(edit)
    assert getattr(edit, "cluster_id", None) is None and getattr(edit, "minhash_bands", None) is None
    first = cluster_pipeline.process_item(article("https://a.example/new/", "football/iraq-beat-jordan/wire.txt"))
    edit = article("https://a.example/new/", "football/iraq-beat-jordan/portal.txt")
    edit.replaces = edit.url
    cluster_pipeline.process_item(edit)
    cluster_pipeline.close_spider()
    assert edit.cluster_id == first.cluster_id and edit.minhash_bands


def test_the_pipeline_runs_without_a_store_it_cannot_open(tmp_path):
    cluster_pipeline = pipeline(tmp_path / "missing-dir" / "news.db")
    assert cluster_pipeline.store is None
    item = cluster_pipeline.process_item(article("https://a.example/x/", "ports/umm-qasr-strike/wire.txt"))
    cluster_pipeline.close_spider()
    assert item.cluster_id == neardup.cluster_key(item.url)


def test_the_pipeline_is_switched_off_by_a_setting():
    from scrapy.exceptions import NotConfigured
    with pytest.raises(NotConfigured):
        ClusterPipeline.from_crawler(get_crawler(settings_dict={"NEWS_NEARDUP": False}))


# --- real crawls ----------------------------------------------------------------------------

def clusters(db_path: Path) -> dict[str, int | None]:
    with sqlite3.connect(db_path) as db:
        return dict(db.execute("SELECT url, cluster_id FROM articles"))


@pytest.fixture(scope="module")
def two_sites(site_server, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("neardup") / "news.db"
    base_a, base_b = site_server("wire-a"), site_server("wire-b")
    first = run_crawl(base_a, db_path, "-a", "source_name=wire-a")
    second = run_crawl(base_b, db_path, "-a", "source_name=wire-b")
    return base_a, base_b, db_path, first, second


def test_a_syndicated_copy_on_another_site_shares_the_original_cluster(two_sites):
    base_a, base_b, db_path, first, second = two_sites
    assert first.returncode == 0 and second.returncode == 0, second.log[-3000:]
    found = clusters(db_path)
    assert len(found) == 7 and None not in found.values()
    original = found[base_a + "news/2025/09/27/kurdish-oil-exports-resume/"]
    assert found[base_b + "energy/kurdish-crude-heads-for-ceyhan-again.html"] == original
    assert found[base_b + "energy/kurdistan-oil-producers-threaten-output-cuts.html"] != original
    assert found[base_b + "sport/iraq-held-by-kuwait.html"] != found[base_a + "news/2025/03/20/iraq-beat-jordan/"]
    assert len(set(found.values())) == 6  # one pair of copies, five stories of their own
    assert first.stats["news/clusters/new"] == 3 and "news/clusters/joined" not in first.stats
    assert second.stats["news/clusters/joined"] == 1 and second.stats["news/clusters/new"] == 3
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT count(DISTINCT article_id) FROM minhash_bands").fetchone()[0] == 7


def test_the_wordpress_site_has_no_near_duplicates(site_server, tmp_path):
    db_path = tmp_path / "news.db"
    result = run_crawl(site_server("tigris-daily"), db_path)
    assert result.returncode == 0, result.log[-3000:]
    found = clusters(db_path)
    assert len(found) == 31  # distinct stories: each starts its own cluster
    assert None not in found.values() and len(set(found.values())) == 31
    assert result.stats["news/clusters/new"] == 31 and "news/clusters/joined" not in result.stats


def test_signature_equals_datasketch_affine32_bit_for_bit():
    datasketch = pytest.importorskip("datasketch")
    body = TEXTS[0].read_text("utf-8")
    found = neardup.features(body, neardup.DEFAULT)
    reference = datasketch.MinHash(num_perm=neardup.DEFAULT.num_perm, seed=neardup.DEFAULT.seed, scheme="affine32",
                                   hashfunc=zlib.crc32)
    reference.update_batch(found)
    assert (neardup.signature(body) == reference.hashvalues).all()
