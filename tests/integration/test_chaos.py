"""Chaos drills for the resilience engine: the real gateway in front of a fault-injecting upstream.

The upstream (``mocks/chaos_mock.py``) fails a seeded share of requests in every way a vendor
does: 429 storms with Retry-After, 500/503/529, slow first bytes, hangs, resets, truncated and
malformed answers. The clients are the official ``openai`` and ``anthropic`` SDKs with their own
retries off, so whatever they see is what an application would see.

What must hold (issue 4):

- with a healthy fallback, no client sees an error, and every stream is whole;
- without one, every failure is a clean error in the front door's format, within the deadline,
  and a stream that had started ends with an error event, never silently;
- retries stay within the retry budget; breakers stop calls to a dead deployment and probe it
  after the cooldown; saturated aliases queue rather than fail, and a 429 says when to return.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
import pytest

from freehold.ids import new_id
from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.chaos_mock import EXPECTED_KEY, KINDS, RECOVERABLE, ChaosMock, Faults
from tests.integration.test_metrics_http import delta, scrape

FALLBACK = "fallback-sim"
TEXT_OF = {"chaos": "Hello from the chaos upstream, all in one piece."}
READ_TIMEOUT = 0.4
DEADLINE = 2.5
SLACK = 0.75  # scheduling on a loaded 2-core machine; the deadline itself is what is tested
CLIENT_SLACK = 2.5
"""What the drills' clients may see beyond the deadline. Their bursts of 50 SDK calls share one
process (and its GIL) with the mock upstream; on a loaded 2-core machine a call can wait over a
second before the gateway even reads it (1.4 s measured with two busy processes beside the suite).
The gateway's own clock is held to the deadline much more tightly (``_gateway_late``)."""
COOLDOWN = 1.0
THRESHOLD = 8
MAX_WAIT = 1.0
"""``queue.max_wait`` of the drills without a fallback."""
TIGHT_WINDOW = 1.5
"""How long the ``tight-*`` upstreams say their window is spent (``x-ratelimit-reset-requests``).
Long enough that the queueing tests can get their requests into the gateway while it lasts, whatever
the machine's load (it takes them 0.1-0.2 s with two busy processes beside); short enough to keep
them quick."""
TIGHT_MODEL = f"tight-{round(TIGHT_WINDOW * 1000)}-f"
TIGHT_PRIORITY_MODEL = f"tight-{round(TIGHT_WINDOW * 1000)}-p"
QUEUE_MAX_WAIT = 7.0
"""``queue.max_wait`` of the main gateway. Requests held by one tight window are usually all let in
when it ends, but an answer that comes back between two admissions opens the next window before the
rest are sent: four windows back to back must fit, and still leave time before the deadline
(``ROUTING``) and the clients' ``CLIENT_TIMEOUT``."""
WAIT_FOR = 15.0
"""Overall limit on waiting for a condition the tests synchronize on (generous: it only bounds a hang)."""
BUDGET = {"ratio": 0.2, "min_per_second": 5.0, "window": 2.0}
PRE_BYTE_KINDS = ("reset", "reset_mid_response", "truncated", "malformed", "hang", "overloaded", "rate_limit")


def _timeout(read: float = READ_TIMEOUT) -> dict[str, float]:
    return {"connect": 1.0, "read": read, "total": max(5.0, read)}


def bare_config(mock: ChaosMock) -> dict[str, Any]:
    """(b): chaos with nothing behind it, one alias per front door (a gateway of its own, so that
    whatever these drills do to the engine's state cannot leak into the other tests)."""
    dep = mock.deployment
    # A breaker that opens less readily: these drills are about clean errors, so let most requests
    # reach the faulty upstream rather than be turned away by an open circuit.
    return {
        "routing": {**ROUTING, "breaker": {"failure_threshold": 10, "cooldown": COOLDOWN}},
        "aliases": {
            "bare": {"deployments": [dep("chaos-40-b", name="chaos-b", timeout=_timeout())], "deadline": DEADLINE},
            "bare-anthropic": {
                "deployments": [dep("chaos-40-c", name="chaos-c", timeout=_timeout())],
                "deadline": DEADLINE,
            },
        },
    }


ROUTING = {
    "deadline": 10,
    "retries": {"max_attempts": 2, "base_delay": 0.05, "max_delay": 0.5, "max_retry_after": 2},
    "retry_budget": BUDGET,
    "breaker": {"failure_threshold": THRESHOLD, "cooldown": COOLDOWN},
    "queue": {"max_size": 100, "max_wait": MAX_WAIT},
}


