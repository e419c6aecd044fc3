"""The ``freehold`` command: ``serve`` and ``check``; ``db``, ``keys`` and ``teams`` live in ``commands/``."""

from __future__ import annotations

import logging.config
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from freehold import __version__
from freehold.commands import audit, db, feedback, keys, privacy, router, teams, usage
from freehold.commands.db import prepare_database, shown
from freehold.commands.governance import count_keys
from freehold.commands.routing import routing_table
from freehold.config.load import load_config
from freehold.config.model import GatewayConfig, deployment_name
from freehold.errors import ConfigError
from freehold.server.options import prepare, uvicorn_options
from freehold.settings import Settings, resolve_settings

__all__ = ["app", "main"]

app = typer.Typer(help="Freehold: a self-hosted LLM gateway.", no_args_is_help=True, add_completion=False)
app.add_typer(db.app, name="db")
app.add_typer(keys.app, name="keys")
app.add_typer(teams.app, name="teams")
app.add_typer(privacy.app, name="privacy")
app.add_typer(audit.app, name="audit")
app.add_typer(feedback.app, name="feedback")
app.add_typer(router.app, name="router")
app.command("usage")(usage.usage)
# Wide enough for the alias table when output is piped (Rich assumes 80 columns then).
err = Console(stderr=True, width=None if os.isatty(2) else 160)
out = Console(width=None if os.isatty(1) else 160)

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Gateway file (YAML).", envvar="FREEHOLD_CONFIG")]


def _load(path: Path, flags: dict[str, Any] | None = None) -> tuple[GatewayConfig, Settings]:
    try:
        config = load_config(path)
        return config, resolve_settings(flags, config.server)
    except ConfigError as exc:
        err.print(f"[bold red]{path}: invalid configuration[/]")
        _problems(exc)
        raise typer.Exit(2) from None


def _problems(exc: ConfigError) -> None:
    for line in exc.problems:
        err.print("  [red]✗[/] ", end="")
        err.print(line, highlight=False, markup=False, soft_wrap=True)


def _table(config: GatewayConfig) -> Table:
    table = Table(title="Aliases", show_lines=False)
    for col in ("alias", "deployment", "provider", "model", "endpoint", "weight", "timeout (s)", "key"):
        table.add_column(col)
    for alias, spec in config.aliases.items():
        if spec.router is not None:  # no deployments of its own: the routing table shows its targets
            table.add_row(alias, "(router)", "-", f"{spec.router.strong} | {spec.router.weak}", "-", "-", "-", "-")
        for dep in spec.deployments:
            key = getattr(dep, "api_key", None)
            table.add_row(
                alias,
                deployment_name(alias, dep),
                dep.provider,
                dep.model,
                getattr(dep, "api_base", "(built in)"),
                f"{dep.weight:g}",
                f"{dep.timeout.connect:g}/{dep.timeout.read:g}/{dep.timeout.total:g}",
                "set" if key is not None else "-",
            )
    return table


@app.command()
def check(config: Annotated[Path, typer.Argument(help="Gateway file (YAML) to validate.")]) -> None:
    """Validate a gateway file and show what it would serve (secrets are resolved, never shown)."""
    cfg, settings = _load(config)
    out.print(_table(cfg))
    from freehold.bootstrap import check_buildable  # the runtime's imports, only for this command

    try:
        check_buildable(cfg, settings)
    except ConfigError as exc:
        err.print(f"[bold red]{config}: invalid configuration[/]")
        _problems(exc)
        raise typer.Exit(2) from None
    if cfg.routed_aliases():
        try:
            routes = routing_table(cfg)
        except ConfigError as exc:
            err.print(f"[bold red]{config}: invalid configuration[/]")
            _problems(exc)
            raise typer.Exit(2) from None
        out.print(routes)
    out.print(
        f"[green]✓[/] {config} is valid: {len(cfg.aliases)} alias(es), would listen on {settings.host}:{settings.port}"
    )


@app.command()
def serve(
    config: ConfigOption = Path("examples/quickstart.yaml"),
    host: Annotated[str | None, typer.Option(help="Listen address. [env FREEHOLD_HOST, default 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port. [env FREEHOLD_PORT, default 8080]")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes. [env FREEHOLD_WORKERS, default 1]")] = None,
    log_level: Annotated[str | None, typer.Option(help="debug|info|warning|error. [env FREEHOLD_LOG_LEVEL]")] = None,
    access_log: Annotated[
        bool | None, typer.Option("--access-log/--no-access-log", help="One log line per request.")
    ] = None,
) -> None:
    """Run the gateway."""
    import uvicorn

    from freehold.observability.logging import log_config

    flags = {"host": host, "port": port, "workers": workers, "log_level": log_level, "access_log": access_log}
    cfg, settings = _load(config, flags)
    logging.config.dictConfig(log_config(settings.log_level))  # uvicorn applies it again, per worker
    err.print(_table(cfg))
    try:
        database = prepare_database(settings)
    except ConfigError as exc:
        for line in exc.problems:
            err.print("  [red]✗[/] ", end="")
            err.print(line, highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    err.print(f"Database: {shown(database)}", highlight=False)
    if cfg.privacy.audit.enabled:
        err.print(audit.banner(settings), highlight=False)
    virtual = count_keys(database)
    if settings.master_key is None and not virtual:
        err.print(
            "[yellow]FREEHOLD_MASTER_KEY is not set and no virtual key exists: the gateway accepts requests without "
            "a key until one is created. Set it before exposing the gateway beyond this machine.[/]"
        )
    else:
        keys_held = "FREEHOLD_MASTER_KEY" if settings.master_key else ""
        if virtual:
            keys_held += f"{' or ' if keys_held else ''}one of the {virtual} virtual key(s) in the database"
        err.print(f"[green]Requests must carry a key: {keys_held}.[/]", highlight=False)
    err.print(
        f"Freehold {__version__} serving on http://{settings.host}:{settings.port}/v1 with {settings.workers} worker(s)"
    )
    limits = prepare(settings)  # workers inherit the raised descriptor limit and fit their own
    fitted = ""
    if limits.clamped:
        fitted = (
            f", lowered from {limits.requested_connections} to fit {limits.fd_limit} file descriptors at two per "
            "connection; raise 'ulimit -n' for more"
        )
    err.print(
        f"Connections: at most {limits.max_connections} per worker{fitted}. Request heads: up to "
        f"{limits.max_header_bytes} bytes within {limits.header_timeout:g}s. Idle keep-alive: "
        f"{limits.keep_alive_timeout:g}s. Drain at shutdown: {limits.drain_seconds:g}s.",
        highlight=False,
    )
    options = uvicorn_options(settings)
    if settings.workers > 1:
        # Each worker builds its own runtime from the same file (pools are per process).
        os.environ["FREEHOLD_CONFIG"] = str(config.resolve())
        for key, value in flags.items():
            if value is not None:
                os.environ["FREEHOLD_" + key.upper()] = str(value)
        uvicorn.run("freehold.worker:create_worker_app", factory=True, workers=settings.workers, **options)
    else:
        from freehold.app import create_app
        from freehold.bootstrap import build

        try:
            runtime = build(cfg, settings)
        except ConfigError as exc:
            _problems(exc)
            raise typer.Exit(2) from None
        uvicorn.run(create_app(runtime), **options)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


def main() -> None:
    app()
