"""The process's logging: one configuration for Freehold's loggers and uvicorn's.

Handed to uvicorn as its ``log_config``, so that every worker process applies it. Every handler
carries ``echo.LogSanitizer``: a client's model name, path or field cannot forge a line in the
log or write megabytes into it, whichever logger quotes it.
"""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG

__all__ = ["FORMAT", "log_config"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary: uvicorn's own, plus the root logger, all sanitized."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"sanitize": {"()": "freehold.echo.LogSanitizer"}}
    config["formatters"]["freehold"] = {"format": FORMAT}
    config["handlers"]["freehold"] = {
        "class": "logging.StreamHandler",
        "formatter": "freehold",
        "stream": "ext://sys.stderr",
    }
    for handler in config["handlers"].values():
        handler["filters"] = ["sanitize"]
    config["root"] = {"handlers": ["freehold"], "level": level.upper()}
    return config
