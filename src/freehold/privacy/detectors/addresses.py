"""IP addresses, v4 and v6, parsed by ``ipaddress``: what is an address, and what only looks like one.

A dotted quad is a version, a section number, an OID, a netmask or a network far more often than a
host in technical text; the rules below read the words and the neighbours around it (a product's
name and its siblings in a lock file, an operator, a suffix, a Debian revision). IPv6 addresses may
hold no digit at all and are looked for wherever two colons are close.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan, Scanning, after, around, before, in_runs
from freehold.privacy.detectors.validators import ip_ok

__all__ = ["IpFinder"]

# Not before "/" and a prefix length (a CIDR block, ``10.0.0.0/8``); a larger number after "/" is a port, as Cisco's
# ASA logs write one (``inside:10.40.3.12/445``).
_V4: Final = re.compile(
    r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\w]|\.\d|/(?:3[0-2]|[12]?\d)(?!\d))", re.ASCII
)
# Defanged, as threat reports and block lists write an indicator so that no one clicks it: ``5.213.249[.]127``,
# ``196[.]197[.]180[.]58`` (the address is all there; the span keeps the brackets).
_DEFANGED_V4: Final = re.compile(
    r"(?<![\w.\[\]])(\d{1,3})(?:\[\.\]|\.)(\d{1,3})(?:\[\.\]|\.)(\d{1,3})(?:\[\.\]|\.)(\d{1,3})(?![\w\[]|\.\d|/\d)",
    re.ASCII,
)
# tcpdump's ``IP 10.70.2.45.50122 > 10.70.1.21.21:``: each address with its port as a fifth dotted part.
_TCPDUMP: Final = re.compile(r"\bIP ((?:\d{1,3}\.){3}\d{1,3})\.\d{1,5} > ((?:\d{1,3}\.){3}\d{1,3})\.\d{1,5}:", re.ASCII)
_V6: Final = re.compile(
    r"(?<![\w:.-])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?)(?:%[\w.-]+)?(?![\w:]|/\d)",
    re.ASCII,
)
# An address read out, as speech-to-text writes it: "10 dot 48 dot 112 dot 37" (not a part of a longer one).
cues.register(" dot ", "::", "[.]", " > ")
_SPOKEN_V4: Final = re.compile(
    r"(?<![\w.])(?<!dot )(\d{1,3}) dot (\d{1,3}) dot (\d{1,3}) dot (\d{1,3})(?!\w|\.\d| dot \d)"
)
# Every address has two colons at most four hex digits apart, the first at most four characters in.
_V6_HINT: Final = re.compile(r":[0-9A-Fa-f]{0,4}:")
# A compressed address, then a five-digit port: no group of an address has five digits, so the port is plain.
_V6_PORT: Final = re.compile(
    r"(?<![\w:.-])((?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}):\d{5}(?![\w:])"
)
_V6_END: Final = re.compile(r"[^\w:.%-]")  # an address and its zone id are made of these
# A dotted quad is a version (or a section number) after these words, a JSON key among them
# (``"firmware":"4.1.12.7"``, Spring's ``"x.version": {"value": "7.4.0.118"}``), the word "version" in
# the languages of the other finders' vocabularies (CJK and Thai have no word boundary before them),
# a requirement's operator (``(= 7.1.5.1)`` in a Gemfile.lock, ``pkg>=1.2.3.4``; not ``==``: Wireshark
# writes ``ip.addr == 10.0.0.5``), or a verb of updating ("upgrade to", "moves from 1.21.4.1 to"); not
# after ``/v:``, the server flag of Windows tools (``mstsc /v:10.5.20.45``, ``xfreerdp /v:…``).
_VERSION: Final = re.compile(
    r"(?:\b(?:version|ver\.?|build|release|release notes for|firmware|fw|rev|oid|(?<!/)v|hotfix|patch|runtime|tag"
    r"|section|sec\.|clause|chapter|line|paragraph|para|appendix|§)|版本|バージョン|버전|เวอร์ชัน|ファームウェア|固件|펌웨어"
    r"|\b(?:versión|versione|versão|versie|wersj[ai]|verze|sürüm|έκδοση|έκδοσης|верси[яиюей]|גרסה|גרסת|إصدار|الإصدار"
    r"|firmv[ée]r\w*)(?:\s+\w+)?)"  # and one word: "έκδοση λογισμικού" (software version), "версия ПО"
    r"[\"']?\s*[:=#（(]?\s*(?:\{\s*\"value\"\s*:\s*)?[\"']?\s*$"
    r"|(?:[~<>]=|~>|\(=|<<|>>)\s*$"
    # the word, then "is": "firmware version is 3.10.2.144", "la versión de firmware es …", "Version ist …"
    r"|\b(?:version|firmware|release|build|versión|versione|versão|versie|wersja|verze|sürüm)[\"']?\s+"
    r"(?:is|was|is now|es|est|ist|ist jetzt|era|war|è|é|är|er)\s*$"
)
# A version's suffix (``11.3.244.8-node.26``, ``1.3.0.1-motley``, ``4.1.4.2+svn3283``) or its build number after it.
_SUFFIX: Final = re.compile(r"[-+][A-Za-z]|\s*\(build\b")
# A Debian package's version and revision, as apt and dpkg print them: ``socat (1.7.4.4-2)``,
# ``alsa-topology-conf:all 1.2.5.1-2`` (a bare "-2" after an address is a range's end: ``10.0.0.1-20``).
_REVISION: Final = re.compile(r"-\d+(?:\.\d+)?(?:[+~][\w.+~]*|ubuntu\w*)?(?=[)\s,]|$)")
_PACKAGE_BEFORE: Final = re.compile(r"(?:\(|:(?:all|amd64|arm64|i386|armhf|armel|ppc64el|s390x) (?:<none> )?)$")
# The quad is the new side of a change whose old side is no address: ``12.4.0.2291 → 12.5.1.118``.
_CHANGED_FROM: Final = re.compile(r"(\d+(?:\.\d+){2,})\s*(?:→|->|=>|⇒)\s*$")
# A product and its version among others written the same way, within ~200 characters: ``activerecord
# (7.1.5.1)`` beside ``puma (6.6.0)``, ``Rails 7.2.2.1`` beside ``Ruby 3.3.7``. A two- or three-part
# sibling, or a four-part one no address could be, says the list is one of versions.
_PRODUCT_NAME: Final = re.compile(r"[A-Za-z][\w-]*")
_NUMBERED: Final = re.compile(r"(?<![\d.])\d+\.\d+(?:\.\d+)*(?![.\w])")  # led by a digit: ``re`` skips to one
_SIBLING_HEAD: Final = re.compile(r"[A-Za-z][\w-]* \(?(?:[~<>]=? |= )?$")
_NETWORK_WORDS: Final = frozenset(
    "ip ips address addr host hostname server client from to via gateway gw peer remote local src dst source"
    " destination dns nameserver proxy node at on is was and or by router upstream origin endpoint netmask mask"
    " allow deny permit route".split()
)
# Searched only when the window ends in "to" or "from" (a cheap test first).
_UPDATED: Final = re.compile(
    r"\b(?:update|upgrade|move|bump|migrate|downgrade|roll back)[sd]?\s+(?:from\s+\S+\s+)?to\s*$"
    r"|\b(?:upgrade|move|bump|downgrade)[sd]?\s+from\s*$"  # not "update from 10.0.0.1": a peer's update
    r"|\b(?:firmware|version|release|build|runtime)\s+(?:from\s+(?:\S+\s+to\s*)?|to\s*)$"
)
_VERSION_AFTER: Final = re.compile(r"^\s*(?:in the semantic version|is (?:newer|older) than|\(?released?)")


def _dotted_quad(version: str) -> bool:
    """Four parts of 0–255: as an address could be (cheaper than ``ipaddress`` for a yes-or-no on shape)."""
    parts = version.split(".")
    return len(parts) == 4 and all(len(p) <= 3 and int(p) <= 255 for p in parts)


def _version_shaped(quad: str, text: str, end: int) -> bool:
    """Whether a quad could be a version among versions: a small first part, and no port after it.

    Versions start low (``7.2.2.1``, ``11.3.244.8``, ``24.3.4.5``); an address with a port
    (``10.20.3.14:27017``) or a high first octet ("está en 189.203.41.77") is a host whatever its neighbours.
    """
    return int(quad[: quad.index(".")]) < 30 and text[end : end + 1] != ":"


def _product_before(text: str, start: int) -> bool:
    """Whether a product's name (no network word) stands right before the quad at ``start``: ``Rails 7.2.2.1``."""
    head = text[max(0, start - 40) : start - (text[start - 1] == "(")]
    words = head.split()
    if not words or not head[-1].isspace() or head[-2:-1].isspace() or not _PRODUCT_NAME.fullmatch(words[-1]):
        return False
    return words[-1].lower() not in _NETWORK_WORDS


