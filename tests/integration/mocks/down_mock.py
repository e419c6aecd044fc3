"""A loopback upstream that is down: 502 pages to chat requests of any size, as a proxy in front
of a dead vendor answers. Model ``ok`` gets a normal OpenAI answer instead, so that one mock can
serve an alias whose first deployment fails and whose second succeeds."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer

OK_ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "ok",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


@dataclass
class DownMock(LoopbackServer):
    """``calls`` counts the failed answers; bodies are read and dropped, whatever their size."""

    calls: int = 0

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    async def _chat(self, request: web.Request) -> web.Response:
        if (await request.json())["model"] == "ok":
            return web.json_response(OK_ANSWER)
        self.calls += 1
        return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