def gateway_config(mock: ChaosMock) -> dict[str, Any]:
    dep = mock.deployment
    sim = {"provider": "simulated", "name": FALLBACK, "model": "sim-1", "ttft_ms": 1, "tokens_per_second": 5000,
           "max_tokens": 8}  # fmt: skip
    aliases: dict[str, Any] = {
        "healthy": {"deployments": [sim]},
        # (a), (c): the chaos deployment first, a healthy alias behind it.
        "resilient": {"deployments": [dep("chaos-30-a", name="chaos-a", timeout=_timeout())], "fallbacks": ["healthy"]},
        "hanging": {"deployments": [dep("always-hang-h", name="hangs", timeout=_timeout(30))], "deadline": 1.0},
        # (d): a dead deployment before a healthy alias; one attempt per request keeps the count exact.
        "breaker": {
            "deployments": [dep("always-unavailable-d", name="dead", timeout=_timeout())],
            "fallbacks": ["healthy"],
            "retries": {"max_attempts": 1},
        },
        # (e): failures after the first byte, even with a fallback configured.
        "late-cut": {"deployments": [dep("always-cut_after_first_byte-e", name="cuts-late")], "fallbacks": ["healthy"]},
        "late-reset": {
            "deployments": [dep("always-reset_after_first_byte-e", name="resets-late")],
            "fallbacks": ["healthy"],
        },
        # (f): a deployment with a per-minute quota, and one whose upstream says its window is spent.
        "rpm": {"deployments": [dep("healthy-f", name="rpm-3", rpm=3)]},
        "tight": {"deployments": [dep(TIGHT_MODEL, name="tight")]},
        "tight-priority": {"deployments": [dep(TIGHT_PRIORITY_MODEL, name="tight-p")]},
    }
    for kind in PRE_BYTE_KINDS:  # (e): failures before the first byte, one alias each
        aliases[f"early-{kind}"] = {
            "deployments": [dep(f"always-{kind}-e", name=f"early-{kind}", timeout=_timeout())],
            "fallbacks": ["healthy"],
            "retries": {"max_attempts": 1},
        }
    # Only the queueing tests' aliases can queue here (the others have a healthy fallback), so their
    # longer wait changes nothing else.
    return {"routing": {**ROUTING, "queue": {"max_size": 100, "max_wait": QUEUE_MAX_WAIT}}, "aliases": aliases}


@pytest.fixture(scope="module")
def chaos() -> Iterator[ChaosMock]:
    mock = ChaosMock(seed=4).start()
    yield mock
    mock.stop()


def _run_gateway(config: dict[str, Any], tmp: Path) -> Gateway:
    return start_gateway(config, tmp, env={"CHAOS_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY})


@pytest.fixture(scope="module")
def gw(chaos: ChaosMock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = _run_gateway(gateway_config(chaos), tmp_path_factory.mktemp("chaos"))
    yield gateway
    stop_gateway(gateway.process)
    log = gateway.log()
    assert "Traceback" not in log, log[-4000:]
    assert EXPECTED_KEY not in log


@pytest.fixture(scope="module")
def bare_gw(chaos: ChaosMock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = _run_gateway(bare_config(chaos), tmp_path_factory.mktemp("chaos-bare"))
    yield gateway
    stop_gateway(gateway.process)
    assert "Traceback" not in gateway.log(), gateway.log()[-4000:]


# Clients give up well after any deadline here, so a gateway that misses one shows as a failure, not a hang.
CLIENT_TIMEOUT = 10.0
assert 4 * TIGHT_WINDOW < QUEUE_MAX_WAIT < min(float(ROUTING["deadline"]), CLIENT_TIMEOUT) - 1  # type: ignore[arg-type]


def _openai(gateway: Gateway) -> openai.AsyncOpenAI:
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))
    return openai.AsyncOpenAI(
        base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=CLIENT_TIMEOUT, http_client=http
    )


def _anthropic(gateway: Gateway) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=gateway.url, api_key=MASTER_KEY, max_retries=0, timeout=CLIENT_TIMEOUT)


@pytest.fixture
async def oai(gw: Gateway) -> AsyncIterator[openai.AsyncOpenAI]:
    async with _openai(gw) as client:
        yield client


@pytest.fixture
async def claude(gw: Gateway) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with _anthropic(gw) as client:
        yield client


# --- one request, classified ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the client saw for one request."""

    stream: bool
    seconds: float
    deployment: str | None = None
    text: str = ""
    finished: bool = False
    """The answer said it was complete (``finish_reason`` / ``stop_reason``)."""
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    error_event: Any = None
    """The error event that ended a started stream."""
    first_byte: float | None = None
    unclean: str | None = None
    """Anything a client should never see: a transport error, an unreadable error, a silent cut."""


def _prompt(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"request {i}: tell me about gateways"}]


