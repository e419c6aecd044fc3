"""Circuit breakers whose state lives in Redis, so that every replica sees the same circuits.

Semantics are those of ``MemoryBreakers`` (``breaker.py``), transition for transition; the one
addition is the probe lease. In half-open exactly one replica may send a probe at a time, and a
replica that crashes after claiming the probe never reports it, so a claimed probe is released
after ``probe_timeout`` seconds (the cooldown by default) and the next ``allow()`` may claim it.

Every operation is one atomic Lua script (``EVALSHA``: one round trip). On the hot path the
engine skips ``allow()`` and ``record(ok)`` while the deployment is ``settled()``: for ``settle``
seconds (1 s by default) after Redis last said its circuit was healthy (closed, no failure
counted), a replica trusts that without asking again. The trade-off, bounded by ``settle``: a
circuit another replica opens is seen that much later, and this replica's successes meanwhile
do not reset the failures others count. A failure here ends the trust at once. The script reads the
time with ``TIME`` so that all replicas measure cooldowns on the Redis server's clock, not on
their own. A deployment's state is a hash at ``{prefix}breaker:{deployment}``; a healthy
circuit (closed, no failures) has no key at all, and every write renews a TTL so that state
abandoned by a removed deployment expires.

A breaker must never take the gateway down: when Redis cannot be reached (or answers with an
error), every call *fails open* (``allow`` is True, ``record`` reports no change, ``state`` is
closed), a warning is logged once per outage, and Redis is left alone until a background ping
finds it again, so an outage adds no latency to requests. ``healthy`` tells readiness.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from freehold.config.routing import BreakerPolicy
from freehold.stores.breakers import State
from freehold.stores.redis_client import redis_client

__all__ = ["RedisBreakers"]

log = logging.getLogger("freehold.stores.breakers")

_STATES: dict[str, State] = {"closed": "closed", "open": "open", "half_open": "half_open"}

# KEYS[1]: the deployment's hash. ARGV: op, failure_threshold, cooldown (µs), half_open_probes,
# probe lease (µs), TTL (ms). Fields: state, failures, successes, opened_at (µs), probe_at (µs of
# the outstanding probe's claim, 0 when none). Mirrors MemoryBreakers line by line.
_SCRIPT = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local key, op = KEYS[1], ARGV[1]
local threshold, cooldown = tonumber(ARGV[2]), tonumber(ARGV[3])
local needed, lease, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local h = redis.call('HMGET', key, 'state', 'failures', 'successes', 'opened_at', 'probe_at')
local exists = h[1] ~= false
if not exists then
  if op == 'allow' then return 2 end  -- admitted, and healthy: closed with no failure counted
  if op == 'ok' then return false end
  if op == 'state' then return 'closed' end
  if op == 'retry_in' then return 0 end
end
local state = h[1] or 'closed'
local failures, successes = tonumber(h[2] or '0'), tonumber(h[3] or '0')
local opened_at, probe_at = tonumber(h[4] or '0'), tonumber(h[5] or '0')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local function save()
  if state == 'closed' and failures == 0 then
    redis.call('DEL', key)
  else
    redis.call('HSET', key, 'state', state, 'failures', failures, 'successes', successes,
      'opened_at', opened_at, 'probe_at', probe_at)
    redis.call('PEXPIRE', key, ttl)
  end
end

local function refresh()
  if state == 'open' and now - opened_at >= cooldown then
    state, successes, probe_at = 'half_open', 0, 0
    return true
  end
  return false
end

if op == 'allow' then
  local changed = refresh()
  local admit = 0
  if state == 'closed' then
    admit = 1
  elseif state == 'half_open' and (probe_at == 0 or now - probe_at >= lease) then
    probe_at, admit, changed = now, 1, true
  end
  if changed then save() end
  return admit
elseif op == 'ok' or op == 'fail' then
  local before = state
  if op == 'ok' then
    failures = 0
    if state == 'half_open' then
      successes, probe_at = successes + 1, 0
      if successes >= needed then state = 'closed' end
    end
  else
    failures = failures + 1
    if state == 'half_open' or failures >= threshold then
      state, opened_at, probe_at = 'open', now, 0
    end
  end
  save()
  if state ~= before then return state end
  return false
elseif op == 'state' then
  if refresh() then save() end
  return state
elseif op == 'retry_in' then
  if state ~= 'open' then return 0 end
  return math.max(0, cooldown - (now - opened_at))
end
return redis.error_reply('unknown breaker op ' .. tostring(op))
"""


