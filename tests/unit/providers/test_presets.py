"""Presets for OpenAI-compatible vendors: the table, the config types it yields, the registry entries."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from freehold.config.load import parse_config
from freehold.errors import ConfigError
from freehold.providers.openai_compat import OpenAICompatProvider, OpenAIDeployment
from freehold.providers.presets import PRESETS, Preset, preset_config
from freehold.providers.registry import PROVIDERS, build_provider
from freehold.transport.http import HttpClient

# What each vendor documents as the OpenAI SDK's base_url (local servers: their default port).
EXPECTED_BASES = {
    "groq": "https://api.groq.com/openai/v1",
    "together": "https://api.together.xyz/v1",
    "mistral": "https://api.mistral.ai/v1",
    "deepseek": "https://api.deepseek.com",
    "fireworks": "https://api.fireworks.ai/inference/v1",
    "openrouter": "https://openrouter.ai/api/v1",
    "xai": "https://api.x.ai/v1",
    "ollama": "http://127.0.0.1:11434/v1",
    "vllm": "http://127.0.0.1:8000/v1",
    "llamacpp": "http://127.0.0.1:8080/v1",
    "lmstudio": "http://127.0.0.1:1234/v1",
}
LOCAL = {"ollama", "vllm", "llamacpp", "lmstudio"}


def test_table_covers_every_vendor() -> None:
    assert {v: p.api_base for v, p in PRESETS.items()} == EXPECTED_BASES
    assert {v for v, p in PRESETS.items() if not p.key_required} == LOCAL


@pytest.mark.parametrize("vendor", sorted(PRESETS))
def test_each_preset_is_a_registered_provider_with_its_default_base(
    vendor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENDOR_KEY", "k-123456")
    config_type = PROVIDERS[vendor].config
    assert issubclass(config_type, OpenAIDeployment)
    cfg = config_type.model_validate({"provider": vendor, "model": "m", "api_key": "env:VENDOR_KEY"})
    assert cfg.provider == vendor and cfg.api_base == EXPECTED_BASES[vendor]
    provider = build_provider("d", cfg, HttpClient())
    assert isinstance(provider, OpenAICompatProvider)
    assert provider._chat_url == EXPECTED_BASES[vendor] + "/chat/completions"
    assert provider._headers["Authorization"] == "Bearer k-123456"
    assert provider.capabilities.embeddings == PRESETS[vendor].embeddings


@pytest.mark.parametrize("vendor", sorted(set(PRESETS) - LOCAL))
def test_hosted_vendors_require_a_key_and_say_where_it_lives(vendor: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"aliases": {"a": {"deployments": [{"provider": vendor, "model": "m"}]}}})
    hint = PRESETS[vendor].key_env
    assert info.value.problems == [
        f"aliases.a.deployments[0]: api_key is required for provider '{vendor}'; e.g. api_key: env:{hint}"
    ]


@pytest.mark.parametrize("vendor", sorted(LOCAL))
def test_local_servers_need_no_key(vendor: str) -> None:
    config = parse_config({"aliases": {"a": {"deployments": [{"provider": vendor, "model": "m"}]}}})
    dep = config.aliases["a"].deployments[0]
    provider = build_provider("d", dep, HttpClient())
    assert isinstance(provider, OpenAICompatProvider) and "Authorization" not in provider._headers


def test_base_url_override_and_openai_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "gsk_abcdef123456")
    config = parse_config(
        {
            "aliases": {
                "a": {
                    "deployments": [
                        {
                            "provider": "groq",
                            "model": "llama-3.3-70b-versatile",
                            "api_key": "env:GROQ_API_KEY",
                            "api_base": "http://127.0.0.1:9999/openai/v1/",
                            "headers": {"x-extra": "1"},
                            "timeout": 5,
                        }
                    ]
                }
            }
        }
    )
    dep = config.aliases["a"].deployments[0]
    assert dep.api_base == "http://127.0.0.1:9999/openai/v1"  # normalised by openai's own validator
    provider = build_provider("d", dep, HttpClient())
    assert isinstance(provider, OpenAICompatProvider) and provider._headers["x-extra"] == "1"


def test_unknown_keys_and_bad_urls_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    config_type = PROVIDERS["vllm"].config
    with pytest.raises(ValidationError, match="Extra inputs"):
        config_type.model_validate({"provider": "vllm", "model": "m", "api_bas": "http://x"})
    with pytest.raises(ValidationError, match="must start with http"):
        config_type.model_validate({"provider": "vllm", "model": "m", "api_base": "localhost:8000"})
    with pytest.raises(ValidationError):
        config_type.model_validate({"provider": "groq", "model": "m"})  # another preset's tag


def test_preset_config_from_a_new_row() -> None:
    row = Preset("https://api.example.com/v1", "EXAMPLE_API_KEY", key_required=False)
    cfg = preset_config("example", row).model_validate({"provider": "example", "model": "m"})
    assert cfg.api_base == "https://api.example.com/v1" and cfg.api_key is None
