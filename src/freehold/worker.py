"""Entry point for multi-worker mode: each worker process builds its app from the environment."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from freehold.app import create_app
from freehold.bootstrap import build
from freehold.config.load import load_config
from freehold.server.options import prepare
from freehold.settings import resolve_settings

__all__ = ["create_worker_app"]


def create_worker_app() -> Starlette:
    config = load_config(os.environ["FREEHOLD_CONFIG"])
    settings = resolve_settings(None, config.server)
    prepare(settings)  # the connection limits of this worker's protocol
    return create_app(build(config, settings))
