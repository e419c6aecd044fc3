"""Azure OpenAI, the OpenAI-compatible presets and reasoning-model parameters, end to end.

The official ``openai`` SDK → the real gateway → the loopback Azure mock (or an OpenAI mock of
our own for the presets); every answer is parsed with the SDK's own types.

The adapter's own scenarios (text, streams, tools, usage, each error kind, cut streams,
embeddings) run for Azure and every preset in ``tests/contract`` over the fake transport; what
stays here needs the wire or the gateway: URLs, query and auth headers, the SDK reading Azure's
stream, errors as the SDK sees them, parameters normalised before anything is sent.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator

import openai
import pytest

from tests.integration.conftest import MASTER_KEY, SINGLE_ATTEMPT, Gateway, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI
from tests.integration.mocks.azure_mock import AZURE_AD_TOKEN, AZURE_KEY, TEXT, MockAzure

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]


def azure(mock: MockAzure, model: str, **extra: object) -> dict:
    return {"provider": "azure", "model": model, "api_base": mock.endpoint, "api_key": "env:AZ_KEY", **extra}


@pytest.fixture(scope="module")
def mock_azure() -> Iterator[MockAzure]:
    mock = MockAzure().start()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def mock_oai() -> Iterator[MockOpenAI]:
    mock = MockOpenAI().start()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def gw(mock_azure: MockAzure, mock_oai: MockOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    aliases: dict[str, dict] = {
        "az": {"deployments": [azure(mock_azure, "gpt-4o-mini", deployment="chat-prod", name="az-chat")]},
        "az-default-deployment": {"deployments": [azure(mock_azure, "gpt-4o-mini")]},
        "az-entra": {
            "deployments": [
                {
                    "provider": "azure",
                    "model": "gpt-4o-mini",
                    "api_base": mock_azure.endpoint,
                    "deployment": "chat-entra",
                    "azure_ad_token": "env:AZ_TOKEN",
                    "api_version": "2025-04-01-preview",
                }
            ]
        },
        "az-embed": {"deployments": [azure(mock_azure, "text-embedding-3-small", deployment="embed-prod")]},
        "az-reasoner": {"deployments": [azure(mock_azure, "o4-mini", deployment="reasoner")]},
        "az-reasoner-drop": {
            "deployments": [azure(mock_azure, "o4-mini", deployment="reasoner", name="drop")],
            "drop_unsupported_params": True,
        },
        "oai-reasoner": {
            "deployments": [
                {"provider": "openai", "model": "gpt-5-mini", "api_base": mock_oai.base_url, "api_key": "env:OAI_KEY"}
            ]
        },
        "groq": {
            "deployments": [
                {
                    "provider": "groq",
                    "model": "llama-3.3-70b-versatile",
                    "api_base": mock_oai.base_url,
                    "api_key": "env:OAI_KEY",
                }
            ]
        },
        "vllm-nokey": {"deployments": [{"provider": "vllm", "model": "local-model", "api_base": mock_oai.base_url}]},
        "groq-embed": {
            "deployments": [{"provider": "groq", "model": "x", "api_base": mock_oai.base_url, "api_key": "env:OAI_KEY"}]
        },
    }
    aliases["az-rate-limited"] = {"deployments": [azure(mock_azure, "gpt-4o-mini", deployment="rate-limited")]}
    gateway = start_gateway(
        {"aliases": aliases, "routing": SINGLE_ATTEMPT},
        tmp_path_factory.mktemp("azure-gateway"),
        env={
            "AZ_KEY": AZURE_KEY,
            "AZ_TOKEN": AZURE_AD_TOKEN,
            "OAI_KEY": EXPECTED_KEY,
            "FREEHOLD_MASTER_KEY": MASTER_KEY,
        },
    )
    yield gateway
    stop_gateway(gateway.process)
    log = gateway.log()
    for secret in (AZURE_KEY, AZURE_AD_TOKEN, EXPECTED_KEY, MASTER_KEY):
        assert secret not in log
    assert "Traceback" not in log


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


# --- Azure: requests as Azure expects them ------------------------------------------------


def test_azure_completion_path_version_and_key(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    raw = client.chat.completions.with_raw_response.create(model="az", messages=MESSAGES, temperature=0.3)
    completion = raw.parse()
    assert completion.choices[0].message.content == TEXT
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.total_tokens == 29
    assert raw.headers["x-freehold-deployment"] == "az-chat"
    sent = mock_azure.last()
    assert (sent.deployment, sent.operation) == ("chat-prod", "chat/completions")
    assert sent.query == {"api-version": "2024-10-21"}
    assert sent.headers["api-key"] == AZURE_KEY
    assert "Authorization" not in sent.headers
    assert MASTER_KEY not in json.dumps(sent.headers)
    assert sent.body["messages"] == MESSAGES and sent.body["temperature"] == 0.3
    assert sent.body["model"] == "gpt-4o-mini"


def test_azure_deployment_defaults_to_model(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    client.chat.completions.create(model="az-default-deployment", messages=MESSAGES)
    assert mock_azure.last().deployment == "gpt-4o-mini"


def test_azure_entra_token_is_a_bearer_header(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    client.chat.completions.create(model="az-entra", messages=MESSAGES)
    sent = mock_azure.last()
    assert sent.deployment == "chat-entra" and sent.query == {"api-version": "2025-04-01-preview"}
    assert sent.headers["Authorization"] == f"Bearer {AZURE_AD_TOKEN}"
    assert "api-key" not in sent.headers


def test_azure_stream_opening_with_prompt_filter_chunk(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    stream = client.chat.completions.create(
        model="az", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    # Relayed as Azure sent it: the prompt-filter chunk first, the usage chunk last.
    assert chunks[0].choices == [] and chunks[0].id == ""
    assert chunks[0].model_extra is not None and "prompt_filter_results" in chunks[0].model_extra
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 29
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == TEXT
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert mock_azure.last().body["stream_options"] == {"include_usage": True}


def test_azure_embeddings(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    result = client.embeddings.create(model="az-embed", input=["a", "b"], dimensions=4)  # the SDK asks for base64
    assert [len(d.embedding) for d in result.data] == [4, 4]
    assert result.data[1].embedding[0] == pytest.approx(0.2)
    sent = mock_azure.last()
    assert (sent.deployment, sent.operation) == ("embed-prod", "embeddings")
    assert sent.query == {"api-version": "2024-10-21"} and sent.headers["api-key"] == AZURE_KEY
    assert sent.body["input"] == ["a", "b"]
    raw = client.embeddings.with_raw_response.create(model="az-embed", input="x", encoding_format="base64")
    b64 = raw.http_response.json()["data"][0]["embedding"]
    assert struct.unpack("<4f", base64.b64decode(b64))[0] == pytest.approx(0.1)
    floats = client.embeddings.create(model="az-embed", input="a", encoding_format="float", dimensions=3)
    assert floats.data[0].embedding == pytest.approx([0.1, 0.11, 0.12])


# --- Azure: errors ------------------------------------------------------------------------


def test_azure_rate_limit_keeps_retry_after(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="az-rate-limited", messages=MESSAGES)
    assert info.value.code == "rate_limit_exceeded"  # not Azure's bare "429"
    assert float(info.value.response.headers["retry-after"]) == pytest.approx(5.5, abs=0.6)


# --- reasoning models: parameters normalised before they leave ----------------------------


def test_reasoning_model_gets_max_completion_tokens(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    client.chat.completions.create(model="az-reasoner", messages=MESSAGES, max_tokens=300, temperature=1)
    sent = mock_azure.last().body
    assert sent["max_completion_tokens"] == 300 and "max_tokens" not in sent
    assert sent["temperature"] == 1  # the default is accepted as is


def test_reasoning_model_rejects_temperature_naming_it(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    before = len(mock_azure.requests)
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="az-reasoner", messages=MESSAGES, temperature=0.2)
    assert info.value.param == "temperature" and info.value.code == "unsupported_parameter"
    assert "o4-mini" in info.value.message
    with pytest.raises(openai.BadRequestError) as stream_info:
        client.chat.completions.create(model="az-reasoner", messages=MESSAGES, top_p=0.5, stream=True)
    assert stream_info.value.param == "top_p"
    assert len(mock_azure.requests) == before  # nothing reached the upstream


def test_reasoning_model_drops_when_alias_opts_in(client: openai.OpenAI, mock_azure: MockAzure) -> None:
    stream = client.chat.completions.create(
        model="az-reasoner-drop", messages=MESSAGES, temperature=0.2, top_p=0.9, max_tokens=50, stream=True
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == TEXT
    sent = mock_azure.last().body
    assert "temperature" not in sent and "top_p" not in sent
    assert sent["max_completion_tokens"] == 50 and "max_tokens" not in sent


def test_reasoning_model_over_openai_provider(client: openai.OpenAI, mock_oai: MockOpenAI) -> None:
    client.chat.completions.create(model="oai-reasoner", messages=MESSAGES, max_tokens=64)
    sent = mock_oai.last()
    assert sent.body["model"] == "gpt-5-mini"
    assert sent.body["max_completion_tokens"] == 64 and "max_tokens" not in sent.body


# --- presets ------------------------------------------------------------------------------


def test_groq_preset_is_the_openai_wire_format(client: openai.OpenAI, mock_oai: MockOpenAI) -> None:
    completion = client.chat.completions.create(model="groq", messages=MESSAGES, max_tokens=20, temperature=0.5)
    assert completion.choices[0].message.content == "Hello from the mock upstream."
    sent = mock_oai.last()
    assert sent.path == "/v1/chat/completions" and sent.headers["Authorization"] == f"Bearer {EXPECTED_KEY}"
    assert sent.body["model"] == "llama-3.3-70b-versatile"
    assert sent.body["max_tokens"] == 20 and sent.body["temperature"] == 0.5  # not a reasoning model: untouched


def test_preset_without_key_sends_no_authorization(client: openai.OpenAI, mock_oai: MockOpenAI) -> None:
    with pytest.raises(openai.APIStatusError):  # our mock insists on a key; a local vLLM would not
        client.chat.completions.create(model="vllm-nokey", messages=MESSAGES)
    assert "Authorization" not in mock_oai.last().headers


def test_preset_without_embeddings_is_not_offered_them(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="groq-embed", input="x")
    assert "embeddings" in info.value.message