async def openai_call(
    client: openai.AsyncOpenAI, alias: str, i: int, stream: bool, headers: dict[str, str] | None = None
) -> Outcome:
    start = time.monotonic()
    out = Outcome(stream=stream, seconds=0.0)
    try:
        if not stream:
            raw = await client.chat.completions.with_raw_response.create(
                model=alias, messages=_prompt(i), extra_headers=headers
            )
            out.deployment = raw.headers.get("x-freehold-deployment")
            completion = raw.parse()
            out.text = completion.choices[0].message.content or ""
            out.finished = completion.choices[0].finish_reason is not None
        else:
            async with client.chat.completions.with_streaming_response.create(
                model=alias, messages=_prompt(i), stream=True, extra_headers=headers
            ) as resp:
                out.deployment = resp.headers.get("x-freehold-deployment")
                async for chunk in await resp.parse():
                    if out.first_byte is None:
                        out.first_byte = time.monotonic() - start
                    for choice in chunk.choices:
                        out.text += choice.delta.content or ""
                        out.finished = out.finished or choice.finish_reason is not None
            if not out.finished:
                out.unclean = f"stream ended without a finish reason after {out.text!r} (silent truncation)"
    except openai.APIStatusError as exc:
        out.status = exc.status_code
        out.headers = dict(exc.response.headers)
        try:
            out.body = json.loads(exc.response.content)
        except (ValueError, httpx.ResponseNotRead) as bad:
            out.unclean = f"{exc.status_code} with an unreadable body: {bad!r}"
    except openai.APIConnectionError as exc:  # includes timeouts: the gateway never answered in time
        out.unclean = f"transport: {exc!r} {exc.__cause__!r}"
    except openai.APIError as exc:  # a stream's error event (``data: {"error": ...}``)
        out.error_event = exc.body
        if out.first_byte is None:
            out.unclean = f"error event before any chunk: {exc!r}"
    out.seconds = time.monotonic() - start
    return out


async def anthropic_call(client: anthropic.AsyncAnthropic, alias: str, i: int, stream: bool) -> Outcome:
    start = time.monotonic()
    out = Outcome(stream=stream, seconds=0.0)
    try:
        if not stream:
            raw = await client.messages.with_raw_response.create(model=alias, max_tokens=64, messages=_prompt(i))
            out.deployment = raw.headers.get("x-freehold-deployment")
            parsed = raw.parse()  # a coroutine in the async SDK's raw responses
            message = await parsed if inspect.isawaitable(parsed) else parsed
            out.text = "".join(b.text for b in message.content if b.type == "text")
            out.finished = message.stop_reason is not None
        else:
            async with client.messages.stream(model=alias, max_tokens=64, messages=_prompt(i)) as s:
                out.deployment = s.response.headers.get("x-freehold-deployment")
                async for event in s:
                    if out.first_byte is None:
                        out.first_byte = time.monotonic() - start
                    if event.type == "text":
                        out.text += event.text
                final = await s.get_final_message()
                out.finished = final.stop_reason is not None
    except anthropic.APIStatusError as exc:
        if out.first_byte is not None:  # an ``event: error`` mid-stream is raised with the 200's status
            out.error_event = exc.body
        else:
            out.status = exc.status_code
            out.headers = dict(exc.response.headers)
            try:
                out.body = json.loads(exc.response.content)
            except (ValueError, httpx.ResponseNotRead) as bad:
                out.unclean = f"{exc.status_code} with an unreadable body: {bad!r}"
    except anthropic.APIConnectionError as exc:
        out.unclean = f"transport: {exc!r} {exc.__cause__!r}"
    except anthropic.APIError as exc:
        out.unclean = f"unexpected: {exc!r}"
    out.seconds = time.monotonic() - start
    return out


async def fan_out(calls: list[Any], concurrency: int = 50) -> list[Outcome]:
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Any) -> Outcome:
        async with gate:
            result: Outcome = await call
            return result

    return list(await asyncio.gather(*(one(c) for c in calls)))


