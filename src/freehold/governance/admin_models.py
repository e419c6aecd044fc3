"""The bodies of the admin API and the CLI (``governance.admin``), and the JSON they get back.

Strict pydantic models that refuse unknown fields; both front ends parse their input through
``parse``, from JSON bytes, so a rule holds the same over HTTP and on the command line. Money
comes in and goes out as strings of US dollars (``"10.00"``), never floats; times go out as
ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, TypeVar, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from freehold.echo import clip
from freehold.errors import InvalidRequest
from freehold.governance.model import Budget, Key, OverBudget, Period, Role, Team, WhenCountersDown, usd_text

__all__ = [
    "BudgetIn",
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


Usd = Annotated[Decimal, BeforeValidator(_dollars), Field(ge=0, max_digits=20, decimal_places=10)]  # as MONEY stores it
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
