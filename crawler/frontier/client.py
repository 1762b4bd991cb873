"""The Redis side of the frontier: every Redis call a worker makes, each one atomic (a Lua script).
Blocking calls: run them off the reactor thread (crawler.frontier.scheduler does, in its thread).

Keys of one crawl, under `news:<spider>:<crawl id>` (the id is a hash of the spider's arguments,
so N workers started with the same arguments share one crawl):

    :seeded      the worker that runs discovery (the first one; another takes the role over when
                 its heartbeat in :active runs out before discovery is done)
    :discovered  set once the seeding worker has no discovery work left
    :queue       requests waiting, a sorted set by priority (scrapy-redis's PriorityQueue layout)
    :leases      requests taken by a worker, a sorted set by lease expiry (Redis server time, ms)
    :prio        a leased request's queue score, to put it back at its place
    :dupefilter  request fingerprints (scrapy-redis's RFPDupeFilter layout)
    :active      workers with discovery work of their own, by heartbeat expiry
    :redelivered requests put back in the queue after their lease expired (their worker died)
    :hosts:*     per-host politeness shared by the workers (crawler.frontier.hostlimits)

A request is always in exactly one of :queue and :leases, or done; a worker pushes the requests a
response led to before it acknowledges the response's own lease, so "queue and leases empty and
no active worker, discovery done" means the crawl is finished, and the worker that sees it first
deletes the keys.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import json
import os
import socket
import uuid

from redis import Redis
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.frontier.records import FINISHED

NOW_MS = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "

# The seeding role goes to this worker when the seeder's heartbeat ran out before discovery was done.
# KEYS: seeded, queue, leases, active, ..., discovered (8th); ARGV: worker, lease ms
TAKE_SEEDER_ROLE = """
local seeder = redis.call('GET', KEYS[1])
if seeder then
  if redis.call('EXISTS', KEYS[8]) == 1 then return 0 end
  local beat = redis.call('ZSCORE', KEYS[4], seeder)
  if beat and tonumber(beat) >= now then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), ARGV[1])
return 1
"""

# KEYS: all the crawl's keys (see FrontierClient.all_keys); ARGV: worker, lease ms
SEED = NOW_MS + """
local others = redis.call('ZCOUNT', KEYS[4], now, '+inf')
if redis.call('EXISTS', KEYS[8]) == 1 and redis.call('ZCARD', KEYS[2]) == 0
   and redis.call('ZCARD', KEYS[3]) == 0 and others == 0 then
  redis.call('DEL', unpack(KEYS))  -- a finished crawl's leftovers
end
""" + TAKE_SEEDER_ROLE

# KEYS: as SEED's; ARGV: worker, lease ms. Only a crawl going on (seeded) is taken over.
CLAIM = NOW_MS + """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
""" + TAKE_SEEDER_ROLE

# KEYS: seeded, active, discovered; ARGV: worker, '1' = discovery done ('0': the worker resigns)
SEEDER_DONE = """
if ARGV[2] == '1' and redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[3], '1') end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""

# KEYS: queue, dupefilter, leases, prio; ARGV: data, fingerprint ('' = no filter), score, replaces ('' = none)
PUSH = """
local added = 1
if ARGV[2] ~= '' then added = redis.call('SADD', KEYS[2], ARGV[2]) end
if added == 1 then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
if ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('HDEL', KEYS[4], ARGV[4])
end
return added
"""

# KEYS: queue, leases, prio; ARGV: count, lease ms
LEASE = NOW_MS + """
local items = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local taken = {}
for i = 1, #items, 2 do
  redis.call('ZREM', KEYS[1], items[i])
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), items[i])
  redis.call('HSET', KEYS[3], items[i], items[i + 1])
  taken[#taken + 1] = items[i]
end
return taken
"""

# KEYS: leases, prio; ARGV: members
ACK = """
for i = 1, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return #ARGV
"""