def _clean_openai_error(out: Outcome) -> str | None:
    """Why ``out`` is not a clean OpenAI-format error, or None if it is."""
    if out.status not in (429, 500, 502, 503, 504, 529):
        return f"status {out.status}"
    err = out.body.get("error") if isinstance(out.body, dict) else None
    if not isinstance(err, dict) or not isinstance(err.get("message"), str) or not isinstance(err.get("type"), str):
        return f"body {out.body!r}"
    if set(err) - {"message", "type", "param", "code"}:
        return f"extra fields in {err!r}"
    if out.status == 429 and not out.headers.get("retry-after", "").isdigit():
        return f"429 without a Retry-After: {out.headers}"
    return None


def _clean_anthropic_error(out: Outcome) -> str | None:
    if out.status not in (429, 500, 502, 503, 504, 529):
        return f"status {out.status}"
    body = out.body
    if not (isinstance(body, dict) and body.get("type") == "error" and isinstance(body.get("error"), dict)):
        return f"body {body!r}"
    if not isinstance(body["error"].get("type"), str) or not isinstance(body["error"].get("message"), str):
        return f"error object {body['error']!r}"
    if out.status == 429 and not out.headers.get("retry-after", "").isdigit():
        return f"429 without a Retry-After: {out.headers}"
    return None


# --- waiting on what the gateway and the upstream show, never on a guessed sleep -------------------------


