"""One contract for every ``Breakers``: in-process and Redis-backed circuits behave alike.

The Redis cases use the real server at 127.0.0.1:6379 under a key prefix unique to this run,
removed afterwards; they skip only when that server cannot be reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from freehold.bootstrap import build
from freehold.config.load import parse_config
from freehold.config.routing import BreakerPolicy
from freehold.settings import resolve_settings
from freehold.stores.breakers import Breakers, MemoryBreakers
from freehold.stores.breakers_redis import RedisBreakers

REDIS_URL = "redis://127.0.0.1:6379/0"
COOLDOWN = 0.25
AFTER_COOLDOWN = COOLDOWN + 0.1
POLICY = BreakerPolicy(failure_threshold=3, cooldown=COOLDOWN, half_open_probes=1)
LOGGER = "freehold.stores.breakers"

Factory = Callable[..., Breakers]


def redis_reachable() -> bool:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def require_redis() -> None:
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; start redis-server to run the shared-breaker cases")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def run_prefix() -> Iterator[str]:
    """A prefix no other run uses; every key under it is deleted when the module is done."""
    prefix = f"freehold-test-{secrets.token_hex(6)}:"
    yield prefix
    if redis_reachable():
        with redis.Redis.from_url(REDIS_URL) as client:
            keys = list(client.scan_iter(match=prefix + "*"))
            if keys:
                client.delete(*keys)


@pytest.fixture
def prefix(run_prefix: str) -> str:
    """A prefix per test, so that tests never see each other's circuits."""
    return f"{run_prefix}{secrets.token_hex(4)}:"


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    require_redis()
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def make(request: pytest.FixtureRequest, prefix: str) -> AsyncIterator[Factory]:
    """Builds breakers of the parametrized kind; Redis ones share ``prefix`` (one test = one Redis)."""
    created: list[RedisBreakers] = []
    if request.param == "redis":
        require_redis()

    def factory(policy: BreakerPolicy = POLICY, **kwargs: float) -> Breakers:
        if request.param == "memory":
            return MemoryBreakers(policy)
        breakers = RedisBreakers.from_url(policy, REDIS_URL, prefix, **kwargs)
        created.append(breakers)
        return breakers

    yield factory
    for breakers in created:
        assert breakers.healthy, "Redis failed during the test: the breakers were failing open"
        await breakers.close()


async def open_circuit(b: Breakers, dep: str = "d") -> None:
    for _ in range(POLICY.failure_threshold - 1):
        assert await b.record(dep, False) is None
    assert await b.record(dep, False) == "open"


# --- the contract, for every implementation ---------------------------------------------------


async def test_unknown_deployment_is_closed(make: Factory) -> None:
    b = make()
    assert await b.allow("d") is True
    assert await b.state("d") == "closed"
    assert await b.retry_in("d") == 0.0
    assert await b.record("d", True) is None


async def test_opens_after_threshold_consecutive_failures(make: Factory) -> None:
    b = make()
    for _ in range(POLICY.failure_threshold - 1):
        assert await b.record("d", False) is None
        assert await b.allow("d") is True
        assert await b.state("d") == "closed"
    assert await b.record("d", False) == "open"
    assert await b.state("d") == "open"
    assert await b.allow("d") is False
    assert 0 < await b.retry_in("d") <= COOLDOWN


async def test_a_success_resets_the_consecutive_failures(make: Factory) -> None:
    b = make()
    for _ in range(POLICY.failure_threshold - 1):
        await b.record("d", False)
    assert await b.record("d", True) is None
    for _ in range(POLICY.failure_threshold - 1):
        assert await b.record("d", False) is None
    assert await b.allow("d") is True
    assert await b.record("d", False) == "open"


async def test_settled_only_promises_what_allow_and_record_would_do(make: Factory) -> None:
    """``settled`` lets the engine skip both calls, so it may be true only when they would be no-ops."""
    b = make()
    for step in ("fresh", "one failure", "reset", "open"):
        if step == "one failure":
            await b.record("d", False)
        elif step == "reset":
            await b.record("d", True)
        elif step == "open":
            await open_circuit(b)
        if b.settled("d"):
            assert await b.state("d") == "closed" and await b.allow("d") is True
            assert await b.record("d", True) is None
    if isinstance(b, MemoryBreakers):  # in-process state is known; Redis's never is (other replicas)
        fresh = make()
        assert fresh.settled("x")
        await fresh.record("x", False)
        assert not fresh.settled("x")
        await fresh.record("x", True)
        assert fresh.settled("x")
    else:
        fresh = make(settle=0.2)
        assert not fresh.settled("x")  # nothing known until Redis has said so
        assert await fresh.allow("x") is True
        assert fresh.settled("x")
        await fresh.record("x", False)
        assert not fresh.settled("x")  # a failure ends the trust at once
        await fresh.record("x", True)
        assert await fresh.allow("x") is True and fresh.settled("x")
        await asyncio.sleep(0.25)
        assert not fresh.settled("x")  # and it lasts only ``settle`` seconds


