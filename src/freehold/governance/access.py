"""The key access stage: a virtual key's allow-list of aliases, on every door and operation.

Bootstrap puts it first in every alias's pipeline, so a refused request costs nothing further
(no limit or budget is touched) and the alias checked is the one the client asked for, before any
stage routes it elsewhere; a fallback the gateway takes on its own is not the client's choice and
is not checked. A key without an allow-list, the master key and anonymous requests pass
untouched. Revoked and expired keys never get here: the authenticator refuses them.
"""

from __future__ import annotations

from typing import Any

from freehold.context import RequestContext
from freehold.echo import clip
from freehold.errors import PermissionDenied
from freehold.pipeline import Stage

__all__ = ["KeyAccess"]


class KeyAccess(Stage):
    name = "keys"

    async def before(self, ctx: RequestContext, request: Any) -> None:
        """Refuse an alias outside the key's allow-list (403), naming the aliases it may use."""
        key = ctx.principal.key
        if key is None or key.aliases is None or request.model in key.aliases:
            return
        allowed = ", ".join(key.aliases) if key.aliases else "none"
        raise PermissionDenied(
            f"This API key ({key.id}, {clip(key.name)}) may not use the model {clip(request.model)}. "
            f"The models it may use: {allowed}.",
            param="model",
        )

    async def models(self, ctx: RequestContext, aliases: list[str]) -> list[str]:
        """Only the aliases in the key's allow-list: the rest are absent from ``/v1/models``."""
        key = ctx.principal.key
        if key is None or key.aliases is None:
            return aliases
        allowed = key.aliases
        return [alias for alias in aliases if alias in allowed]
