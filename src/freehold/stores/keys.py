"""The key store: teams and virtual keys, behind one protocol, with its in-memory twin.

Every change bumps one counter, the store's ``revision``, in the same transaction as the change:
replicas poll it (one tiny query each, never one per request) and reload the whole ``snapshot``
when it moves (``governance.keys.KeyCache``). Lookups return None for an unknown id; changes to
an unknown id raise ``NotFound``, changes that clash with what is stored raise ``Conflict``
(a team name taken, a team that still has keys, rotating a revoked key), and a key naming a team
that does not exist raises ``InvalidRequest``. ``stores.keys_sql`` is the SQL implementation;
``tests/contract/stores/test_key_store.py`` holds both to the same contract.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypedDict

from freehold.echo import clip
from freehold.errors import Conflict, InvalidRequest, NotFound
from freehold.governance.model import Budget, Key, OverBudget, Role, Team, WhenCountersDown

__all__ = [
    "KeyChanges",
    "KeyStore",
    "MemoryKeyStore",
    "Snapshot",
    "TeamChanges",
    "no_key",
    "no_team",
    "team_has_keys",
    "team_missing",
    "team_name_taken",
]


class TeamChanges(TypedDict, total=False):
    """The fields of a team an update may set (absent: unchanged; None: cleared)."""

    name: str
    budget: Budget | None
    rpm: int | None
    tpm: int | None
    metadata: dict[str, Any]


class KeyChanges(TypedDict, total=False):
    """The fields of a key an update may set (absent: unchanged; None: cleared)."""

    name: str
    team_id: str | None
    role: Role
    aliases: tuple[str, ...] | None
    rpm: int | None
    tpm: int | None
    budget: Budget | None
    priority: int
    over_budget: OverBudget
    when_counters_down: WhenCountersDown
    metadata: dict[str, Any]
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every team and key as of ``revision`` (the rows may be newer, never older)."""

    revision: int
    teams: tuple[Team, ...]
    keys: tuple[Key, ...]


class KeyStore(Protocol):
    async def create_team(self, team: Team) -> Team: ...

    async def get_team(self, team_id: str) -> Team | None: ...

    async def list_teams(self) -> list[Team]:
        """Every team, oldest first."""
        ...

    async def update_team(self, team_id: str, changes: TeamChanges) -> Team: ...

    async def delete_team(self, team_id: str) -> None:
        """Delete a team that no unrevoked key belongs to; its revoked keys are detached from it."""
        ...

    async def create_key(self, key: Key) -> Key: ...

    async def get_key(self, key_id: str) -> Key | None: ...

    async def list_keys(self, team_id: str | None = None) -> list[Key]:
        """Every key (or every key of ``team_id``), oldest first; revoked ones included."""
        ...

    async def update_key(self, key_id: str, changes: KeyChanges) -> Key: ...

    async def rotate_key(self, key_id: str, secret_hash: str, hint: str) -> Key:
        """Give the key a new secret; the old one stops matching in the same transaction."""
        ...

    async def revoke_key(self, key_id: str, at: datetime) -> Key:
        """Mark the key revoked at ``at``; revoking it again keeps the first time."""
        ...

    async def revision(self) -> int:
        """The change counter: any change to a team or key moves it."""
        ...

    async def snapshot(self) -> Snapshot: ...

    async def close(self) -> None: ...


def no_team(team_id: str) -> NotFound:
    return NotFound(f"No team with id {clip(team_id)}.")


def no_key(key_id: str) -> NotFound:
    return NotFound(f"No key with id {clip(key_id)}.")


def team_missing(team_id: str) -> InvalidRequest:
    return InvalidRequest(f"team_id: no team with id {clip(team_id)}; create it first.", param="team_id")


def team_name_taken(name: str) -> Conflict:
    return Conflict(f"A team named {clip(name)} already exists; team names are unique.")


def team_has_keys(team_id: str, count: int) -> Conflict:
    return Conflict(
        f"Team {clip(team_id)} still has {count} key(s) that are not revoked; revoke them or move them to "
        "another team first."
    )


