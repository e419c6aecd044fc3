"""Copied unchanged from the shared peer harness (/work/shared/peer-bench/gateways/ref_proxy.py)
so that bench/run.py can measure it in the same run as Freehold.

(d) Lean reference Python proxy: aiohttp server + pooled aiohttp client on uvloop.

What a minimal OpenAI-compatible gateway must do per request: read the body, parse the JSON
to find "model", pick the upstream, forward the body, and relay the answer; SSE is relayed
chunk by chunk as it arrives. No auth, no logging, no retries.
usage: python ref_proxy.py --port 18100 --route mock=http://127.0.0.1:18001 --route mock-stream=http://127.0.0.1:18002
"""
import argparse
import asyncio
import json

import aiohttp
from aiohttp import web

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
       "upgrade", "host", "content-length", "accept-encoding"}


async def handle(request):
    body = await request.read()
    try:
        model = json.loads(body)["model"]
        base = request.app["routes"][model]
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": {"message": "unknown model or bad JSON"}}, status=400)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP}
    async with request.app["session"].post(base + request.path_qs, data=body, headers=headers) as up:
        ctype = up.headers.get("Content-Type", "application/json")
        if ctype.startswith("text/event-stream"):
            resp = web.StreamResponse(status=up.status, headers={"Content-Type": ctype, "Cache-Control": "no-cache"})
            try:
                await resp.prepare(request)
                async for chunk in up.content.iter_any():
                    await resp.write(chunk)
                await resp.write_eof()
            except ConnectionResetError:  # client went away: drop the upstream stream quietly
                up.close()
            return resp
        return web.Response(status=up.status, body=await up.read(), headers={"Content-Type": ctype})


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=18100)
    ap.add_argument("--route", action="append", default=[], help="MODEL=BASE_URL")
    a = ap.parse_args()
    app = web.Application()
    app["routes"] = dict(r.split("=", 1) for r in a.route)
    app["session"] = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=300),
        timeout=aiohttp.ClientTimeout(total=None, sock_read=600), auto_decompress=False)
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, a.host, a.port, backlog=4096).start()
    print(f"ref_proxy listening on {a.host}:{a.port} uvloop={uvloop is not None}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await app["session"].close()
        await runner.cleanup()


if __name__ == "__main__":
    try:
        (uvloop.run if uvloop else asyncio.run)(main())
    except KeyboardInterrupt:
        pass