def _versions(text: str) -> list[int]:
    """Where the text's products' versions start (two or three parts, or four no host's address could have).

    (Four: more than 255 in a part, or a last part of 0, as ``PECmd 1.5.1.0`` beside ``MFTECmd 1.2.2.1``.)

    Found once per text, when a quad first needs them: looking around each quad instead costs a
    scan per quad, quadratic in a lock file of hundreds.
    """
    found = []
    for m in _NUMBERED.finditer(text):
        at = m.start()
        if text[at - 1 : at] in (" ", "(") and (not _dotted_quad(m.group()) or m.group().endswith(".0")):
            if _SIBLING_HEAD.search(text, max(0, at - 32), at):
                found.append(at)
    return found


# Part of a file or image name: ``agent-3.14.0.2-x86_64.msi``, ``gateway:3.14.0.2``, ``freehold-3.14.0.2.tar.gz``.
_NAMED_BEFORE: Final = re.compile(r"[A-Za-z][-_]$|[A-Za-z][\w.-]*/[\w.-]+:$")
# A browser's version in a user agent (``Chrome/133.0.0.0``).
_PRODUCT: Final = re.compile(r"\b(?:Chrome|Chromium|Firefox|Safari|Edg|Edge|OPR|Opera|Version|CriOS|FxiOS|YaBrowser)/$")
_OID: Final = re.compile(r"\b[12]\.\d+(?:\.\d+){3,}")  # an object identifier of five parts or more
_NAMED_AFTER: Final = re.compile(
    r"\.(?:tar|tgz|zip|gz|msi|exe|deb|rpm|whl|jar|dmg|pkg|apk|asc|sig)\b|[-_](?:x86|amd64|arm|aarch|linux|win)"
)