class RedisBreakers:
    """Breakers shared by every replica through one Redis; fails open when Redis is unreachable.

    Args:
        policy: thresholds and cooldown, the same for every deployment.
        client: a ``redis.asyncio`` client; ``close()`` closes it when ``owns_client``.
        prefix: namespace of the keys, so that several gateways (or tests) can share one Redis.
        probe_timeout: seconds after which an unreported half-open probe is released
            (default: the cooldown).
        ttl: seconds an untouched key lives (default: an hour, or longer for long cooldowns).
        recheck: seconds between pings while Redis is unreachable.
        settle: seconds a healthy circuit seen in Redis is trusted without asking again.
        owns_client: close the client in ``close()``.
    """

    def __init__(
        self,
        policy: BreakerPolicy,
        client: Redis,
        prefix: str = "freehold:",
        *,
        probe_timeout: float | None = None,
        ttl: float | None = None,
        recheck: float = 1.0,
        settle: float = 1.0,
        owns_client: bool = True,
    ) -> None:
        self._client = client
        self._settle = settle
        self._settled_until: dict[str, float] = {}
        self._owns_client = owns_client
        self._key_prefix = f"{prefix}breaker:"
        lease = policy.cooldown if probe_timeout is None else probe_timeout
        ttl = max(3600.0, 4 * (policy.cooldown + lease)) if ttl is None else ttl
        if ttl < policy.cooldown + lease:
            raise ValueError("ttl must outlast the cooldown and the probe timeout, or open circuits would close early")
        # Everything but the op is fixed for the life of the object: encode it once.
        self._args = (
            str(policy.failure_threshold),
            str(round(policy.cooldown * 1e6)),
            str(policy.half_open_probes),
            str(round(lease * 1e6)),
            str(max(1, round(ttl * 1000))),
        )
        self._script = client.register_script(_SCRIPT)
        self._recheck = recheck
        self._up = True
        self._watcher: asyncio.Task[None] | None = None

    @classmethod
    def from_url(
        cls,
        policy: BreakerPolicy,
        url: str,
        prefix: str = "freehold:",
        *,
        timeout: float = 0.5,
        recheck: float = 1.0,
        settle: float = 1.0,
    ) -> RedisBreakers:
        """Breakers on a client of their own for ``url``.

        ``timeout`` bounds each connect and each command, so a Redis that hangs costs a request
        at most about twice that (one retry on a fresh connection) before the breakers fail open.
        """
        return cls(policy, redis_client(url, timeout=timeout), prefix, recheck=recheck, settle=settle)

    @property
    def healthy(self) -> bool:
        """Whether Redis answered the last time it was asked (readiness reports it)."""
        return self._up

    def key(self, deployment: str) -> str:
        """The Redis key holding ``deployment``'s circuit."""
        return self._key_prefix + deployment

    async def start(self) -> None:
        """Check Redis once at start-up, so that readiness tells the truth before the first request."""
        try:
            await self._client.ping()
        except (RedisError, OSError) as exc:
            self._lost(exc)

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._owns_client:
            await self._client.aclose(close_connection_pool=True)

    def settled(self, deployment: str) -> bool:
        """True within ``settle`` seconds of Redis saying the circuit is healthy (see the module doc)."""
        until = self._settled_until.get(deployment)
        return until is not None and time.monotonic() < until

    async def allow(self, deployment: str) -> bool:
        reply = await self._run("allow", deployment)
        if reply == 2:
            self._settled_until[deployment] = time.monotonic() + self._settle
        return True if reply is None else bool(reply)

    async def record(self, deployment: str, ok: bool) -> State | None:
        if not ok:
            self._settled_until.pop(deployment, None)
        reply = await self._run("ok" if ok else "fail", deployment)
        return None if reply is None else _state(reply)

    async def state(self, deployment: str) -> State:
        reply = await self._run("state", deployment)
        return "closed" if reply is None else _state(reply)

    async def retry_in(self, deployment: str) -> float:
        reply = await self._run("retry_in", deployment)
        return reply / 1e6 if isinstance(reply, int) else 0.0

    async def _run(self, op: str, deployment: str) -> object:
        """One script call; None when Redis is unavailable (the callers then fail open)."""
        if not self._up:
            return None
        try:
            reply: object = await self._script(keys=[self._key_prefix + deployment], args=(op, *self._args))
        except (RedisError, OSError) as exc:
            self._lost(exc)
            return None
        return reply

    def _lost(self, exc: BaseException) -> None:
        if not self._up:
            return
        self._up = False
        log.warning(
            "Redis is unavailable (%s); circuit breakers fail open (allow every request) until it answers again", exc
        )
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._recheck)
            try:
                await self._client.ping()
            except (RedisError, OSError):
                continue
            self._up = True
            self._watcher = None
            log.warning("Redis answers again; circuit breakers are shared across replicas again")
            return


def _state(reply: object) -> State:
    text = reply.decode() if isinstance(reply, bytes) else str(reply)
    return _STATES[text]
