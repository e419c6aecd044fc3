"""Stages, and the pipeline that composes them per alias: where every control-plane feature plugs in.

The contract (docs/architecture.md draws it):

- ``before(ctx, request)`` runs in stage order before dispatch, for every operation (chat on
  every door, embeddings, token counting). It may read and rewrite the canonical request — its
  ``body``, and its ``model``: the alias that will serve it — restrict the deployments that may
  serve it (``ctx.restrict``), record a decision (``ctx.decide``), add a response header
  (``ctx.add_header``), or refuse by raising a ``RequestRejected``; the door renders that like
  any error. Each stage sees what the stages before it rewrote. It may also *answer* the request
  itself (``ctx.serve(body, deployment, source)``: the cache's hit): the later ``before`` stages
  still run and see ``ctx.served`` (budgets reserve nothing, the ledger records a hit), then no
  provider is asked; ``after``, the stream hooks (a stream is replayed from the whole answer) and
  ``done`` run as for a provider's answer, with ``ctx.attempts`` 0.
- ``after(ctx, answer)`` runs in reverse order on a whole answer (chat or embeddings), before it
  is rendered; it may replace ``answer.result.body`` (canonical JSON bytes).
- ``on_chunk(ctx, chunk)`` runs in reverse order on every chunk of a stream (one parsed
  ``chat.completion.chunk`` object), once, whatever the door; it returns the chunks to pass on:
  none to hold one back, several to release held ones.
- ``on_end(ctx, ending)`` runs at the end of every stream — ``complete``, ``upstream_cut`` or
  ``client_gone`` — and returns the chunks still held back (sent before the door's final frame
  when the client is still there).
- ``models(ctx, aliases)`` filters the aliases ``/v1/models`` lists to the principal asking.
- ``done(ctx, status)`` runs once per request, in reverse order, after its response has been sent
  or its client has left, however it ended (``status`` as the request metrics count it: the HTTP
  status, ``stream_error`` or 499). By then ``ctx.deployment``, ``ctx.attempts`` and, when an
  answer came, ``ctx.usage`` say what happened: the place for accounting. It must not block:
  work that waits (a database, a remote counter) is queued for the stage's own writer.

A stage overrides only the hooks it needs (the base class's are no-ops) and the pipeline calls
only the overridden ones, so a stage that only looks at requests costs streams nothing. Stages
are built once at start-up from the gateway file's ``stages:`` (bootstrap) and composed per
alias: an alias that no stage applies to runs exactly the path it would without a pipeline.
The stages of a request are those of the alias the client asked for, even when one of them
routes it to another alias.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from freehold.context import RequestContext
from freehold.usage import Ending

__all__ = ["HOOKS", "Pipeline", "Stage", "Stages", "load_stage"]


class Stage:
    """Base of every stage: each hook does nothing until a stage overrides it.

    ``name`` appears in decisions, logs and errors; it defaults to the class name.
    """

    name: str = ""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if not cls.__dict__.get("name"):
            cls.name = cls.__name__

    async def before(self, ctx: RequestContext, request: Any) -> None:
        """Before dispatch: ``request`` is a ``ChatRequest`` or ``EmbeddingsRequest`` (``ctx.operation`` says which)."""

    async def after(self, ctx: RequestContext, answer: Any) -> None:
        """On a whole answer (a ``gateway.Answer`` whose ``result`` is a ``Completion``)."""

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        """On one stream chunk: the chunks to pass on in its place."""
        return [chunk]

    def on_end(self, ctx: RequestContext, ending: Ending) -> list[dict[str, Any]]:
        """At the end of a stream, however it ended: the chunks still held back."""
        return []

    def streams(self, ctx: RequestContext) -> bool:
        """Whether this request's stream needs ``on_chunk``/``on_end`` (asked once, as the stream starts).

        A stage that watches only some requests' streams (budgets: those it reserved for) says
        no for the others, so that their bytes keep the fast path, unparsed.
        """
        return True

    def meters(self, ctx: RequestContext) -> bool:
        """Whether this stage's ``done`` needs the upstream's own token counts for this request.

        When a ``done`` stage says yes, a stream asks its upstream for usage (and strips it from a
        client that did not ask). Budgets say yes only for the requests they reserved for.
        """
        return True

    async def models(self, ctx: RequestContext, aliases: list[str]) -> list[str]:
        """The aliases ``ctx.principal`` may see, out of ``aliases``."""
        return aliases

    def done(self, ctx: RequestContext, status: int | str) -> None:
        """The request has ended (``ctx.usage`` holds its tokens when an answer came)."""


HOOKS = ("before", "after", "on_chunk", "on_end", "streams", "meters", "models", "done")


def _overrides(stage: Stage, hook: str) -> bool:
    return getattr(type(stage), hook) is not getattr(Stage, hook)


@dataclass(frozen=True, slots=True)
class Stages:
    """The stages of one alias, sorted by hook; empty tuples where no stage has the hook."""

    before: tuple[Stage, ...] = ()
    after: tuple[Stage, ...] = ()
    """In reverse order: the stage nearest the provider sees the answer first."""
    stream: tuple[Stage, ...] = ()
    """Stages with ``on_chunk`` or ``on_end``, in reverse order."""
    done: tuple[Stage, ...] = ()
    """Stages with ``done``, in reverse order; their presence makes the alias metered: the gateway
    works out each answer's usage as it ends (``ctx.usage``) rather than later in a batch, and
    asks a stream's upstream for its usage so that it is the vendor's, not an estimate."""

    @classmethod
    def of(cls, stages: Sequence[Stage]) -> Stages:
        backwards = tuple(reversed(stages))
        return cls(
            before=tuple(s for s in stages if _overrides(s, "before")),
            after=tuple(s for s in backwards if _overrides(s, "after")),
            stream=tuple(s for s in backwards if _overrides(s, "on_chunk") or _overrides(s, "on_end")),
            done=tuple(s for s in backwards if _overrides(s, "done")),
        )

    def __bool__(self) -> bool:
        return bool(self.before or self.after or self.stream or self.done)


_NONE = Stages()


class Pipeline:
    """Every configured stage, and which of them each alias runs."""

    def __init__(self, stages: Sequence[tuple[Stage, Iterable[str] | None]], aliases: Iterable[str]) -> None:
        """``stages`` in order, each with the aliases it applies to (None: every alias)."""
        self._all = [stage for stage, _ in stages]
        self._global = Stages.of([stage for stage, only in stages if only is None])
        self._by_alias: dict[str, Stages] = {}
        for alias in aliases:
            mine = [stage for stage, only in stages if only is None or alias in set(only)]
            self._by_alias[alias] = Stages.of(mine) if mine else _NONE
        self._models = tuple(s for s in self._all if _overrides(s, "models"))

    def __len__(self) -> int:
        return len(self._all)

    def stages(self, alias: str) -> Stages:
        """The stages for a request to ``alias``; an alias the gateway does not serve gets the global ones."""
        found = self._by_alias.get(alias)
        return found if found is not None else self._global

    async def models(self, ctx: RequestContext, aliases: list[str]) -> list[str]:
        for stage in self._models:
            aliases = await stage.models(ctx, aliases)
        return aliases


def load_stage(use: str, options: Mapping[str, Any]) -> Stage:
    """Build a stage from ``module:Class`` and its options (the gateway file's ``stages[i]``).

    Raises:
        ValueError: with what to fix (the config loader adds the key's path).
    """
    module_name, sep, class_name = use.partition(":")
    if not sep or not module_name or not class_name:
        raise ValueError(f"'use' must name a stage class as 'package.module:Class', got {use!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name!r}: {exc}") from None
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, Stage):
        raise ValueError(f"{use!r} is not a subclass of freehold.pipeline.Stage")
    try:
        return cls(**options)
    except TypeError as exc:
        raise ValueError(f"{use!r} does not take these options: {exc}") from None
