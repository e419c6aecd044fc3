"""Sending to upstreams: the one pooled HTTP client, SSE helpers, exception mapping."""
