"""The gateway file's ``privacy:`` section: detection, policies and the audit log.

Each part is its own model (detection, policies, audit), validated at start-up like the rest.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from freehold.config.common import StrictModel
from freehold.privacy.spans import CATEGORIES, Category

__all__ = [
    "ACTIONS",
    "BUILT_IN",
    "METADATA_KEY",
    "Action",
    "AuditSection",
    "CustomPattern",
    "DenyList",
    "DetectionSection",
    "PoliciesSection",
    "Policy",
    "PrivacySection",
]

Action = Literal["allow", "block", "redact", "pseudonymize", "local_only"]
"""What a policy does with a finding (docs/privacy.md, "Policies")."""
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _regex(value: str) -> str:
    """Compiled now, so a bad pattern fails ``freehold check`` with its path, not the first request."""
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    if compiled.match(""):
        raise ValueError("matches the empty string, so it would match everywhere; make it require a character")
    return value


class CustomPattern(StrictModel):
    """An operator's own pattern: every match is a span of ``type``."""

    name: str = Field(min_length=1, max_length=100)
    """Shown in logs and the audit record, e.g. ``employee-id``."""
    type: Category
    """The category a match counts as (its policy action follows the category)."""
    pattern: Annotated[str, AfterValidator(_regex)]
    """A Python regular expression; use ``(?i)`` for case-insensitive and ``\\b`` for word edges."""
    score: float = Field(0.9, ge=0, le=1)
    """The confidence reported with each match."""


class DenyList(StrictModel):
    """Words or phrases that are always of ``type`` (project code names, customer names, hosts)."""

    type: Category
    values: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(min_length=1)
    """Matched case-insensitively as whole words (not inside a longer word)."""


class DetectionSection(StrictModel):
    """What is looked for (built-in detectors, custom patterns, deny-lists, the optional NER model)."""

    custom: list[CustomPattern] = []
    """Extra patterns, each with a ``name``, a ``type`` (one of the categories) and a ``pattern``."""
    deny: list[DenyList] = []
    """Exact words and phrases per category."""
    disable: list[Category] = []
    """Categories not looked for at all (custom patterns and deny-lists of them included)."""
    ner: bool = False
    """Find PERSON, LOCATION and ORGANIZATION with the NER model (needs ``pip install 'freehold[ner]'``)."""


ACTIONS: Final[tuple[Action, ...]] = ("allow", "block", "redact", "pseudonymize", "local_only")
METADATA_KEY: Final = "privacy_policy"
"""The key or team ``metadata`` field that names its privacy policy (``freehold keys create --metadata``)."""


class Policy(StrictModel):
    """What is done with each category found: ``action`` for all, ``categories`` per category.

    E.g. ``{action: pseudonymize, categories: {SECRET: block, IP_ADDRESS: allow}}``.
    """

    action: Action = "allow"
    """The action for every category not listed in ``categories``."""
    categories: dict[Category, Action] = Field(default_factory=dict)
    """Per-category actions, over ``action``."""
    unscanned: Literal["allow", "block"] = "allow"
    """What to do with content no detector reads (images, audio, PDFs and other binary files)."""

    @model_validator(mode="before")
    @classmethod
    def _known(cls, value: object) -> object:
        """Name the bad key and the choices, rather than pydantic's generic literal error."""
        if isinstance(value, str):
            value = {"action": value}  # `strict: local_only` is a policy with one action
        if not isinstance(value, dict):
            return value
        action = value.get("action", "allow")
        if action not in ACTIONS:
            raise ValueError(f"action: unknown action {action!r}; use one of: {', '.join(ACTIONS)}")
        categories = value.get("categories") or {}
        if isinstance(categories, dict):
            for category, act in categories.items():
                if category not in CATEGORIES:
                    raise ValueError(f"categories.{category}: unknown category; use one of: {', '.join(CATEGORIES)}")
                if act not in ACTIONS:
                    raise ValueError(f"categories.{category}: unknown action {act!r}; use one of: {', '.join(ACTIONS)}")
        if value.get("unscanned", "allow") not in ("allow", "block"):
            raise ValueError(f"unscanned: {value['unscanned']!r} is not allowed; use allow or block")
        return value

    def action_for(self, category: Category) -> Action:
        return self.categories.get(category, self.action)

    @property
    def may_keep_local(self) -> bool:
        """Some finding would restrict the request to local deployments."""
        return self.action == "local_only" or "local_only" in self.categories.values()

    @property
    def inert(self) -> bool:
        """Every category is allowed: nothing is ever done."""
        return (
            self.action == "allow" and all(a == "allow" for a in self.categories.values()) and self.unscanned == "allow"
        )


BUILT_IN: Final[dict[str, Policy]] = {action: Policy(action=action) for action in ACTIONS}
"""A policy per action, usable by name without a definition: ``default: pseudonymize``."""


