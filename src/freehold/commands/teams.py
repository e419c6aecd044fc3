"""``freehold teams``: create, list, show, update and delete teams (docs/governance.md)."""

from __future__ import annotations

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
    fields_table,
    metadata_body,
    out,
    rows_table,
    run,
)
from freehold.governance.admin import KeyAdmin
from freehold.governance.admin_models import TeamCreate, TeamUpdate, parse, team_json

__all__ = ["app"]

app = typer.Typer(help="Teams: keys grouped under a shared budget and limits.", no_args_is_help=True)

TeamArgument = Annotated[str, typer.Argument(help="The team's id (team_…) or name.")]
ClearOption = Annotated[list[str] | None, typer.Option("--clear", help="Clear a field (repeat it): rpm, tpm, budget.")]
_CLEARABLE = {"rpm": "rpm", "tpm": "tpm", "budget": "budget"}


def _body(
    name: str | None, budget: str | None, period: str | None, rpm: int | None, tpm: int | None, metadata: str | None
) -> dict[str, Any]:
    """The request body of the flags given."""
    fields = {"name": name, "budget": budget_body(budget, period), "rpm": rpm, "tpm": tpm}
    fields["metadata"] = metadata_body(metadata)
    return {field: value for field, value in fields.items() if value is not None}


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The team's name (unique).")],
    budget: BudgetOption = None,
    period: PeriodOption = None,
    rpm: RpmOption = None,
    tpm: TpmOption = None,
    metadata: MetadataOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Create a team."""
    body = _body(name, budget, period, rpm, tpm, metadata)

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        return team_json(await admin.create_team(parse(TeamCreate, orjson.dumps(body))))

    record = run(database_url, work)
    emit(as_json, record, lambda: fields_table(record, "New team"))


@app.command("list")
def list_teams(as_json: JsonOption = False, database_url: DatabaseOption = None) -> None:
    """List teams, oldest first."""

    async def work(admin: KeyAdmin) -> list[dict[str, Any]]:
        return [team_json(t) for t in await admin.store.list_teams()]

    records = run(database_url, work)
    columns = ["id", "name", "budget", "rpm", "tpm", "created_at"]
    emit(as_json, {"object": "list", "data": records}, lambda: rows_table("Teams", columns, records))


@app.command("show")
def show(team: TeamArgument, as_json: JsonOption = False, database_url: DatabaseOption = None) -> None:
    """Show a team, with what it has spent in its budget's current period, and its keys."""

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        found = await admin.find_team(team)
        keys = await admin.store.list_keys(found.id)
        return team_json(found) | await admin.spend(found) | {"keys": [k.id for k in keys]}

    record = run(database_url, work)
    emit(as_json, record, lambda: fields_table(record, f"Team {record['name']}"))


@app.command("update")
def update(
    team: TeamArgument,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    budget: BudgetOption = None,
    period: PeriodOption = None,
    rpm: RpmOption = None,
    tpm: TpmOption = None,
    metadata: MetadataOption = None,
    clear: ClearOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Change a team's settings (only the ones given); --clear removes one."""
    body = _body(name, budget, period, rpm, tpm, metadata) | clear_fields(clear or (), _CLEARABLE)

    async def work(admin: KeyAdmin) -> dict[str, Any]:
        found = await admin.find_team(team)
        return team_json(await admin.update_team(found.id, parse(TeamUpdate, orjson.dumps(body))))

    record = run(database_url, work)
    emit(as_json, record, lambda: fields_table(record, f"Team {record['name']}"))


@app.command("delete")
def delete(team: TeamArgument, database_url: DatabaseOption = None) -> None:
    """Delete a team that no unrevoked key belongs to (its revoked keys are detached from it)."""

    async def work(admin: KeyAdmin) -> str:
        found = await admin.find_team(team)
        await admin.delete_team(found.id)
        return f"{found.id} ({found.name})"

    out.print(f"[green]✓[/] deleted team {run(database_url, work)}", highlight=False)
