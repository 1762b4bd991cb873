"""The live WordPress (../shared/wordpress) in the configurations users meet (issue #14, point 2):
multi-page posts, plain permalinks, REST blocked and sitemaps off, 160 more posts only listings
reach, and WordPress in a subdirectory. Each is made with WordPress's own PHP API (an admin's
option change, a must-use plugin, wp_insert_post) on this module's own instance (port 81xx, run
dir /tmp/news-wp-configs-N, both chosen per checkout), crawled with a default `scrapy crawl news`, compared with a truth the
site writes (site.php truth), and put back before the next one."""

from __future__ import annotations

import json
import os
import zlib
import random
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import SHARED, run_crawl
from wordpress_checks import assert_matches_truth, stored_articles

WP_SCRIPT = SHARED / "wordpress" / "wp-site.sh"
SITE_PHP = SHARED / "wordpress" / "site.php"
CONFIGURE = Path(__file__).with_name("wordpress_configs.php")
CHECKOUT = zlib.crc32(str(Path(__file__).resolve().parent).encode()) % 90  # checkouts side by side never share one
RUN_DIR = Path(f"/tmp/news-wp-configs-{CHECKOUT}")
PORT = str(8100 + 2 * CHECKOUT)
ROOT_URL = f"http://127.0.0.1:{PORT}"
ENV = dict(os.environ, WP_RUN_DIR=str(RUN_DIR), WP_PORT=PORT)
MU_PLUGINS = RUN_DIR / "docroot" / "wp-content" / "mu-plugins"

pytestmark = pytest.mark.skipif(not WP_SCRIPT.exists(), reason="../shared/wordpress is not present")

# What security plugins ("Disable REST API", iThemes, Wordfence options) do: anonymous REST calls
# get a 401; and the core sitemap switched off, as SEO plugins or admins do.
LOCKED_PLUGIN = """<?php
/* Plugin Name: News tests: REST API closed to anonymous users, core sitemaps off */
add_filter('rest_authentication_errors', function ($result) {
    if (!empty($result) || is_user_logged_in()) return $result;
    return new WP_Error('rest_not_logged_in', 'You are not currently logged in.', array('status' => 401));
});
add_filter('wp_sitemaps_enabled', '__return_false');
"""
LOCKED_OPTIONS = {"posts_per_page": 10, "posts_per_rss": 5}
DEFAULT_OPTIONS = {"posts_per_page": 10, "posts_per_rss": 10}  # content.json's

# --- deterministic prose -------------------------------------------------------------------------
# Letters, digits, commas and full stops only: WordPress's texturizer changes quotes and dashes.
PLACES = ["Baghdad", "Basra", "Mosul", "Erbil", "Najaf", "Karbala", "Kirkuk", "Sulaymaniyah", "Nasiriyah",
          "Ramadi", "Fallujah", "Hilla", "Samarra", "Amarah", "Kut", "Duhok", "Diwaniyah", "Baqubah"]
SUBJECTS = ["The provincial council", "The ministry of water resources", "A group of local traders",
            "The health directorate", "Engineers from the national grid", "The university senate",
            "Farmers in the southern districts", "The city football club", "Officials at the border crossing",
            "The chamber of commerce", "Teachers at the old secondary school", "The port authority"]
VERBS = ["announced", "approved", "postponed", "questioned", "welcomed", "reviewed", "expanded", "suspended"]
OBJECTS = ["a plan to repair the main canal", "new rules for market stalls", "a budget for rural clinics",
           "the reopening of the central library", "a programme of night classes", "the tender for a new bridge",
           "a census of date palm groves", "the schedule of power cuts", "a campaign against river pollution",
           "the first stage of the ring road", "a grant for young craftsmen", "a ban on plastic bags"]
DETAILS = ["Work is expected to take {n} months, according to a statement released on {day}.",
           "About {n} families in the area will be affected, a spokesman said.",
           "The cost was put at {n} million dinars, to be paid over three years.",
           "Residents told reporters that they had waited {n} weeks for an answer.",
           "A committee of {n} members will report back before the end of the season.",
           "Similar measures were tried in {place} in {year} with mixed results.",
           "Critics in {place} said the decision came too late for most of them.",
           "The next meeting is planned for {day}, when the final figures are due."]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Saturday"]
CATEGORIES = ["Iraq", "Politics", "Economy", "Energy", "Health", "Technology", "Sports", "Culture",
              "Environment", "Middle East"]
AUTHORS = ["newsdesk", "lhassan", "osaleh", "dreed", "nkarim"]
TAGS = ["baghdad", "budget", "water", "schools", "electricity", "trade", "roads", "farming", "football"]