async def test_failures_while_open_change_nothing(make: Factory) -> None:
    b = make()
    await open_circuit(b)
    assert await b.record("d", False) is None
    assert await b.state("d") == "open"


async def test_deployments_are_independent(make: Factory) -> None:
    b = make()
    await open_circuit(b, "bad")
    assert await b.allow("bad") is False
    assert await b.allow("good") is True
    assert await b.state("good") == "closed"


async def test_cooldown_leads_to_half_open(make: Factory) -> None:
    b = make()
    await open_circuit(b)
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await b.retry_in("d") == 0.0
    assert await b.state("d") == "half_open"


async def test_half_open_admits_exactly_one_concurrent_probe(make: Factory) -> None:
    b = make()
    await open_circuit(b)
    await asyncio.sleep(AFTER_COOLDOWN)
    admitted = await asyncio.gather(*(b.allow("d") for _ in range(40)))
    assert admitted.count(True) == 1
    assert await b.allow("d") is False


async def test_probe_success_closes(make: Factory) -> None:
    b = make()
    await open_circuit(b)
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await b.allow("d") is True
    assert await b.record("d", True) == "closed"
    assert await b.state("d") == "closed"
    assert all(await asyncio.gather(*(b.allow("d") for _ in range(5))))
    # Closed again from scratch: it takes the full threshold to open it.
    assert await b.record("d", False) is None


async def test_probe_failure_reopens_for_a_whole_cooldown(make: Factory) -> None:
    b = make()
    await open_circuit(b)
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await b.allow("d") is True
    assert await b.record("d", False) == "open"
    assert await b.allow("d") is False
    assert COOLDOWN / 2 < await b.retry_in("d") <= COOLDOWN
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await b.allow("d") is True


async def test_several_successful_probes_may_be_needed(make: Factory) -> None:
    b = make(BreakerPolicy(failure_threshold=3, cooldown=COOLDOWN, half_open_probes=2))
    await open_circuit(b)
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await b.allow("d") is True
    assert await b.allow("d") is False  # one probe at a time
    assert await b.record("d", True) is None
    assert await b.state("d") == "half_open"
    assert await b.allow("d") is True
    assert await b.record("d", True) == "closed"


# --- Redis only: sharing, probe lease, keys, failing open -------------------------------------


@pytest.mark.redis
async def test_two_replicas_see_each_others_state(redis_client: Redis, prefix: str) -> None:
    a = RedisBreakers(POLICY, redis_client, prefix, owns_client=False)
    b = RedisBreakers(POLICY, redis_client, prefix, owns_client=False)
    await open_circuit(a)
    assert await b.state("d") == "open"
    assert await b.allow("d") is False
    assert await b.retry_in("d") > 0
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await a.allow("d") is True  # replica a sends the probe...
    assert await b.allow("d") is False  # ...so replica b may not
    assert await a.record("d", True) == "closed"
    assert await b.state("d") == "closed"
    assert await b.allow("d") is True


@pytest.mark.redis
async def test_a_settled_replica_sees_another_replicas_open_circuit_within_settle(
    redis_client: Redis, prefix: str
) -> None:
    a = RedisBreakers(POLICY, redis_client, prefix, settle=0.1, owns_client=False)
    b = RedisBreakers(POLICY, redis_client, prefix, owns_client=False)
    assert await a.allow("d") is True and a.settled("d")
    await open_circuit(b)
    assert a.settled("d")  # the bounded staleness the hot path trades for no round trip
    await asyncio.sleep(0.12)  # past ``settle``, within the cooldown
    assert not a.settled("d")
    assert await a.allow("d") is False  # asked again: the circuit is open


@pytest.mark.redis
async def test_two_clients_race_for_one_probe(prefix: str) -> None:
    require_redis()
    replicas = [RedisBreakers.from_url(POLICY, REDIS_URL, prefix) for _ in range(3)]
    try:
        await open_circuit(replicas[0])
        await asyncio.sleep(AFTER_COOLDOWN)
        admitted = await asyncio.gather(*(r.allow("d") for r in replicas for _ in range(15)))
        assert admitted.count(True) == 1
    finally:
        for r in replicas:
            await r.close()


@pytest.mark.redis
async def test_an_unreported_probe_is_released_after_the_probe_timeout(redis_client: Redis, prefix: str) -> None:
    b = RedisBreakers(POLICY, redis_client, prefix, probe_timeout=0.2, owns_client=False)
    await open_circuit(b)
    await asyncio.sleep(AFTER_COOLDOWN)
    assert await b.allow("d") is True  # this replica then "crashes" and never reports
    assert await b.allow("d") is False
    await asyncio.sleep(0.3)
    assert await b.allow("d") is True
    assert await b.allow("d") is False


