"""Managing teams and keys: what the admin API (``api/admin_routes``) and the CLI (``freehold keys|teams``) share.

The request bodies are strict pydantic models that refuse unknown fields, and both front ends
parse their input through ``parse`` from JSON bytes, so a rule holds the same over HTTP and on the
command line. Money comes in and goes out as strings of US dollars (``"10.00"``), never floats.
``KeyAdmin`` carries out the operations over a ``KeyStore`` and tells the caller's cache at once
(``changed``), so a change made through a gateway applies to its own next request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, TypeVar, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from freehold.echo import clip
from freehold.errors import InvalidRequest, NotFound
from freehold.governance.keys import issue, new_key_id, new_team_id, valid_key_id
from freehold.governance.model import Budget, Key, OverBudget, Period, Role, Team, WhenCountersDown
from freehold.governance.spend import Scope, SpendReader, spend_period
from freehold.stores.keys import KeyChanges, KeyStore, TeamChanges, no_key, no_team

__all__ = [
    "BudgetIn",
    "KeyAdmin",
    "KeyCreate",
    "KeyUpdate",
    "TeamCreate",
    "TeamUpdate",
    "key_json",
    "parse",
    "team_json",
    "usd_text",
    "when_text",
]


def _dollars(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError('give US dollars as a string, e.g. "10.00" (a JSON number may lose cents)')
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError(f'{clip(value)} is not an amount of US dollars, e.g. "10.00"') from None
    if not amount.is_finite():
        raise ValueError(f'{clip(value)} is not an amount of US dollars, e.g. "10.00"')
    return amount


Usd = Annotated[Decimal, BeforeValidator(_dollars), Field(ge=0, max_digits=15, decimal_places=10)]
"""Up to 15 significant digits and 10 decimal places: what both databases store exactly."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AliasName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Limit = Annotated[int, Field(ge=1, le=1_000_000_000)]
Priority = Annotated[int, Field(ge=-1000, le=1000)]


def _utc(value: object) -> object:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    not_null: ClassVar[frozenset[str]] = frozenset()
    """Fields an update may leave out but not set to null."""

    @model_validator(mode="after")
    def _not_null(self) -> _Body:
        for name in self.not_null & self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def expiry(self) -> datetime | None:
        value = getattr(self, "expires_at", None)
        return _utc(value) if isinstance(value, datetime) else None  # type: ignore[return-value]


class BudgetIn(_Body):
    usd: Usd
    period: Period

    def budget(self) -> Budget:
        return Budget(self.usd, self.period)


class TeamCreate(_Body):
    name: Name
    budget: BudgetIn | None = None
    rpm: Limit | None = None
    tpm: Limit | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class TeamUpdate(_Body):
    not_null = frozenset({"name", "metadata"})
    name: Name | None = None
    budget: BudgetIn | None = None
    rpm: Limit | None = None
    tpm: Limit | None = None
    metadata: dict[str, Any] | None = None


class KeyCreate(_Body):
    name: Name
    team_id: str | None = None
    aliases: list[AliasName] | None = None
    rpm: Limit | None = None
    tpm: Limit | None = None
    budget: BudgetIn | None = None
    expires_at: datetime | None = None
    priority: Priority = 0
    role: Role = "user"
    over_budget: OverBudget = "lower"
    when_counters_down: WhenCountersDown = "refuse"
    metadata: dict[str, Any] = Field(default_factory=dict)


class KeyUpdate(_Body):
    not_null = frozenset({"name", "priority", "role", "over_budget", "when_counters_down", "metadata"})
    name: Name | None = None
    team_id: str | None = None
    aliases: list[AliasName] | None = None
    rpm: Limit | None = None
    tpm: Limit | None = None
    budget: BudgetIn | None = None
    expires_at: datetime | None = None
    priority: Priority | None = None
    role: Role | None = None
    over_budget: OverBudget | None = None
    when_counters_down: WhenCountersDown | None = None
    metadata: dict[str, Any] | None = None


M = TypeVar("M", bound=_Body)


