"""The error tree: every failure the gateway can report, with the data callers decide on.

```
FreeholdError
├── RequestRejected            the caller's doing; never retried, never falls back
│   ├── InvalidRequest         400  malformed JSON, missing/mistyped field
│   │   └── UnsupportedMediaType 415
│   ├── PayloadTooLarge        413
│   ├── AuthenticationFailed   401
│   ├── PermissionDenied       403  the key may not do this (an alias outside its allow-list, a policy)
│   ├── NotFound               404  unknown route
│   │   └── AliasNotFound      404  unknown model alias
│   ├── MethodNotAllowed       405
│   ├── Conflict               409  the change clashes with stored state (a team name taken, a team with keys)
│   ├── RequestTimeout         408  the request's head did not arrive within header_timeout
│   ├── HeadersTooLarge        431  the request's head is larger than max_header_bytes
│   ├── RateLimited            429  no deployment has capacity within the deadline, or a key's rpm/tpm is spent
│   ├── BudgetExceeded         429  insufficient_quota: a key's or team's budget cannot cover the request
│   └── PrivacyBlocked         400  pii_blocked: the privacy policy blocks what was found (categories, never values)
├── ProviderError              upstream failed; .deployment .upstream_status .retry_after
│   ├── ProviderTimeout        504
│   ├── ProviderConnectError   502
│   ├── ProviderRateLimited    429  retryable, keeps Retry-After
│   ├── ProviderUnavailable    5xx  retryable
│   ├── ProviderAuthError      502  upstream refused the gateway's credential (not the client's)
│   ├── QuotaExhausted         429 insufficient_quota: not a rate limit, never retried
│   ├── ModelUnavailable       403/404: model withdrawn or behind an access program
│   ├── ProviderRejected       other 4xx: the upstream refused this request
│   │   └── ContextWindowExceeded
│   ├── ProviderResponseInvalid 502  upstream answered something we cannot read
│   │   └── ProviderResponseTooLarge 502  its body is over max_upstream_body_bytes
│   └── ProviderRequestUnsendable 502  the request could not be sent (e.g. a bad header in the config)
├── AllCandidatesFailed        every deployment of an alias failed; wraps the most telling error
├── CircuitOpen                503  every deployment that could serve is cooling off after failures
├── DeadlineExceeded           504  the request's deadline passed before any deployment answered
├── ShuttingDown               503  the gateway is draining; in-flight work ended at the drain deadline
├── MeteringUnavailable        503  limits and budgets cannot be checked (the counter store is down): fail closed
├── LedgerUnavailable          503  the usage ledger cannot record the request (its database is down): fail closed
├── AuditUnavailable           503  the audit log cannot record the request before it is sent: fail closed
├── LocalOnlyUnavailable       503  the privacy policy allows only local deployments and none can serve
├── TooManyConnections         503  the process already holds max_connections connections
└── ConfigError                start-up and `freehold check` only
```

``opens_circuit`` says which provider failures count against a deployment's health (its circuit
breaker): the ones that say the deployment is unwell, not the ones about this request.

Foreign exceptions are translated at exactly one boundary (`transport.http` and each
adapter's `parse_error`). The HTTP layer renders any `FreeholdError` with `to_openai()`.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = [
    "AliasNotFound",
    "AllCandidatesFailed",
    "AuditUnavailable",
    "AuthenticationFailed",
    "BudgetExceeded",
    "CircuitOpen",
    "ConfigError",
    "Conflict",
    "FreeholdError",
    "HeadersTooLarge",
    "InvalidRequest",
    "LedgerUnavailable",
    "LocalOnlyUnavailable",
    "MeteringUnavailable",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "PrivacyBlocked",
    "PrivacyUnscanned",
    "ContextWindowExceeded",
    "DeadlineExceeded",
    "ModelUnavailable",
    "ProviderAuthError",
    "QuotaExhausted",
    "RateLimited",
    "ProviderConnectError",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderRejected",
    "ProviderRequestUnsendable",
    "ProviderResponseInvalid",
    "ProviderResponseTooLarge",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RequestRejected",
    "RequestTimeout",
    "ShuttingDown",
    "TooManyConnections",
    "UnsupportedMediaType",
    "forget_traceback",
]


MAX_MESSAGE = 4000
"""Characters of an error message, kept from its start and its end."""
MAX_PARAM = 200


class FreeholdError(Exception):
    """Base of every error the gateway raises on purpose.

    Attributes:
        status: HTTP status the client sees.
        error_type: OpenAI error ``type`` field.
        code: OpenAI error ``code`` field (machine-readable), or None.
        param: the request parameter at fault, or None.
        retryable: the same deployment may be tried again.
        fallback_ok: the next deployment may be tried.
        retry_after: seconds the client should wait, rendered as ``Retry-After``.
    """

    status: int = 500
    error_type: str = "server_error"
    code: str | None = None
    retryable: bool = False
    fallback_ok: bool = False

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        # A backstop for client values quoted unclipped (each site should ``echo.clip`` them):
        # an error body or log line never carries megabytes of a client's input.
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE // 2] + " … " + message[-MAX_MESSAGE // 2 :]
        if param is not None and len(param) > MAX_PARAM:
            param = param[:MAX_PARAM] + "…"
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.retry_after = retry_after

    def to_openai(self) -> dict[str, Any]:
        """The body of an OpenAI-style error response."""
        return {"error": {"message": self.message, "type": self.error_type, "param": self.param, "code": self.code}}


class RequestRejected(FreeholdError):
    """The request cannot be served as sent; the client must change it."""

    status = 400
    error_type = "invalid_request_error"


class InvalidRequest(RequestRejected):
    """Malformed body or a field with a missing or wrong value."""

    code = "invalid_request"


class UnsupportedMediaType(InvalidRequest):
    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(RequestRejected):
    status = 413
    code = "payload_too_large"


class AuthenticationFailed(RequestRejected):
    status = 401
    error_type = "authentication_error"
    code = "invalid_api_key"


class PermissionDenied(RequestRejected):
    """The caller is known but may not do this: an alias outside its key's allow-list, a stage's policy."""

    status = 403
    error_type = "permission_error"
    code = "permission_denied"


class NotFound(RequestRejected):
    status = 404
    code = "not_found"


class AliasNotFound(NotFound):
    code = "model_not_found"


class MethodNotAllowed(RequestRejected):
    status = 405
    code = "method_not_allowed"


class Conflict(RequestRejected):
    """The change clashes with what is stored: a name already taken, a team that still has keys."""

    status = 409
    code = "conflict"


class RequestTimeout(RequestRejected):
    """The request's head (request line and headers) did not arrive within ``header_timeout``."""

    status = 408
    code = "request_timeout"