def paragraph(rng: random.Random, number: int) -> str:
    """A few sentences of news prose; `number` makes it unique."""
    place = rng.choice(PLACES)
    sentences = [f"{rng.choice(SUBJECTS)} in {place} {rng.choice(VERBS)} {rng.choice(OBJECTS)} on {rng.choice(DAYS)}."]
    for template in rng.sample(DETAILS, 3):
        sentences.append(template.format(n=rng.randint(3, 90), day=rng.choice(DAYS), place=rng.choice(PLACES),
                                         year=rng.randint(2005, 2013)))
    sentences.append(f"The office registered the matter as file {number} of the year.")
    return " ".join(sentences)


def bulk_posts(count: int, seed: int = 14) -> list[dict]:
    """`count` posts dated 2014-2018 (older than the seeded ones), by the site's five authors."""
    rng = random.Random(seed)
    posts, titles = [], set()
    for i in range(count):
        subject = re.sub(r"^(The|A) ", "", rng.choice(SUBJECTS))
        title = f"{subject[0].upper()}{subject[1:]} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)}"
        while title in titles:
            title += " again"
        titles.add(title)
        day = 1 + (i * 1824) // count  # spread over five years
        year, day_of_year = 2014 + day // 365, day % 365
        month, mday = 1 + day_of_year // 31 % 12, 1 + day_of_year % 28
        posts.append({
            "title": title,
            "blocks": [paragraph(rng, 1000 * i + k) for k in range(rng.randint(3, 5))],
            "date": f"{year}-{month:02d}-{mday:02d} {8 + i % 10:02d}:{(i * 7) % 60:02d}:00",
            "author": AUTHORS[i % len(AUTHORS)],
            "categories": sorted(set(rng.sample(CATEGORIES, rng.randint(1, 2)))),
            "tags": sorted(set(rng.sample(TAGS, rng.randint(0, 2)))),
        })
    return posts


def multipage_post() -> dict:
    rng = random.Random(2)
    parts = [[paragraph(rng, 100 * part + k) for k in range(2 + part % 2)] for part in range(1, 4)]
    return {"title": "Along the Tigris, a three-part report on the falling river", "parts": parts,
            "date": "2021-06-01 09:30:00", "author": "lhassan", "categories": ["Environment", "Iraq"],
            "tags": ["water"]}


# --- the instance --------------------------------------------------------------------------------