def parse(model: type[M], raw: bytes) -> M:
    """``raw`` (a JSON object) as ``model``; every problem in one 400 that names the fields at fault."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise InvalidRequest(_describe(model, exc)) from None


def _describe(model: type[_Body], exc: ValidationError) -> str:
    problems: list[str] = []
    errors = exc.errors(include_url=False, include_input=False)
    for error in sorted(errors, key=lambda e: e["type"] != "extra_forbidden"):  # unknown fields first
        loc = error["loc"]
        where = ".".join(str(part) for part in loc)
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            accepted = ", ".join(_model_at(model, loc[:-1]).model_fields)
            problems.append(f"unknown field {clip(where)} (the fields accepted there: {accepted})")
        elif error["type"] == "json_invalid":
            problems.append(f"the body is not valid JSON ({message})")
        elif error["type"] == "model_type" and not loc:
            problems.append("the body must be a JSON object")
        else:
            problems.append(f"{where}: {message}" if where else message)
    return "Invalid request body: " + "; ".join(problems) + "."


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    """The model of the object at ``loc`` (a nested body such as ``budget``)."""
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None:
            break
        inner = [t for t in (field.annotation, *get_args(field.annotation)) if isinstance(t, type)]
        nested = next((t for t in inner if issubclass(t, BaseModel)), None)
        if nested is None:
            break
        model = nested
    return model


# Rendering.


def usd_text(value: Decimal) -> str:
    """Dollars as the API writes them: at least two decimal places, no exponent, no trailing zeros beyond."""
    whole, _, cents = format(value.normalize(), "f").partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


def when_text(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _budget_json(budget: Budget | None) -> dict[str, str] | None:
    return None if budget is None else {"usd": usd_text(budget.usd), "period": budget.period}


def team_json(team: Team) -> dict[str, Any]:
    return {
        "id": team.id,
        "object": "team",
        "name": team.name,
        "budget": _budget_json(team.budget),
        "rpm": team.rpm,
        "tpm": team.tpm,
        "metadata": team.metadata,
        "created_at": when_text(team.created_at),
        "updated_at": when_text(team.updated_at),
    }


def key_status(key: Key, now: datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    return "active" if key.usable_at(now) else "expired"


def key_json(key: Key, *, secret: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """A key as the API shows it: never its hash; the key itself only with ``secret`` (creation, rotation)."""
    out: dict[str, Any] = {"id": key.id, "object": "key"}
    if secret is not None:
        out["key"] = secret
    out |= {
        "name": key.name,
        "hint": key.hint,
        "status": key_status(key, now or datetime.now(UTC)),
        "team_id": key.team_id,
        "role": key.role,
        "aliases": None if key.aliases is None else list(key.aliases),
        "rpm": key.rpm,
        "tpm": key.tpm,
        "budget": _budget_json(key.budget),
        "priority": key.priority,
        "over_budget": key.over_budget,
        "when_counters_down": key.when_counters_down,
        "metadata": key.metadata,
        "expires_at": when_text(key.expires_at),
        "revoked_at": when_text(key.revoked_at),
        "created_at": when_text(key.created_at),
        "updated_at": when_text(key.updated_at),
    }
    return out


# Operations.


class KeyAdmin:
    """The operations on teams and keys, over ``store``.

    Args:
        aliases: the aliases this gateway serves; allow-lists naming others are refused (None: any
            name, for the CLI, which has no gateway file).
        changed: awaited after every change (a gateway's cache refresh).
    """

    def __init__(
        self,
        store: KeyStore,
        spend: SpendReader,
        *,
        aliases: Collection[str] | None = None,
        changed: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self._spend = spend
        self._aliases = aliases
        self._changed = changed

    async def _done(self) -> None:
        if self._changed is not None:
            await self._changed()

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

    async def create_team(self, spec: TeamCreate) -> Team:
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
        team = await self.store.create_team(team)
        await self._done()
        return team

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

    async def update_team(self, team_id: str, patch: TeamUpdate) -> Team:
        changes: dict[str, Any] = {name: getattr(patch, name) for name in patch.model_fields_set}
        if "budget" in changes:
            changes["budget"] = patch.budget.budget() if patch.budget else None
        team = await self.store.update_team(team_id, TeamChanges(**changes))  # type: ignore[typeddict-item]
        await self._done()
        return team

    async def delete_team(self, team_id: str) -> None:
        await self.store.delete_team(team_id)
        await self._done()

    # Keys.

    async def create_key(self, spec: KeyCreate) -> tuple[Key, str]:
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
        key = await self.store.create_key(key)
        await self._done()
        return key, issued.key

    async def key(self, key_id: str) -> Key:
        key = await self.store.get_key(key_id)
        if key is None:
            raise no_key(key_id)
        return key

    async def update_key(self, key_id: str, patch: KeyUpdate) -> Key:
        changes: dict[str, Any] = {name: getattr(patch, name) for name in patch.model_fields_set}
        if "budget" in changes:
            changes["budget"] = patch.budget.budget() if patch.budget else None
        if "aliases" in changes:
            changes["aliases"] = self._check_aliases(patch.aliases)
        if "expires_at" in changes:
            changes["expires_at"] = patch.expiry()
        key = await self.store.update_key(key_id, KeyChanges(**changes))  # type: ignore[typeddict-item]
        await self._done()
        return key

    async def rotate_key(self, key_id: str) -> tuple[Key, str]:
        """A new secret for the same key; the old one stops working at once."""
        if not valid_key_id(key_id):
            raise no_key(key_id)
        issued = issue(key_id)
        key = await self.store.rotate_key(key_id, issued.secret_hash, issued.hint)
        await self._done()
        return key, issued.key

    async def revoke_key(self, key_id: str) -> Key:
        key = await self.store.revoke_key(key_id, datetime.now(UTC))
        await self._done()
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
