"""Counters for rate limits and budgets: in this process, or shared by every replica in Redis.

Two kinds of state, each checked and changed atomically for all the scopes a request touches
(its key and its team), so that a refusal by one scope charges none:

- **Rate limits** by GCRA (the generic cell rate algorithm): per scope and kind (requests or
  tokens per minute) one number, the theoretical arrival time. A request of cost ``c`` moves it
  by ``c × 60 / limit`` seconds; it is admitted when that leaves the TAT no more than a minute
  ahead of now. That allows a full minute's allowance at once and then a steady rate, with exact
  ``Retry-After`` and ``x-ratelimit-*`` values, in O(1) state.
- **Budgets** per scope and period: ``spent`` and ``reserved`` in nano-dollars (integers, exact in
  Redis's Lua and in Python; amounts are rounded *up* to the nano-dollar, so rounding can only
  over-count, by at most a billionth of a dollar per request). A reservation grants up to what
  was asked, at least a minimum, from what every scope has left, or nothing; a settlement turns
  a reservation into spend (the real cost, or the reservation itself when the cost is unknown).

A budget counter starts from the ledger's spend for its period: when a counter is missing (a new
period, a process start, a Redis that lost its data) the caller passes in what the ledger says
(``CounterMissing``), so counters never forget spend that was recorded.

``MemoryCounters`` serves one process; ``RedisCounters`` every replica, one Lua script (one
round trip) per operation, keys under the configured prefix with a TTL so abandoned state expires.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any, Final, Literal, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from freehold.stores.redis_client import redis_client

__all__ = [
    "NANO",
    "BudgetHold",
    "CounterMissing",
    "Counters",
    "CountersUnavailable",
    "Grant",
    "LimitCheck",
    "LimitResult",
    "MemoryCounters",
    "RedisCounters",
    "to_nanos",
    "to_usd",
]

NANO: Final = Decimal("0.000000001")
WINDOW: Final = 60.0
"""Seconds of the rate limits' period: they are per minute."""


def to_nanos(usd: Decimal) -> int:
    """Dollars to nano-dollars, rounded up (never under-counts)."""
    return int((usd / NANO).to_integral_value(ROUND_CEILING))


def to_usd(nanos: int) -> Decimal:
    return Decimal(nanos) * NANO


class CountersUnavailable(Exception):
    """The counter store cannot be reached: callers fail closed (503) or serve unmetered, as keys say."""


class CounterMissing(Exception):
    """A budget counter does not exist yet: ``holds`` name the ones to start from the ledger."""

    def __init__(self, holds: list[BudgetHold]) -> None:
        super().__init__(", ".join(h.counter for h in holds))
        self.holds = holds


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """One limit a request must fit: ``counter`` names scope and kind; ``cost`` is 1 (requests) or tokens."""

    counter: str
    limit: int
    cost: int
    kind: Literal["requests", "tokens"]


@dataclass(frozen=True, slots=True)
class LimitResult:
    """What one limit says: admitted or not, and the values of OpenAI's ``x-ratelimit-*`` headers."""

    check: LimitCheck
    remaining: int
    reset: float
    """Seconds until the limit is whole again."""
    retry_after: float
    """Seconds until this request would fit (0 when it was admitted)."""


@dataclass(frozen=True, slots=True)
class BudgetHold:
    """One budget a reservation draws on: the counter (scope, id, period) and its size in nano-dollars."""

    counter: str
    budget: int


@dataclass(slots=True)
class Grant:
    """A reservation: how much was granted (nano-dollars) from which budgets.

    When refused (``granted`` 0): how much the tightest budget had left, and which it was.
    """

    granted: int
    holds: tuple[BudgetHold, ...]
    remaining: int = 0
    tightest: str = ""

    @property
    def ok(self) -> bool:
        return self.granted > 0


class Counters(Protocol):
    async def limit(self, checks: Sequence[LimitCheck]) -> list[LimitResult]:
        """Admit a request under every limit in ``checks`` or under none (no limit is charged then)."""
        ...

    async def reserve(self, holds: Sequence[BudgetHold], want: int, minimum: int, share: float = 1.0) -> Grant:
        """Reserve up to ``want`` (at least ``minimum``) nano-dollars from every budget in ``holds``.

        ``share`` caps the grant at that fraction of what the tightest budget has left (but never
        below ``minimum``), so that one request cannot take a whole remainder.

        Raises:
            CounterMissing: some budgets have no counter yet: ``start`` them, then call again.
            CountersUnavailable: the store cannot be reached.
        """
        ...

    async def start(self, hold: BudgetHold, spent: int) -> None:
        """Create a budget counter at ``spent`` nano-dollars, unless another process did first."""
        ...

    async def settle(self, holds: Sequence[BudgetHold], reserved: int, spent: int) -> list[int]:
        """Release a reservation of ``reserved`` and count ``spent`` instead, in every budget.

        Returns each budget's spend after it, in ``holds``' order (for alerts: no second read).
        """
        ...

    async def usage(self, hold: BudgetHold) -> tuple[int, int] | None:
        """``(spent, reserved)`` of a budget counter, None if it has none."""
        ...

    async def close(self) -> None: ...


