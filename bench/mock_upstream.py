"""Mock OpenAI-compatible upstream for the benchmark (raw asyncio + httptools + uvloop).

Adapted from the shared peer harness's slow mock (/work/shared/peer-bench/mock/slow_mock.py):
no framework, pre-encoded responses, one pending timer per slow stream, so that it stays a
small share of the core it shares with the load generator.

  --json-port P  any POST -> the canned chat.completion (payloads/response.json, 573 B),
                 or an SSE stream if the body says "stream": true
  --sse-port P   any POST -> the canned SSE stream (payloads/response.sse: 50
                 chat.completion.chunk events + "data: [DONE]", 11.6 KB)

Fast mode (the default, --ttfb-ms 0 --interval-ms 0): the whole answer is written at once,
with Content-Length like the peer harness's nginx mock, or with --chunked as chunked transfer
encoding, one HTTP chunk per event, like api.openai.com (aiohttp's client buffers each HTTP
chunk separately, so this is the more expensive case for aiohttp-based gateways; see RESULTS.md).
Slow mode: first event after --ttfb-ms, then one chunk-encoded event every --interval-ms;
--json-delay-ms delays the JSON answer. Listens on 127.0.0.1 only. Stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
from pathlib import Path
from typing import Any

import httptools
import uvloop

PAYLOADS = Path(__file__).resolve().parent / "payloads"
STREAM_RE = re.compile(rb'"stream"\s*:\s*true')
SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nx-request-id: mock-req\r\n"
)
CHUNKED = b"Transfer-Encoding: chunked\r\n"


def sse_events(n_events: int | None) -> list[bytes]:
    """The canned events; ``[DONE]`` rides with the last one."""
    events = [e + b"\n\n" for e in (PAYLOADS / "response.sse").read_bytes().split(b"\n\n") if e.strip()]
    done = events.pop()
    if n_events is not None:  # stretch or shrink the canned stream, keeping its first and last event
        first, middle, last = events[0], events[1:-1], events[-1]
        events = ([first] + [middle[i % len(middle)] for i in range(max(0, n_events - 2))] + [last])[:n_events]
    events[-1] += done
    return events


def chunk_frames(events: list[bytes]) -> list[bytes]:
    """One chunked-encoding frame per event, the terminating empty chunk after the last."""
    frames = [b"%x\r\n%s\r\n" % (len(e), e) for e in events]
    frames[-1] += b"0\r\n\r\n"
    return frames


class Handler(asyncio.Protocol):
    __slots__ = ("body", "cfg", "force_sse", "keep", "parser", "timer", "transport")

    def __init__(self, cfg: dict[str, Any], force_sse: bool) -> None:
        self.cfg = cfg
        self.force_sse = force_sse
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.body: list[bytes] = []
        self.timer: asyncio.TimerHandle | None = None
        self.keep = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCPTransport

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            assert self.transport is not None
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            self.transport.close()

    def on_message_begin(self) -> None:
        self.body = []

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.keep = self.parser.should_keep_alive()
        cfg = self.cfg
        stream = self.force_sse or bool(STREAM_RE.search(b"".join(self.body)))
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if stream:
            if cfg["ttfb"] == 0 and cfg["interval"] == 0:
                self._write(self._sse_head(cfg["sse_length"]) + cfg["sse_all"], close=not self.keep)
            else:
                loop = asyncio.get_running_loop()
                t0 = loop.time() + cfg["ttfb"]
                self.timer = loop.call_at(t0, self._send_frame, 0, t0)
        elif cfg["json_delay"] == 0:
            self._send_json()
        else:
            self.timer = asyncio.get_running_loop().call_later(cfg["json_delay"], self._send_json)

    def _sse_head(self, length: bytes = CHUNKED) -> bytes:
        return SSE_HEAD + length + (b"" if self.keep else b"Connection: close\r\n") + b"\r\n"

    def _write(self, data: bytes, close: bool) -> None:
        if self.transport is not None:
            self.transport.write(data)
            if close:
                self.transport.close()

    def _send_frame(self, i: int, t0: float) -> None:
        frames = self.cfg["frames"]
        last = i == len(frames) - 1
        self._write((self._sse_head() if i == 0 else b"") + frames[i], close=last and not self.keep)
        if last or self.transport is None:
            self.timer = None
            return
        loop = asyncio.get_running_loop()
        self.timer = loop.call_at(t0 + (i + 1) * self.cfg["interval"], self._send_frame, i + 1, t0)

    def _send_json(self) -> None:
        self.timer = None
        self._write(self.cfg["json_resp" if self.keep else "json_resp_close"], close=not self.keep)


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json-port", type=int, required=True)
    ap.add_argument("--sse-port", type=int, required=True)
    ap.add_argument("--ttfb-ms", type=float, default=0.0)
    ap.add_argument("--interval-ms", type=float, default=0.0)
    ap.add_argument("--events", type=int, default=None, help="events per stream (default: the canned 50)")
    ap.add_argument("--json-delay-ms", type=float, default=0.0)
    ap.add_argument("--chunked", action="store_true", help="fast mode: chunked SSE, one HTTP chunk per event")
    a = ap.parse_args()
    jbody = (PAYLOADS / "response.json").read_bytes()
    jhead = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: mock-req\r\nContent-Length: %d\r\n" % (
        len(jbody)
    )
    events = sse_events(a.events)
    frames = chunk_frames(events)
    whole = b"".join(events)
    cfg = {
        "frames": frames,
        "sse_all": b"".join(frames) if a.chunked else whole,
        "sse_length": CHUNKED if a.chunked else b"Content-Length: %d\r\n" % len(whole),
        "ttfb": a.ttfb_ms / 1000.0,
        "interval": a.interval_ms / 1000.0,
        "json_delay": a.json_delay_ms / 1000.0,
        "json_resp": jhead + b"\r\n" + jbody,
        "json_resp_close": jhead + b"Connection: close\r\n\r\n" + jbody,
    }
    loop = asyncio.get_running_loop()
    servers = [
        await loop.create_server(lambda: Handler(cfg, False), "127.0.0.1", a.json_port, backlog=4096),
        await loop.create_server(lambda: Handler(cfg, True), "127.0.0.1", a.sse_port, backlog=4096),
    ]
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    print(json.dumps({"mock": "ready", **{k: v for k, v in vars(a).items()}}), flush=True)
    await stop
    for server in servers:
        server.close()


if __name__ == "__main__":
    uvloop.run(main())
