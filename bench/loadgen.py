"""Copied unchanged from the shared peer harness (/work/shared/peer-bench/load/loadgen.py).

Small async HTTP/1.1 POST load generator (uvloop + httptools), keep-alive.

Measures per request: TTFB (first response-BODY byte: for SSE the first event) and total
time (last byte), checks the status and, for streams, that "data: [DONE]" arrived.

Modes (each bounded in count and time; traffic only to --host, default 127.0.0.1):
  --rate R --duration D      open loop: request i is due at t0 + i/R whatever happens to the
                             others; latency is measured from that due time, so queueing
                             behind a slow server is counted (no coordinated omission).
                             At most --max-conns connections; beyond, requests wait.
  --concurrency C --per-client N   closed loop: C clients, each on its own connection, send N
                             requests back to back; client start times are spread over --ramp s.
Prints one JSON object on stdout.
"""
import argparse
import asyncio
import collections
import json
import math
import os
import sys
import time

import httptools

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None

perf = time.perf_counter


class ParseError(Exception):
    pass


class Conn(asyncio.Protocol):
    __slots__ = ("transport", "parser", "fut", "closed", "status", "keep", "t_first", "t_done",
                 "nbytes", "events", "tail", "prev")

    def __init__(self):
        self.transport = None
        self.parser = httptools.HttpResponseParser(self)
        self.fut = None
        self.closed = False
        self.prev = b""

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.closed = True
        f = self.fut
        if f is not None and not f.done():
            f.set_exception(ConnectionResetError("connection closed by server"))

    def data_received(self, data):
        if self.fut is None:            # data with no request outstanding: protocol error
            self.transport.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as e:
            if os.getenv("LOADGEN_DEBUG"):
                print("parse error", e, "prev:", self.prev[-80:], "data:", data[:120], file=sys.stderr)
            if self.fut is not None and not self.fut.done():
                self.fut.set_exception(ParseError(f"{type(e).__name__}: {e}"[:120]))
            self.transport.close()
        self.prev = data

    def on_headers_complete(self):
        self.status = self.parser.get_status_code()
        self.keep = self.parser.should_keep_alive()

    def on_body(self, b):
        if self.t_first is None:
            self.t_first = perf()
        self.nbytes += len(b)
        self.events += b.count(b"data:")
        self.tail = (self.tail + b)[-64:]

    def on_message_complete(self):
        self.t_done = perf()
        f, self.fut = self.fut, None
        if f is not None and not f.done():
            f.set_result(None)

    def send(self, raw, loop):
        self.fut = loop.create_future()
        self.status = 0
        self.keep = True
        self.t_first = None
        self.t_done = None
        self.nbytes = 0
        self.events = 0
        self.tail = b""
        self.transport.write(raw)
        return self.fut


class Stats:
    def __init__(self, stream):
        self.stream = stream
        self.ttfb = []
        self.total = []
        self.ok = 0
        self.sent = 0
        self.errors = collections.Counter()
        self.bytes = 0
        self.events = 0

    def record(self, c, t_ref):
        self.sent += 1
        if c.status != 200:
            self.errors[f"status_{c.status}"] += 1
            return
        if self.stream and b"[DONE]" not in c.tail:
            self.errors["stream_incomplete"] += 1
            return
        self.ok += 1
        t_first = c.t_first if c.t_first is not None else c.t_done
        self.ttfb.append((t_first - t_ref) * 1000.0)
        self.total.append((c.t_done - t_ref) * 1000.0)
        self.bytes += c.nbytes
        self.events += c.events

    def error(self, kind):
        self.sent += 1
        self.errors[kind] += 1


def pct(values, qs=(50, 90, 99)):
    if not values:
        return {f"p{q}": None for q in qs} | {"max": None}
    v = sorted(values)
    out = {f"p{q}": round(v[min(len(v) - 1, max(0, math.ceil(q / 100.0 * len(v)) - 1))], 3) for q in qs}
    out["max"] = round(v[-1], 3)
    return out


def build_request(host, port, path, body, stream, api_key):
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {api_key}\r\nAccept: {'text/event-stream' if stream else 'application/json'}\r\n"
            + ("X-Bench-Stream: 1\r\n" if stream else "")
            + f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def one_request(loop, conn, raw, timeout):
    fut = conn.send(raw, loop)
    timed_out = False

    def on_timeout():
        nonlocal timed_out
        if not fut.done():
            timed_out = True
            conn.transport.abort()

    h = loop.call_later(timeout, on_timeout)
    try:
        await fut
    except Exception:
        if timed_out:
            raise TimeoutError("request timed out") from None
        raise
    finally:
        h.cancel()