async def _until(
    condition: Callable[[], bool], what: str, calls: Sequence[asyncio.Future[Outcome]], timeout: float = WAIT_FOR
) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` seconds, or at once if one of ``calls``
    (the requests it waits on) has already ended."""
    give_up = time.monotonic() + timeout
    while not condition():
        ended = [c.result() for c in calls if c.done()]
        if ended:
            raise AssertionError(f"requests ended before {what}: {ended}")
        if time.monotonic() > give_up:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting until {what}")
        await asyncio.sleep(0.01)


def _request_ids(name: str, n: int) -> list[str]:
    """``n`` fresh ``x-request-id`` values; the gateway keeps a client's id, so its ledger rows can be found."""
    run = new_id()
    return [f"{name}-{run}-{i}" for i in range(n)]


def _routed(gateway: Gateway, request_ids: list[str]) -> int:
    """How many of ``request_ids`` have been through every stage of ``gateway`` and handed to routing.

    The usage ledger is the last stage: it commits a request's row before the request goes on, with
    nothing but in-process work between that commit and the request taking its place in the
    alias's queue (when its deployments are saturated). Read from the gateway's own database.
    """
    path = gateway.log_path.parent / "state" / "freehold.db"
    marks = ", ".join("?" * len(request_ids))
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
        (found,) = db.execute(f"SELECT count(*) FROM ledger WHERE request_id IN ({marks})", request_ids).fetchone()
    return int(found)


def _gateway_late(before: dict[Any, float], after: dict[Any, float], alias: str, bound: str, sent: int) -> float:
    """Requests to ``alias`` that took the gateway longer than ``bound`` seconds (a histogram bucket,
    e.g. ``"3.0"``) from their arrival to their last byte, between two scrapes; ``sent`` requests
    were made, and the histogram must have seen them (a scrape may miss the last few to end)."""
    total = delta(before, after, "freehold_request_duration_seconds_count", alias=alias)
    within = delta(before, after, "freehold_request_duration_seconds_bucket", alias=alias, le=bound)
    assert sent / 2 < total <= sent, (total, sent)
    return total - within


# The gateway's clock, arrival to last byte: the deadline, plus the time before routing starts it and
# the answer's writing. The mock's streams are sent at once, so their last byte follows the first.
GATEWAY_BOUND = "3.0"  # a bucket of freehold_request_duration_seconds
assert DEADLINE < float(GATEWAY_BOUND) < DEADLINE + SLACK


# --- (a) one healthy fallback: nobody notices ----------------------------------------------------------


@pytest.mark.chaos
async def test_a_thousand_requests_under_30_percent_faults_see_no_error(
    oai: openai.AsyncOpenAI, chaos: ChaosMock
) -> None:
    n = 1000
    started = time.monotonic()
    outcomes = await fan_out([openai_call(oai, "resilient", i, stream=i % 2 == 1) for i in range(n)])
    duration = time.monotonic() - started

    bad = [o for o in outcomes if o.unclean or o.status is not None or o.error_event is not None]
    assert not bad, f"{len(bad)} client-visible errors, e.g. {bad[:3]}"
    for o in outcomes:
        assert o.finished and o.text, o
        if o.deployment == "chaos-a":
            assert o.text == TEXT_OF["chaos"], o  # a whole answer, not a cut one relayed as complete
        else:
            assert o.deployment == FALLBACK, o
    served = Counter(o.deployment for o in outcomes)
    # The chaos deployment still does a real share of the work (its circuit opens on runs of failures).
    assert served["chaos-a"] > n / 5, served

    # The drill really was a drill: about 30 % of first attempts failed, in every recoverable way.
    injected = Counter(kind for (model, kind), k in chaos.faults.items() if model == "chaos-30-a" for _ in range(k))
    assert set(injected) == set(RECOVERABLE), injected
    # Of the attempts that reached the chaos deployment, about 30 % were faults.
    assert sum(injected.values()) >= 0.2 * chaos.attempts["chaos-30-a"], (injected, chaos.attempts["chaos-30-a"])

    # (c) on the same run: attempts on the struggling deployment stay within the retry budget.
    attempts = chaos.attempts["chaos-30-a"]
    assert attempts <= _budget_bound(n, duration), (attempts, duration)


# --- (b) no fallback: clean errors, in time, in the door's own format ------------------------------------


@pytest.mark.chaos
async def test_without_fallback_every_failure_is_a_clean_openai_error_within_the_deadline(
    bare_gw: Gateway, chaos: ChaosMock
) -> None:
    chaos.configure("chaos-40-b", Faults(rate=0.4, kinds=KINDS, slow_seconds=1.0))
    before = scrape(bare_gw)
    async with _openai(bare_gw) as oai:
        outcomes = await fan_out([openai_call(oai, "bare", i, stream=i % 2 == 1) for i in range(240)])
    after = scrape(bare_gw)

    # By the gateway's clock, every request was over within the deadline ...
    assert _gateway_late(before, after, "bare", GATEWAY_BOUND, sent=240) == 0
    kinds: Counter[str] = Counter()
    for o in outcomes:
        assert o.unclean is None, o
        # ... and by the clients', none was kept waiting long past it.
        if o.status is not None:
            why = _clean_openai_error(o)
            assert why is None, (why, o)
            kinds[f"status-{o.status}"] += 1
            assert o.seconds <= DEADLINE + CLIENT_SLACK, o
        elif o.error_event is not None:  # a stream that had started: ended by an error event
            assert o.stream and o.first_byte is not None, o
            assert isinstance(o.error_event, dict) and o.error_event.get("message"), o
            assert o.first_byte <= DEADLINE + CLIENT_SLACK, o
            kinds["error-event"] += 1
        else:
            assert o.finished and o.text == TEXT_OF["chaos"], o
            deadline_of = o.first_byte if o.stream else o.seconds
            assert deadline_of is not None and deadline_of <= DEADLINE + CLIENT_SLACK, o
            kinds["ok"] += 1
    # Both kinds of failure did reach clients (the drill is not vacuous).
    assert (
        kinds["ok"] > 100
        and kinds["error-event"] >= 1  # random faults: at least one of each kind, not a quota
        and sum(v for k, v in kinds.items() if k.startswith("status-")) >= 3
    ), kinds


@pytest.mark.chaos
async def test_without_fallback_anthropic_clients_get_anthropic_errors(bare_gw: Gateway, chaos: ChaosMock) -> None:
    chaos.configure("chaos-40-c", Faults(rate=0.4, kinds=KINDS, slow_seconds=1.0))
    before = scrape(bare_gw)
    async with _anthropic(bare_gw) as claude:
        outcomes = await fan_out([anthropic_call(claude, "bare-anthropic", i, stream=i % 2 == 1) for i in range(120)])
    after = scrape(bare_gw)
    assert _gateway_late(before, after, "bare-anthropic", GATEWAY_BOUND, sent=120) == 0  # the gateway's clock
    kinds: Counter[str] = Counter()
    for o in outcomes:
        assert o.unclean is None, o
        if o.status is not None:
            why = _clean_anthropic_error(o)
            assert why is None, (why, o)
            assert o.seconds <= DEADLINE + CLIENT_SLACK, o
            kinds["status"] += 1
        elif o.error_event is not None:
            body = o.error_event
            assert isinstance(body, dict) and body.get("type") == "error", o
            assert isinstance(body.get("error"), dict) and body["error"].get("message"), o
            assert o.first_byte is not None and o.first_byte <= DEADLINE + CLIENT_SLACK, o
            kinds["error-event"] += 1
        else:
            assert o.finished and o.text == TEXT_OF["chaos"], o
            assert (o.first_byte if o.stream else o.seconds) <= DEADLINE + CLIENT_SLACK, o  # type: ignore[operator]
            kinds["ok"] += 1
    assert kinds["ok"] > 20 and kinds["status"] >= 1 and kinds["error-event"] >= 1, kinds


@pytest.mark.parametrize("stream", [False, True])
async def test_a_hanging_upstream_is_cut_at_the_deadline(oai: openai.AsyncOpenAI, stream: bool) -> None:
    """The deployment's own read timeout (30 s) is longer than the alias's deadline (1 s): the deadline wins."""
    out = await openai_call(oai, "hanging", 0, stream=stream)
    assert out.status == 504 and _clean_openai_error(out) is None, out
    assert 0.9 <= out.seconds <= 1.0 + SLACK, out


# --- (c) no retry storm -----------------------------------------------------------------------------------


def _budget_bound(requests: int, duration: float) -> float:
    """Most attempts the retry budget allows: every first attempt, ``ratio`` more, and the floor.

    The floor (``min_per_second``) is granted a window at a time, and the budget counts in whole
    seconds, so a run may span one more (sliding) window than ``duration / window``.
    """
    window = BUDGET["window"]
    windows = math.ceil((duration + 1) / window) or 1
    return requests * (1 + BUDGET["ratio"]) + BUDGET["min_per_second"] * window * windows


@pytest.mark.chaos
def test_no_retry_storm_when_every_attempt_fails(chaos: ChaosMock, tmp_path: Path) -> None:
    """Five attempts per request and no breaker in the way: only the retry budget stands between
    a total outage and five times the load on the struggling upstream."""
    config = {
        "routing": {
            "retries": {"max_attempts": 5, "base_delay": 0.0, "max_delay": 0.01},
            "retry_budget": BUDGET,
            "breaker": {"failure_threshold": 100000, "cooldown": 1},
        },
        "aliases": {"storm": {"deployments": [chaos.deployment("always-unavailable-storm", name="storm")]}},
    }
    gateway = _run_gateway(config, tmp_path)
    try:
        n, rate = 300, 100.0  # requests paced over 3 s, more than one budget window

        async def drive() -> list[Outcome]:
            async with openai.AsyncOpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0) as client:
                calls = []
                for i in range(n):
                    calls.append(asyncio.ensure_future(openai_call(client, "storm", i, stream=i % 2 == 1)))
                    await asyncio.sleep(1 / rate)
                return list(await asyncio.gather(*calls))

        started = time.monotonic()
        outcomes = asyncio.run(drive())
        duration = time.monotonic() - started
    finally:
        stop_gateway(gateway.process)
    assert all(o.status == 503 and _clean_openai_error(o) is None for o in outcomes), outcomes[:3]
    attempts = chaos.attempts["always-unavailable-storm"]
    assert attempts <= _budget_bound(n, duration), (attempts, duration)
    assert attempts >= n + 10, attempts  # retries did happen: the bound is the budget's doing
    assert attempts < 2 * n  # far from the 5 × n of unbudgeted retries


# --- (d) breakers -----------------------------------------------------------------------------------------


async def test_breaker_opens_after_the_threshold_and_probes_after_the_cooldown(
    oai: openai.AsyncOpenAI, chaos: ChaosMock
) -> None:
    model = "always-unavailable-d"

    async def served_by() -> str | None:
        out = await openai_call(oai, "breaker", 0, stream=False)
        assert out.finished and out.unclean is None and out.status is None, out
        return out.deployment

    for i in range(THRESHOLD):
        assert await served_by() == FALLBACK
        assert chaos.attempts[model] == i + 1
    opened = chaos.times[model][-1]  # this attempt's failure, once back, opened the circuit
    # Open: straight to the fallback, the dead deployment is left alone. The five go together, so that
    # even a loaded machine answers them well within the cooldown (they would rightly probe after it).
    assert await asyncio.gather(*(served_by() for _ in range(5))) == [FALLBACK] * 5
    assert chaos.attempts[model] == THRESHOLD, f"{time.monotonic() - opened:.2f} s after opening"

    await asyncio.sleep(COOLDOWN + 0.2)  # the cooldown runs from the opening, before this sleep started
    assert await served_by() == FALLBACK  # the probe fails ...
    assert chaos.attempts[model] == THRESHOLD + 1
    reopened = chaos.times[model][-1]
    assert await served_by() == FALLBACK  # ... and opens the circuit again at once
    assert chaos.attempts[model] == THRESHOLD + 1, f"{time.monotonic() - reopened:.2f} s after reopening"

    chaos.configure(model, Faults(rate=0.0))  # the deployment recovers
    await asyncio.sleep(COOLDOWN + 0.2)
    assert await served_by() == "dead"  # the probe succeeds and closes the circuit
    assert await served_by() == "dead"
    assert chaos.attempts[model] == THRESHOLD + 3


# --- (e) streams: invisible failover before the first byte, an error event after it ------------------------


@pytest.mark.parametrize("kind", PRE_BYTE_KINDS)
async def test_stream_failing_before_its_first_byte_fails_over_invisibly(
    oai: openai.AsyncOpenAI, chaos: ChaosMock, kind: str
) -> None:
    before = chaos.attempts[f"always-{kind}-e"]
    async with oai.chat.completions.with_streaming_response.create(
        model=f"early-{kind}", messages=_prompt(0), stream=True
    ) as resp:
        assert resp.headers["x-freehold-deployment"] == FALLBACK
        assert resp.headers["x-freehold-alias"] == "healthy"  # the fallback alias answered
        assert int(resp.headers["x-freehold-attempts"]) >= 2
        chunks = [c async for c in await resp.parse()]
    assert chaos.attempts[f"always-{kind}-e"] == before + 1  # it was tried, and failed, first
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert any(c.choices and c.choices[0].finish_reason for c in chunks)


async def test_anthropic_clients_are_told_which_fallback_alias_answered(claude: anthropic.AsyncAnthropic) -> None:
    kind = PRE_BYTE_KINDS[0]
    raw = await claude.messages.with_raw_response.create(model=f"early-{kind}", max_tokens=16, messages=_prompt(0))
    assert raw.headers["x-freehold-deployment"] == FALLBACK
    assert raw.headers["x-freehold-alias"] == "healthy"


@pytest.mark.parametrize("alias", ["late-cut", "late-reset"])
async def test_stream_failing_after_its_first_byte_ends_with_an_openai_error_event(gw: Gateway, alias: str) -> None:
    before = scrape(gw)
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST",
            gw.base_url + "/chat/completions",
            headers={"Authorization": f"Bearer {MASTER_KEY}"},
            json={"model": alias, "messages": _prompt(0), "stream": True},
        ) as resp,
    ):
        assert resp.status_code == 200
        events = [line[len("data: ") :] async for line in resp.aiter_lines() if line.startswith("data: ")]
    assert len(events) >= 2 and json.loads(events[0])["object"] == "chat.completion.chunk"
    assert "[DONE]" not in events
    last = json.loads(events[-1])
    assert set(last) == {"error"} and last["error"]["message"] and last["error"]["type"], last
    # The tokens sent before the cut are still accounted (a scrape records what has ended).
    after = scrape(gw)
    deployment = {"late-cut": "cuts-late", "late-reset": "resets-late"}[alias]
    cut = {"alias": alias, "deployment": deployment, "ending": "upstream_cut"}
    assert delta(before, after, "freehold_partial_streams_total", **cut) == 1
    prompt = {"alias": alias, "deployment": deployment, "kind": "prompt", "source": "estimated"}
    assert delta(before, after, "freehold_tokens_total", **prompt) > 0


@pytest.mark.parametrize("alias", ["late-cut", "late-reset"])
async def test_stream_failing_after_its_first_byte_raises_in_the_openai_sdk(
    oai: openai.AsyncOpenAI, alias: str
) -> None:
    out = await openai_call(oai, alias, 0, stream=True)
    assert out.unclean is None and out.first_byte is not None and out.error_event is not None, out
    assert out.deployment != FALLBACK  # no second answer spliced onto the first one


@pytest.mark.parametrize("alias", ["late-cut", "late-reset"])
async def test_stream_failing_after_its_first_byte_ends_with_an_anthropic_error_event(
    gw: Gateway, claude: anthropic.AsyncAnthropic, alias: str
) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "POST",
            gw.url + "/v1/messages",
            headers={"x-api-key": MASTER_KEY, "anthropic-version": "2023-06-01"},
            json={"model": alias, "max_tokens": 64, "messages": _prompt(0), "stream": True},
        ) as resp,
    ):
        assert resp.status_code == 200
        lines = [line async for line in resp.aiter_lines()]
    names = [line[len("event: ") :] for line in lines if line.startswith("event: ")]
    assert names[0] == "message_start" and names[-1] == "error" and "message_stop" not in names, names
    error = json.loads([line for line in lines if line.startswith("data: ")][-1][len("data: ") :])
    assert error["type"] == "error" and error["error"]["type"] and error["error"]["message"], error

    out = await anthropic_call(claude, alias, 0, stream=True)
    assert out.unclean is None and out.first_byte is not None and out.error_event is not None, out


# --- (f) queueing -----------------------------------------------------------------------------------------


async def test_saturated_alias_answers_429_with_a_truthful_retry_after(oai: openai.AsyncOpenAI) -> None:
    """Three requests fill ``rpm: 3``; the next slot is a minute away, beyond ``queue.max_wait``, so the
    other three are told at once (no pointless wait until ``max_wait``) when to come back."""
    outcomes = await fan_out([openai_call(oai, "rpm", i, stream=i % 2 == 1) for i in range(6)])
    ok = [o for o in outcomes if o.status is None]
    limited = [o for o in outcomes if o.status is not None]
    assert len(ok) == 3 and all(o.finished and o.unclean is None for o in ok), outcomes
    assert len(limited) == 3, outcomes
    for o in limited:
        assert o.status == 429 and _clean_openai_error(o) is None, o
        assert o.seconds < QUEUE_MAX_WAIT / 4, o
        # The first of the three ages out of the 60 s window about a minute after it was sent.
        assert 55 <= int(o.headers["retry-after"]) <= 60, o.headers


async def test_alias_whose_upstream_window_is_spent_queues_instead_of_failing(
    gw: Gateway, oai: openai.AsyncOpenAI, chaos: ChaosMock
) -> None:
    """The upstream's ``x-ratelimit-remaining-requests: 0`` (reset in ``TIGHT_WINDOW``) holds requests
    back; they wait."""
    model = TIGHT_MODEL
    first = await openai_call(oai, "tight", 0, stream=False)  # the upstream says: no more for a while
    assert first.finished, first
    answered = chaos.times[model][-1]  # the window opened after this, when the gateway read the answer
    ids = _request_ids("tight", 4)
    calls = [
        asyncio.ensure_future(openai_call(oai, "tight", i, stream=i % 2 == 1, headers={"x-request-id": rid}))
        for i, rid in enumerate(ids, start=1)
    ]
    await _until(lambda: _routed(gw, ids) == len(ids), "the four requests are handed to routing", calls)
    # All four are in the gateway and none went upstream: they are being held.
    assert chaos.attempts[model] == 1, (
        f"requests went upstream {time.monotonic() - answered:.2f} s into a {TIGHT_WINDOW} s window said to be spent"
    )
    outcomes = await asyncio.gather(*calls)
    assert all(o.finished and o.status is None and o.unclean is None for o in outcomes), outcomes  # not failed
    arrived = chaos.times[model][1:]
    assert len(arrived) == 4, arrived
    # Held until the upstream's reset, not just for a while (the mock's clock on both sides).
    assert min(arrived) - answered >= TIGHT_WINDOW, ("sent before the window's reset", min(arrived) - answered)


async def test_priority_header_puts_a_waiting_request_first(
    gw: Gateway, oai: openai.AsyncOpenAI, chaos: ChaosMock
) -> None:
    """``x-freehold-priority`` (integer, higher first): a later, more important request overtakes the queue."""
    model = TIGHT_PRIORITY_MODEL
    first = await openai_call(oai, "tight-priority", 0, stream=False)  # the upstream says: no more for a while
    assert first.finished, first
    answered = chaos.times[model][-1]
    low_ids, (high_id,) = _request_ids("low", 3), _request_ids("high", 1)
    low = [
        asyncio.ensure_future(openai_call(oai, "tight-priority", i, stream=False, headers={"x-request-id": rid}))
        for i, rid in zip((1, 2, 3), low_ids, strict=True)
    ]
    # Handed to routing, they queue at once (their deployment's window is spent): the three are waiting.
    await _until(lambda: _routed(gw, low_ids) == len(low_ids), "the three requests are handed to routing", low)
    high = asyncio.ensure_future(
        openai_call(oai, "tight-priority", 9, False, headers={"x-freehold-priority": "10", "x-request-id": high_id})
    )
    await _until(lambda: _routed(gw, [high_id]) == 1, "the important request is handed to routing", [*low, high])
    # Nothing went upstream yet: the window is still spent, so the important request joined a real queue.
    assert chaos.attempts[model] == 1, (
        f"requests went upstream {time.monotonic() - answered:.2f} s into a {TIGHT_WINDOW} s window said to be spent"
    )
    outcomes = await asyncio.gather(*low, high)
    assert all(o.finished and o.status is None for o in outcomes), outcomes
    order = [marker.split(":")[0] for m, marker in chaos.arrivals if m == model]
    assert order[0] == "request 0" and order[1] == "request 9", order


async def test_priority_header_must_be_an_integer(oai: openai.AsyncOpenAI) -> None:
    out = await openai_call(oai, "healthy", 0, stream=False, headers={"x-freehold-priority": "urgent"})
    assert out.status == 400 and out.body["error"]["param"] == "x-freehold-priority", out
