"""Who is asking: one authenticator per gateway, asked once per request by the door framework.

``Authenticator`` is the interface: a request's head in, a ``Principal`` out, or
``AuthenticationFailed`` (401) with a message that says what to send or what is wrong with what
was sent. ``MasterKeyAuthenticator`` knows one key, ``FREEHOLD_MASTER_KEY``, or none (everyone is
``anonymous``); ``VirtualKeyAuthenticator`` knows that key and every virtual key of the key
cache (``governance.keys``), and is what the gateway runs.

When a key is required: once ``FREEHOLD_MASTER_KEY`` is set, or as soon as the key store holds
any virtual key (revoked and expired ones count), so that creating the first key closes anonymous
access rather than leaving it open by accident. Until then every request is ``anonymous``, as in
the quickstart.
"""

from __future__ import annotations

import hmac
import time
from typing import Protocol

from freehold.api.asgi import RequestHead
from freehold.context import ANONYMOUS, Principal
from freehold.echo import clip
from freehold.errors import AuthenticationFailed
from freehold.governance.keys import KeyCache, Known

__all__ = ["MASTER", "Authenticator", "MasterKeyAuthenticator", "VirtualKeyAuthenticator"]

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


def _missing(x_api_key: bool) -> AuthenticationFailed:
    how = "'Authorization: Bearer <key>'"
    if x_api_key:
        how = "'x-api-key: <key>' or " + how
    return AuthenticationFailed(f"Missing API key. Send it as {how}: a virtual key of this gateway, or its master key.")


def _incorrect(given: bytes) -> AuthenticationFailed:
    tail = given[-4:].decode("ascii", "replace") if len(given) >= 16 else ""
    ending = f" (the key sent ends in {clip(tail)})" if tail.isalnum() else ""
    return AuthenticationFailed(
        f"Incorrect API key provided{ending}: no key of this gateway matches it. Check that it was copied whole "
        "and has not been rotated since."
    )


def _unusable(known: Known) -> AuthenticationFailed | None:
    """Why a key whose secret matched may not be used (revoked, expired), or None."""
    key = known.key
    if key.revoked_at is not None:
        return AuthenticationFailed(
            f"This API key ({key.id}, {clip(key.name)}) was revoked at {key.revoked_at.isoformat()}. "
            "Ask an administrator for a new key.",
            code="key_revoked",
        )
    if known.expires is not None and time.time() >= known.expires:
        assert key.expires_at is not None
        return AuthenticationFailed(
            f"This API key ({key.id}, {clip(key.name)}) expired at {key.expires_at.isoformat()}. "
            "Ask an administrator to extend it or to issue a new key.",
            code="key_expired",
        )
    return None


class VirtualKeyAuthenticator:
    """The master key, then the virtual keys; a key is required once either exists (module docstring).

    The master key is compared first, exactly as ``MasterKeyAuthenticator`` does, so its path is
    no slower; a virtual key costs one dict lookup and one SHA-256 (``KeyCache.find``).
    """

    def __init__(self, master_key: bytes | None, keys: KeyCache) -> None:
        self._master = master_key
        self._keys = keys

    async def authenticate(self, head: RequestHead, *, x_api_key: bool = False) -> Principal:
        return self.check(head, x_api_key=x_api_key)

    def required(self) -> bool:
        return self._master is not None or self._keys.any_keys

    def check(self, head: RequestHead, *, x_api_key: bool = False) -> Principal:
        """The synchronous check (the admin API calls it too)."""
        master = self._master
        auth = head.authorization
        if auth is not None and head.api_key is None and auth[:7].lower() == b"bearer ":
            # The usual request: one Bearer key, nothing else to weigh.
            given = auth[7:].strip()
            if master is not None and hmac.compare_digest(given, master):
                return MASTER
            known = self._keys.find(given)
            if known is not None:
                refusal = _unusable(known)
                if refusal is not None:
                    raise refusal
                return known.principal
        return self._weigh(head.presented_keys(x_api_key=x_api_key), x_api_key)

    def _weigh(self, given: list[bytes], x_api_key: bool) -> Principal:
        """Every key the request carries (``x-api-key`` and a Bearer may both come); the first usable one wins."""
        master = self._master
        if not self.required():
            return ANONYMOUS
        if not given:
            raise _missing(x_api_key)
        # Every key given is compared, so the time taken does not tell which header matched.
        if master is not None and sum(hmac.compare_digest(candidate, master) for candidate in given):
            return MASTER
        refusal: AuthenticationFailed | None = None
        for candidate in given:
            known = self._keys.find(candidate)
            if known is None:
                continue
            problem = _unusable(known)
            if problem is None:
                return known.principal
            refusal = refusal or problem
        raise refusal or _incorrect(given[0])
