"""LangChain (``langchain-openai``'s ``ChatOpenAI``) through the gateway, on vendors it was not written for.

The patterns users reported breaking: ``with_structured_output`` by function calling (a forced
tool and ``parallel_tool_calls: false``) on a Gemini alias, and by JSON mode on an Anthropic
alias; whole answers and streams. The upstreams are the loopback Gemini and Anthropic mocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mocks.anthropic_mock import EXPECTED_KEY as ANTHROPIC_KEY
from tests.integration.mocks.anthropic_mock import MockAnthropic
from tests.integration.mocks.gemini_mock import EXPECTED_KEY as GEMINI_KEY
from tests.integration.mocks.gemini_mock import MockGemini


class Forecast(BaseModel):
    city: str
    high_c: int


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gemini, claude = MockGemini().start(), MockAnthropic().start()
    config = {
        "routing": {"retries": {"max_attempts": 1}},
        "aliases": {
            "gemini": {
                "deployments": [
                    {
                        "provider": "gemini",
                        "model": "gemini-2.5-flash-parallel",  # the mock answers two calls in one turn
                        "api_base": gemini.api_base,
                        "api_key": "env:GEMINI_API_KEY",
                    }
                ]
            },
            "claude": {
                "deployments": [
                    {
                        "provider": "anthropic",
                        "model": "claude-sonnet-4-5",
                        "api_base": claude.base_url,
                        "api_key": "env:ANTHROPIC_API_KEY",
                    }
                ]
            },
        },
    }
    env = {"FREEHOLD_MASTER_KEY": MASTER_KEY, "GEMINI_API_KEY": GEMINI_KEY, "ANTHROPIC_API_KEY": ANTHROPIC_KEY}
    g = start_gateway(config, tmp_path_factory.mktemp("langchain"), env=env)
    yield g
    stop_gateway(g.process)
    gemini.stop()
    claude.stop()
    assert "Traceback" not in g.log()


def llm(gw: Gateway, model: str, streaming: bool = False) -> ChatOpenAI:
    return ChatOpenAI(
        model=model, base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10, streaming=streaming
    )


@pytest.mark.parametrize("streaming", [False, True])
def test_structured_output_by_function_calling_on_gemini(gw: Gateway, streaming: bool) -> None:
    structured = llm(gw, "gemini", streaming).with_structured_output(Forecast, method="function_calling")
    result = structured.invoke("What will the weather be in Paris?")
    assert isinstance(result, Forecast) and result.city


@pytest.mark.parametrize("streaming", [False, True])
def test_bound_tools_without_parallel_calls_on_gemini_give_one_call(gw: Gateway, streaming: bool) -> None:
    bound = llm(gw, "gemini", streaming).bind_tools([Forecast], parallel_tool_calls=False)
    message = bound.invoke("Forecasts for Paris and Rome, please.")
    assert len(message.tool_calls) == 1 and message.tool_calls[0]["name"] == "Forecast"  # type: ignore[attr-defined]


@pytest.mark.parametrize("streaming", [False, True])
def test_json_mode_on_an_anthropic_alias(gw: Gateway, streaming: bool) -> None:
    structured = llm(gw, "claude", streaming).with_structured_output(method="json_mode")
    result = structured.invoke("Answer in JSON with a key 'greeting'.")
    assert isinstance(result, dict)
