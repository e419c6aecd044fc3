"""Usage accounting over HTTP: every answer's tokens reach ``freehold_tokens_total``, cut streams included.

The mock upstream reports 9 prompt and 6 completion tokens, and streams its five-word answer as
one event per word (between the role event and the finish event), one event per HTTP chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, openai_deployment, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI
from tests.integration.test_metrics_http import Samples, delta, scrape

MESSAGES = [{"role": "user", "content": "Count my tokens, please."}]  # 24 characters: estimated 6 + 4
PROMPT_ESTIMATE = 24 // 4 + 4


@pytest.fixture(scope="module")
def gateway(mock_upstream: MockOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    one = {"retries": {"max_attempts": 1}}
    config = {
        "aliases": {
            "gpt": {"deployments": [openai_deployment(mock_upstream, "gpt-4o-mini", name="mock-gpt")]},
            "cut": {"deployments": [openai_deployment(mock_upstream, "cut-stream", name="mock-cut")], **one},
            "slow": {"deployments": [openai_deployment(mock_upstream, "slow-stream", name="mock-slow")], **one},
            "embed": {"deployments": [openai_deployment(mock_upstream, "text-embedding-3-small", name="mock-embed")]},
        }
    }
    gw = start_gateway(
        config,
        tmp_path_factory.mktemp("usage"),
        env={"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY},
    )
    yield gw
    stop_gateway(gw.process)
    assert "Traceback" not in gw.log()


@pytest.fixture
def client(gateway: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def scrape_when(gateway: Gateway, ready: Callable[[Samples], bool]) -> Samples:
    """Scrape until ``ready``: a stream's usage is recorded as the gateway closes it, just after
    the client has read its last event."""
    deadline = time.monotonic() + 5
    after = scrape(gateway)
    while not ready(after) and time.monotonic() < deadline:
        time.sleep(0.05)
        after = scrape(gateway)
    return after


def tokens(before: Samples, after: Samples, deployment: str, kind: str, source: str, alias: str) -> float:
    labels = {"alias": alias, "deployment": deployment, "kind": kind, "source": source}
    return delta(before, after, "freehold_tokens_total", **labels)


def partial(before: Samples, after: Samples, alias: str, deployment: str, ending: str) -> float:
    labels = {"alias": alias, "deployment": deployment, "ending": ending}
    return delta(before, after, "freehold_partial_streams_total", **labels)


def test_a_whole_answer_counts_the_upstream_usage(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    client.chat.completions.create(model="gpt", messages=MESSAGES)
    client.embeddings.create(model="embed", input="count me")
    after = scrape(gateway)
    assert tokens(before, after, "mock-gpt", "prompt", "reported", "gpt") == 9
    assert tokens(before, after, "mock-gpt", "completion", "reported", "gpt") == 6
    assert tokens(before, after, "mock-embed", "prompt", "reported", "embed") > 0
    assert tokens(before, after, "mock-gpt", "completion", "estimated", "gpt") == 0


def test_a_stream_with_include_usage_counts_the_reported_usage(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    stream = client.chat.completions.create(
        model="gpt", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    last = list(stream)[-1]
    assert last.usage is not None and last.usage.completion_tokens == 6  # relayed untouched
    after = scrape_when(gateway, lambda a: tokens(before, a, "mock-gpt", "prompt", "reported", "gpt") > 0)
    assert tokens(before, after, "mock-gpt", "prompt", "reported", "gpt") == 9
    assert tokens(before, after, "mock-gpt", "completion", "reported", "gpt") == 6
    assert partial(before, after, "gpt", "mock-gpt", "upstream_cut") == 0


def test_a_stream_whose_client_did_not_ask_for_usage_is_still_counted_from_the_upstreams_report(
    gateway: Gateway, client: openai.OpenAI
) -> None:
    """The ledger meters every request, so the gateway asks the upstream for usage and strips it
    from the client's stream: the counters get the upstream's numbers, not an estimate."""
    before = scrape(gateway)
    chunks = list(client.chat.completions.create(model="gpt", messages=MESSAGES, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from the mock upstream."
    assert all(c.usage is None and c.choices for c in chunks)  # no usage chunk reaches this client
    after = scrape_when(gateway, lambda a: tokens(before, a, "mock-gpt", "prompt", "reported", "gpt") > 0)
    assert tokens(before, after, "mock-gpt", "prompt", "reported", "gpt") == 9
    assert tokens(before, after, "mock-gpt", "completion", "reported", "gpt") == 6
    assert tokens(before, after, "mock-gpt", "completion", "estimated", "gpt") == 0


def test_a_stream_cut_by_the_upstream_is_still_accounted(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    seen = []
    with pytest.raises(openai.APIError):  # the error event the gateway ends the stream with
        for chunk in client.chat.completions.create(model="cut", messages=MESSAGES, stream=True):
            seen.append(chunk)
    assert len(seen) == 3  # role, "Hello", " from": two generated tokens reached the client
    after = scrape_when(gateway, lambda a: partial(before, a, "cut", "mock-cut", "upstream_cut") > 0)
    assert partial(before, after, "cut", "mock-cut", "upstream_cut") == 1
    assert tokens(before, after, "mock-cut", "completion", "estimated", "cut") == 2
    assert tokens(before, after, "mock-cut", "prompt", "estimated", "cut") == PROMPT_ESTIMATE


def test_a_stream_the_client_leaves_is_still_accounted(gateway: Gateway) -> None:
    before = scrape(gateway)
    with (
        httpx.Client(timeout=10) as http,
        http.stream(
            "POST",
            gateway.base_url + "/chat/completions",
            headers={"Authorization": f"Bearer {MASTER_KEY}"},
            json={"model": "slow", "messages": MESSAGES, "stream": True},
        ) as resp,
    ):
        lines = resp.iter_lines()
        received = 0
        while received < 4:  # four content events (one every 100 ms), then leave
            if next(lines).startswith("data: "):
                received += 1
    after = scrape_when(gateway, lambda a: partial(before, a, "slow", "mock-slow", "client_gone") > 0)
    assert partial(before, after, "slow", "mock-slow", "client_gone") == 1
    # The slow mock sends no role event: every event so far was a token, less the one assumed.
    generated = tokens(before, after, "mock-slow", "completion", "estimated", "slow")
    assert 3 <= generated <= 20


def test_the_anthropic_door_accounts_a_cut_stream(gateway: Gateway) -> None:
    before = scrape(gateway)
    client = anthropic.Anthropic(base_url=gateway.url, api_key=MASTER_KEY, max_retries=0, timeout=10)
    events = []
    with pytest.raises(anthropic.APIError):
        with client.messages.stream(model="cut", max_tokens=50, messages=MESSAGES) as stream:  # type: ignore[arg-type]
            for event in stream:
                events.append(event.type)
    assert "message_start" in events
    after = scrape_when(gateway, lambda a: partial(before, a, "cut", "mock-cut", "upstream_cut") > 0)
    assert partial(before, after, "cut", "mock-cut", "upstream_cut") == 1
    assert tokens(before, after, "mock-cut", "completion", "estimated", "cut") == 2


def test_the_responses_door_accounts_a_whole_stream_as_complete(gateway: Gateway, client: openai.OpenAI) -> None:
    before = scrape(gateway)
    with client.responses.stream(model="gpt", input="Count my tokens, please.") as stream:
        final = stream.get_final_response()
    assert final.status == "completed"

    def counted(a: Samples) -> float:
        return sum(tokens(before, a, "mock-gpt", "completion", s, "gpt") for s in ("reported", "estimated"))

    after = scrape_when(gateway, lambda a: counted(a) > 0)
    assert counted(after) > 0
    assert partial(before, after, "gpt", "mock-gpt", "client_gone") == 0