class HeadersTooLarge(RequestRejected):
    """The request's head is larger than ``max_header_bytes``; refused before it is parsed."""

    status = 431
    code = "request_headers_too_large"


class RateLimited(RequestRejected):
    """The gateway itself is at capacity for this alias; the client should come back later."""

    status = 429
    error_type = "rate_limit_error"
    code = "rate_limit_exceeded"  # to the client it is a rate limit like any other: wait Retry-After


class BudgetExceeded(RequestRejected):
    """A key's or team's budget cannot cover the request (or the rest of a stream).

    OpenAI's shape for an account out of credit, so that SDKs and clients treat it as such:
    waiting for a rate limit will not help; the budget's next period, or a larger budget, will.
    """

    status = 429
    error_type = "insufficient_quota"
    code = "budget_exceeded"


class PrivacyBlocked(RequestRejected):
    """The privacy policy blocks a category found in the request.

    The message names the categories and how many of each were found, never the values.
    """

    code = "pii_blocked"


class PrivacyUnscanned(PrivacyBlocked):
    """The privacy policy refuses content its detectors cannot read (``unscanned: block``)."""

    code = "privacy_unscanned_content"


class MeteringUnavailable(FreeholdError):
    """The counters that enforce rate limits and budgets cannot be reached.

    Refused rather than served unmetered (fail closed), unless the key says ``serve``.
    """

    status = 503
    error_type = "server_error"
    code = "metering_unavailable"


