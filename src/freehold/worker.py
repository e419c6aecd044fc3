"""Entry point for multi-worker mode: each worker process builds its app from the environment."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from freehold.app import create_app
from freehold.bootstrap import build
from freehold.config.load import load_config
from freehold.settings import resolve_settings

__all__ = ["create_worker_app"]


def create_worker_app() -> Starlette:
    config = load_config(os.environ["FREEHOLD_CONFIG"])
    return create_app(build(config, resolve_settings(None, config.server)))
