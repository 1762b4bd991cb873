"""Which links found on listing pages to follow: pagination runs while it pays, traps are cut.

A listing page (home, "Older posts" page, archive, category, calendar, filter) is judged by what it
brought: new links that may be stories. A URL *shape* (digits and long slugs abstracted, query
reduced to its parameter names) whose listing pages bring nothing new `patience` times in a row is
stopped:
- ``caught_up`` when those pages listed stories already known (this run, other discovery, or the
  store): a repeating archive (`?page=N+1` that repeats page N), filters over known stories, an
  incremental run that reached what it stored before. Nothing is missed by stopping.
- ``trap`` when they listed no stories at all, only more pages of their own kind (endless
  calendars, session ids): reported as a cut, since what lies further is unknown.
- ``dead`` when its pages kept failing (404/410 category or tag links).
A shape not yet proven (no story, no productive listing page among its pages) gets at most
`probation` requests until one of them proves it; the rest wait in its backlog, released when it
is proven and dropped (counted) when it is stopped. Shapes of stories are never stopped.

Pure bookkeeping: no Scrapy, no I/O; the spider asks and acts.
"""

from __future__ import annotations

from collections.abc import Iterable

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from crawler.urls import CACHED_URLS
from crawler.urlset import UrlSet

# a path segment that is a story slug: long, with word separators, or percent-encoded
_SLUG = re.compile(r"^(?=[^/]*[-_%])[^/]{12,}$")
_LONG_NUMBER = re.compile(r"\d{5,}")
_NUMBER = re.compile(r"\d+")
MAX_BACKLOG = 10_000  # links held per unproven shape; more are dropped and counted


@lru_cache(maxsize=CACHED_URLS)  # pure: a miss only computes it again
def url_shape(url: str) -> str:
    """The shape of a URL: story slugs become `*`, long numbers `#+`, other digit runs `#`, and the
    query its sorted parameter names. `/page/12/` -> `/page/#/`; `/events?month=7&day=3` ->
    `/events?day&month`; `/2020/07/28/a-long-story-slug/` -> `/#/#/#/*/`; `/news/123456` -> `/news/#+`."""
    parts = urlsplit(url)
    segments = []
    for segment in parts.path.split("/"):
        if _SLUG.match(segment):
            stem, dot, suffix = segment.rpartition(".")
            segments.append("*." + suffix if dot and suffix.isalpha() and len(suffix) <= 5 else "*")
        else:
            segments.append(_NUMBER.sub("#", _LONG_NUMBER.sub("#+", segment)))
    path = "/".join(segments)
    if not parts.query:
        return path
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + "?" + "&".join(names)


@dataclass
class ShapeState:
    """What the crawl learned of one URL shape of one site."""

    requested: int = 0  # pages of this shape requested from listing links
    articles: int = 0  # pages of this shape that were stories
    listings: int = 0  # pages of this shape followed as listings
    productive: int = 0  # listing pages that brought new links that may be stories
    failed: int = 0  # pages of this shape that failed (4xx/5xx, errors)
    streak: Counter = field(default_factory=Counter)  # consecutive unproductive pages, by kind
    stopped: str | None = None  # "caught_up", "trap" or "dead"
    skipped: int = 0  # links not followed because the shape was stopped (or its backlog full)
    backlog: list[str] = field(default_factory=list)
    listed: UrlSet = field(default_factory=UrlSet)  # stories (canonical URLs) the listing pages of this shape listed

    @property
    def proven(self) -> bool:
        return self.articles > 0 or self.productive > 0

    @property
    def pure_listing(self) -> bool:
        """Seen only as listing pages so far: its links are no stories."""
        return self.listings > 0 and self.articles == 0


@dataclass
class Verdict:
    """What a listing page brought, and what the policy did about it."""

    productive: bool
    stopped: str | None = None  # set when this page stopped its shape
    release: list[str] = field(default_factory=list)  # held links to request now
    dropped: int = 0  # held links dropped because the shape stopped