def key_revoked(key: Key) -> Conflict:
    assert key.revoked_at is not None
    return Conflict(f"Key {clip(key.id)} was revoked at {key.revoked_at.isoformat()}; a revoked key stays revoked.")


def _now() -> datetime:
    return datetime.now(UTC)


class MemoryKeyStore:
    """The in-memory twin: the same contract, for unit tests and as the reference behaviour."""

    def __init__(self) -> None:
        self._teams: dict[str, Team] = {}
        self._keys: dict[str, Key] = {}
        self._revision = 0

    def _bump(self) -> None:
        self._revision += 1

    async def create_team(self, team: Team) -> Team:
        if team.id in self._teams:
            raise Conflict(f"A team with id {clip(team.id)} already exists.")
        if any(t.name == team.name for t in self._teams.values()):
            raise team_name_taken(team.name)
        self._teams[team.id] = team
        self._bump()
        return team

    async def get_team(self, team_id: str) -> Team | None:
        return self._teams.get(team_id)

    async def list_teams(self) -> list[Team]:
        return sorted(self._teams.values(), key=lambda t: (t.created_at, t.id))

    async def update_team(self, team_id: str, changes: TeamChanges) -> Team:
        team = self._teams.get(team_id)
        if team is None:
            raise no_team(team_id)
        name = changes.get("name")
        if name is not None and any(t.name == name and t.id != team_id for t in self._teams.values()):
            raise team_name_taken(name)
        team = self._teams[team_id] = dataclasses.replace(team, **changes, updated_at=_now())
        self._bump()
        return team

    async def delete_team(self, team_id: str) -> None:
        if team_id not in self._teams:
            raise no_team(team_id)
        members = [k for k in self._keys.values() if k.team_id == team_id]
        active = sum(k.revoked_at is None for k in members)
        if active:
            raise team_has_keys(team_id, active)
        for key in members:
            self._keys[key.id] = dataclasses.replace(key, team_id=None, updated_at=_now())
        del self._teams[team_id]
        self._bump()

    async def create_key(self, key: Key) -> Key:
        if key.id in self._keys:
            raise Conflict(f"A key with id {clip(key.id)} already exists.")
        if key.team_id is not None and key.team_id not in self._teams:
            raise team_missing(key.team_id)
        self._keys[key.id] = key
        self._bump()
        return key

    async def get_key(self, key_id: str) -> Key | None:
        return self._keys.get(key_id)

    async def list_keys(self, team_id: str | None = None) -> list[Key]:
        keys = [k for k in self._keys.values() if team_id is None or k.team_id == team_id]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    async def update_key(self, key_id: str, changes: KeyChanges) -> Key:
        key = self._keys.get(key_id)
        if key is None:
            raise no_key(key_id)
        team_id = changes.get("team_id")
        if team_id is not None and team_id not in self._teams:
            raise team_missing(team_id)
        key = self._keys[key_id] = dataclasses.replace(key, **changes, updated_at=_now())
        self._bump()
        return key

    async def rotate_key(self, key_id: str, secret_hash: str, hint: str) -> Key:
        key = self._keys.get(key_id)
        if key is None:
            raise no_key(key_id)
        if key.revoked_at is not None:
            raise key_revoked(key)
        key = self._keys[key_id] = dataclasses.replace(key, secret_hash=secret_hash, hint=hint, updated_at=_now())
        self._bump()
        return key

    async def revoke_key(self, key_id: str, at: datetime) -> Key:
        key = self._keys.get(key_id)
        if key is None:
            raise no_key(key_id)
        if key.revoked_at is None:
            key = self._keys[key_id] = dataclasses.replace(key, revoked_at=at, updated_at=_now())
            self._bump()
        return key

    async def revision(self) -> int:
        return self._revision

    async def snapshot(self) -> Snapshot:
        return Snapshot(self._revision, tuple(await self.list_teams()), tuple(await self.list_keys()))

    async def close(self) -> None:
        return None