class LedgerUnavailable(FreeholdError):
    """The usage ledger cannot journal the request before it is sent (its database is unreachable).

    Refused rather than served unrecorded (fail closed): a request that reached a provider
    without a ledger row would be spend no budget and no report could ever see.
    """

    status = 503
    error_type = "server_error"
    code = "ledger_unavailable"


class AuditUnavailable(FreeholdError):
    """The audit log cannot record the request before it is sent.

    Its database is unreachable, or the chain's head cannot be verified with this gateway's key.

    Refused rather than sent unrecorded (fail closed): the audit log must be able to say what
    data went to which vendor.
    """

    status = 503
    error_type = "server_error"
    code = "audit_unavailable"


class LocalOnlyUnavailable(FreeholdError):
    """The privacy policy allows the request only on local deployments, and the alias has none.

    Refused rather than sent anywhere else (fail closed). Deployments are local when marked
    ``local: true``.
    """

    status = 503
    error_type = "server_error"
    code = "privacy_local_only_unavailable"


class CircuitOpen(FreeholdError):
    """Every deployment that could serve the request is cooling off after repeated failures.

    Answered at once rather than queued: an outage is not a rate limit, and waiting for a probe
    that will most likely fail again only turns an error into a hang.
    """

    status = 503
    error_type = "server_error"
    code = "circuit_open"


class ShuttingDown(FreeholdError):
    """The gateway is shutting down and its drain time is over; the client should retry elsewhere."""

    status = 503
    error_type = "server_error"
    code = "gateway_shutting_down"


class TooManyConnections(FreeholdError):
    """The process already holds ``max_connections`` client connections; refused as it is accepted."""

    status = 503
    error_type = "server_error"
    code = "too_many_connections"


class DeadlineExceeded(FreeholdError):
    """The request's deadline (``routing.deadline``) passed before any deployment answered."""

    status = 504
    error_type = "timeout"
    code = "deadline_exceeded"


class ProviderError(FreeholdError):
    """An upstream deployment failed to answer.

    Attributes:
        deployment: name of the deployment that failed.
        upstream_status: the upstream's HTTP status, if it answered at all.
    """

    status = 502
    error_type = "upstream_error"
    code = "upstream_error"
    fallback_ok = True
    keeps_upstream_status = True
    """The client sees the upstream's status (a 429 stays a 429) unless a subclass says otherwise."""
    opens_circuit = False
    """The failure says the deployment is unwell: it counts towards opening its circuit breaker."""

    def __init__(
        self,
        message: str,
        *,
        deployment: str,
        upstream_status: int | None = None,
        retry_after: float | None = None,
        param: str | None = None,
        code: str | None = None,
        error_type: str | None = None,
    ) -> None:
        keep = self.keeps_upstream_status and upstream_status is not None and upstream_status >= 400
        status = upstream_status if keep else None
        super().__init__(message, param=param, code=code, status=status, retry_after=retry_after)
        self.deployment = deployment
        self.upstream_status = upstream_status
        self.ratelimit: Any = None
        """The upstream's rate-limit hint (``providers.base.RateLimitHint``) when it sent one."""
        if error_type is not None:
            self.error_type = error_type

    @property
    def unbilled(self) -> bool:
        """The upstream cannot have charged for this attempt: it answered with an error, or never got it.

        A timeout, a cut, or a 200 the gateway could not read may have been charged: unknown.
        """
        return (self.upstream_status or 0) >= 400 or isinstance(self, ProviderConnectError | ProviderRequestUnsendable)


class ProviderTimeout(ProviderError):
    opens_circuit = True
    status = 504
    error_type = "timeout"
    code = "upstream_timeout"
    retryable = True


class ProviderConnectError(ProviderError):
    opens_circuit = True
    code = "upstream_unreachable"
    retryable = True


class ProviderRateLimited(ProviderError):
    status = 429
    error_type = "rate_limit_error"
    code = "rate_limit_exceeded"
    retryable = True