# KEYS: leases, active; ARGV: lease ms, worker, active (1/0), members...; returns the members lost
RENEW = NOW_MS + """
local lost = {}
for i = 4, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), ARGV[2])
else redis.call('ZREM', KEYS[2], ARGV[2]) end
return lost
"""

# KEYS: queue, leases, prio, redelivered; ARGV: '1' = expired leases only (count them), else members
REQUEUE = NOW_MS + """
local due
if ARGV[1] == '1' then due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
else due = {} for i = 2, #ARGV do due[#due + 1] = ARGV[i] end end
local moved = 0
for _, member in ipairs(due) do
  if redis.call('ZREM', KEYS[2], member) == 1 then
    redis.call('ZADD', KEYS[1], tonumber(redis.call('HGET', KEYS[3], member) or '0'), member)
    redis.call('HDEL', KEYS[3], member)
    moved = moved + 1
  end
end
if ARGV[1] == '1' and moved > 0 then redis.call('INCRBY', KEYS[4], moved) end
return moved
"""

# KEYS: all the crawl's keys, then the records' `finished` set (last); ARGV: worker, idle (1/0), prefix
# returns {waiting, leased, other active workers, finished (keys deleted or already gone)}; a finished
# crawl is added to the durable `finished` set in the same step (the writer reads it, then cleans it)
STATUS = NOW_MS + """
local waiting = redis.call('ZCARD', KEYS[2])
local leased = redis.call('ZCARD', KEYS[3])
local others = redis.call('ZCOUNT', KEYS[4], now, '+inf')
if redis.call('ZSCORE', KEYS[4], ARGV[1]) then others = others - 1 end
local finished = 0
if waiting == 0 and leased == 0 and others <= 0 and ARGV[2] == '1'
   and (redis.call('EXISTS', KEYS[8]) == 1 or redis.call('EXISTS', KEYS[1]) == 0) then
  redis.call('DEL', unpack(KEYS, 1, #KEYS - 1))
  redis.call('SADD', KEYS[#KEYS], ARGV[3])
  finished = 1
end
return {waiting, leased, others, finished}
"""


def host_keys(prefix: str) -> list[str]:
    """The crawl's per-host politeness keys (crawler.frontier.hostlimits): slots, inflight, next, delay."""
    return [f"{prefix}:hosts:{name}" for name in ("slots", "inflight", "next", "delay")]


def worker_id() -> str:
    """This process's name among the crawl's workers: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def crawl_prefix(spider: Spider) -> str:
    """The Redis prefix of the spider's crawl (every worker with the same arguments has it)."""
    return f"news:{spider.name}:{crawl_id(spider)}"


