"""Freehold: a self-hosted LLM gateway with one OpenAI-compatible API over every model."""

__all__ = ["__version__"]

__version__ = "0.1.0"
