"""Forms the twenty-third blind set (code review and version-control text: diffs, patches, scanner reports) taught.

Each form with its look-alike; the values are new ones.
"""

from __future__ import annotations

import pytest
from tests.unit.privacy.findings import found

B64 = "Iq9cOgS8Dn58T6spMf0cBDxF5ZFydM3NgrSr4Mk9j28="


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a diff's markers are no part of what they mark, nor do they break a block's indentation
        (f" [output]\n host = 10.9.2.40\n-shared_key = {B64}\n+shared_key = ${{SYSLOG_KEY}}", [B64]),
        (
            "+active_record_encryption:\n+  primary_key: 2n4pDVx1l8NN3lHGYqbU4GM9N04vpEFJ\n",
            ["2n4pDVx1l8NN3lHGYqbU4GM9N04vpEFJ"],
        ),
        ("+spec:\n+  encryptedData:\n+    STRIPE_WEBHOOK_SECRET: AgCKXZT/dKd1B3+73OINaLMs5O5jLEmh/KfeJLUE9Amb\n", []),
        (
            '+    proxy_set_header Authorization "Basic Z3JhZmFuYS1zY3JhcGVyOldyZW4tQ29iYWx0LTUxNTA=";',
            ["Z3JhZmFuYS1zY3JhcGVyOldyZW4tQ29iYWx0LTUxNTA="],
        ),
        (
            "+define( 'NONCE_SALT',       'pWjGdg_l_rD_mTjg_70TxlC5_XrQq-yEXYYxMocgGixrEtY3qx1wKO' );",
            ["pWjGdg_l_rD_mTjg_70TxlC5_XrQq-yEXYYxMocgGixrEtY3qx1wKO"],
        ),
        # not secrets: a scanner's hash of one, a test config's stand-in
        ('-        "hashed_secret": "dfb05c5475525241ddd53c52ec07871ca82911cb",', []),
        ('+        <env name="PUSHER_APP_SECRET" value="testing"/>', []),
    ],
)
def test_secrets_in_diffs(text: str, expected: list[str]) -> None:
    assert found(text, "SECRET") == expected


def test_other_values_in_code() -> None:
    assert found('"engine = create_engine(\\"mysql+pymysql://analyst:Kw4ll-Orbit-61@10.12.0.31:3306/crm\\")\\n",',
                 "URL_CREDENTIALS") == ["mysql+pymysql://analyst:Kw4ll-Orbit-61@10.12.0.31:3306/crm"]  # fmt: skip
    assert found('Person(phone="085 097 4634", dob=date.fromisoformat("1988-06-14"))', "DATE_OF_BIRTH") == [
        "1988-06-14"
    ]
    assert found('release_date = date.fromisoformat("1988-06-14")', "DATE_OF_BIRTH") == []
