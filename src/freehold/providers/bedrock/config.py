"""The ``bedrock`` deployment's config model, and its AWS credentials resolved once at load."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator

from freehold.config.common import BaseUrl, DeploymentBase
from freehold.config.secrets import SecretRef

if TYPE_CHECKING:
    from botocore.credentials import Credentials

__all__ = ["BedrockDeployment", "botocore_missing"]

_EXTRA_HINT = "the bedrock provider needs botocore: install it with pip install 'freehold[bedrock]'"


def botocore_missing() -> bool:
    """True when the optional ``bedrock`` extra (botocore) is not installed."""
    try:
        return importlib.util.find_spec("botocore") is None
    except (ImportError, ValueError):  # a broken or blocked installation counts as missing
        return True


class BedrockDeployment(DeploymentBase):
    """A model on AWS Bedrock, called through the Converse / ConverseStream API and signed with SigV4.

    Credentials are either the three ``aws_*`` secret references, or (all omitted) botocore's default
    chain: environment, shared config/credentials files, SSO, container or instance role. Either way
    they are resolved once, when the config is loaded.
    """

    provider: Literal["bedrock"]
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d+$")
    """The AWS region, e.g. ``us-east-1``; it is part of the signature."""
    api_base: BaseUrl | None = None
    """Scheme and host; defaults to ``https://bedrock-runtime.{region}.amazonaws.com``."""
    aws_access_key_id: SecretRef | None = None
    """``env:AWS_ACCESS_KEY_ID`` or ``file:/path``; omit (with the secret key) for the default chain."""
    aws_secret_access_key: SecretRef | None = None
    aws_session_token: SecretRef | None = None
    """For temporary credentials only."""

    _credentials: Any = PrivateAttr(None)

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                "must start with http:// or https:// (e.g. https://bedrock-runtime.us-east-1.amazonaws.com)"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _resolve_credentials(self) -> BedrockDeployment:
        if botocore_missing():
            raise ValueError(_EXTRA_HINT)
        key: SecretStr | None = self.aws_access_key_id  # type: ignore[assignment]  # resolved by SecretRef
        secret: SecretStr | None = self.aws_secret_access_key  # type: ignore[assignment]
        token: SecretStr | None = self.aws_session_token  # type: ignore[assignment]
        if (key is None) != (secret is None):
            raise ValueError("set both aws_access_key_id and aws_secret_access_key, or neither (default AWS chain)")
        if key is not None and secret is not None:
            from botocore.credentials import Credentials

            self._credentials = Credentials(
                key.get_secret_value(), secret.get_secret_value(), token.get_secret_value() if token else None
            )
            return self
        if token is not None:
            raise ValueError("aws_session_token needs aws_access_key_id and aws_secret_access_key")
        import botocore.session
        from botocore.exceptions import BotoCoreError

        try:
            found = botocore.session.Session().get_credentials()
        except (BotoCoreError, ValueError) as exc:  # a broken profile, an expired SSO session, ...
            raise ValueError(f"cannot resolve AWS credentials from the default chain: {exc}") from None
        if found is None:
            raise ValueError(
                "no AWS credentials found: set aws_access_key_id and aws_secret_access_key, or configure "
                "the default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role)"
            )
        self._credentials = found
        return self

    @property
    def credentials(self) -> Credentials:
        """The resolved credentials (botocore ``Credentials``, possibly refreshable)."""
        creds: Credentials = self._credentials
        return creds

    @property
    def base_url(self) -> str:
        return self.api_base or f"https://bedrock-runtime.{self.region}.amazonaws.com"
