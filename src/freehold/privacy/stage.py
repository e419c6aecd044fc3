"""``PrivacyStage``: the privacy policies on every door and operation, and restoration of answers.

``before`` finds the request's policy (``policy.policy_for``), walks its texts (``walk.py``),
detects, and applies the policy: ``block`` refuses (400 ``pii_blocked``, categories and counts,
never values); ``redact`` and ``pseudonymize`` rewrite the texts; ``local_only`` restricts the
deployments to those marked ``local: true`` (503 ``privacy_local_only_unavailable`` when the
alias has none; the engine's own error, prefixed with the reason, when they are all down). It
leaves for the audit stage ``ctx.stage_state("privacy")`` = ``{"policy", "categories", "action"}``
(counts, never values), records ``ctx.decide("privacy", ...)`` and the response header
``x-freehold-privacy: pseudonymize; EMAIL=2``.

The mapping of a pseudonymized request is kept apart, in ``ctx.stage_state("privacy.restore")``,
for ``after`` (a whole answer) and ``on_chunk``/``on_end`` (a stream, ``restore.py``); only such
a request's stream is parsed (``streams``), every other keeps the fast path. Bootstrap builds the
stage only when the gateway file configures a policy, right after the key and rate-limit stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from freehold.config.privacy import PoliciesSection
from freehold.context import RequestContext
from freehold.errors import LocalOnlyUnavailable, PrivacyBlocked, PrivacyUnscanned
from freehold.pipeline import Stage
from freehold.privacy.policy import Outcome, apply_policy, policy_for
from freehold.privacy.pseudonymize import Table
from freehold.privacy.restore import StreamRestorer, restore_answer
from freehold.privacy.spans import Detector
from freehold.privacy.walk import chat_slots, embeddings_slots
from freehold.providers.base import ChatProvider
from freehold.usage import Ending

__all__ = ["PrivacyStage"]

_MAPPING = "privacy.restore"
"""The stage-state key of the request's placeholders (apart from what the audit reads)."""


class PrivacyStage(Stage):
    name = "privacy"

    def __init__(
        self,
        section: PoliciesSection,
        detector: Detector,
        local: frozenset[str],
        has_local: Mapping[str, bool],
    ) -> None:
        """Build the stage.

        ``local``: names of the deployments marked ``local: true``; ``has_local``: alias → whether
        one can serve it (its own or a fallback's).
        """
        self._section = section
        self._detector = detector
        self._local = local
        self._has_local = has_local

    def _is_local(self, provider: ChatProvider) -> bool:
        return provider.name in self._local

    async def before(self, ctx: RequestContext, request: Any) -> None:
        found = policy_for(self._section, ctx, request.model)
        if found is None:
            return
        name, policy = found
        if policy.inert:
            return
        texts = embeddings_slots(request.body) if ctx.operation == "embeddings" else chat_slots(request.body)
        if texts.unscanned and policy.unscanned == "block":
            parts = ", ".join(f"{kind}={n}" for kind, n in sorted(texts.unscanned.items()))
            ctx.decide(self.name, "block", f"policy {name}: unscanned {parts}")
            raise PrivacyUnscanned(
                f"The request was blocked by the privacy policy '{name}': it carries content the gateway cannot "
                f"inspect for personal data ({parts}; images, audio and non-text files are not scanned). "
                "Send it as text, or ask an administrator for a policy with 'unscanned: allow'.",
            )
        outcome = apply_policy(policy, self._detector, texts)
        actions = outcome.actions
        state = ctx.stage_state(self.name)
        state.update(policy=name, categories=dict(outcome.found), action="+".join(actions) or "none")
        if not outcome.found:
            return
        if "block" in actions:
            blocked = outcome.counts("block")
            ctx.decide(self.name, "block", f"policy {name}: {blocked}")
            raise PrivacyBlocked(
                f"The request was blocked by the privacy policy '{name}': it contains {blocked} "
                f"(category=count; the values are not shown). Remove them and send it again.",
            )
        summary = f"{','.join(actions)}; {outcome.counts()}"
        ctx.decide(self.name, "+".join(actions), f"policy {name}: {outcome.counts()}")
        ctx.add_header("x-freehold-privacy", summary)
        if "local_only" in actions:
            kept = outcome.counts("local_only")
            reason = f"the privacy policy '{name}' allows this request only on local deployments (it contains {kept})"
            if not self._has_local.get(request.model, False):
                raise LocalOnlyUnavailable(
                    f"The model '{request.model}' has no deployment marked 'local: true', and {reason}; "
                    "it was not sent anywhere."
                )
            ctx.restrict(self._is_local, reason, LocalOnlyUnavailable)  # still holds where routing sends it
        if outcome.pseudonyms:
            ctx.stage_state(_MAPPING)["table"] = outcome.pseudonyms.table()

    def _table(self, ctx: RequestContext) -> Table | None:
        state = ctx.state
        if state is None:
            return None
        found = state.get(_MAPPING)
        return found.get("table") if found else None

    async def after(self, ctx: RequestContext, answer: Any) -> None:
        table = self._table(ctx)
        if table is None or ctx.operation != "chat":
            return
        body = orjson.loads(answer.result.body)
        if isinstance(body, dict) and restore_answer(body, table):
            answer.result.body = orjson.dumps(body)

    def streams(self, ctx: RequestContext) -> bool:
        table = self._table(ctx)
        if table is None:
            return False
        ctx.stage_state(_MAPPING)["stream"] = StreamRestorer(table)
        return True

    def _restorer(self, ctx: RequestContext) -> StreamRestorer | None:
        state = ctx.state
        found = state.get(_MAPPING) if state is not None else None
        return found.get("stream") if found else None

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        restorer = self._restorer(ctx)
        return [chunk] if restorer is None else restorer.on_chunk(chunk)

    def on_end(self, ctx: RequestContext, ending: Ending) -> list[dict[str, Any]]:
        restorer = self._restorer(ctx)
        return [] if restorer is None else restorer.flush()


def summary_of(outcome: Outcome) -> str:
    """The header's value for an outcome (exposed for tests and the audit stage)."""
    return f"{','.join(outcome.actions)}; {outcome.counts()}"
