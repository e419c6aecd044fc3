"""``freehold keys``: create, list, show, update, rotate and revoke virtual keys (docs/governance.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import orjson
import typer

from freehold.commands.governance import (
    BudgetOption,
    DatabaseOption,
    JsonOption,
    MetadataOption,
    PeriodOption,
    RpmOption,
    TpmOption,
    budget_body,
    clear_fields,
    emit,
    err,
    fields_table,
    metadata_body,
    out,
    parse_duration,
    rows_table,
    run,
)
from freehold.governance.admin import KeyAdmin
from freehold.governance.admin_models import KeyCreate, KeyUpdate, key_json, parse

__all__ = ["app"]

app = typer.Typer(help="Virtual keys: what clients send instead of the master key.", no_args_is_help=True)

TeamOption = Annotated[str | None, typer.Option("--team", help="The key's team (its id or name).")]
AliasOption = Annotated[
    list[str] | None, typer.Option("--alias", help="An alias the key may use (repeat it); none given: every alias.")
]
PriorityOption = Annotated[
    int | None, typer.Option(help="Queue priority, -1000..1000 (the x-freehold-priority header may only lower it).")
]
RoleOption = Annotated[str | None, typer.Option(help="user (default) or admin (may call the admin API).")]
ExpiresAtOption = Annotated[str | None, typer.Option(help="Expiry, ISO 8601 (UTC unless it says otherwise).")]
ExpiresInOption = Annotated[str | None, typer.Option(help="Expiry from now: 30d, 12h, 2w…")]
OverBudgetOption = Annotated[str | None, typer.Option(help="lower (default: shrink max_tokens) or refuse.")]
CountersDownOption = Annotated[
    str | None, typer.Option(help="refuse (default) or serve, when the counter store is unreachable.")
]
ClearOption = Annotated[
    list[str] | None,
    typer.Option("--clear", help="Clear a field (repeat it): team, aliases, rpm, tpm, budget, expires."),
]
_CLEARABLE = {
    "team": "team_id",
    "aliases": "aliases",
    "rpm": "rpm",
    "tpm": "tpm",
    "budget": "budget",
    "expires": "expires_at",
}
_LIST_COLUMNS = ["id", "name", "status", "team", "role", "aliases", "rpm", "tpm", "budget", "expires_at", "hint"]


async def _body(admin: KeyAdmin, flags: Mapping[str, Any]) -> bytes:
    """The request body of the options given to ``create`` or ``update`` (None: not given)."""
    fields = {
        "name": flags["name"],
        "team_id": await _team_id(admin, flags["team"]),
        "aliases": flags["alias"] or None,
        "rpm": flags["rpm"],
        "tpm": flags["tpm"],
        "budget": budget_body(flags["budget"], flags["period"]),
        "expires_at": _expiry(flags["expires_at"], flags["expires_in"]),
        "priority": flags["priority"],
        "role": flags["role"],
        "over_budget": flags["over_budget"],
        "when_counters_down": flags["when_counters_down"],
        "metadata": metadata_body(flags["metadata"]),
    }
    body = {name: value for name, value in fields.items() if value is not None}
    return orjson.dumps(body | clear_fields(flags.get("clear") or (), _CLEARABLE))


async def _team_id(admin: KeyAdmin, ref: str | None) -> str | None:
    return None if ref is None else (await admin.find_team(ref)).id


def _expiry(at: str | None, within: str | None) -> str | None:
    if at is not None and within is not None:
        err.print("[red]✗[/] give --expires-at or --expires-in, not both", highlight=False)
        raise typer.Exit(2)
    return parse_duration(within).isoformat() if within is not None else at


def _show_new(record: dict[str, Any], as_json: bool, what: str) -> None:
    """A key with its secret: printed once, with a reminder on stderr."""
    emit(as_json, record, lambda: fields_table({k: v for k, v in record.items() if k != "key"}, what))
    if not as_json:
        out.print(record["key"], highlight=False, markup=False, soft_wrap=True)
    err.print("[yellow]Store the key now: it is shown only once (only its hash is kept).[/]")


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="A name to tell the key by.")],
    team: TeamOption = None,
    alias: AliasOption = None,
    rpm: RpmOption = None,
    tpm: TpmOption = None,
    budget: BudgetOption = None,
    period: PeriodOption = None,
    expires_at: ExpiresAtOption = None,
    expires_in: ExpiresInOption = None,
    priority: PriorityOption = None,
    role: RoleOption = None,
    over_budget: OverBudgetOption = None,
    when_counters_down: CountersDownOption = None,
    metadata: MetadataOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Create a key; the key itself is printed once."""
    flags = locals()  # the command's options, by name

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        key, secret = await admin.create_key(parse(KeyCreate, await _body(admin, flags)))
        return key_json(key, secret=secret)

    _show_new(run(database_url, work), as_json, "New key")


@app.command("list")
def list_keys(team: TeamOption = None, as_json: JsonOption = False, database_url: DatabaseOption = None) -> None:
    """List keys (revoked ones too), oldest first."""

    async def work(admin: KeyAdmin) -> list[dict[str, Any]]:
        names = {t.id: t.name for t in await admin.store.list_teams()}
        keys = await admin.store.list_keys(await _team_id(admin, team))
        return [key_json(k) | ({"team": names.get(k.team_id)} if k.team_id else {}) for k in keys]

    records = run(database_url, work)
    data = {"object": "list", "data": [{k: v for k, v in r.items() if k != "team"} for r in records]}
    emit(as_json, data, lambda: rows_table("Keys", _LIST_COLUMNS, records))


@app.command("show")
def show(
    key_id: Annotated[str, typer.Argument(help="The key's id (key_…).")],
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Show a key, with what it has spent in its budget's current period."""

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        key = await admin.key(key_id)
        return key_json(key) | await admin.spend(key)

    record = run(database_url, work)
    emit(as_json, record, lambda: fields_table(record, f"Key {key_id}"))


@app.command("update")
def update(
    key_id: Annotated[str, typer.Argument(help="The key's id (key_…).")],
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    team: TeamOption = None,
    alias: AliasOption = None,
    rpm: RpmOption = None,
    tpm: TpmOption = None,
    budget: BudgetOption = None,
    period: PeriodOption = None,
    expires_at: ExpiresAtOption = None,
    expires_in: ExpiresInOption = None,
    priority: PriorityOption = None,
    role: RoleOption = None,
    over_budget: OverBudgetOption = None,
    when_counters_down: CountersDownOption = None,
    metadata: MetadataOption = None,
    clear: ClearOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Change a key's settings (only the ones given); --clear removes one."""
    flags = locals()  # the command's options, by name

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        return key_json(await admin.update_key(key_id, parse(KeyUpdate, await _body(admin, flags))))

    record = run(database_url, work)
    emit(as_json, record, lambda: fields_table(record, f"Key {key_id}"))


@app.command("rotate")
def rotate(
    key_id: Annotated[str, typer.Argument(help="The key's id (key_…).")],
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Give a key a new secret (same id and settings); the old one stops working at once."""

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        key, secret = await admin.rotate_key(key_id)
        return key_json(key, secret=secret)

    _show_new(run(database_url, work), as_json, "Rotated key")


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (key_…).")],
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Revoke a key for good; running gateways refuse it within a second."""

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        return key_json(await admin.revoke_key(key_id))

    record = run(database_url, work)
    emit(as_json, record, lambda: fields_table(record, f"Revoked key {key_id}"))
