"""Presets: OpenAI-compatible vendors that differ from ``openai`` only by base URL and auth.

One table row per vendor gives ``provider: <vendor>`` in the config: the same fields as
``openai``, with ``api_base`` defaulting to the vendor's endpoint and ``api_key`` required where
the vendor requires one. Requests go through the ``openai`` adapter unchanged.

Base URLs are the ones each vendor documents for the OpenAI SDK's ``base_url``; the local
servers' are their default ports on loopback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from pydantic import create_model, model_validator

from freehold.config.common import BaseUrl, DeploymentBase
from freehold.config.secrets import SecretRef
from freehold.providers.base import Capabilities, ChatProvider
from freehold.providers.openai_compat import OpenAICompatProvider, OpenAIDeployment
from freehold.transport.seam import Transport

__all__ = ["PRESETS", "Preset", "preset_config", "preset_providers"]

T = TypeVar("T")
Factory = Callable[[str, Any, Transport], ChatProvider]


@dataclass(frozen=True, slots=True)
class Preset:
    """One OpenAI-compatible vendor.

    Attributes:
        api_base: the default base URL, up to and including the version segment.
        key_env: the environment variable the vendor's own tools read the key from (a hint in messages),
            or None for servers that have no key by default.
        key_required: the vendor refuses requests without a key.
        embeddings: the vendor serves ``/embeddings``.
    """

    api_base: str
    key_env: str | None
    key_required: bool = True
    embeddings: bool = True


PRESETS: dict[str, Preset] = {
    "groq": Preset("https://api.groq.com/openai/v1", "GROQ_API_KEY", embeddings=False),
    "together": Preset("https://api.together.xyz/v1", "TOGETHER_API_KEY"),
    "mistral": Preset("https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
    "deepseek": Preset("https://api.deepseek.com", "DEEPSEEK_API_KEY", embeddings=False),
    "fireworks": Preset("https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"),
    "openrouter": Preset("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    "xai": Preset("https://api.x.ai/v1", "XAI_API_KEY"),
    "ollama": Preset("http://127.0.0.1:11434/v1", None, key_required=False),
    "vllm": Preset("http://127.0.0.1:8000/v1", "VLLM_API_KEY", key_required=False),
    "llamacpp": Preset("http://127.0.0.1:8080/v1", "LLAMA_API_KEY", key_required=False),
    "lmstudio": Preset("http://127.0.0.1:1234/v1", None, key_required=False),
}


def preset_config(vendor: str, preset: Preset) -> type[OpenAIDeployment]:
    """The deployment model for ``provider: <vendor>``: ``openai``'s fields with the vendor's defaults."""

    def key_present(cls: type[OpenAIDeployment], data: Any) -> Any:
        if isinstance(data, dict) and data.get("api_key") is None:
            raise ValueError(f"api_key is required for provider '{vendor}'; e.g. api_key: env:{preset.key_env}")
        return data

    validators: dict[str, Any] = {}
    if preset.key_required:
        validators["_key_present"] = model_validator(mode="before")(key_present)
    model: type[OpenAIDeployment] = create_model(
        f"{vendor.title()}Deployment",
        __base__=OpenAIDeployment,
        __doc__=f"A deployment on {vendor}'s OpenAI-compatible API (default base URL {preset.api_base}).",
        __validators__=validators,
        provider=(Literal[vendor], ...),  # type: ignore[arg-type]  # a literal built at run time
        api_base=(BaseUrl, preset.api_base),
        api_key=(SecretRef | None, None),
    )
    return model


def preset_capabilities(preset: Preset) -> Capabilities:
    """The ``openai`` adapter's abilities, less embeddings where the vendor has none."""
    return replace(OpenAICompatProvider.capabilities, embeddings=preset.embeddings)


def _factory(preset: Preset) -> Factory:
    capabilities = preset_capabilities(preset)

    def build(name: str, config: OpenAIDeployment, transport: Transport) -> ChatProvider:
        provider = OpenAICompatProvider(name, config, transport)
        provider.capabilities = capabilities
        return provider

    return build


def preset_providers(entry: Callable[[type[DeploymentBase], Factory, Capabilities], T]) -> dict[str, T]:
    """The registry entries of every preset, built with the registry's own entry type."""
    return {
        vendor: entry(preset_config(vendor, preset), _factory(preset), preset_capabilities(preset))
        for vendor, preset in PRESETS.items()
    }
