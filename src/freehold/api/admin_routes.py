"""The admin API under ``/admin/``: teams and virtual keys (docs/governance.md).

Plain Starlette routes over raw ASGI, like the doors, rather than FastAPI: the bodies are
validated by the same strict pydantic models the CLI uses (``governance.admin``), errors must be
OpenAI-shaped 400s rather than FastAPI's 422s, and the authentication is the doors' own; what
FastAPI would add is an OpenAPI page, not worth a dependency on the gateway's import path.

Who may call it: the master key, or a virtual key whose role is ``admin`` (a ``user`` key gets
403). It is never open to anonymous callers, even while the gateway itself is (no master key and
no key yet): the first admin key comes from ``freehold keys create --role admin``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.routing import Route

from freehold.api.asgi import (
    ClientGone,
    Receive,
    RequestHead,
    Scope,
    Send,
    base_headers,
    error_response,
    json_response,
    read_body,
)
from freehold.api.auth import VirtualKeyAuthenticator
from freehold.api.usage_routes import UsageReport
from freehold.context import Principal
from freehold.errors import AuthenticationFailed, FreeholdError, PermissionDenied
from freehold.governance.admin import KeyAdmin
from freehold.governance.admin_models import KeyCreate, KeyUpdate, TeamCreate, TeamUpdate, key_json, parse, team_json

__all__ = ["ADMIN_PATHS", "AdminApi"]

log = logging.getLogger("freehold.admin")

MAX_ADMIN_BODY = 1024 * 1024
ADMIN_PATHS = "GET|POST /admin/teams, GET|PATCH|DELETE /admin/teams/{id}, GET|POST /admin/keys, " + (
    "GET|PATCH|DELETE /admin/keys/{id}, POST /admin/keys/{id}/rotate, GET /admin/usage"
)

Params = dict[str, str]
Handler = Callable[[Params, bytes, Scope], Awaitable[tuple[int, Any]]]


def _actor(scope: Scope) -> str:
    """Who is making the change: ``master`` or the admin key's id."""
    return f"admin-api:{scope.get('freehold.actor', '?')}"


class _Endpoint:
    """One admin path: authorize, read the body of a POST or PATCH, run the method's handler, render."""

    def __init__(self, api: AdminApi, handlers: dict[str, Handler]) -> None:
        self._api = api
        self._handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = RequestHead(scope)
        method = scope["method"]
        try:
            principal = self._api.authorize(head)
            raw = b""
            if method in ("POST", "PATCH"):
                head.check_json()
                raw = await read_body(receive, head, MAX_ADMIN_BODY)
            scope["freehold.actor"] = principal.id  # who made a change, for the audit log
            status, payload = await self._handlers[method](scope["path_params"], raw, scope)
        except FreeholdError as exc:
            await error_response(send, exc, head.request_id)
            return
        except ClientGone:
            return
        except Exception:
            log.exception("request %s: unexpected error in the admin API", head.request_id)
            await error_response(send, FreeholdError("The admin API hit an internal error."), head.request_id)
            return
        if method != "GET":
            log.info("admin: %s %s by %s (%s) → %d", method, scope["path"], principal.id, principal.kind, status)
        await json_response(send, status, orjson.dumps(payload), base_headers(head.request_id))


class AdminApi:
    def __init__(self, ops: KeyAdmin, auth: VirtualKeyAuthenticator, usage: UsageReport | None = None) -> None:
        self.ops = ops
        self._auth = auth
        self._usage = usage

    def authorize(self, head: RequestHead) -> Principal:
        """The master key or an admin key; 401 without a key, 403 for a user key."""
        if not self._auth.required():
            raise AuthenticationFailed(
                "The admin API needs a key, and this gateway has none yet: set FREEHOLD_MASTER_KEY, or create an "
                "admin key with `freehold keys create --name NAME --role admin`."
            )
        principal = self._auth.check(head, x_api_key=True)
        if principal.kind == "master" or (principal.key is not None and principal.key.role == "admin"):
            return principal
        raise PermissionDenied(
            "This key's role is 'user'; the admin API takes FREEHOLD_MASTER_KEY or a key created with role 'admin'."
        )

    def routes(self) -> list[Route]:
        def route(path: str, handlers: dict[str, Handler]) -> Route:
            return Route(path, _Endpoint(self, handlers), methods=list(handlers))

        return [
            route("/admin/teams", {"GET": self.list_teams, "POST": self.create_team}),
            route(
                "/admin/teams/{team_id}", {"GET": self.show_team, "PATCH": self.update_team, "DELETE": self.delete_team}
            ),
            route("/admin/keys", {"GET": self.list_keys, "POST": self.create_key}),
            route("/admin/keys/{key_id}", {"GET": self.show_key, "PATCH": self.update_key, "DELETE": self.revoke_key}),
            route("/admin/keys/{key_id}/rotate", {"POST": self.rotate_key}),
            *([route("/admin/usage", {"GET": self._usage.get})] if self._usage is not None else []),
        ]

    # Teams.

    async def list_teams(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        return 200, {"object": "list", "data": [team_json(t) for t in await self.ops.store.list_teams()]}

    async def create_team(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        return 201, team_json(await self.ops.create_team(parse(TeamCreate, raw), _actor(scope)))

    async def show_team(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        team = await self.ops.team(params["team_id"])
        return 200, team_json(team) | await self.ops.spend(team)

    async def update_team(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        return 200, team_json(await self.ops.update_team(params["team_id"], parse(TeamUpdate, raw), _actor(scope)))

    async def delete_team(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        await self.ops.delete_team(params["team_id"], _actor(scope))
        return 200, {"id": params["team_id"], "object": "team", "deleted": True}

    # Keys.

    async def list_keys(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        team_id = query.get("team_id", [None])[0]
        return 200, {"object": "list", "data": [key_json(k) for k in await self.ops.store.list_keys(team_id)]}

    async def create_key(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        key, secret = await self.ops.create_key(parse(KeyCreate, raw), _actor(scope))
        return 201, key_json(key, secret=secret)

    async def show_key(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        key = await self.ops.key(params["key_id"])
        return 200, key_json(key) | await self.ops.spend(key)

    async def update_key(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        return 200, key_json(await self.ops.update_key(params["key_id"], parse(KeyUpdate, raw), _actor(scope)))

    async def rotate_key(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        key, secret = await self.ops.rotate_key(params["key_id"], _actor(scope))
        return 200, key_json(key, secret=secret)

    async def revoke_key(self, params: Params, raw: bytes, scope: Scope) -> tuple[int, Any]:
        return 200, key_json(await self.ops.revoke_key(params["key_id"], _actor(scope)))