class WordPress:
    """This module's WordPress instance and the changes a configuration makes to it."""

    def up(self, theme: str = "twentytwentythree") -> str:
        """Start (or re-apply) the stock site: wp-site.sh regenerates wp-config.php and httpd.conf,
        and puts back home, siteurl, theme and permalinks."""
        up = subprocess.run([str(WP_SCRIPT), "up"], env=dict(ENV, WP_THEME=theme), capture_output=True, text=True,
                            timeout=1200)
        assert up.returncode == 0, f"wp-site.sh up failed:\n{up.stdout[-2000:]}\n{up.stderr[-4000:]}"
        return up.stdout.strip().splitlines()[-1].rstrip("/") + "/"

    def php(self, request: dict, base: str = ROOT_URL) -> dict:
        """Run tests/wordpress_configs.php (WordPress's PHP API) with `request`."""
        done = subprocess.run(["php", "-d", "display_errors=stderr", str(CONFIGURE), str(RUN_DIR / "docroot"), base],
                              input=json.dumps(request), capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def truth(self, base: str = ROOT_URL) -> dict:
        """The site's truth as it is now (../shared/wordpress/site.php truth)."""
        path = RUN_DIR / "configs-truth.json"
        env = dict(os.environ, WP_SITE_DOCROOT=str(RUN_DIR / "docroot"), WP_SITE_BASE=base.rstrip("/"))
        done = subprocess.run(["php", "-d", "display_errors=stderr", str(SITE_PHP), "truth", str(path)], env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(path.read_text("utf-8"))

    def lock(self) -> None:
        """Configuration c: the security-plugin REST block, no core sitemaps, 10 per page, 5 per feed."""
        MU_PLUGINS.mkdir(exist_ok=True)
        (MU_PLUGINS / "news-tests-locked.php").write_text(LOCKED_PLUGIN, "utf-8")
        self.php({"options": LOCKED_OPTIONS})

    def restore(self) -> None:
        """Back to the stock site: test posts deleted, options and files as `up` makes them."""
        shutil.rmtree(MU_PLUGINS, ignore_errors=True)
        shutil.rmtree(RUN_DIR / "siteroot", ignore_errors=True)
        self.php({"delete_test_posts": True, "options": DEFAULT_OPTIONS})
        self.up()


@pytest.fixture(scope="module")
def wordpress():
    site = WordPress()
    try:
        site.up()
        site.restore()  # whatever an interrupted earlier run left
        yield site
    finally:
        subprocess.run([str(WP_SCRIPT), "down"], env=ENV, capture_output=True, timeout=120)


def crawl(name: str, base: str, db_path: Path, truth: dict):
    """One default crawl; prints the figures the issue asks for."""
    started = time.monotonic()
    result = run_crawl(base, db_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 0 and "Traceback" not in result.log, result.log[-3000:]
    rows = stored_articles(db_path)
    expected = len(truth["posts"])
    found = sum(1 for post in truth["posts"] if _canonical(post["url"]) in rows)
    print(f"\n{name}: posts {found}/{expected}, other rows {len(rows) - found}, "
          f"{result.stats.get('downloader/request_count')} requests, {elapsed:.1f}s")
    return result


def _canonical(url: str) -> str:
    from crawler.urls import canonical_url

    return canonical_url(url)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


# --- a. multi-page posts -------------------------------------------------------------------------

@pytest.mark.parametrize("theme", ["twentytwentythree", "twentytwentyone"])
def test_multipage_post_is_one_article_with_every_part_in_order(wordpress, theme, tmp_path):
    post = multipage_post()
    try:
        base = wordpress.up(theme)
        (inserted,) = wordpress.php({"posts": [post]})["posts"]
        truth = wordpress.truth()
        url = inserted["url"]
        # WordPress renders part 1 at the permalink and part N at permalink/N/, linked by the
        # theme's page links; REST content.rendered holds every part (the raw post_content).
        parts_text = ["\n\n".join(part) for part in post["parts"]]
        _, first_page = get(url)
        assert post["parts"][0][0] in first_page and post["parts"][1][0] not in first_page
        assert f'href="{url}2/"' in first_page and f'href="{url}3/"' in first_page
        assert post["parts"][2][0] in get(url + "3/")[1]
        _, rest = get(f"{ROOT_URL}/wp-json/wp/v2/posts/{inserted['id']}")
        assert all(part[0] in json.loads(rest)["content"]["rendered"] for part in post["parts"])
        # site.php's truth renders page 1 only: the whole story is every part, in order
        (record,) = [p for p in truth["posts"] if p["url"] == url]
        assert record["body_text"] == parts_text[0]
        record["body_text"] = "\n\n".join(parts_text)

        db_path = tmp_path / "wp.db"
        result = crawl(f"multi-page post ({theme})", base, db_path, truth)
        assert_matches_truth(db_path, truth)
        rows = stored_articles(db_path)
        assert rows[_canonical(url)]["body"] == "\n\n".join(parts_text)
        assert not any(re.search(r"/\d/$", u) for u in rows)
        assert result.stats["news/multipage/stories"] == 1 and result.stats["news/multipage/parts"] == 2
    finally:
        wordpress.restore()


# --- b. plain permalinks -------------------------------------------------------------------------

@pytest.mark.parametrize("rest", ["open", "blocked"])
def test_plain_permalinks_every_post_once_nothing_else(wordpress, rest, tmp_path):
    try:
        wordpress.php({"permalink_structure": ""})
        if rest == "blocked":
            wordpress.lock()
        truth = wordpress.truth()
        assert all(re.fullmatch(rf"{ROOT_URL}/\?p=\d+", post["url"]) for post in truth["posts"])
        db_path = tmp_path / "wp.db"
        result = crawl(f"plain permalinks, REST {rest}", ROOT_URL + "/", db_path, truth)
        assert_matches_truth(db_path, truth)
        assert not any(re.search(r"[?&](cat|page_id|replytocom|m|author|tag|paged|s)=", u) for u in stored_articles(db_path))
        if rest == "blocked":
            assert result.stats["news/wordpress/rest_unavailable"] == 1
    finally:
        wordpress.restore()


# --- c. REST blocked, sitemaps off; d. with 160 more posts ---------------------------------------

def test_rest_blocked_and_no_sitemaps_every_post_through_listings_and_feeds(wordpress, tmp_path):
    try:
        wordpress.lock()
        truth = wordpress.truth()
        assert get(f"{ROOT_URL}/wp-json/wp/v2/posts")[0] == 401
        assert get(f"{ROOT_URL}/wp-sitemap.xml")[0] == 404
        db_path = tmp_path / "wp.db"
        result = crawl("REST blocked, no sitemaps", ROOT_URL + "/", db_path, truth)
        assert result.stats["news/wordpress/rest_unavailable"] == 1
        assert_matches_truth(db_path, truth)
    finally:
        wordpress.restore()


# Feeds that always answer their first page (a cache keyed without the query string, or a plugin):
# the feed then names 5 posts, and only the listing pages reach the other 186.
FEED_PAGES_IGNORED = """<?php
/* Plugin Name: News tests: feeds answer their first page whatever ?paged asks */
add_action('pre_get_posts', function ($query) {
    if ($query->is_main_query() && $query->is_feed()) $query->set('paged', 1);
});
"""


def test_160_more_posts_rest_blocked_no_sitemaps_all_found(wordpress, tmp_path):
    """Twice: with the paged feed (which lists them all), then with feeds that ignore ?paged, so
    the listing pages (home pagination, category and date archives) alone reach 186 of them."""
    try:
        wordpress.lock()
        wordpress.php({"posts": bulk_posts(160)})
        truth = wordpress.truth()
        assert len(truth["posts"]) == 31 + 160
        result = crawl("REST blocked, no sitemaps, 191 posts, paged feed", ROOT_URL + "/", tmp_path / "paged.db", truth)
        assert_matches_truth(tmp_path / "paged.db", truth)
        assert result.stats["news/stored/new"] == len(truth["posts"])

        (MU_PLUGINS / "news-tests-feed-pages.php").write_text(FEED_PAGES_IGNORED, "utf-8")
        entries = [re.findall(r"<entry>.*?<id>(.*?)</id>", get(f"{ROOT_URL}/feed/atom/{q}")[1], re.S)
                   for q in ("", "?paged=2")]
        assert len(entries[0]) == 5 and entries[0] == entries[1]
        result = crawl("REST blocked, no sitemaps, 191 posts, feed without pages", ROOT_URL + "/",
                       tmp_path / "listings.db", truth)
        # Without REST and feed pages, a stock WordPress publishes no modified time at all (the
        # Atom <updated> is the only one): the edited post of 2021-02-10 is not on the feed's
        # one page, so its modified_at cannot be known. Every other field stays exact.
        for post in truth["posts"]:
            post["updated_after_publish"] = False
        assert_matches_truth(tmp_path / "listings.db", truth)
        assert result.stats["news/stored/new"] == len(truth["posts"])
    finally:
        wordpress.restore()


# --- e. WordPress in a subdirectory --------------------------------------------------------------

def move_to_blog() -> str:
    """WordPress at /blog/ of a site whose root is a plain company page: WP_HOME/WP_SITEURL in the
    generated wp-config.php, an Alias and the /blog/ rewrite rules in the generated httpd.conf."""
    docroot, siteroot = RUN_DIR / "docroot", RUN_DIR / "siteroot"
    siteroot.mkdir(exist_ok=True)
    (siteroot / "index.html").write_text(
        "<!doctype html><html><head><title>Tigris Media Group</title></head><body><h1>Tigris Media Group</h1>"
        "<p>Publishers of <a href=\"/blog/\">Tigris Daily</a>. <a href=\"/about.html\">About us</a>.</p>"
        "</body></html>", "utf-8")
    config = (docroot / "wp-config.php").read_text("utf-8")
    config = config.replace(f"'{ROOT_URL}'", f"'{ROOT_URL}/blog'")
    assert config.count(f"{ROOT_URL}/blog") == 2
    (docroot / "wp-config.php").write_text(config, "utf-8")
    conf_path = RUN_DIR / "apache" / "httpd.conf"
    conf = conf_path.read_text("utf-8")
    conf = conf.replace(f'DocumentRoot "{docroot}"',
                        f'DocumentRoot "{siteroot}"\nAlias /blog "{docroot}"\n<Directory "{siteroot}">\n'
                        f'    Require all granted\n</Directory>')
    conf = conf.replace("LoadModule dir_module", "LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\n"
                                                   "LoadModule dir_module")
    conf = conf.replace("RewriteBase /\n", "RewriteBase /blog/\n").replace("RewriteRule . /index.php [L]",
                                                                            "RewriteRule . /blog/index.php [L]")
    assert conf.count("/blog") == 3 and "alias_module" in conf
    conf_path.write_text(conf, "utf-8")
    reload = subprocess.run(["/usr/sbin/apache2", "-f", str(conf_path), "-k", "graceful"], capture_output=True,
                            text=True, timeout=60)
    assert reload.returncode == 0, reload.stderr
    base = ROOT_URL + "/blog/"
    for _ in range(100):
        if get(base)[0] == 200:
            break
        time.sleep(0.1)
    return base


@pytest.mark.parametrize("rest", ["open", "blocked"])
def test_wordpress_in_a_subdirectory(wordpress, rest, tmp_path):
    try:
        base = move_to_blog()
        if rest == "blocked":
            wordpress.lock()
        truth = wordpress.truth(base)
        assert all(post["url"].startswith(base) for post in truth["posts"])
        assert get(ROOT_URL + "/")[1].count("Tigris Media Group") == 2
        db_path = tmp_path / "wp.db"
        crawl(f"WordPress at /blog/, REST {rest}", base, db_path, truth)
        assert_matches_truth(db_path, truth)
    finally:
        wordpress.restore()