class IpFinder(Scanning):
    """IPv4 and IPv6 addresses by ``ipaddress``; CIDR blocks, netmasks, OIDs and versions are not addresses.

    IPv4 addresses lie in the long digit runs; an IPv6 address may have no digit at all, and is
    looked for wherever two colons are close.
    """

    def find_in(self, scan: Scan) -> list[Hit]:
        text, runs = scan.text, scan.runs
        hits = []
        versions: list[int] | None = None  # found on first need
        dotted = [run for run in runs if text.count(".", *run) >= 3]  # (a dotted quad's run holds three dots)
        for m in in_runs(_V4, text, dotted, 7):
            start, end = m.span()
            window = before(text, start, 40)
            if _VERSION.search(window, max(0, len(window) - 24)) or _VERSION_AFTER.match(after(text, end, 30)):
                continue
            if window.rstrip().endswith(("to", "from")) and _UPDATED.search(window):
                continue
            if end < len(text) and text[end] in "-+ " and _SUFFIX.match(text, end):
                continue
            if text[end : end + 1] == "-" and _REVISION.match(text, end) and _PACKAGE_BEFORE.search(window):
                continue
            if window.endswith((" ", "(")) and _version_shaped(m.group(), text, end) and _product_before(text, start):
                if versions is None:
                    versions = _versions(text)
                i = bisect.bisect_left(versions, start - 200)
                if i < len(versions) and versions[i] <= end + 200:
                    continue  # a version among others written the same way
            if window.rstrip().endswith(("→", ">", "⇒")):
                changed = _CHANGED_FROM.search(window)
                if changed is not None and not ip_ok(changed.group(1)):
                    continue
            if start and text[start - 1] in "-_:" and _NAMED_BEFORE.search(text, max(0, start - 60), start):
                continue
            if start and text[start - 1] == "/" and _PRODUCT.search(text, max(0, start - 20), start):
                continue
            if m.group().endswith(".0"):
                continue  # a network's own address (``10.12.40.0 0.0.0.255``), a version, a PKWiU code
            if m.group()[:2] in ("1.", "2.") and _OID.search(text, max(0, start - 120), start):
                continue  # an X.509 extension's OID (``2.5.29.15``) beside a longer one
            if end < len(text) and text[end] in ".-_" and _NAMED_AFTER.match(text, end):
                continue
            if ip_ok(m.group()):
                hits.append(Hit(m.start(), m.end(), "IP_ADDRESS", 0.95, Priority.IDENTIFIER))
        if scan.has("[.]"):
            for m in _DEFANGED_V4.finditer(text):
                if "[" in m.group() and not m.group().endswith((".0", "]0")) and ip_ok(".".join(m.groups())):
                    hits.append(Hit(m.start(), m.end(), "IP_ADDRESS", 0.9, Priority.IDENTIFIER))
        if scan.has(" > "):
            for m in _TCPDUMP.finditer(text):
                hits += [Hit(*m.span(i), "IP_ADDRESS", 0.9, Priority.IDENTIFIER) for i in (1, 2) if ip_ok(m.group(i))]
        if scan.has_cased(" dot "):  # read out: "10 dot 48 dot 112 dot 37"
            for m in _SPOKEN_V4.finditer(text):
                if ip_ok(".".join(m.groups())):
                    hits.append(Hit(m.start(), m.end(), "IP_ADDRESS", 0.85, Priority.IDENTIFIER))
        # An address has "::" or all eight groups; the hints then find the few places worth a search.
        if scan.has("::") or text.count(":") >= 7:
            for m in around(_V6, text, _V6_HINT, 4, _V6_END):
                addr, end = m.group(1), m.end()
                if addr.endswith(":") and not addr.endswith("::") and m.end(1) == end:
                    addr, end = addr[:-1], end - 1  # a prompt's or a log's colon after it: ``deploy@2a01:…::1:``
                groups = [g for g in addr.split(":") if g]
                if len(groups) < 2 or ("::" not in addr and all(len(g) == 2 for g in groups)):
                    continue  # eight byte pairs are a serial number or fingerprint (04:a3:7f:…), not an address
                if len(groups) == 2 and len(groups[0]) < 3:
                    continue  # ``args[1::2]`` is a slice; a two-group address leads with a real prefix (fe80::1)
                if text.startswith("]/", end) and text[end + 2 : end + 3].isdigit():
                    continue  # a network in brackets, then its prefix: Postfix's ``[::ffff:127.0.0.0]/104``
                if ip_ok(addr):
                    hits.append(Hit(m.start(), end, "IP_ADDRESS", 0.95, Priority.IDENTIFIER))
            if scan.has("::"):  # HAProxy and others log a client as address, colon, port, with no brackets
                for m in around(_V6_PORT, text, "::", 40, _V6_END):
                    if ip_ok(m.group(1)):
                        hits.append(Hit(*m.span(1), "IP_ADDRESS", 0.9, Priority.IDENTIFIER))
        return hits
