"""The model capability catalog, shipped as package data (``models.yaml``)."""

from freehold.catalog.catalog import ModelInfo, lookup, max_output_tokens

__all__ = ["ModelInfo", "lookup", "max_output_tokens"]
