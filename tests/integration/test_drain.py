"""SIGTERM with requests in flight: they get ``drain_seconds``, then end in their front door's own way."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai

from tests.integration.conftest import start_gateway, stop_gateway

DRAIN = 1.5
BACKSTOP = 5.0  # freehold.server.options.BACKSTOP: uvicorn's own deadline, after the drain
FLUSH = 2.0  # freehold.server.drain.FLUSH: connections still open then are aborted
CONFIG = {
    "aliases": {
        # 200 tokens at 5 a second: still running long after the drain.
        "long": {
            "deployments": [
                {"provider": "simulated", "model": "s", "ttft_ms": 0, "tokens_per_second": 5, "max_tokens": 200}
            ]
        },
        # 6 tokens at 10 a second: done within the drain.
        "short": {
            "deployments": [
                {"provider": "simulated", "model": "s", "ttft_ms": 0, "tokens_per_second": 10, "max_tokens": 6}
            ]
        },
    }
}
USER = [{"role": "user", "content": "tell me a long story"}]


def events(body: str) -> list[tuple[str, str]]:
    """``(event name, data)`` of each SSE event; the name is ``message`` when the event has none."""
    out = []
    for block in body.split("\n\n"):
        name, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            out.append((name, "\n".join(data)))
    return out


class Stream(threading.Thread):
    """A streamed POST read to its end with httpx (which raises if the body is cut short)."""

    def __init__(self, url: str, body: dict[str, Any], request_id: str) -> None:
        super().__init__(daemon=True)
        self.url, self.body, self.request_id = url, body, request_id
        self.first = threading.Event()
        self.text = ""
        self.status = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.stream(
                "POST", self.url, json=self.body, headers={"x-request-id": self.request_id}, timeout=30
            ) as resp:
                self.status = resp.status_code
                for piece in resp.iter_text():
                    self.text += piece
                    self.first.set()
        except BaseException as exc:
            self.error = exc
        finally:
            self.first.set()


class Call(threading.Thread):
    """Any blocking client call, its result or exception kept."""

    def __init__(self, call: Callable[[Callable[[], None]], object]) -> None:
        super().__init__(daemon=True)
        self.call = call
        self.first = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.call(self.first.set)
        except BaseException as exc:
            self.error = exc
        finally:
            self.first.set()


def test_sigterm_ends_each_stream_with_its_doors_error_and_lets_short_ones_finish(tmp_path: Path) -> None:
    gw = start_gateway(CONFIG, tmp_path, env={"FREEHOLD_DRAIN_SECONDS": str(DRAIN)})
    v1 = gw.base_url
    try:
        chat = Stream(v1 + "/chat/completions", {"model": "long", "stream": True, "messages": USER}, "drain-chat")
        messages = Stream(
            v1 + "/messages",
            {"model": "long", "stream": True, "max_tokens": 200, "messages": USER},
            "drain-messages",
        )
        responses = Stream(v1 + "/responses", {"model": "long", "stream": True, "input": "hi"}, "drain-responses")
        waiting = Call(
            lambda started: (
                started(),
                httpx.post(
                    v1 + "/chat/completions",
                    json={"model": "long", "messages": USER},
                    headers={"x-request-id": "drain-waiting"},
                    timeout=30,
                ),
            )[1]
        )

        def openai_sdk(started: Callable[[], None]) -> int:
            chunks = 0
            with openai.OpenAI(base_url=v1, api_key="x", max_retries=0) as client:
                for _ in client.chat.completions.create(model="long", messages=USER, stream=True):  # type: ignore[arg-type]
                    chunks += 1
                    started()
            return chunks

        def anthropic_sdk(started: Callable[[], None]) -> int:
            seen = 0
            with anthropic.Anthropic(base_url=gw.url, api_key="x", max_retries=0) as client:
                with client.messages.stream(model="long", max_tokens=200, messages=USER) as stream:  # type: ignore[arg-type]
                    for _ in stream:
                        seen += 1
                        started()
            return seen

        sdk_chat, sdk_messages = Call(openai_sdk), Call(anthropic_sdk)
        long_running = [chat, messages, responses, waiting, sdk_chat, sdk_messages]
        for client in long_running:
            client.start()
        for client in long_running:
            assert client.first.wait(10)
        time.sleep(0.3)  # the non-stream request is in the gateway by now
        short = Stream(v1 + "/chat/completions", {"model": "short", "stream": True, "messages": USER}, "drain-short")
        short.start()
        assert short.first.wait(5)

        signalled = time.monotonic()
        gw.process.send_signal(signal.SIGTERM)
        gw.process.wait(DRAIN + BACKSTOP)
        exited = time.monotonic() - signalled
        for client in [*long_running, short]:
            client.join(5)
    finally:
        stop_gateway(gw.process)
    log = gw.log()
    assert DRAIN <= exited < DRAIN + BACKSTOP

    # A stream that finished within the drain time ended normally.
    assert short.error is None and events(short.text)[-1] == ("message", "[DONE]")

    # OpenAI chat: chunks, then an error event, then the end of the body (no [DONE]).
    assert chat.error is None and chat.status == 200
    got = events(chat.text)
    assert len(got) > 1 and all(json.loads(data)["object"] == "chat.completion.chunk" for _, data in got[:-1])
    error = json.loads(got[-1][1])["error"]
    assert (error["code"], error["type"]) == ("gateway_shutting_down", "server_error")
    assert "drain time" in error["message"]

    # Anthropic messages: an ``error`` event ends the stream.
    assert messages.error is None and messages.status == 200
    got = events(messages.text)
    assert got[0][0] == "message_start" and got[-1][0] == "error"
    body = json.loads(got[-1][1])
    assert body["type"] == "error" and body["error"]["type"] == "overloaded_error"
    assert "shutting down" in body["error"]["message"]

    # Responses API: ``error`` then ``response.failed``.
    assert responses.error is None and responses.status == 200
    got = events(responses.text)
    assert got[0][0] == "response.created" and [name for name, _ in got[-2:]] == ["error", "response.failed"]
    assert json.loads(got[-2][1])["code"] == "gateway_shutting_down"
    assert json.loads(got[-1][1])["response"]["status"] == "failed"

    # A request still waiting for its answer: 503.
    assert waiting.error is None and isinstance(waiting.result, httpx.Response)
    assert waiting.result.status_code == 503
    assert waiting.result.json()["error"]["code"] == "gateway_shutting_down"

    # The SDKs raise their usual errors for those events, after the chunks they already had.
    assert isinstance(sdk_chat.error, openai.APIError) and "shutting down" in str(sdk_chat.error)
    assert isinstance(sdk_messages.error, anthropic.APIStatusError) and "shutting down" in str(sdk_messages.error)

    # One log line per ended request, naming it; never a traceback.
    assert "Traceback" not in log
    for request_id in ("drain-chat", "drain-messages", "drain-responses", "drain-waiting"):
        assert sum(request_id in line for line in log.splitlines()) == 1, request_id


def test_each_worker_drains(tmp_path: Path) -> None:
    gw = start_gateway(CONFIG, tmp_path, env={"FREEHOLD_DRAIN_SECONDS": "1"}, args=("--workers", "2"))
    try:
        streams = [
            Stream(gw.base_url + "/chat/completions", {"model": "long", "stream": True, "messages": USER}, f"w-{i}")
            for i in range(4)
        ]
        for stream in streams:
            stream.start()
        for stream in streams:
            assert stream.first.wait(10)
        signalled = time.monotonic()
        gw.process.send_signal(signal.SIGTERM)
        gw.process.wait(1 + BACKSTOP)
        exited = time.monotonic() - signalled
        for stream in streams:
            stream.join(5)
    finally:
        stop_gateway(gw.process)
    assert exited < 1 + BACKSTOP
    for stream in streams:
        assert stream.error is None
        error = json.loads(events(stream.text)[-1][1])["error"]
        assert error["code"] == "gateway_shutting_down"
    assert "Traceback" not in gw.log()


def test_a_client_that_stopped_reading_does_not_hold_the_shutdown(tmp_path: Path) -> None:
    fast = {"provider": "simulated", "model": "s", "ttft_ms": 0, "tokens_per_second": 100_000, "max_tokens": 100_000}
    gw = start_gateway({"aliases": {"fast": {"deployments": [fast]}}}, tmp_path, env={"FREEHOLD_DRAIN_SECONDS": "1"})
    host, port = gw.url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        sock.connect((host, int(port)))
        body = json.dumps({"model": "fast", "stream": True, "messages": USER}).encode()
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body)
        )
        assert sock.recv(12) == b"HTTP/1.1 200"
        time.sleep(1)  # and read no more: the gateway's buffers fill and its stream waits to write
        signalled = time.monotonic()
        gw.process.send_signal(signal.SIGTERM)
        gw.process.wait(1 + BACKSTOP)
        exited = time.monotonic() - signalled
    finally:
        sock.close()
        stop_gateway(gw.process)
    log = gw.log()
    assert exited < 1 + FLUSH + 1.5 < 1 + BACKSTOP  # aborted after the flush time, not left to uvicorn's backstop
    assert "aborting 1 connection(s) whose clients stopped reading" in log
    assert "Traceback" not in log
