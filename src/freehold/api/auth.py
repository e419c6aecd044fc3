"""Who is asking: one authenticator per gateway, asked once per request by the door framework.

``Authenticator`` is the interface: a request's head in, a ``Principal`` out, or
``AuthenticationFailed`` (401) with a message that says what to send. Today's implementation
knows one key, ``FREEHOLD_MASTER_KEY``, or none (everyone is ``anonymous``); virtual keys
(governance) implement the same interface over the key store.
"""

from __future__ import annotations

import hmac
from typing import Protocol

from freehold.api.asgi import RequestHead
from freehold.context import ANONYMOUS, Principal
from freehold.errors import AuthenticationFailed

__all__ = ["MASTER", "Authenticator", "MasterKeyAuthenticator"]

MASTER = Principal("master", "master", name="FREEHOLD_MASTER_KEY")


class Authenticator(Protocol):
    async def authenticate(self, head: RequestHead, *, x_api_key: bool = False) -> Principal:
        """The principal behind ``head``'s key; ``x_api_key``: the door also takes ``x-api-key``.

        Raises:
            AuthenticationFailed: no key where one is needed, or a wrong one.
        """
        ...


class MasterKeyAuthenticator:
    """One key for everything, compared in constant time; without one, every request is anonymous."""

    def __init__(self, master_key: bytes | None) -> None:
        self._key = master_key

    async def authenticate(self, head: RequestHead, *, x_api_key: bool = False) -> Principal:
        return self.check(head, x_api_key=x_api_key)

    def check(self, head: RequestHead, *, x_api_key: bool = False) -> Principal:
        """The synchronous check, for endpoints outside the door framework (``/metrics``)."""
        key = self._key
        if key is None:
            return ANONYMOUS
        auth = head.authorization
        if auth is not None and head.api_key is None and auth[:7].lower() == b"bearer ":
            # The usual request: one Bearer key, nothing else to weigh.
            if hmac.compare_digest(auth[7:].strip(), key):
                return MASTER
        given = head.presented_keys(x_api_key=x_api_key)
        if not given:
            how = "'Authorization: Bearer <key>'"
            if x_api_key:
                how = "'x-api-key: <key>' or " + how
            raise AuthenticationFailed(f"Missing API key. Send it as {how} (the gateway's FREEHOLD_MASTER_KEY).")
        # Every key given is compared, so the time taken does not tell which header matched.
        if not sum(hmac.compare_digest(candidate, key) for candidate in given):
            raise AuthenticationFailed("Incorrect API key provided. Use the key this gateway was started with.")
        return MASTER