class ProviderUnavailable(ProviderError):
    opens_circuit = True
    status = 503
    error_type = "server_error"
    code = "upstream_unavailable"
    retryable = True


class ProviderAuthError(ProviderError):
    """The upstream refused the gateway's own credential.

    Rendered as 502, not the upstream's 401/403: the client's key is fine, and a 401 would make
    SDKs tell the application its key is wrong. The message names the deployment at fault.
    """

    status = 502
    error_type = "upstream_auth_error"
    code = "upstream_auth_failed"
    keeps_upstream_status = False


class QuotaExhausted(ProviderError):
    """The upstream account is out of credit: waiting will not help, another deployment may."""

    status = 429
    error_type = "insufficient_quota"
    code = "insufficient_quota"


class ModelUnavailable(ProviderError):
    """403/404: the model is withdrawn or restricted for this credential; try elsewhere at once."""

    error_type = "invalid_request_error"
    code = "model_not_found"


class ProviderRejected(ProviderError):
    """A 4xx other than auth and rate limits: the request itself is wrong for the upstream."""

    status = 400
    error_type = "invalid_request_error"
    fallback_ok = False


class ContextWindowExceeded(ProviderRejected):
    """The prompt does not fit the model; a larger-context alias may take it."""

    code = "context_length_exceeded"


class ProviderResponseInvalid(ProviderError):
    """The upstream answered something unreadable: a cut or malformed body, a page instead of JSON.

    Retryable, and counted against the deployment's circuit: a deployment that only returns
    garbage must cool off like one that returns 500s.
    """

    code = "upstream_response_invalid"
    retryable = True
    opens_circuit = True


class ProviderResponseTooLarge(ProviderResponseInvalid):
    """The upstream's answer is larger than ``max_upstream_body_bytes``; it was not read whole.

    Not retried (the same deployment would send the same answer), but another may be tried.
    """

    code = "upstream_response_too_large"
    retryable = False


class ProviderRequestUnsendable(ProviderError):
    """The request could not be put on the wire to this deployment.

    E.g. a header value with a line break from the config. Not retried; counted against the
    deployment, which is broken for every request until its config is fixed.
    """

    code = "upstream_request_unsendable"
    opens_circuit = True


class AllCandidatesFailed(FreeholdError):
    """Every candidate deployment failed; carries the most telling of their errors."""

    def __init__(self, alias: str, errors: list[ProviderError]) -> None:
        if not errors:
            raise ValueError("AllCandidatesFailed needs at least one error")
        last = most_telling(errors)
        tried = ", ".join(e.deployment for e in errors)
        super().__init__(
            f"All deployments of '{alias}' failed (tried: {tried}). Last error: {last.message}",
            param=last.param,
            code=last.code,
            status=last.status,
            retry_after=last.retry_after,
        )
        self.error_type = last.error_type
        self.errors = errors


E = TypeVar("E", bound=BaseException)


def forget_traceback(exc: E) -> E:
    """Drop the frames ``exc`` (and what caused it) holds; returns ``exc``.

    A traceback keeps every frame it passed through alive with their locals: the request, its
    body, the upstream's answer. Where one of those frames also reaches the exception (a list
    of failed attempts, a local), the cycle lives until the cyclic collector runs, which the
    server does rarely (``bootstrap``'s thresholds): 40 failed 19 MB requests once held 2.3 GB.
    Call it once an error is kept or handled; its message and type are all that is used then.
    """
    seen: BaseException | None = exc
    for _ in range(8):  # causes are short chains; a bound in case one loops
        if seen is None:
            break
        seen.__traceback__ = None
        seen = seen.__cause__ or seen.__context__
    return exc


def most_telling(errors: list[ProviderError]) -> ProviderError:
    """Prefer a client-actionable rejection, then a rate limit, then the last error."""
    for kind in (ProviderRejected, ProviderRateLimited):
        for err in errors:
            if isinstance(err, kind):
                return err
    return errors[-1]


class ConfigError(FreeholdError):
    """The gateway config or process settings are invalid; raised at start-up only.

    Attributes:
        problems: one line per problem, each starting with the path of the bad key.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))
        self.problems = problems