@dataclass(slots=True)
class _Budget:
    spent: int = 0
    reserved: int = 0


@dataclass(slots=True)
class MemoryCounters:
    """Counters in this process (one replica, or tests): the same arithmetic as the Redis scripts."""

    clock: Callable[[], float] = time.time
    _tats: dict[str, float] = field(default_factory=dict)
    _budgets: dict[str, _Budget] = field(default_factory=dict)

    async def limit(self, checks: Sequence[LimitCheck]) -> list[LimitResult]:
        now = self.clock()
        plans = [(c, *_gcra(self._tats.get(c.counter, 0.0), now, c)) for c in checks]
        admitted = all(retry == 0 for _, _, retry, _ in plans)
        results = []
        for check, new_tat, retry, old_tat in plans:
            tat = new_tat if admitted else old_tat
            if admitted:
                self._tats[check.counter] = new_tat
            results.append(_result(check, tat, now, retry if not admitted else 0.0))
        return results

    async def reserve(self, holds: Sequence[BudgetHold], want: int, minimum: int, share: float = 1.0) -> Grant:
        missing = [h for h in holds if h.counter not in self._budgets]
        if missing:
            raise CounterMissing(missing)
        lefts = [(h.budget - b.spent - b.reserved, h) for h in holds for b in [self._budgets[h.counter]]]
        left, tightest = min(lefts, key=lambda x: x[0]) if lefts else (want, None)
        granted = min(want, left, max(minimum, _share(left, share)))
        if granted < max(minimum, 1):
            return Grant(0, tuple(holds), max(left, 0), tightest.counter if tightest else "")
        for h in holds:
            self._budgets[h.counter].reserved += granted
        return Grant(granted, tuple(holds), left - granted)

    async def start(self, hold: BudgetHold, spent: int) -> None:
        self._budgets.setdefault(hold.counter, _Budget(spent=spent))

    async def settle(self, holds: Sequence[BudgetHold], reserved: int, spent: int) -> list[int]:
        after = []
        for h in holds:
            b = self._budgets.setdefault(h.counter, _Budget())
            b.reserved = max(0, b.reserved - reserved)
            b.spent += spent
            after.append(b.spent)
        return after

    async def usage(self, hold: BudgetHold) -> tuple[int, int] | None:
        b = self._budgets.get(hold.counter)
        return (b.spent, b.reserved) if b is not None else None

    async def close(self) -> None:
        return None


def _share(left: int, share: float) -> int:
    return left if share >= 1 else left * round(share * 1_000_000) // 1_000_000


def _gcra(tat: float, now: float, check: LimitCheck) -> tuple[float, float, float]:
    """``(new TAT if admitted, seconds until it would fit (0: fits now), the old TAT)``."""
    interval = WINDOW / check.limit
    start = max(tat, now)
    new_tat = start + interval * check.cost
    over = new_tat - now - WINDOW
    return new_tat, (max(over, 0.0) if over > 1e-9 else 0.0), tat


def _result(check: LimitCheck, tat: float, now: float, retry_after: float) -> LimitResult:
    ahead = max(tat - now, 0.0)
    interval = WINDOW / check.limit
    remaining = max(0, math.floor((WINDOW - ahead) / interval + 1e-3))  # Redis keeps TATs to the µs
    return LimitResult(check, min(remaining, check.limit), ahead, retry_after)


# --- Redis ---------------------------------------------------------------------------------------

# KEYS: one per limit. ARGV: now (s), then per key: limit, cost. Returns per key: TAT after, retry.
# All admitted or none charged, as MemoryCounters.limit.
_LIMIT = """
local now = tonumber(ARGV[1])
local n = #KEYS
local tats, news, retries = {}, {}, {}
local admitted = true
for i = 1, n do
  local limit, cost = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  local interval = 60.0 / limit
  local new = math.max(tat, now) + interval * cost
  local over = new - now - 60.0
  tats[i], news[i] = tat, new
  if over > 1e-9 then retries[i] = over; admitted = false else retries[i] = 0 end
end
local out = {}
for i = 1, n do
  if admitted then
    redis.call('SET', KEYS[i], string.format('%.6f', news[i]), 'PX', math.ceil((news[i] - now + 1) * 1000))
    out[2 * i - 1] = string.format('%.6f', news[i]); out[2 * i] = '0'
  else
    out[2 * i - 1] = string.format('%.6f', tats[i]); out[2 * i] = string.format('%.6f', retries[i])
  end
end
return out
"""

