"""The listing policy (crawler.spiders.listings): pagination followed while it brings new links,
traps stopped by productivity, unproven URL shapes on probation. Pure, no reactor."""

from __future__ import annotations

from crawler.spiders.listings import ListingPolicy, url_shape


def test_url_shapes():
    assert url_shape("http://s/page/12/") == "/page/#/"
    assert url_shape("http://s/events?month=7&day=3") == url_shape("http://s/events?day=1&month=12") == "/events?day&month"
    assert url_shape("http://s/2020/07/28/a-long-story-slug/") == url_shape("http://s/2021/01/02/other-story-here/")
    assert url_shape("http://s/news/123456") == "/news/#+" != url_shape("http://s/news/2")
    assert url_shape("http://s/?p=12") == "/?p" != url_shape("http://s/?paged=2")
    assert url_shape("http://s/world/slug-of-a-story-123456.html") == "/world/*.html"


def older_posts_page(n: int, last: int = 100) -> list[str]:
    links = [f"http://s/2020/01/01/story-number-{n}-{i}/" for i in range(20)]
    return links + ([f"http://s/page/{n + 1}/"] if n < last else [])


def test_an_older_posts_chain_is_productive_to_its_end():
    policy = ListingPolicy(patience=5, probation=10)
    first = older_posts_page(2)
    assert [policy.offer(url) for url in first] == ["follow"] * 10 + ["hold"] * 10 + ["follow"]
    assert policy.listing("http://s/page/2/", first, known_stories=0).productive
    assert policy.article(first[0]) == first[10:20]  # one story proves the shape: the held links go
    for n in range(3, 101):
        links = older_posts_page(n)
        assert all(policy.offer(url) == "follow" for url in links)
        verdict = policy.listing(f"http://s/page/{n}/", links, known_stories=0)
        assert verdict.productive and verdict.stopped is None
    assert policy.stopped() == {} and policy.held() == 0


def test_an_endless_calendar_is_stopped_as_a_trap_within_patience():
    policy = ListingPolicy(patience=5, probation=10)
    fetched = 0
    month, stopped = 1, None
    while stopped is None and fetched < 100:
        page = f"http://s/calendar?month={month}"
        new = [f"http://s/calendar?month={month + 1}"]
        decisions = [policy.offer(url) for url in new]
        fetched += 1
        stopped = policy.listing(page, new, known_stories=0).stopped
        month += 1 if decisions == ["follow"] else 0
    assert stopped == "trap" and fetched <= 5
    assert policy.offer(f"http://s/calendar?month={month + 7}") == "trap"
    assert policy.stopped()["/calendar?month"] == ("trap", 1)


def test_a_repeating_archive_is_stopped_as_caught_up():
    policy = ListingPolicy(patience=3)
    stories = [f"http://s/2020/01/01/the-story-number-{i}/" for i in range(10)]
    assert policy.listing("http://s/list?page=1", stories, known_stories=0).productive
    verdicts = [policy.listing(f"http://s/list?page={n}", [f"http://s/list?page={n + 1}"], known_stories=10)
                for n in range(2, 5)]
    assert [v.stopped for v in verdicts] == [None, None, "caught_up"]


def test_links_of_an_unproven_shape_wait_on_probation_until_one_is_a_story():
    policy = ListingPolicy(patience=5, probation=3)
    links = [f"http://s/news/{100000 + i}" for i in range(8)]
    decisions = [policy.offer(url) for url in links]
    assert decisions == ["follow"] * 3 + ["hold"] * 5
    assert policy.held() == 5
    assert policy.article(links[0]) == links[3:]
    assert policy.held() == 0 and policy.offer("http://s/news/200000") == "follow"


def test_probation_backlog_is_dropped_when_the_shape_stops():
    policy = ListingPolicy(patience=2, probation=2)
    links = [f"http://s/cal?day={i}" for i in range(6)]
    assert [policy.offer(url) for url in links] == ["follow", "follow", "hold", "hold", "hold", "hold"]
    policy.listing("http://s/cal?day=0", [], known_stories=0)
    verdict = policy.listing("http://s/cal?day=1", [], known_stories=0)
    assert verdict.stopped == "trap" and verdict.dropped == 4 and policy.held() == 0


def test_shapes_of_stories_are_never_stopped_and_dead_shapes_are():
    policy = ListingPolicy(patience=2)
    policy.article("http://s/news/123456")
    assert policy.failed("http://s/news/123457").stopped is None
    assert policy.failed("http://s/news/123458").stopped is None
    assert policy.failed("http://s/tag/a/").stopped is None
    assert policy.failed("http://s/tag/a/").stopped == "dead"


def test_a_chain_walking_behind_a_faster_path_goes_on_and_one_repeating_itself_stops():
    """Stories this run met first elsewhere (a related-posts strip, a category page fetched
    sooner) do not make an "Older posts" chain look caught up while its pages list stories no
    earlier page of the chain listed; a chain whose pages repeat what it listed already stops."""
    policy = ListingPolicy(patience=3)
    met_elsewhere = [[f"http://s/2024/05/story-{p}-{i}/" for i in range(20)] for p in range(12)]
    verdicts = [policy.listing(f"http://s/page/{p + 2}/", [f"http://s/page/{p + 3}/"], known_stories=0,
                               seen_stories=stories) for p, stories in enumerate(met_elsewhere)]
    assert all(v.productive for v in verdicts) and not any(v.stopped for v in verdicts)
    echo = [policy.listing(f"http://s/page/{p}/", [f"http://s/page/{p + 1}/"], known_stories=0,
                           seen_stories=met_elsewhere[-1]) for p in range(14, 20)]
    assert [v.stopped for v in echo][:3] == [None, None, "caught_up"]
