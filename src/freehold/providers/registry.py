"""Provider types known to the config: one line per provider module.

The config's deployment union and the adapter factories are both built from this table, so a
new provider is a new module plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from freehold.config.common import DeploymentBase
from freehold.providers import anthropic, bedrock, gemini
from freehold.providers.anthropic import AnthropicDeployment, AnthropicProvider
from freehold.providers.azure import AzureDeployment, AzureProvider
from freehold.providers.base import Capabilities, ChatProvider
from freehold.providers.bedrock import BedrockDeployment, BedrockProvider
from freehold.providers.emulation import Handling
from freehold.providers.gemini import GeminiDeployment, GeminiProvider
from freehold.providers.openai_compat import OpenAICompatProvider, OpenAIDeployment
from freehold.providers.presets import preset_providers
from freehold.providers.simulated import SimulatedDeployment, SimulatedProvider
from freehold.transport.seam import Transport

__all__ = ["PROVIDERS", "ProviderType", "build_provider"]


@dataclass(frozen=True, slots=True)
class ProviderType:
    config: type[DeploymentBase]
    factory: Callable[[str, Any, Transport], ChatProvider]
    capabilities: Capabilities
    parameters: tuple[Handling, ...] = ()
    """What a translating provider does with OpenAI parameters it cannot send as is (docs/providers.md)."""


PROVIDERS: dict[str, ProviderType] = {
    "openai": ProviderType(OpenAIDeployment, OpenAICompatProvider, OpenAICompatProvider.capabilities),
    "simulated": ProviderType(
        SimulatedDeployment, lambda name, cfg, transport: SimulatedProvider(name, cfg), SimulatedProvider.capabilities
    ),
    "azure": ProviderType(AzureDeployment, AzureProvider, AzureProvider.capabilities),
    "anthropic": ProviderType(
        AnthropicDeployment, AnthropicProvider, AnthropicProvider.capabilities, anthropic.PARAMETERS
    ),
    "gemini": ProviderType(GeminiDeployment, GeminiProvider, GeminiProvider.capabilities, gemini.PARAMETERS),
    "bedrock": ProviderType(BedrockDeployment, BedrockProvider, BedrockProvider.capabilities, bedrock.PARAMETERS),
    **preset_providers(ProviderType),
}


def build_provider(name: str, config: DeploymentBase, transport: Transport) -> ChatProvider:
    """The adapter for one deployment."""
    provider_type = PROVIDERS[config.provider]
    return provider_type.factory(name, config, transport)
