"""Connection limits: fitting ``max_connections`` to the descriptors, and uvicorn's options."""

from __future__ import annotations

import subprocess
import sys

import pytest
from uvicorn.config import Config

from freehold.server.limits import FDS_PER_CONNECTION, RESERVED_FDS, ConnectionLimits, fit_connections
from freehold.server.options import BACKSTOP, PROTOCOL, uvicorn_options
from freehold.server.protocol import GuardedHttpToolsProtocol
from freehold.settings import Settings


@pytest.mark.parametrize(
    ("wanted", "fds", "expected"),
    [
        (10_000, 1_048_576, 10_000),  # plenty: as configured
        (10_000, 1024, (1024 - RESERVED_FDS) // FDS_PER_CONNECTION),  # the common default soft limit: 480
        (10_000, 256, 96),
        (50, 256, 50),  # never raised above the setting
        (10_000, 10, 1),  # absurdly low: still one
    ],
)
def test_max_connections_fit_the_descriptors(wanted: int, fds: int, expected: int) -> None:
    assert fit_connections(wanted, fds) == expected


def test_fitted_limits_say_whether_they_were_lowered() -> None:
    settings = Settings(max_connections=1000, header_timeout=3, max_header_bytes=4096, drain_seconds=7)
    lowered = ConnectionLimits.fitted(settings, 256)
    assert (lowered.max_connections, lowered.requested_connections, lowered.clamped) == (96, 1000, True)
    assert (lowered.header_timeout, lowered.max_header_bytes, lowered.drain_seconds) == (3, 4096, 7)
    assert ConnectionLimits.fitted(settings, 1 << 20).clamped is False
    assert ConnectionLimits.fitted(settings, None).max_connections == 1000  # no descriptor limit


def test_raise_fd_limit_lifts_the_soft_limit_to_the_hard_one() -> None:
    # In a child: the test process's own limit stays as it is.
    code = (
        "import resource\n"
        "from freehold.server.limits import raise_fd_limit\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))\n"
        "got = raise_fd_limit()\n"
        "now = resource.getrlimit(resource.RLIMIT_NOFILE)[0]\n"
        "print(got == now == (None if hard == resource.RLIM_INFINITY else hard))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "True", result.stderr


def test_uvicorn_options_load_the_guarded_protocol_and_a_backstop_after_the_drain() -> None:
    options = uvicorn_options(Settings(drain_seconds=12, keep_alive_timeout=3))
    assert options["http"] == PROTOCOL
    assert options["timeout_graceful_shutdown"] == 12 + BACKSTOP
    assert options["timeout_keep_alive"] == 3
    config = Config(app=lambda scope, receive, send: None, http=options["http"])
    config.load()
    assert config.http_protocol_class is GuardedHttpToolsProtocol