async def open_loop(a, raw, stats):
    loop = asyncio.get_running_loop()
    idle, waiters = [], collections.deque()
    nconn = 0
    peak = 0

    async def acquire():
        nonlocal nconn, peak
        while True:
            while idle:
                c = idle.pop()
                if not c.closed:
                    return c
                nconn -= 1
            if nconn < a.max_conns:
                nconn += 1
                peak = max(peak, nconn)
                try:
                    _, c = await asyncio.wait_for(loop.create_connection(Conn, a.host, a.port), a.timeout)
                    return c
                except BaseException:
                    nconn -= 1
                    wake()
                    raise
            w = loop.create_future()
            waiters.append(w)
            c = await w
            if c is not None:
                return c

    def wake(c=None):
        while waiters:
            w = waiters.popleft()
            if not w.done():
                w.set_result(c)
                return True
        return False

    def release(c, reuse):
        nonlocal nconn
        if reuse and not c.closed:
            if not wake(c):
                idle.append(c)
        else:
            if c is not None and not c.closed:
                c.transport.abort()
            nconn -= 1
            wake(None)

    async def fire(t_due):
        c = None
        try:
            c = await acquire()
            await one_request(loop, c, raw, a.timeout)
            stats.record(c, t_due)
            release(c, c.keep)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            stats.error(str(e) if isinstance(e, ParseError) else type(e).__name__)
            if c is not None:
                release(c, False)

    n = int(a.rate * a.duration)
    tasks = []
    t0 = perf() + 0.05
    for i in range(n):
        t_due = t0 + i / a.rate
        d = t_due - perf()
        if d > 0:
            await asyncio.sleep(d)
        tasks.append(loop.create_task(fire(t_due)))
    t_sent = perf()
    await asyncio.wait(tasks, timeout=a.timeout + 5)
    for t in tasks:
        if not t.done():
            t.cancel()
            stats.error("unfinished")
    elapsed = perf() - t0
    for c in idle:
        c.transport.close()
    return {"mode": "open", "rate": a.rate, "duration_s": a.duration, "scheduled": n,
            "send_lag_ms": round((t_sent - (t0 + (n - 1) / a.rate)) * 1000, 1),
            "elapsed_s": round(elapsed, 3), "peak_conns": peak}


async def closed_loop(a, raw, stats):
    loop = asyncio.get_running_loop()
    conns_peak = 0
    live = 0

    async def client(idx):
        nonlocal conns_peak, live
        await asyncio.sleep(a.ramp * idx / max(1, a.concurrency))
        c = None
        for _ in range(a.per_client):
            try:
                if c is None or c.closed:
                    _, c = await asyncio.wait_for(loop.create_connection(Conn, a.host, a.port), a.timeout)
                    live += 1
                    conns_peak = max(conns_peak, live)
                t_send = perf()
                await one_request(loop, c, raw, a.timeout)
                stats.record(c, t_send)
                if not c.keep:
                    c.transport.close()
                    live -= 1
                    c = None
            except Exception as e:
                stats.error(str(e) if isinstance(e, ParseError) else type(e).__name__)
                if c is not None:
                    c.transport.abort()
                    live -= 1
                c = None
        if c is not None:
            c.transport.close()
            live -= 1

    t0 = perf()
    tasks = [loop.create_task(client(i)) for i in range(a.concurrency)]
    budget = a.ramp + a.per_client * (a.timeout + 1) + 5
    done, pending = await asyncio.wait(tasks, timeout=min(budget, a.max_time))
    for t in pending:
        t.cancel()
    planned = a.concurrency * a.per_client
    if stats.sent < planned:
        stats.errors["not_completed"] += planned - stats.sent
    return {"mode": "closed", "concurrency": a.concurrency, "per_client": a.per_client, "planned": planned,
            "ramp_s": a.ramp, "elapsed_s": round(perf() - t0, 3), "peak_conns": conns_peak}


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/v1/chat/completions")
    ap.add_argument("--body", required=True, help="file with the JSON request body")
    ap.add_argument("--api-key", default=os.getenv("BENCH_API_KEY", "sk-bench-4f1c2a9e7b3d4c8a9e0f1a2b3c4d5e6f"))
    ap.add_argument("--stream", action="store_true", help="expect SSE ending in data: [DONE]")
    ap.add_argument("--rate", type=float)
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--max-conns", type=int, default=256)
    ap.add_argument("--concurrency", type=int)
    ap.add_argument("--per-client", type=int, default=1)
    ap.add_argument("--ramp", type=float, default=0.0)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    ap.add_argument("--max-time", type=float, default=300.0, help="hard cap for the whole run, seconds")
    a = ap.parse_args()
    if a.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("refusing to send load anywhere but loopback")
    with open(a.body, "rb") as f:
        body = f.read()
    raw = build_request(a.host, a.port, a.path, body, a.stream, a.api_key)
    stats = Stats(a.stream)
    if a.rate:
        a.duration = min(a.duration, a.max_time)
        info = await open_loop(a, raw, stats)
    elif a.concurrency:
        info = await closed_loop(a, raw, stats)
    else:
        sys.exit("give --rate or --concurrency")
    ok = stats.ok
    info.update({
        "stream": a.stream, "sent": stats.sent, "ok": ok,
        "success_rate": round(ok / max(stats.sent, info.get("planned", 0)), 5) if stats.sent else 0.0,
        "errors": dict(stats.errors),
        "achieved_rps": round(ok / info["elapsed_s"], 1) if info["elapsed_s"] else None,
        "ttfb_ms": pct(stats.ttfb), "total_ms": pct(stats.total),
        "body_bytes_per_req": round(stats.bytes / ok, 1) if ok else None,
        "sse_events_per_req": round(stats.events / ok, 2) if ok and a.stream else None,
    })
    print(json.dumps(info))


if __name__ == "__main__":
    (uvloop.run if uvloop else asyncio.run)(main())
