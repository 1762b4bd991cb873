"""Per-host limits shared by all workers of a crawl (crawler.fetch.politeness on NEWS_REDIS_URL):
a host's slots are leased (a killed worker's come back when their lease runs out, renewals keep a
live worker's), its next allowed start time spaces requests by its delay, and a robots.txt
Crawl-delay any worker read applies to all. One atomic Lua script per call, through redis-py's
asyncio client: the reactor's event loop never blocks on Redis.

Keys, under the crawl's prefix (crawler.frontier.client), deleted with the crawl's other keys:

    :hosts:slots     slot tokens ("host<TAB>worker<TAB>n") by lease expiry (Redis server time, ms)
    :hosts:inflight  host -> slots taken
    :hosts:next      host -> earliest start of its next request (ms)
    :hosts:delay     host -> its robots.txt Crawl-delay (ms), as read by any worker
"""

from __future__ import annotations

import itertools
import os
import socket
import uuid

from redis.asyncio import Redis
from scrapy import Spider

from crawler.frontier.client import NOW_MS, crawl_id, host_keys

# KEYS: slots, inflight, next, delay; ARGV: host, token, limit, lease ms, base delay ms, crawl delay ms
# returns 0 (admitted), a wait in ms (the host's delay), or -1 (all slots taken)
ACQUIRE = NOW_MS + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)
for _, member in ipairs(expired) do
  redis.call('ZREM', KEYS[1], member)
  local host = string.match(member, '^([^\\t]+)')
  if tonumber(redis.call('HINCRBY', KEYS[2], host, -1)) < 0 then redis.call('HSET', KEYS[2], host, 0) end
end
local host = ARGV[1]
if tonumber(ARGV[6]) > 0 then redis.call('HSET', KEYS[4], host, ARGV[6]) end
if tonumber(redis.call('HGET', KEYS[2], host) or '0') >= tonumber(ARGV[3]) then return -1 end
local nxt = tonumber(redis.call('HGET', KEYS[3], host) or '0')
if nxt > now then return nxt - now end
local delay = math.max(tonumber(ARGV[5]), tonumber(redis.call('HGET', KEYS[4], host) or '0'))
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
redis.call('HINCRBY', KEYS[2], host, 1)
if delay > 0 then redis.call('HSET', KEYS[3], host, now + delay) end
return 0
"""

# KEYS: slots, inflight; ARGV: host, token
RELEASE = """
if redis.call('ZREM', KEYS[1], ARGV[2]) == 1 then
  if tonumber(redis.call('HINCRBY', KEYS[2], ARGV[1], -1)) < 0 then redis.call('HSET', KEYS[2], ARGV[1], 0) end
  return 1
end
return 0
"""

# KEYS: slots; ARGV: lease ms, tokens...; returns how many were no longer held (their lease ran out)
RENEW = NOW_MS + """
local lost = 0
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
  else lost = lost + 1 end
end
return lost
"""


class SharedHostLimits:
    """One worker's view of the crawl's shared per-host limits; `calls` counts Redis round trips."""

    def __init__(self, url: str, spider: Spider, limit: int, lease_seconds: float, base_delay: float,
                 max_crawl_delay: float) -> None:
        self.server = Redis.from_url(url)
        self.keys = host_keys(f"news:{spider.name}:{crawl_id(spider)}")
        self.limit, self.lease_seconds = limit, lease_seconds
        self.lease_ms = int(lease_seconds * 1000)
        self.base_delay_ms, self.max_crawl_delay = int(base_delay * 1000), max_crawl_delay
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.counter = itertools.count()
        self.scripts = {name: self.server.register_script(text)
                        for name, text in (("acquire", ACQUIRE), ("release", RELEASE), ("renew", RENEW))}
        self.calls = 0

    def token(self, host: str) -> str:
        """A new slot token for one request to `host`."""
        return f"{host}\t{self.worker}\t{next(self.counter)}"

    async def _run(self, name: str, keys: list[str], args: list) -> int:
        self.calls += 1
        return int(await self.scripts[name](keys=keys, args=args))

    async def try_acquire(self, host: str, token: str, crawl_delay: float) -> float:
        """0: admitted (the slot is held under `token`); > 0: seconds until the host's delay has
        passed; < 0: every slot of the host is taken. `crawl_delay` (seconds, already capped) is
        this worker's reading of the host's robots.txt, published for all workers."""
        delay_ms = int(min(crawl_delay, self.max_crawl_delay) * 1000)
        answer = await self._run("acquire", self.keys, [host, token, self.limit, self.lease_ms,
                                                         self.base_delay_ms, delay_ms])
        return answer / 1000 if answer > 0 else float(answer)

    async def release(self, host: str, token: str) -> None:
        await self._run("release", self.keys[:2], [host, token])

    async def renew(self, tokens: list[str]) -> int:
        """Extend the leases of held slots; returns how many had run out already."""
        if not tokens:
            return 0
        return await self._run("renew", self.keys[:1], [self.lease_ms, *tokens])

    async def close(self) -> None:
        await self.server.aclose()
