"""Canonical request shapes: the OpenAI wire format, decoded only as far as the gateway needs."""
