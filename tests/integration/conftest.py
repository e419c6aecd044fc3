"""Fixtures that run the real gateway (``freehold serve``, a subprocess on a loopback port)
in front of the loopback mock upstream."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI

MASTER_KEY = "fh-master-test-91c2a7"
AUDIT_KEY = "fh-audit-test-key-3f1e0c9b7a5d2e4f6a8c0b1d"

# For suites about one vendor's translation and error mapping: one attempt per deployment and no
# queueing, so each request shows exactly what the vendor answered. Resilience has its own tests.
SINGLE_ATTEMPT = {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}}


def retry_after_within(got: str | None, upstream: str | None, slack: int = 5) -> bool:
    """The upstream's Retry-After, or — for a repeat while the deployment is still blocked — what
    is left of it, rounded up (never more than the upstream said)."""
    if upstream is None or got is None:
        return got == upstream
    return int(upstream) - slack <= int(got) <= int(upstream)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Gateway:
    url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_gateway(
    config: dict,
    tmp: Path,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    preexec_fn: Callable[[], object] | None = None,
) -> Gateway:
    """Write ``config`` to a file and start ``freehold serve`` on it; returns once it is ready.

    ``preexec_fn`` runs in the child before it starts (e.g. to lower its descriptor limit).
    """
    cfg = tmp / "gateway.yaml"
    cfg.write_text(yaml.safe_dump(config))
    port = free_port()
    log_path = tmp / "gateway.log"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FREEHOLD_")}
    full_env["FREEHOLD_STATE_DIR"] = str(tmp / "state")  # each gateway its own embedded database
    # Replicas on one database must share the audit log's key, as in a deployment (an empty value
    # falls back to the key file in the state directory).
    full_env["FREEHOLD_AUDIT_KEY"] = AUDIT_KEY
    full_env.update(env or {})
    with log_path.open("wb") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "freehold", "serve", "--config", str(cfg), "--port", str(port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=full_env,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gateway exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(url + "/health/ready", timeout=0.5).status_code == 200:
                return Gateway(url, log_path, proc)
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    stop_gateway(proc)
    raise RuntimeError(f"gateway did not become ready:\n{log_path.read_text()}")


def stop_gateway(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="session")
def mock_upstream() -> Iterator[MockOpenAI]:
    mock = MockOpenAI().start()
    yield mock
    mock.stop()


def openai_deployment(mock: MockOpenAI, model: str, **extra: object) -> dict:
    return {"provider": "openai", "model": model, "api_base": mock.base_url, "api_key": "env:MOCK_OPENAI_KEY", **extra}


def gateway_config(mock: MockOpenAI) -> dict:
    aliases: dict[str, dict] = {
        "gpt": {"deployments": [openai_deployment(mock, "gpt-4o-mini", name="mock-gpt")]},
        "embed": {"deployments": [openai_deployment(mock, "text-embedding-3-small", name="mock-embed")]},
        "failover": {
            "deployments": [
                openai_deployment(mock, "error-503", name="broken", weight=1000),
                openai_deployment(mock, "gpt-4o-mini", name="healthy", weight=0.001),
            ]
        },
        "balanced": {
            "deployments": [
                openai_deployment(mock, "model-a", name="heavy", weight=3),
                openai_deployment(mock, "model-b", name="light", weight=1),
            ]
        },
        "hang": {"deployments": [openai_deployment(mock, "hang", timeout={"connect": 1, "read": 1, "total": 2})]},
        "sim": {"deployments": [{"provider": "simulated", "model": "sim-1", "ttft_ms": 5, "tokens_per_second": 2000}]},
        "sim-429": {
            "deployments": [
                {
                    "provider": "simulated",
                    "model": "sim-1",
                    "ttft_ms": 0,
                    "faults": [{"kind": "rate_limit", "every": 1, "retry_after": 7}],
                }
            ]
        },
        "sim-cut": {
            "deployments": [
                {
                    "provider": "simulated",
                    "model": "sim-1",
                    "ttft_ms": 0,
                    "tokens_per_second": 5000,
                    "faults": [{"kind": "stream_cut", "every": 1, "after_tokens": 2}],
                }
            ]
        },
    }
    for name in (
        "error-401",
        "error-429",
        "error-quota",
        "error-context",
        "error-404",
        "error-500",
        "bad-json",
        "slow-stream",
        "cut-stream",
        "slow-start",
    ):
        aliases[name] = {"deployments": [openai_deployment(mock, name)]}
    return {"aliases": aliases}


@pytest.fixture(scope="session")
def gateway(mock_upstream: MockOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """The gateway under test: master key on, a 64 KiB body limit, every test alias configured."""
    tmp = tmp_path_factory.mktemp("gateway")
    gw = start_gateway(
        gateway_config(mock_upstream),
        tmp,
        env={"MOCK_OPENAI_KEY": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_MAX_BODY_BYTES": "65536"},
    )
    yield gw
    stop_gateway(gw.process)
    log = gw.log()
    # Never a key in a log line: neither the upstream's nor the gateway's own.
    assert EXPECTED_KEY not in log
    assert MASTER_KEY not in log
    assert "Traceback" not in log
