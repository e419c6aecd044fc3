"""The ``make`` fixture: a deployment of any registered provider type over the fake transport."""

from __future__ import annotations

from typing import Any

import pytest

from freehold.providers.base import ChatProvider
from freehold.providers.registry import PROVIDERS
from freehold.transport.fake import FakeTransport
from tests.contract.harness import Built, Make
from tests.contract.vendors import Setup, vendor_for


@pytest.fixture
def make(monkeypatch: pytest.MonkeyPatch) -> Make:
    """``make(provider_type, *setups)``: a deployment of that type whose upstream answers as the setups say."""

    def build(provider_type: str, *setups: Setup) -> Built:
        vendor = vendor_for(provider_type)
        for name, value in vendor.env.items():
            monkeypatch.setenv(name, value)
        config: dict[str, Any] = {"provider": provider_type, **vendor.config}
        fake = FakeTransport()
        for setup in setups:
            config.update(setup.config)
            fake.add(*setup.replies)
        entry = PROVIDERS[provider_type]
        provider: ChatProvider = entry.factory("contract-dep", entry.config.model_validate(config), fake)
        return Built(provider, fake)

    return build
