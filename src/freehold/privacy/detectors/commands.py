"""Passwords handed to a command or a device on its line, where no ``password=`` names them.

``mysql -p'…'``, ``sshpass -p …``, ``ldapsearch … -w …``, ``sqlplus user/pass@db``, ``keytool
-storepass …``, ``openssl … -passout pass:…``, ``nmcli … password …``, a Cisco ``password 7 …``, an
IPsec ``: PSK "…"``, ``CREATE USER … IDENTIFIED BY '…'``: each tool's own syntax says which
argument is the secret. Each pattern is tried only where its tool's name is one of the text's words.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan
from freehold.privacy.detectors.placeholders import PLACEHOLDER, filler, hashed, masked

__all__ = ["TOOLS", "command_passwords", "embedded_tools"]

_VALUE: Final = r"(?:'(?P<sq>[^'\n]+)'|\"(?P<dq>[^\"\n]+)\"|(?P<bare>[^\s'\"-][^\s'\"]*))"
_ON_LINE: Final = r"[^\n]{0,300}?"  # the rest of the command line before the flag
# (words, pattern): one of the words must be a whole whitespace-delimited word of the text (the
# tool's name, a flag, a device keyword), looked up in the set of the text's words, which costs far
# less than a scan of the text for each tool (thirty substring tests, or one alternation, cost as much
# as the rest of the secret finders together). The pattern runs over the text itself.
_QUOTES: Final = ("", "`", '"', "'")  # a command quoted inline ("ran `mysql -p…`"), in a string ("'mysql -p…'")
_LDAP: Final = tuple(
    f"ldap{verb}" for verb in ("search", "modify", "add", "delete", "whoami", "passwd", "compare", "modrdn")
)
_COMMANDS: Final = tuple(
    (frozenset(quote + word for word in words for quote in _QUOTES), re.compile(pattern))
    for words, pattern in (
        (
            ("mysql", "mariadb", "mysqldump", "mysqladmin"),
            rf"(?:mysql|mariadb)[\w-]*\s{_ON_LINE}\s-p{_VALUE}",
        ),  # -p sticks
        (
            ("net", "NET", "Net", "net.exe"),
            r"(?:net|NET|Net)(?:\.exe)?\s+(?:use|USE|Use)\s[^\n]{0,300}?/(?i:user):\S+\s+(?P<bare>[^\s/\"]+)",
        ),
        (  # the password before ``/user:`` (``net use T: \\host\share P4ss /user:dom\svc``); ``*`` prompts
            ("net", "NET", "Net"),
            r"(?:net|NET|Net)\s+(?:use|USE|Use)\s+(?:[A-Za-z]:\s+)?\\\\\S+\s+(?P<bare>[^\s/*]\S*)(?=\s+/(?i:user):)",
        ),
        (  # ``net user <name> <password> /add`` (net1 is the same tool); ``*`` prompts, ``/…`` is an option
            ("net", "NET", "Net", "net1", "NET1", "net.exe", "net1.exe"),
            r"(?:net1?|NET1?|Net)(?:\.exe)?\s+(?:user|USER|User)\s+(?:\"[^\"\n]+\"|[^\s/\"][^\s\"]*)\s+"
            r"(?P<bare>[^\s/*\"\\][^\s\"\\]*)(?=\s+/|\s*(?:$|[\"'\n]))",
        ),
        (("psexec",), rf"(?i:psexec(?:64)?(?:\.exe)?)\s{_ON_LINE}\s-p\s+{_VALUE}"),  # Sysinternals: -u user -p password
        (("schtasks",), rf"(?i:schtasks(?:\.exe)?)\s{_ON_LINE}\s/(?i:rp)\s+{_VALUE}"),  # a task's run-as password
        (("ftpget", "ftpput"), rf"ftp(?:get|put)\s{_ON_LINE}\s-p\s+{_VALUE}"),  # busybox's FTP client
        # An FTP session's ``USER name`` then ``PASS secret`` (a transcript, a packet capture's payloads)
        (("PASS",), r"\bUSER [^\s:]+\s[\s\S]{0,400}?(?<![\w-])PASS (?P<bare>[^\s:][^\s]*)"),
        (
            ("docker", "podman", "buildah", "helm"),
            rf"(?:docker|podman|buildah|helm\s+registry)\s+login\s{_ON_LINE}\s(?:-p|--password)[ =]{_VALUE}",
        ),
        (
            ("ConvertTo-SecureString",),
            rf"ConvertTo-SecureString\s+(?:-String\s+)?{_VALUE}\s+-AsPlainText",
        ),  # PowerShell
        (  # Samba's ``-U user%password``
            ("smbclient", "rpcclient", "smbcacls", "smbget", "smbmap"),
            r"(?:smbclient|rpcclient|smbcacls|smbget|smbmap)\s[^\n]{0,300}?\s(?:-U|--user)[ =]?['\"]?[^\s%'\"]+"
            r"%(?P<bare>[^\s'\"]+)",
        ),
        (  # the AWS CLI writing a key into ~/.aws/credentials
            ("aws",),
            rf"aws\s+configure\s+set\s+(?:[\w-]+\.)?(?:aws_secret_access_key|aws_session_token)\s+{_VALUE}",
        ),
        (("az",), rf"az\s+login\s{_ON_LINE}\s(?:-p|--password)[ =]{_VALUE}"),  # a service principal's secret
        (("redis-cli",), rf"redis-cli\s{_ON_LINE}\s-a\s+{_VALUE}"),  # its -p is a port
        (("sshpass",), rf"sshpass\s+-p\s*{_VALUE}"),
        (  # Mosquitto's clients: -P is the password (-p the port)
            ("mosquitto_pub", "mosquitto_sub", "mosquitto_rr"),
            rf"mosquitto_(?:pub|sub|rr)\s{_ON_LINE}\s-P\s+{_VALUE}",
        ),
        (  # OpenWrt's UCI: a wireless interface's ``option key`` beside its ``option encryption``
            ("option",),
            rf"option\s+encryption\s+\S+\s*\n(?:[ \t]*option\s[^\n]*\n){{0,6}}?[ \t]*option\s+key\s+{_VALUE}",
        ),
        (("ipmitool",), rf"ipmitool\s{_ON_LINE}\s-P\s+{_VALUE}"),  # -p is a port; -P the password
        (_LDAP, rf"ldap\w+\s{_ON_LINE}\s-w\s+{_VALUE}"),  # -W prompts for it; -w takes it
        # Oracle's user/password@service
        (
            ("sqlplus", "expdp", "impdp", "sqlldr"),
            r"(?:sqlplus|expdp|impdp|sqlldr)\s+(?:-\w+\s+)*[\w$#.]+/(?P<bare>[^\s@/'\"]+)(?=@|\s|$)",
        ),
        (("xfreerdp", "wfreerdp", "sdl-freerdp", "freerdp"), rf"[\w-]{{0,8}}freerdp\s{_ON_LINE}\s/p:{_VALUE}"),
        (("rdesktop",), rf"rdesktop\s{_ON_LINE}\s-p\s+{_VALUE}"),
        (("-storepasswd", "-passwd"), rf"x11vnc\s{_ON_LINE}-(?:storepasswd|passwd)\s+{_VALUE}"),
        # keytool, jarsigner (not ``:env``/``:file``, which name where the password is)
        (
            ("-storepass", "-keypass", "-srcstorepass", "-deststorepass", "-srckeypass", "-destkeypass"),
            rf"-(?:src|dest)?(?:store|key)pass\s+{_VALUE}",
        ),
        (("-passout", "-passin", "-pass", "-password"), rf"-pass(?:in|out|word)?\s+pass:{_VALUE}"),  # openssl
        (("wpa_passphrase",), rf"wpa_passphrase\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\S+)\s+{_VALUE}"),
        (("nmcli",), rf"nmcli\s{_ON_LINE}\s(?:password|wifi-sec\.psk|802-11-wireless-security\.psk)\s+{_VALUE}"),
        (("cloudflared",), rf"cloudflared\s+(?:service\s+install|tunnel\s{_ON_LINE}--token)\s+{_VALUE}"),
        (("PSK", "psk"), rf"(?i::\s*psk)\s+{_VALUE}"),  # ipsec.secrets: ``left right : PSK "…"``
        # Cisco IOS type 7 is an encoding, reversible by anyone; type 5/8/9 are hashes and not taken.
        (("7",), r"(?:password|key|key-string)[ \t]+7[ \t]+(?P<bare>[0-9A-F]{4,})\b"),
        (
            ("snmp-server",),
            r"snmp-server\s+(?:community|host\s+\S+(?:\s+version\s+\S+)?)\s+(?P<bare>(?!(?i:public|private)\b)[^\s-]\S*)",
        ),
        # ``netsh wlan show profile … key=clear`` prints the Wi-Fi key, in the system's language
        (
            ("Content", "Schlüsselinhalt", "Contenu", "Contenido"),
            r"(?:Key Content|Schlüsselinhalt|Contenu de la clé|Contenido de la clave)[ \t]*:[ \t]*"
            r"(?P<bare>\S[^\n]*?)[ \t]*(?=\r?\n|\Z)",
        ),
        (("UGFzc3dvcmQ6",), r"334 UGFzc3dvcmQ6\r?\n(?P<bare>[A-Za-z0-9+/]{4,}={0,2})"),  # SMTP AUTH LOGIN "Password:"
        (
            ("IDENTIFIED", "identified"),  # SQL ``CREATE USER … IDENTIFIED BY '…'``, MySQL's old GRANT
            rf"(?:IDENTIFIED|identified)\s+(?:BY|by)\s+{_VALUE}",
        ),
    )
)
_GROUPS: Final = ("sq", "dq", "bare")
TOOLS: Final = frozenset().union(*(tools for tools, _ in _COMMANDS))  # every word that names a tool above
_SQL_USER: Final = re.compile(r"(?i:(?:create|alter)\s+user\b|grant\b)")  # what "identified by" must follow on its line


# Tools run by a path or inside a JSON string (``C:\\Windows\\system32\\net1 user …``, ``"command_line":"mysql -p…``)
# are no whitespace-delimited word of their own: where the cue is, the tool's word joins the text's words.
_EMBEDDED: Final = {
    "mysql": "mysql", "psexec": "psexec", "schtasks": "schtasks", "net user": "net", "net1 user": "net1",
    "net.exe": "net.exe", "ftpget": "ftpget", "ftpput": "ftpput", "sshpass": "sshpass", "mosquitto_": "mosquitto_pub",
}  # fmt: skip
_EMBEDDED_CUES: Final = cues.register(*_EMBEDDED)
cues.register("bin/")


def embedded_tools(scan: Scan, words: list[str]) -> list[str]:
    """The names of tools the text runs that are no word of its own (``words``): by a path, or glued to JSON."""
    found = []
    if scan.has_cased("bin/"):  # a tool named by its path (sudo's log: ``COMMAND=/usr/bin/mysql -p…``)
        found += [word.rpartition("/")[2] for word in words if "bin/" in word]
    if not scan.cues.isdisjoint(_EMBEDDED_CUES):
        found += [word for cue, word in _EMBEDDED.items() if cue in scan.cues]
    return found


def command_passwords(text: str, words: set[str]) -> list[Hit]:
    """The password arguments of the commands and device lines above; ``words``: the text's words."""
    hits: list[Hit] = []
    if TOOLS.isdisjoint(words):
        return hits  # one set operation for the common case: no tool named at all
    for tools, pattern in _COMMANDS:
        if tools.isdisjoint(words):
            continue
        for m in pattern.finditer(text):
            if m.start() and text[m.start() - 1].isalnum():
                continue  # inside a longer word
            if m.group()[:10] in ("IDENTIFIED", "identified") and not _SQL_USER.search(
                text, text.rfind("\n", 0, m.start()) + 1, m.start()
            ):
                continue  # "identified by" in prose ("the style identified by Ainsworth")
            group = next(g for g in _GROUPS if g in pattern.groupindex and m.group(g) is not None)
            value, end = m.group(group), m.end(group)
            if "\\n" in value:  # a command inside a JSON string: its escaped line break ends the value
                value = value[: value.index("\\n")]
                end = m.start(group) + len(value)
            if (
                len(value) >= 4
                and not PLACEHOLDER.match(value)
                and not masked(value)
                and not filler(value)
                and not hashed(value)
            ):
                hits.append(Hit(m.start(group), end, "SECRET", 0.9, Priority.ASSIGNED_SECRET))
    return hits
