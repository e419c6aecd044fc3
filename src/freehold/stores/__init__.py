"""Shared state behind small protocols, each with an in-memory implementation."""
