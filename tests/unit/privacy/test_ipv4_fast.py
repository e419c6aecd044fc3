"""``ip_ok`` reads a dotted quad itself (five times faster): it must answer as ``ipaddress`` would."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from freehold.privacy.detectors.validators import ip_ok


def _by_ipaddress(candidate: str) -> bool:
    try:
        addr = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    if addr.is_loopback or addr.is_unspecified or candidate.startswith("0."):
        return False
    if candidate.startswith("255.") and int(addr) != 0xFFFFFFFF:
        inverted = ~int(addr) & 0xFFFFFFFF
        return inverted & (inverted + 1) != 0
    return True


_OCTET = st.one_of(
    st.integers(0, 300).map(str),
    st.sampled_from(["", "00", "01", "010", "0001", "1000", "٣", "²", " 1", "+1", "1_0", "0x1", "127", "255"]),
)


@given(st.lists(_OCTET, min_size=3, max_size=5).map(".".join))
def test_dotted_quads_read_as_the_standard_library_reads_them(candidate: str) -> None:
    assert ip_ok(candidate) == _by_ipaddress(candidate)


def test_netmasks_loopback_and_this_network() -> None:
    for candidate in ("255.255.255.0", "255.255.0.255", "255.255.255.255", "0.0.0.0", "0.1.2.3", "127.0.0.1", "1.2.3"):
        assert ip_ok(candidate) == _by_ipaddress(candidate), candidate