# KEYS: budget hashes. ARGV: want, minimum, ttl (ms), share (ppm), then each budget's size.
# Returns {status, granted_or_left, index}: 1 granted, 0 refused (left, tightest index), -1 missing.
_RESERVE = """
local want, minimum, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local share = tonumber(ARGV[4])
local left, tight = nil, 0
for i = 1, #KEYS do
  local h = redis.call('HMGET', KEYS[i], 'spent', 'reserved')
  if h[1] == false then return {-1, 0, i} end
  local l = tonumber(ARGV[4 + i]) - tonumber(h[1]) - tonumber(h[2] or '0')
  if left == nil or l < left then left, tight = l, i end
end
if left == nil then left = want end
local capped = left
if share < 1000000 then capped = math.floor(left * share / 1000000) end
local granted = math.min(want, left, math.max(minimum, capped))
if granted < math.max(minimum, 1) then return {0, math.max(left, 0), tight} end
for i = 1, #KEYS do
  redis.call('HINCRBY', KEYS[i], 'reserved', granted)
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return {1, granted, 0}
"""

# KEYS: budget hashes. ARGV: reserved, spent, ttl (ms).
_SETTLE = """
local after = {}
for i = 1, #KEYS do
  local r = tonumber(redis.call('HINCRBY', KEYS[i], 'reserved', -tonumber(ARGV[1])))
  if r < 0 then redis.call('HSET', KEYS[i], 'reserved', 0) end
  after[i] = redis.call('HINCRBY', KEYS[i], 'spent', tonumber(ARGV[2]))
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3]))
end
return after
"""

_BUDGET_TTL_MS: Final = 40 * 24 * 3600 * 1000
"""A budget counter outlives its longest period (a month) and is then dropped; a missing one
starts again from the ledger, so expiry never loses spend."""


class RedisCounters:
    """Counters every replica shares: one atomic Lua script per operation (one round trip)."""

    def __init__(self, client: Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._limit = client.register_script(_LIMIT)
        self._reserve = client.register_script(_RESERVE)
        self._settle = client.register_script(_SETTLE)

    @classmethod
    def from_url(cls, url: str, prefix: str, *, connections: int = 64, timeout: float = 1.0) -> RedisCounters:
        """Counters on a pool of their own.

        A burst of requests waits for a connection (up to ``timeout``) rather than failing, as
        the default pool does past its size.
        """
        return cls(redis_client(url, timeout=timeout, connections=connections, decode=True), prefix)

    def _key(self, counter: str) -> str:
        return f"{self._prefix}{counter}"

    async def limit(self, checks: Sequence[LimitCheck]) -> list[LimitResult]:
        if not checks:
            return []
        now = time.time()
        args: list[float | int] = [now]
        for c in checks:
            args += [c.limit, c.cost]
        out = list(await self._call(self._limit, [self._key(c.counter) for c in checks], args))
        admitted = all(float(out[2 * i + 1]) == 0 for i in range(len(checks)))
        return [
            _result(c, float(out[2 * i]), now, 0.0 if admitted else float(out[2 * i + 1])) for i, c in enumerate(checks)
        ]

    async def reserve(self, holds: Sequence[BudgetHold], want: int, minimum: int, share: float = 1.0) -> Grant:
        args: list[int] = [want, minimum, _BUDGET_TTL_MS, min(1_000_000, round(share * 1_000_000))]
        args += [h.budget for h in holds]
        status, amount, index = await self._call(self._reserve, [self._key(h.counter) for h in holds], args)
        if int(status) == -1:
            raise CounterMissing([holds[int(index) - 1]])
        if int(status) == 0:
            tight = holds[int(index) - 1].counter if int(index) > 0 else ""
            return Grant(0, tuple(holds), int(amount), tight)
        return Grant(int(amount), tuple(holds))

    async def start(self, hold: BudgetHold, spent: int) -> None:
        key = self._key(hold.counter)
        try:
            if await self._redis.hsetnx(key, "spent", spent):
                await self._redis.pexpire(key, _BUDGET_TTL_MS)
        except (TimeoutError, RedisError, OSError) as exc:
            raise CountersUnavailable(str(exc)) from exc

    async def settle(self, holds: Sequence[BudgetHold], reserved: int, spent: int) -> list[int]:
        keys = [self._key(h.counter) for h in holds]
        return [int(x) for x in await self._call(self._settle, keys, [reserved, spent, _BUDGET_TTL_MS])]

    async def usage(self, hold: BudgetHold) -> tuple[int, int] | None:
        try:
            spent, reserved = await self._redis.hmget(self._key(hold.counter), ["spent", "reserved"])
        except (TimeoutError, RedisError, OSError) as exc:
            raise CountersUnavailable(str(exc)) from exc
        if spent is None:
            return None
        return int(spent), int(reserved or 0)

    async def close(self) -> None:
        await self._redis.aclose(close_connection_pool=True)  # the pool is this object's own

    async def _call(self, script: object, keys: list[str], args: Sequence[float | int]) -> Any:
        try:
            return await script(keys=keys, args=list(args))  # type: ignore[operator]
        except (TimeoutError, RedisError, OSError) as exc:
            raise CountersUnavailable(str(exc)) from exc
