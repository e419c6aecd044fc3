"""Passwords handed to a command or a device on its line, where no ``password=`` names them.

``mysql -p'…'``, ``sshpass -p …``, ``ldapsearch … -w …``, ``sqlplus user/pass@db``, ``keytool
-storepass …``, ``openssl … -passout pass:…``, ``nmcli … password …``, a Cisco ``password 7 …``, an
IPsec ``: PSK "…"``, ``CREATE USER … IDENTIFIED BY '…'``: each tool's own syntax says which
argument is the secret. Each pattern is tried only where its tool's name occurs (a substring test
of the lower-cased text), and is led by that literal, so ``re`` jumps from one mention to the next.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors.base import Hit, Priority
from freehold.privacy.detectors.placeholders import PLACEHOLDER, hashed, masked

__all__ = ["command_passwords"]

_VALUE: Final = r"(?:'(?P<sq>[^'\n]+)'|\"(?P<dq>[^\"\n]+)\"|(?P<bare>[^\s'\"-][^\s'\"]*))"
_ON_LINE: Final = r"[^\n]{0,300}?"  # the rest of the command line before the flag
# (substrings of the lower-cased text, one of which must occur; the pattern, over the text itself)
_COMMANDS: Final = tuple(
    (gates, re.compile(pattern))
    for gates, pattern in (
        (("mysql", "mariadb"), rf"(?i:m(?:ysql|ariadb))[\w-]*\s{_ON_LINE}\s-p{_VALUE}"),  # -p sticks to its value
        (("net use",), r"(?i:net\s+use)\s[^\n]{0,300}?/(?i:user):\S+\s+(?P<bare>[^\s/]\S*)"),
        # docker, podman, buildah, helm registry: ``login -u ci -p …``
        (("login",), rf"(?:docker|podman|buildah|helm\s+registry)\s+login\s{_ON_LINE}\s(?:-p|--password)[ =]{_VALUE}"),
        (("redis-cli",), rf"redis-cli\s{_ON_LINE}\s-a\s+{_VALUE}"),  # its -p is a port
        (("sshpass",), rf"sshpass\s+-p\s*{_VALUE}"),
        (("ipmitool",), rf"ipmitool\s{_ON_LINE}\s-P\s+{_VALUE}"),  # -p is a port; -P the password
        (("ldap",), rf"ldap\w+\s{_ON_LINE}\s-w\s+{_VALUE}"),  # -W prompts for it; -w takes it
        # Oracle's user/password@service
        (
            ("sqlplus", "expdp", "impdp", "sqlldr", "rman"),
            r"(?:sqlplus|expdp|impdp|sqlldr|rman\s+target)\s+(?:-\w+\s+)*[\w$#.]+/(?P<bare>[^\s@/'\"]+)(?=@|\s|$)",
        ),
        (("freerdp", "rdesktop"), rf"(?:\w*freerdp|rdesktop)\s{_ON_LINE}\s(?:/p:|-p\s+){_VALUE}"),
        (("x11vnc",), rf"x11vnc\s{_ON_LINE}-(?:storepasswd|passwd)\s+{_VALUE}"),
        (("pass ",), rf"-(?:src|dest)?(?:store|key)pass\s+{_VALUE}"),  # keytool, jarsigner (not ``:env``/``:file``)
        (("pass:",), rf"-pass(?:in|out|word)?\s+pass:{_VALUE}"),  # openssl
        (("wpa_passphrase",), rf"wpa_passphrase\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\S+)\s+{_VALUE}"),
        (("nmcli",), rf"nmcli\s{_ON_LINE}\s(?:password|wifi-sec\.psk|802-11-wireless-security\.psk)\s+{_VALUE}"),
        (("cloudflared",), rf"cloudflared\s+(?:service\s+install|tunnel\s{_ON_LINE}--token)\s+{_VALUE}"),
        (("psk",), rf"(?i::\s*psk)\s+{_VALUE}"),  # ipsec.secrets: ``left right : PSK "…"``
        # Cisco IOS type 7 is an encoding, reversible by anyone; type 5/8/9 are hashes and not taken.
        ((" 7 ",), r"\b(?:password|key|key-string)\s+7\s+(?P<bare>[0-9A-Fa-f]{4,})\b"),
        (
            ("snmp-server",),
            r"snmp-server\s+(?:community|host\s+\S+(?:\s+version\s+\S+)?)\s+(?P<bare>(?!(?i:public|private)\b)[^\s-]\S*)",
        ),
        # ``netsh wlan show profile … key=clear`` prints the Wi-Fi key, in the system's language
        (
            ("key content", "schlüsselinhalt", "contenu de la cl", "contenido de la clave"),
            r"(?im:key content|schlüsselinhalt|contenu de la clé|contenido de la clave)[ \t]*:[ \t]*"
            r"(?P<bare>\S[^\n]*?)[ \t]*$",
        ),
        (("ugfzc3dvcmq6",), r"334 UGFzc3dvcmQ6\r?\n(?P<bare>[A-Za-z0-9+/]{4,}={0,2})"),  # SMTP AUTH LOGIN "Password:"
        (
            ("identified by",),  # SQL: ``CREATE USER … IDENTIFIED BY '…'`` (and Oracle's bare word), MySQL's old GRANT
            rf"(?i:(?:create|alter)\s+user\b|grant\b)[^\n;]{{0,200}}?\b(?i:identified\s+by)\s+{_VALUE}",
        ),
    )
)
_GROUPS: Final = ("sq", "dq", "bare")


def command_passwords(text: str, lowered: str) -> list[Hit]:
    """The password arguments of the commands and device lines above."""
    hits = []
    for gates, pattern in _COMMANDS:
        if not any(gate in lowered for gate in gates):
            continue
        for m in pattern.finditer(text):
            if m.start() and text[m.start() - 1].isalnum():
                continue  # inside a longer word
            group = next(g for g in _GROUPS if g in pattern.groupindex and m.group(g) is not None)
            value = m.group(group)
            if len(value) >= 4 and not PLACEHOLDER.match(value) and not masked(value) and not hashed(value):
                hits.append(Hit(m.start(group), m.end(group), "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    return hits
