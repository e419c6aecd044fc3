"""Passwords handed to commands and device configs (commands.py), and the arguments that are not passwords."""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def secrets(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == "SECRET"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mysql -h db -u app -p'S3cret-Pass' shop", ["S3cret-Pass"]),
        ("sshpass -p 'Juniper1983#' rsync -az ./dist/ deploy@web:/var/www", ["Juniper1983#"]),
        ("ipmitool -I lanplus -H 10.2.0.50 -U ops -P 'BW1-0mHTdpN-d.NV' chassis status", ["BW1-0mHTdpN-d.NV"]),
        ("ipmitool -I lanplus -H bmc -p 623 -U ops -E chassis status", []),
        ('ldapsearch -x -H ldaps://dc -D "cn=svc,dc=lan" -w \'s!d5L4iqW6yT6*Yg\' "(uid=x)"', ["s!d5L4iqW6yT6*Yg"]),
        ("ldapsearch -x -D cn=admin -W -b dc=example", []),
        ("[oracle@erp ~]$ sqlplus system/Tundra_2019#Sys@ERPPRD as sysdba", ["Tundra_2019#Sys"]),
        ("xfreerdp /v:10.5.20.45 /u:'PRAXIS\\Administrator' /p:'ordM5*J+bGRC_2MB' /cert:ignore", ["ordM5*J+bGRC_2MB"]),
        ("x11vnc -storepasswd 'ABB6FOfy' ~/.vnc/passwd", ["ABB6FOfy"]),
        (
            "keytool -importkeystore -srckeystore a.p12 -srcstorepass PhW82jAQJEEyxv -deststorepass changeit",
            ["PhW82jAQJEEyxv"],
        ),
        ("keytool -list -keystore x.jks -storepass:env KS_PASS", []),
        (
            "openssl pkcs12 -export -in c.pem -inkey k.pem -passout pass:Wq7-marble-Tulip42 -out c.p12",
            ["Wq7-marble-Tulip42"],
        ),
        ("$ wpa_passphrase \"Casa_Ribeiro_5G\" 'Basalt1976!'", ["Basalt1976!"]),
        ('nmcli device wifi connect "FRITZ!Box 7590 QX" password "49393350715686893602"', ["49393350715686893602"]),
        ('203.0.113.9 198.51.100.20 : PSK "OAcEHFod1_Kv-pOTNqUy7Vt+~rXk"', ["OAcEHFod1_Kv-pOTNqUy7Vt+~rXk"]),
        (
            "username admin privilege 15 password 7 05211301285C4B1B4B55464748\n"
            "snmp-server community Cij0Fo7SDgEU8j RO 10\nsnmp-server community public RO",
            ["05211301285C4B1B4B55464748", "Cij0Fo7SDgEU8j"],
        ),
        ("    Key Content            : Harbor-saffron-radish01\n", ["Harbor-saffron-radish01"]),
        (
            "AUTH LOGIN\n334 VXNlcm5hbWU6\nc2Nhbi1tZnBAbGFya21lYWRvdy5zaG9w\n334 UGFzc3dvcmQ6\nTWVhZG93MTk3MS4=\n",
            ["TWVhZG93MTk3MS4="],
        ),
        ("CREATE USER 'reporting'@'10.0.%' IDENTIFIED BY 'PZkMsMG7iQr2dWWk+=';", ["PZkMsMG7iQr2dWWk+="]),
        # "identified by" in prose is no SQL
        ("The attachment style identified by Ainsworth was tested by researchers", []),
    ],
)
def test_command_passwords(text: str, expected: list[str]) -> None:
    assert secrets(text) == expected
