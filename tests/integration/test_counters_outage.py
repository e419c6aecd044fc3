"""When Redis (the shared counters) goes away: budgeted and limited keys fail closed, unless told not to.

A private ``redis-server`` on its own port is started for the gateway and stopped mid-test (the
machine's shared Redis is left alone). Keys without limits or budgets keep working; a key with a
budget gets 503 ``metering_unavailable`` with a message that says why; a key created with
``when_counters_down: serve`` is served unmetered. When Redis is back, metering resumes.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import redis

from tests.integration.conftest import MASTER_KEY, Gateway, free_port, start_gateway, stop_gateway

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 8}
CONFIG = {"aliases": {"smart": {"deployments": [{**SIM, "price": {"input": 1, "output": 2}}]}}}
HI = [{"role": "user", "content": "Hello there."}]

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")


class PrivateRedis:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen([*argv, "--dir", str(self.tmp)], stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def key(gw: Gateway, **body: object) -> str:
    made = httpx.post(gw.url + "/admin/keys", headers={"Authorization": f"Bearer {MASTER_KEY}"}, json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["key"])


def ask(gw: Gateway, secret: str) -> httpx.Response:
    body = {"model": "smart", "messages": HI}
    return httpx.post(gw.base_url + "/chat/completions", json=body, headers={"Authorization": f"Bearer {secret}"})


def test_budgeted_keys_fail_closed_while_redis_is_down(tmp_path: Path, private_redis: PrivateRedis) -> None:
    env = {"FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_REDIS_URL": f"redis://127.0.0.1:{private_redis.port}/0"}
    gw = start_gateway(CONFIG, tmp_path, env=env)
    try:
        budgeted = key(gw, name="capped", budget={"usd": "5", "period": "daily"})
        lenient = key(gw, name="lenient", budget={"usd": "5", "period": "daily"}, when_counters_down="serve")
        plain = key(gw, name="plain")
        assert ask(gw, budgeted).status_code == 200
        private_redis.stop()
        refused = ask(gw, budgeted)
        assert refused.status_code == 503, refused.text
        error = refused.json()["error"]
        assert error["code"] == "metering_unavailable" and "counter store is unreachable" in error["message"]
        assert refused.headers["retry-after"]
        with pytest.raises(openai.InternalServerError):  # what the SDK raises for a 503, after no retries
            openai.OpenAI(base_url=gw.base_url, api_key=budgeted, max_retries=0).chat.completions.create(
                model="smart",
                messages=HI,  # type: ignore[arg-type]
            )
        assert ask(gw, lenient).status_code == 200  # when_counters_down: serve
        assert ask(gw, plain).status_code == 200  # nothing to meter: Redis is not in its path
        private_redis.start()
        deadline = time.monotonic() + 10
        while ask(gw, budgeted).status_code != 200:
            assert time.monotonic() < deadline, "metering did not resume once Redis was back"
            time.sleep(0.2)
    finally:
        stop_gateway(gw.process)
    assert "Traceback" not in gw.log()
