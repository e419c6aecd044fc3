"""Front doors for other vendors' wire formats, translated to and from the canonical one.

Each door is pure translation (no I/O): a request in the vendor's format becomes a canonical
(OpenAI Chat Completions) body, and a canonical answer or SSE stream becomes the vendor's. The
HTTP handlers in ``api/`` call these and the gateway, so every configured provider can serve
every door.
"""