@pytest.mark.redis
async def test_state_lives_under_the_prefix_with_a_ttl(redis_client: Redis, prefix: str) -> None:
    b = RedisBreakers(POLICY, redis_client, prefix, ttl=60, owns_client=False)
    assert b.key("dep-1") == f"{prefix}breaker:dep-1"
    await b.record("dep-1", False)
    assert 0 < await redis_client.pttl(b.key("dep-1")) <= 60_000
    assert await b.record("dep-1", True) is None
    assert await redis_client.exists(b.key("dep-1")) == 0  # a healthy circuit costs no memory
    await open_circuit(b, "dep-1")
    assert await redis_client.hget(b.key("dep-1"), "state") == b"open"


@pytest.mark.redis
async def test_an_expired_key_means_a_closed_circuit(redis_client: Redis, prefix: str) -> None:
    b = RedisBreakers(POLICY, redis_client, prefix, ttl=COOLDOWN * 2 + 0.05, owns_client=False)
    await open_circuit(b)
    await asyncio.sleep(COOLDOWN * 2 + 0.2)
    assert await redis_client.exists(b.key("d")) == 0
    assert await b.state("d") == "closed"


def test_ttl_shorter_than_the_cooldown_is_refused() -> None:
    client = Redis.from_url(REDIS_URL)  # never connects
    with pytest.raises(ValueError, match="ttl"):
        RedisBreakers(POLICY, client, ttl=COOLDOWN)


async def test_unreachable_redis_fails_open_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    b = RedisBreakers.from_url(POLICY, f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    started = time.monotonic()
    try:
        await b.start()
        assert b.healthy is False
        for _ in range(POLICY.failure_threshold + 2):
            assert await b.record("d", False) is None
        assert await b.allow("d") is True
        assert await b.state("d") == "closed"
        assert await b.retry_in("d") == 0.0
    finally:
        await b.close()
    assert time.monotonic() - started < 2.0
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "fail open" in warnings[0].getMessage()


class Proxy:
    """A loopback TCP proxy to the real Redis that can be cut and restored, to stage an outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for w in self._writers:
            w.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 6379)
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]


@pytest.mark.redis
async def test_outage_then_recovery(prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    require_redis()
    caplog.set_level(logging.WARNING, logger=LOGGER)
    proxy = Proxy()
    await proxy.start()
    b = RedisBreakers.from_url(POLICY, f"redis://127.0.0.1:{proxy.port}/0", prefix, timeout=0.5, recheck=0.05)
    try:
        await b.start()
        await open_circuit(b)
        await proxy.stop()
        assert await b.allow("d") is True  # fails open while Redis is away
        assert b.healthy is False
        assert await b.allow("d") is True
        await proxy.start()
        for _ in range(100):
            if b.healthy:
                break
            await asyncio.sleep(0.05)
        assert b.healthy is True
        assert await b.allow("d") is False  # the shared state is back, still open
    finally:
        await b.close()
        await proxy.stop()
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(messages) == 2
    assert "fail open" in messages[0]
    assert "answers again" in messages[1]


# --- wiring -----------------------------------------------------------------------------------

CONFIG = {
    "routing": {"breaker": {"failure_threshold": 2, "cooldown": 1.0}},
    "aliases": {"m": {"deployments": [{"provider": "simulated", "model": "sim-small"}]}},
}


async def test_bootstrap_builds_in_process_breakers_without_redis() -> None:
    runtime = build(parse_config(CONFIG), resolve_settings(environ={}))
    assert isinstance(runtime.breakers, MemoryBreakers)
    assert "redis" not in runtime.readiness()


async def test_bootstrap_builds_redis_breakers_and_reports_them_in_readiness(tmp_path: Path) -> None:
    port = free_port()
    # The runtime's start opens its database (keys): a file of the test's own, not the user's state directory.
    environ = {"FREEHOLD_REDIS_URL": f"redis://127.0.0.1:{port}/0", "FREEHOLD_STATE_DIR": str(tmp_path)}
    settings = resolve_settings(environ=environ)
    runtime = build(parse_config(CONFIG), settings)
    assert isinstance(runtime.breakers, RedisBreakers)
    await runtime.start()
    try:
        assert runtime.readiness()["redis"] is False
        assert await runtime.breakers.allow("anything") is True
    finally:
        await runtime.close()


@pytest.mark.redis
async def test_bootstrap_redis_breakers_are_ready_against_a_live_redis(prefix: str, tmp_path: Path) -> None:
    require_redis()
    environ = {"FREEHOLD_REDIS_URL": REDIS_URL, "FREEHOLD_REDIS_PREFIX": prefix, "FREEHOLD_STATE_DIR": str(tmp_path)}
    settings = resolve_settings(environ=environ)
    runtime = build(parse_config(CONFIG), settings)
    await runtime.start()
    try:
        assert runtime.readiness()["redis"] is True
        breakers = runtime.breakers
        assert isinstance(breakers, RedisBreakers)
        assert breakers.key("x").startswith(prefix)
        assert await breakers.record("x", False) is None
        assert await breakers.record("x", False) == "open"  # the file's threshold of 2
    finally:
        await runtime.close()