class ListingPolicy:
    """Per-site decisions about listing-found links (see the module docstring)."""

    def __init__(self, patience: int = 5, probation: int = 10) -> None:
        self.patience = patience
        self.probation = probation
        self.shapes: dict[str, ShapeState] = {}

    def state(self, url: str) -> ShapeState:
        shape = url_shape(url)
        state = self.shapes.get(shape)
        if state is None:
            state = self.shapes[shape] = ShapeState()
        return state

    def may_be_story(self, url: str) -> bool:
        """False for links of a shape known to hold only listing pages or failing pages, or stopped."""
        state = self.shapes.get(url_shape(url))
        if state is None or state.articles:
            return True
        return state.stopped is None and not state.listings and not state.failed

    def likely_listing(self, url: str) -> bool:
        """True for a URL of a shape seen only as listing pages so far (pagination, archives)."""
        state = self.shapes.get(url_shape(url))
        return state is not None and state.pure_listing

    def stopped_kind(self, url: str) -> str | None:
        """How the shape of `url` was stopped, or None while it is followed."""
        state = self.shapes.get(url_shape(url))
        return state.stopped if state is not None else None

    def is_story(self, url: str) -> bool:
        """True for links of a shape that has held stories in this run (or in the store)."""
        state = self.shapes.get(url_shape(url))
        return state is not None and state.articles > 0

    def offer(self, url: str) -> str:
        """Decide a link met on a listing page for the first time: "follow", "hold" (probation
        backlog), or the reason it is skipped: its shape's stop kind, or "backlog_full"."""
        state = self.state(url)
        if state.stopped is not None:
            state.skipped += 1
            return state.stopped
        if not state.proven and state.requested >= self.probation:
            if len(state.backlog) >= MAX_BACKLOG:
                state.skipped += 1
                return "backlog_full"
            state.backlog.append(url)
            return "hold"
        state.requested += 1
        return "follow"

    def article(self, url: str) -> list[str]:
        """A page of this shape was a story: the shape is proven; returns held links to request."""
        state = self.state(url)
        state.articles += 1
        state.streak.clear()
        return self._release(state)

    def failed(self, url: str) -> Verdict:
        """A page of this shape failed; a shape whose pages keep failing is stopped as "dead"."""
        state = self.state(url)
        state.failed += 1
        if state.articles:
            return Verdict(False)
        state.streak["dead"] += 1
        return self._maybe_stop(state)

    def listing(self, url: str, new_candidates: list[str], known_stories: int,
                seen_stories: Iterable[str] = (), new_keys: Iterable[str] = ()) -> Verdict:
        """Judge a listing page at `url` by the links it brought: `new_candidates` (links first met
        in this run that may be stories; `new_keys` their canonical URLs), `known_stories` (links
        to stories earlier runs stored) and `seen_stories` (canonical URLs of stories this run met
        on other pages first). A page that lists at least two stories no earlier page of its own
        shape listed pays, even when another path of the site met them first: a chain walking
        behind a faster discovery path is not caught up, a page repeating its predecessor is."""
        shape = url_shape(url)
        state = self.state(url)
        state.listings += 1
        seen_stories = list(seen_stories)
        fresh = sum(1 for key in seen_stories if key not in state.listed)
        state.listed.update(seen_stories)
        state.listed.update(new_keys)
        same = sum(1 for link in new_candidates if url_shape(link) == shape)
        if len(new_candidates) - same >= 1 or same >= 2 or fresh >= 2:
            state.productive += 1
            state.streak.clear()
            return Verdict(True, release=self._release(state))
        state.streak["caught_up" if known_stories or seen_stories else "trap"] += 1
        return self._maybe_stop(state)

    def _release(self, state: ShapeState) -> list[str]:
        if not state.proven or not state.backlog:
            return []
        held, state.backlog = state.backlog, []
        state.requested += len(held)
        return held

    def _maybe_stop(self, state: ShapeState) -> Verdict:
        if state.stopped is not None or sum(state.streak.values()) < self.patience:
            return Verdict(False)
        if state.streak["dead"] >= max(state.streak["trap"], state.streak["caught_up"]):
            kind = "dead"
        else:
            kind = "trap" if state.streak["trap"] > state.streak["caught_up"] else "caught_up"
        state.stopped = kind
        dropped = len(state.backlog)
        state.skipped += dropped
        state.backlog = []
        return Verdict(False, stopped=kind, dropped=dropped)

    def held(self) -> int:
        """Links still waiting in backlogs (never proven by the end of the crawl)."""
        return sum(len(state.backlog) for state in self.shapes.values())

    def stopped(self) -> dict[str, tuple[str, int]]:
        """shape -> (kind, links skipped) for every stopped shape."""
        return {shape: (state.stopped, state.skipped) for shape, state in self.shapes.items() if state.stopped}
