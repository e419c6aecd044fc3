"""Values named by a credential's name that is not right before them (named.py), and URLs with an empty user."""

from __future__ import annotations

import pytest

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def found(text: str, kind: str = "SECRET") -> list[str]:
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # name/value pairs: Kubernetes env, Postman, NuGet, ECS
        (
            "env:\n  - name: DB_PASSWORD\n    value: Hq4-xLm92-pT\n  - name: LOG_LEVEL\n    value: debug",
            ["Hq4-xLm92-pT"],
        ),
        (
            '{"key": "password", "value": "18a1e6ade454e2b9598ab724bd0f8784", "type": "string"}',
            ["18a1e6ade454e2b9598ab724bd0f8784"],
        ),
        (
            '<add key="ClearTextPassword" value="6af04iup1kca8pbgtdvxzprs4bufrjbkivfww32tya2veu91z0r5" />',
            ["6af04iup1kca8pbgtdvxzprs4bufrjbkivfww32tya2veu91z0r5"],
        ),
        ('{"name": "API_TOKEN", "value": "k8Rj2mQx7LpT4vNz9WcY3sBd"}', ["k8Rj2mQx7LpT4vNz9WcY3sBd"]),
        ('{"name": "API_TOKEN", "value": "${API_TOKEN}"}', []),
        ("  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}", []),
        # a call that takes the name, then the value; a tuple is no call
        ("define( 'DB_PASSWORD', 'C=a-Fj1!Q~H0Qh5snphC' );", ["C=a-Fj1!Q~H0Qh5snphC"]),
        ('os.environ.setdefault("STRIPE_SECRET", "Zr8kQ2mNv5xT7pLw")', ["Zr8kQ2mNv5xT7pLw"]),
        ('("SECRET", "hunter22"),', []),
        # XML elements
        (
            "<server><username>deployment</username><password>ecaeKL5KIyo^bx1Q8C</password></server>",
            ["ecaeKL5KIyo^bx1Q8C"],
        ),
        ("<password>${env.MAVEN_PASSWORD}</password>", []),
        # a table's password column
        (
            "name,login_uri,login_username,login_password\nJira,https://x.atlassian.net,ann@x.dev,WZDMWYR6ugobEBrYx9q6\n"
            "Bank,https://bank.es,cv88,Camila1988!",
            ["WZDMWYR6ugobEBrYx9q6", "Camila1988!"],
        ),
        ("| host | user | password |\n|---|---|---|\n| db1 | app | Tundra_2019#Sys |", ["Tundra_2019#Sys"]),
        # a line of code with commas is no header
        ('x = f(token, "a", "b")\ny = g(1, "c", "d")', []),
    ],
)
def test_named_values(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_url_credentials_with_an_empty_user() -> None:
    text = 'createClient({ url: "redis://:o11nuo728-PoMxVQq9LbdXls@cache-01.svc:6379/2" })'
    assert found(text, "URL_CREDENTIALS") == ["redis://:o11nuo728-PoMxVQq9LbdXls@cache-01.svc:6379/2"]


def test_a_csv_row_is_not_a_url_with_a_token_as_user() -> None:
    text = "Personal,,login,Gmail,0,https://accounts.google.com,camila.v88@gmail.com,x\n"
    assert found(text, "URL_CREDENTIALS") == []
    assert found(text, "EMAIL") == ["camila.v88@gmail.com"]