class PoliciesSection(StrictModel):
    """What is done with what is found, per alias, key or team (docs/privacy.md, "Policies").

    Policies are named: ``definitions`` holds the operator's, and each action's name is a
    built-in policy that applies it to every category. Which one a request gets, first match
    wins: its key's (the key's ``metadata.privacy_policy``, else ``keys``), its team's (the
    team's ``metadata.privacy_policy``, else ``teams``), its alias's (``aliases``), ``default``.
    Nothing set: the privacy stage is not built and requests are untouched.
    """

    default: str | None = None
    """The policy of requests no key, team or alias override names."""
    definitions: dict[Annotated[str, Field(pattern=_NAME, max_length=100)], Policy] = Field(default_factory=dict)
    """Named policies, e.g. ``{strict: {action: local_only, categories: {SECRET: block}}}``."""
    aliases: dict[str, str] = Field(default_factory=dict)
    """Alias → policy name."""
    keys: dict[str, str] = Field(default_factory=dict)
    """Virtual key id → policy name (a key's own ``metadata.privacy_policy`` wins over this)."""
    teams: dict[str, str] = Field(default_factory=dict)
    """Team id → policy name (a team's own ``metadata.privacy_policy`` wins over this)."""

    @model_validator(mode="after")
    def _names_exist(self) -> PoliciesSection:
        for name in self.definitions:
            if name in BUILT_IN:
                raise ValueError(
                    f"definitions.{name}: '{name}' is a built-in policy (the action applied to every category); "
                    "choose another name"
                )
        known = [*BUILT_IN, *self.definitions]
        named: list[tuple[str, str | None]] = [("default", self.default)]
        for where, table in (("aliases", self.aliases), ("keys", self.keys), ("teams", self.teams)):
            named += [(f"{where}.{owner}", policy) for owner, policy in table.items()]
        for where, policy in named:
            if policy is not None and policy not in known:
                raise ValueError(f"{where}: unknown policy {policy!r}; use one of: {', '.join(known)}")
        return self

    @property
    def configured(self) -> bool:
        """Anything is set: the privacy stage runs (key and team metadata may then name policies too)."""
        return bool(self.default or self.definitions or self.aliases or self.keys or self.teams)

    def named(self, name: str) -> Policy | None:
        """The policy called ``name`` (a definition or a built-in), or None."""
        return self.definitions.get(name) or BUILT_IN.get(name)

    def local_only_problems(self, has_local: dict[str, bool]) -> tuple[list[str], list[str]]:
        """Errors and warnings for policies that may keep requests on local deployments where there are none.

        ``has_local``: alias → whether a deployment marked ``local: true`` can serve it (its own
        or its fallbacks'). An alias override that may need one where none exists is an error
        (every such request would fail); the default is a warning (its aliases' PII requests are
        refused with 503, which may be what is meant).
        """
        errors, warnings = [], []
        for alias, name in self.aliases.items():
            if alias not in has_local:
                known = ", ".join(has_local)
                errors.append(f"privacy.policies.aliases.{alias}: '{alias}' is not an alias; use one of: {known}")
                continue
            policy = self.named(name)
            if policy is not None and policy.may_keep_local and not has_local[alias]:
                errors.append(
                    f"privacy.policies.aliases.{alias}: policy '{name}' may allow a request only on local deployments, "
                    f"but no deployment of '{alias}' or its fallbacks is marked 'local: true'"
                )
        default = self.named(self.default) if self.default else None
        if default is not None and default.may_keep_local:
            bare = [a for a, local in has_local.items() if not local and a not in self.aliases]
            if bare:
                warnings.append(
                    f"privacy.policies.default: policy '{self.default}' may allow a request only on local deployments, "
                    f"but these aliases have none (such requests will be refused with 503): {', '.join(bare)}"
                )
        return errors, warnings


class AuditSection(StrictModel):
    """The tamper-evident audit log (docs/privacy.md, "Audit log")."""

    enabled: bool = True
    """Keep the HMAC-chained ``audit_log`` table: admin actions (keys, teams, budgets), privacy
    policy changes, and — see ``requests`` — a record per request."""
    requests: bool | None = None
    """Record every chat and embeddings request that reaches a provider (and those a privacy policy
    blocks): a record committed before dispatch and one after. Unset (the default): on exactly when
    a privacy policy is configured. It costs ~190 µs of gateway CPU per request on SQLite
    (bench/RESULTS.md, "Audit log"), so a gateway without privacy policies does not pay it unasked."""
    content: bool = False
    """Also record the raw request and answer. Off by default: the log then holds hashes, categories
    and counts, never the data itself."""


class PrivacySection(StrictModel):
    """Data that stays home: see docs/privacy.md."""

    detection: DetectionSection = DetectionSection()
    policies: PoliciesSection = PoliciesSection()
    audit: AuditSection = AuditSection()
