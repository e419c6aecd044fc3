"""Virtual keys: their format, their secrets, and the cache that checks them without a database read.

A key reads ``fh_<24 hex>_<43 characters>``: the hex is the key's id (``key_<24 hex>``), the rest
a secret of 256 random bits (``secrets``, base64url). Naming the id lets a check be one dict
lookup and one SHA-256 of the presented secret, compared with ``hmac.compare_digest`` to the
stored hash: constant time in the secret. A plain SHA-256 is enough because the secret is
random and 256 bits long: there is no dictionary to try, and no amount of hashing speed makes
2^256 guesses feasible, so a slow password hash (bcrypt, argon2) would add milliseconds to every
request and no safety. Only the hash and the key's last four characters (its hint) are stored;
the key itself is shown once. Rotation draws a new secret for the same id and settings; the old
secret stops matching in the transaction that stores the new one.

``KeyCache`` holds every key and team of the store in memory. It loads them at start, then polls
the store's ``revision`` every ``REFRESH_SECONDS`` (one tiny query per process, never one per
request) and reloads everything when it has moved; a change made through this process refreshes
at once (``refresh``). So a revocation made on any replica is seen by every replica within about
``REFRESH_SECONDS`` plus one reload. When the database cannot be reached, the last state loaded
goes on serving (logged once), and changes wait until it answers again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Final

from freehold.context import Principal
from freehold.governance.model import Key, Team
from freehold.ids import new_id
from freehold.stores.keys import KeyStore, Snapshot

__all__ = [
    "KEY_PREFIX",
    "REFRESH_SECONDS",
    "Issued",
    "KeyCache",
    "Known",
    "hash_secret",
    "issue",
    "new_key_id",
    "new_team_id",
    "split",
    "valid_key_id",
]

log = logging.getLogger("freehold.keys")

KEY_PREFIX: Final = "fh_"
REFRESH_SECONDS: Final = 0.5
"""How often each process asks the store whether keys or teams changed."""

_ID_HEX: Final = 24
_SECRET_CHARS: Final = 43  # base64url of 32 bytes, unpadded
_SEP: Final = len(KEY_PREFIX) + _ID_HEX
_LENGTH: Final = _SEP + 1 + _SECRET_CHARS
_PREFIX_BYTES: Final = KEY_PREFIX.encode()
_POLL_TIMEOUT: Final = 5.0
_SLICE: Final = 1000
"""Keys built between two turns of the event loop in a reload."""


def new_key_id() -> str:
    return new_id("key_")


def new_team_id() -> str:
    return new_id("team_")


def valid_key_id(key_id: str) -> bool:
    """Whether ``key_id`` has the shape of the ids this module makes (``key_`` and 24 hex digits)."""
    return len(key_id) == 4 + _ID_HEX and key_id.startswith("key_") and all(c in "0123456789abcdef" for c in key_id[4:])


def hash_secret(secret: bytes) -> str:
    """The stored form of a secret: SHA-256, hex (see the module docstring for why that suffices)."""
    return hashlib.sha256(secret).hexdigest()


@dataclass(frozen=True, slots=True)
class Issued:
    """A new secret for a key: the key to hand out once, and what is stored of it."""

    key: str
    secret_hash: str
    hint: str


def issue(key_id: str) -> Issued:
    """A fresh key for ``key_id`` (``key_<24 hex>``)."""
    assert valid_key_id(key_id), key_id
    secret = secrets.token_urlsafe(32)
    key = f"{KEY_PREFIX}{key_id[4:]}_{secret}"
    return Issued(key, hash_secret(secret.encode()), key[-4:])


def split(given: bytes) -> tuple[bytes, bytes] | None:
    """A presented key's id (its hex part) and secret; None when it is not shaped like a virtual key."""
    if len(given) != _LENGTH or not given.startswith(_PREFIX_BYTES) or given[_SEP : _SEP + 1] != b"_":
        return None
    return given[len(_PREFIX_BYTES) : _SEP], given[_SEP + 1 :]


@dataclass(frozen=True, slots=True)
class Known:
    """A key as the request path checks it: built once per reload, so a check allocates nothing."""

    key: Key
    principal: Principal
    digest: bytes
    expires: float | None
    """``key.expires_at`` as a Unix time."""


class KeyCache:
    """Every key and team in memory, kept in step with the store (see the module docstring)."""

    def __init__(self, store: KeyStore, *, interval: float = REFRESH_SECONDS) -> None:
        self.store = store
        self._interval = interval
        self._known: dict[bytes, Known] = {}
        self.keys: dict[str, Key] = {}
        self.teams: dict[str, Team] = {}
        self.revision = -1
        self.any_keys = False
        """Whether the store holds any key, revoked and expired ones included: then every request needs one."""
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    def find(self, given: bytes) -> Known | None:
        """The key ``given`` is, if its secret matches: one dict lookup, one hash, one constant-time compare."""
        parts = split(given)
        if parts is None:
            return None
        known = self._known.get(parts[0])
        if known is None:
            return None
        if not hmac.compare_digest(hashlib.sha256(parts[1]).digest(), known.digest):
            return None
        return known

    async def load(self, snapshot: Snapshot) -> None:
        """Replace the cached state with ``snapshot`` (one assignment per map: readers never see a half).

        Built in slices, so that requests are served in between.
        """
        teams = {team.id: team for team in snapshot.teams}
        known: dict[bytes, Known] = {}
        for count, key in enumerate(snapshot.keys, 1):
            if count % _SLICE == 0:
                await asyncio.sleep(0)
            team = teams.get(key.team_id) if key.team_id is not None else None
            principal = Principal(key.id, "key", name=key.name, key=key, team=team)
            expires = key.expires_at.timestamp() if key.expires_at is not None else None
            known[key.id[4:].encode()] = Known(key, principal, bytes.fromhex(key.secret_hash), expires)
        first, had_keys = self.revision < 0, self.any_keys
        self._known, self.teams = known, teams
        self.keys = {key.id: key for key in snapshot.keys}
        self.any_keys = bool(snapshot.keys)
        self.revision = snapshot.revision
        if self.any_keys and not had_keys and not first:
            log.warning("the first virtual key was created: from now on every request must carry a key")
        log.debug("keys: revision %d, %d key(s), %d team(s)", snapshot.revision, len(known), len(teams))

    async def refresh(self, *, force: bool = False) -> None:
        """Reload if the store's revision moved (or always, with ``force``)."""
        async with self._lock:
            if force or await self.store.revision() != self.revision:
                await self.load(await self.store.snapshot())

    async def start(self) -> None:
        """Load everything (a failure here stops the start), then keep polling in the background."""
        await self.refresh(force=True)
        self._task = asyncio.get_running_loop().create_task(self._poll(), name="freehold-key-cache")

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                async with asyncio.timeout(_POLL_TIMEOUT):  # a hung database must not stall the polling for good
                    await self.refresh()
            except Exception as exc:
                if not self._failing:
                    log.warning("keys: cannot read the key store (%s); serving the keys loaded last", exc)
                self._failing = True
            else:
                if self._failing:
                    log.info("keys: the key store answers again")
                self._failing = False

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
