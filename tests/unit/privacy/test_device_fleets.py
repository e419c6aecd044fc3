"""Forms the twenty-sixth blind set (IoT, telecom and device fleets) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found

SIMS = (
    "ICCID;IMSI;MSISDN;Status\n"
    "89441030292037097711;234101480607378;447492131822;ACTIVE\n"
    "89441059749661572745;234101447476626;447476597748;ACTIVE\n"
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # an MSISDN: an international number written without its "+", named by its key, column or gateway
        ('"sim": {"iccid": "89311625092170469297", "msisdn": "31616877012"}', "PHONE", ["31616877012"]),
        (SIMS, "PHONE", ["447492131822", "447476597748"]),
        ("[SMPP] submit_sm seq=88121 src=InfraGuard dst=254712395317", "PHONE", ["254712395317"]),
        ("Static assignments: MSISDN 61419478544 → 10.88.4.17", "PHONE", ["61419478544"]),
        # ICCIDs and IMEIs pass Luhn: no cards; an order's twelve digits after "number" no phone
        ("ICCID 89441030292037097711, IMEI 356938035643809", "CREDIT_CARD", []),
        ("Order number 447492131822 shipped", "PHONE", []),
        # LoRaWAN and DLMS keys by their names; a random 32-digit hex key whatever its letters' count
        ("DevEUI:   70B3D57EDF399378\nNwkSKey:  9FEB2C01CF4932909D85202FC5BBC02E", "SECRET", [
            "9FEB2C01CF4932909D85202FC5BBC02E"
        ]),
        ("global_unicast_key:  6A959162C10643C7A3DE432052E9BC4F", "SECRET", ["6A959162C10643C7A3DE432052E9BC4F"]),
        ("DevEUI:   70B3D57EDF399378\nprimary_key_id: 6A959162C10643C7A3DE432052E9BC4F", "SECRET", []),
        # Mosquitto's -P (not -p, the port); OpenWrt's option key beside its encryption
        ("mosquitto_sub -h 192.168.20.5 -p 1883 -u greenhouse -P 'PvjyobE5FaI5FIJX' -t '#'", "SECRET", [
            "PvjyobE5FaI5FIJX"
        ]),
        (
            "config wifi-iface\n\toption ssid 'Hytte'\n\toption encryption 'psk2'\n\toption key 't+Abi8M6hed#ZKX'",
            "SECRET",
            ["t+Abi8M6hed#ZKX"],
        ),
        ("config wifi-iface\n\toption encryption 'sae'\n\toption key '@WIFI_KEY@'", "SECRET", []),
        # references and keywords in a value's place
        ("mqtt:\n  user: '!secret mqtt_user'\n  password: '!secret mqtt_password'", "SECRET", []),
        ("advanced:\n  network_key: GENERATE", "SECRET", []),
        # an Erlang node's name on a Kubernetes pod is no mailbox
        ("running_nodes => ['emqx@emqx-core-0.emqx-headless.iot.svc.cluster.local']", "EMAIL", []),
    ],
)
def test_device_fleet_forms(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected
