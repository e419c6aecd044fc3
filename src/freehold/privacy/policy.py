"""Which policy a request gets, and what applying it to the request's texts did.

Precedence, first match wins: the key's own ``metadata.privacy_policy``, the ``keys`` table (by
key id), the team's ``metadata.privacy_policy``, the ``teams`` table (by team id), the
``aliases`` table (the alias the client asked for), ``default``. A policy a key's or team's
metadata names that the gateway file does not define refuses the request (fail closed): the
gateway cannot know what the administrator meant to protect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from freehold.config.privacy import METADATA_KEY, Action, PoliciesSection, Policy
from freehold.context import RequestContext
from freehold.echo import clip
from freehold.errors import PermissionDenied
from freehold.privacy.pseudonymize import PLACEHOLDER, Pseudonyms, marker
from freehold.privacy.spans import Category, Detector, Span
from freehold.privacy.walk import Texts

__all__ = ["Outcome", "apply_policy", "policy_for"]

SEVERITY: tuple[Action, ...] = ("block", "local_only", "redact", "pseudonymize", "allow")
"""Actions from the strongest: the order the summary names them in."""


def policy_for(section: PoliciesSection, ctx: RequestContext, alias: str) -> tuple[str, Policy] | None:
    """The name and policy that apply to this request, or None (no policy: untouched)."""
    name: object = None
    key = ctx.principal.key
    if key is not None:
        name = key.metadata.get(METADATA_KEY) or section.keys.get(key.id)
        if name is not None:
            return _named(section, name, f"API key {key.id}")
    team = ctx.principal.team
    if team is not None:
        name = team.metadata.get(METADATA_KEY) or section.teams.get(team.id)
        if name is not None:
            return _named(section, name, f"team {team.id}")
    name = section.aliases.get(alias) or section.default
    if name is None:
        return None
    policy = section.named(name)
    assert policy is not None  # the file's names are checked at load
    return name, policy


def _named(section: PoliciesSection, name: object, owner: str) -> tuple[str, Policy]:
    policy = section.named(name) if isinstance(name, str) else None
    if policy is None:
        raise PermissionDenied(
            f"The {owner} names the privacy policy {clip(name)} in its metadata, which this gateway does not "
            "define; an administrator must correct the metadata or the gateway file's privacy.policies.",
            code="privacy_policy_unknown",
        )
    assert isinstance(name, str)
    return name, policy


@dataclass(slots=True)
class Outcome:
    """What a policy did to one request: counts per category and action, and the placeholders made."""

    found: dict[Category, int] = field(default_factory=dict)
    by_action: dict[Action, dict[Category, int]] = field(default_factory=dict)
    pseudonyms: Pseudonyms | None = None

    def count(self, action: Action, category: Category) -> None:
        # Plain dicts, not Counters: this runs for every finding, and Counter's methods are Python code.
        self.found[category] = self.found.get(category, 0) + 1
        counter = self.by_action.get(action)
        if counter is None:
            counter = self.by_action[action] = {}
        counter[category] = counter.get(category, 0) + 1

    @property
    def actions(self) -> list[Action]:
        """The actions taken, strongest first (``allow`` only when nothing else was)."""
        taken: list[Action] = [a for a in SEVERITY if a in self.by_action and a != "allow"]
        if not taken and self.found:
            taken.append("allow")
        return taken

    def counts(self, action: Action | None = None) -> str:
        """``EMAIL=2, SECRET=1``: categories and counts (of one action's findings), never values."""
        counter = self.found if action is None else self.by_action.get(action, {})
        return ", ".join(f"{category}={n}" for category, n in sorted(counter.items()))


def apply_policy(policy: Policy, detector: Detector, texts: Texts) -> Outcome:
    """Detect in every text and apply the policy's action to each finding, rewriting the texts.

    ``block`` findings are counted and nothing is rewritten (the caller refuses the request);
    ``local_only`` and ``allow`` findings are left in place; ``redact`` leaves ``[CATEGORY]``;
    ``pseudonymize`` leaves a placeholder consistent across the request.
    """
    outcome = Outcome()
    action_for = policy.action_for
    found: list[tuple[int, list[Span]]] = []
    for i, slot in enumerate(texts.slots):
        spans = detector.detect(slot.text)
        if spans:
            found.append((i, spans))
            for span in spans:
                outcome.count(action_for(span.type), span.type)
    if not found or "block" in outcome.by_action:
        return outcome
    if "pseudonymize" in outcome.by_action:
        # Placeholder-shaped text the client sent itself is never assigned (restoring would change it).
        taken = {m for slot in texts.slots if "<" in slot.text for m in PLACEHOLDER.findall(slot.text)}
        outcome.pseudonyms = Pseudonyms(taken)
    changed = False
    for i, spans in found:
        slot = texts.slots[i]
        text = slot.text
        pieces: list[str] = []
        at = 0
        for span in spans:
            action = action_for(span.type)
            if action == "redact":
                replacement = marker(span.type)
            elif action == "pseudonymize":
                assert outcome.pseudonyms is not None
                replacement = outcome.pseudonyms.placeholder(span.type, text[span.start : span.end])
            else:
                continue
            pieces += [text[at : span.start], replacement]
            at = span.end
        if pieces:
            pieces.append(text[at:])
            slot.write("".join(pieces))
            changed = True
    if changed:
        texts.commit()
    return outcome