def crawl_id(spider: Spider) -> str:
    """One id for every worker started with the same spider and source arguments (the spider's
    public `source_selection()`, as crawler.crawlsources resolves them)."""
    selection = getattr(spider, "source_selection", None)
    arguments = selection()[1] if selection is not None else {}
    text = json.dumps([spider.name, arguments], sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass
class Status:
    """What a worker last saw of the crawl in Redis."""

    waiting: int
    leased: int
    others_active: int
    finished: bool


class FrontierClient:
    """The frontier's Redis calls for one worker of one crawl; `calls` counts round trips."""

    def __init__(self, server: Redis, spider: Spider, worker: str, lease_seconds: float) -> None:
        prefix = crawl_prefix(spider)
        self.server, self.worker, self.prefix = server, worker, prefix
        self.lease_ms = int(lease_seconds * 1000)
        self.spider = spider
        self.queue_key = f"{prefix}:queue"
        self.dupefilter = RFPDupeFilter(server, f"{prefix}:dupefilter")
        k = {name: f"{prefix}:{name}" for name in ("seeded", "leases", "active", "prio", "redelivered", "discovered")}
        self.all_keys = [k["seeded"], self.queue_key, k["leases"], k["active"], self.dupefilter.key, k["prio"],
                         k["redelivered"], k["discovered"], *host_keys(prefix)]
        self.seeder_keys = [k["seeded"], k["active"], k["discovered"]]
        self.leases, self.active, self.prio, self.redelivered = k["leases"], k["active"], k["prio"], k["redelivered"]
        self.scripts = {name: server.register_script(text) for name, text in
                        (("seed", SEED), ("push", PUSH), ("lease", LEASE), ("ack", ACK), ("renew", RENEW),
                         ("requeue", REQUEUE), ("status", STATUS), ("claim", CLAIM), ("seeder_done", SEEDER_DONE))}
        self.calls = 0

    def _run(self, name: str, keys: list[str], args: list) -> object:
        self.calls += 1
        return self.scripts[name](keys=keys, args=args)

    def seed(self) -> bool:
        """True for the first worker of a crawl (it runs discovery), or one that takes the role of a
        seeder gone before discovery was done; a finished crawl's keys go first."""
        return bool(self._run("seed", self.all_keys, [self.worker, self.lease_ms]))

    def claim_seeder(self) -> bool:
        """Take the seeding role of the crawl going on if its seeder's heartbeat ran out before its
        discovery was done: True when this worker is to run discovery again."""
        return bool(self._run("claim", self.all_keys, [self.worker, self.lease_ms]))

    def seeder_done(self, discovered: bool) -> None:
        """The seeder's discovery is done (`discovered`), or it stops before (resigns: another
        worker takes the role at once); its heartbeat goes."""
        self._run("seeder_done", self.seeder_keys, [self.worker, int(discovered)])

    def encode(self, request: Request) -> bytes:
        return picklecompat.dumps(request.to_dict(spider=self.spider))

    def decode(self, data: bytes) -> Request:
        return request_from_dict(picklecompat.loads(data), spider=self.spider)

    def fingerprint(self, request: Request) -> str:
        """'' for a request that skips the duplicate filter (dont_filter)."""
        return "" if request.dont_filter else self.dupefilter.request_fingerprint(request)

    def push(self, data: bytes, fingerprint: str, priority: int, replaces: bytes = b"") -> bool:
        """Queue a request unless its fingerprint was seen; acknowledge `replaces` (the lease of
        the request it retries or redirects) in the same step. False: a duplicate."""
        keys = [self.queue_key, self.dupefilter.key, self.leases, self.prio]
        return bool(self._run("push", keys, [data, fingerprint, -priority, replaces]))

    def lease(self, count: int) -> list[bytes]:
        """Take up to `count` requests of the highest priority under a lease."""
        if count <= 0:
            return []
        return self._run("lease", [self.queue_key, self.leases, self.prio], [count, self.lease_ms])

    def ack(self, members: list[bytes]) -> None:
        """Done with these requests (processed, or failed for good)."""
        if members:
            self._run("ack", [self.leases, self.prio], list(members))

    def renew(self, members: list[bytes], active: bool) -> list[bytes]:
        """Extend the leases of requests still held, and this worker's heartbeat if it has
        discovery work of its own; returns leases already expired and put back (lost)."""
        return self._run("renew", [self.leases, self.active], [self.lease_ms, self.worker, int(active), *members])

    def requeue_expired(self) -> int:
        """Put requests whose lease expired (their worker died) back in the queue; their count."""
        return int(self._run("requeue", [self.queue_key, self.leases, self.prio, self.redelivered], ["1"]))

    def release(self, members: list[bytes]) -> int:
        """Give requests taken but not started back to the queue (a worker that stops)."""
        if not members:
            return 0
        return int(self._run("requeue", [self.queue_key, self.leases, self.prio, self.redelivered], ["0", *members]))

    def status(self, idle: bool) -> Status:
        """The crawl's state; an idle worker that finds it finished deletes its keys at once."""
        waiting, leased, others, finished = self._run("status", [*self.all_keys, FINISHED],
                                                      [self.worker, int(idle), self.prefix])
        return Status(int(waiting), int(leased), int(others), bool(finished))
