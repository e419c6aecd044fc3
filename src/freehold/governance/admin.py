"""Managing teams and keys: what the admin API (``api/admin_routes``) and the CLI (``freehold keys|teams``) share.

``KeyAdmin`` carries them out over a ``KeyStore`` and tells the caller's cache at once
(``changed``), so a change made through a gateway applies to its own next request. Their bodies
and the JSON they answer with are in ``governance.admin_models``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from freehold.echo import clip
from freehold.errors import AuditUnavailable, InvalidRequest, NotFound
from freehold.governance.admin_models import KeyCreate, KeyUpdate, TeamCreate, TeamUpdate, usd_text, when_text
from freehold.governance.keys import issue, new_key_id, new_team_id, valid_key_id
from freehold.governance.model import Key, Team
from freehold.governance.spend import Scope, SpendReader, spend_period
from freehold.stores.keys import KeyChanges, KeyStore, TeamChanges, no_key, no_team

__all__ = ["AdminRecorder", "KeyAdmin"]

log = logging.getLogger("freehold.admin")
T = TypeVar("T")


class AdminRecorder(Protocol):
    """Where admin actions are recorded (the audit log's writer).

    ``admin`` raises ``AuditUnavailable`` when the record cannot be written: the action is then
    not carried out (an admin change the audit log does not show must not happen).
    """

    async def admin(self, action: str, actor: str, detail: Mapping[str, Any]) -> None: ...


class KeyAdmin:
    """The operations on teams and keys, over ``store``.

    Args:
        aliases: the aliases this gateway serves; allow-lists naming others are refused (None: any
            name, for the CLI, which has no gateway file).
        changed: awaited after every change (a gateway's cache refresh).
        audit: records every change (who, what, the fields given; never a secret) in the audit log.
    """

    def __init__(
        self,
        store: KeyStore,
        spend: SpendReader,
        *,
        aliases: Collection[str] | None = None,
        changed: Callable[[], Awaitable[None]] | None = None,
        audit: AdminRecorder | None = None,
    ) -> None:
        self.store = store
        self.audit = audit
        self._spend = spend
        self._aliases = aliases
        self._changed = changed

    async def _do(
        self,
        action: str,
        actor: str,
        target: str,
        work: Callable[[], Awaitable[T]],
        changes: Mapping[str, Any] | None = None,
    ) -> T:
        """Record ``action`` in the audit log, then carry it out (``work``); refused if it cannot be recorded.

        Journal first, as requests are: a change is never made unrecorded. If ``work`` then fails,
        ``<action>.failed`` follows (with the error's class; best effort: the first record already
        says it was attempted).
        """
        if self.audit is not None:
            detail: dict[str, Any] = {"target": target}
            if changes is not None:
                detail["changes"] = dict(changes)
            await self.audit.admin(action, actor, detail)
        try:
            result = await work()
        except Exception as exc:
            if self.audit is not None:
                try:
                    await self.audit.admin(f"{action}.failed", actor, {"target": target, "error": type(exc).__name__})
                except AuditUnavailable:
                    log.error("audit log: %s of %s failed and the failure could not be recorded", action, target)
            raise
        if self._changed is not None:
            await self._changed()
        return result

    def _check_aliases(self, aliases: list[str] | None) -> tuple[str, ...] | None:
        if aliases is None:
            return None
        if self._aliases is not None:
            unknown = [a for a in aliases if a not in self._aliases]
            if unknown:
                raise InvalidRequest(
                    f"aliases: {', '.join(clip(a) for a in unknown)} not served by this gateway; "
                    f"it serves: {', '.join(self._aliases)}.",
                    param="aliases",
                )
        return tuple(dict.fromkeys(aliases))

    # Teams.

    async def create_team(self, spec: TeamCreate, actor: str = "cli") -> Team:
        now = datetime.now(UTC)
        team = Team(
            id=new_team_id(),
            name=spec.name,
            budget=spec.budget.budget() if spec.budget else None,
            rpm=spec.rpm,
            tpm=spec.tpm,
            metadata=spec.metadata,
            created_at=now,
            updated_at=now,
        )
        store = self.store
        return await self._do(
            "team.created", actor, team.id, lambda: store.create_team(team), spec.model_dump(mode="json")
        )

    async def team(self, team_id: str) -> Team:
        team = await self.store.get_team(team_id)
        if team is None:
            raise no_team(team_id)
        return team

    async def find_team(self, ref: str) -> Team:
        """A team by id or by name."""
        team = await self.store.get_team(ref)
        if team is None:
            team = next((t for t in await self.store.list_teams() if t.name == ref), None)
        if team is None:
            raise NotFound(f"No team with id or name {clip(ref)}.")
        return team

    async def update_team(self, team_id: str, patch: TeamUpdate, actor: str = "cli") -> Team:
        changes: dict[str, Any] = {name: getattr(patch, name) for name in patch.model_fields_set}
        if "budget" in changes:
            changes["budget"] = patch.budget.budget() if patch.budget else None
        update = TeamChanges(**changes)  # type: ignore[typeddict-item]
        given = patch.model_dump(mode="json", exclude_unset=True)
        return await self._do("team.updated", actor, team_id, lambda: self.store.update_team(team_id, update), given)

    async def delete_team(self, team_id: str, actor: str = "cli") -> None:
        await self._do("team.deleted", actor, team_id, lambda: self.store.delete_team(team_id))

    # Keys.

    async def create_key(self, spec: KeyCreate, actor: str = "cli") -> tuple[Key, str]:
        """The new key, and the key itself (shown once)."""
        now = datetime.now(UTC)
        expires = spec.expiry()
        if expires is not None and expires <= now:
            raise InvalidRequest(f"expires_at: {when_text(expires)} is in the past.", param="expires_at")
        key_id = new_key_id()
        issued = issue(key_id)
        key = Key(
            id=key_id,
            name=spec.name,
            secret_hash=issued.secret_hash,
            hint=issued.hint,
            team_id=spec.team_id,
            role=spec.role,
            aliases=self._check_aliases(spec.aliases),
            rpm=spec.rpm,
            tpm=spec.tpm,
            budget=spec.budget.budget() if spec.budget else None,
            priority=spec.priority,
            over_budget=spec.over_budget,
            when_counters_down=spec.when_counters_down,
            metadata=spec.metadata,
            expires_at=expires,
            created_at=now,
            updated_at=now,
        )
        made = await self._do(
            "key.created", actor, key_id, lambda: self.store.create_key(key), spec.model_dump(mode="json")
        )
        return made, issued.key

    async def key(self, key_id: str) -> Key:
        key = await self.store.get_key(key_id)
        if key is None:
            raise no_key(key_id)
        return key

    async def update_key(self, key_id: str, patch: KeyUpdate, actor: str = "cli") -> Key:
        changes: dict[str, Any] = {name: getattr(patch, name) for name in patch.model_fields_set}
        if "budget" in changes:
            changes["budget"] = patch.budget.budget() if patch.budget else None
        if "aliases" in changes:
            changes["aliases"] = self._check_aliases(patch.aliases)
        if "expires_at" in changes:
            changes["expires_at"] = patch.expiry()
        update = KeyChanges(**changes)  # type: ignore[typeddict-item]
        given = patch.model_dump(mode="json", exclude_unset=True)
        key = await self._do("key.updated", actor, key_id, lambda: self.store.update_key(key_id, update), given)
        return key

    async def rotate_key(self, key_id: str, actor: str = "cli") -> tuple[Key, str]:
        """A new secret for the same key; the old one stops working at once."""
        if not valid_key_id(key_id):
            raise no_key(key_id)
        issued = issue(key_id)
        key = await self._do(
            "key.rotated", actor, key_id, lambda: self.store.rotate_key(key_id, issued.secret_hash, issued.hint)
        )
        return key, issued.key

    async def revoke_key(self, key_id: str, actor: str = "cli") -> Key:
        when = datetime.now(UTC)
        key = await self._do("key.revoked", actor, key_id, lambda: self.store.revoke_key(key_id, when))
        return key

    async def spend(self, subject: Key | Team) -> dict[str, str]:
        """``spend_usd`` for the current period of the subject's budget (else its team's, else all time)."""
        team = None
        if isinstance(subject, Key) and subject.team_id is not None:
            team = await self.store.get_team(subject.team_id)
        period, since = spend_period(subject, team, datetime.now(UTC))
        scope: Scope = "key" if isinstance(subject, Key) else "team"
        usd = await self._spend.spend(scope, subject.id, since)
        return {"spend_usd": usd_text(usd), "spend_period": period, "spend_since": when_text(since) or ""}
