"""Credentials found by what stands beside them (a key id, a user, a setter, a login), and their look-alikes.

Also the other categories' rules of the same pass: phones and e-mails amid CJK text, a URL in a CSV
cell, barcodes and documented test numbers.
"""

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
        # a key id, then its secret in the vendor's shape
        (
            'StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAQ3EGVSW4NB7XKP2L", '
            '"t7Vq2mXr9LpB4kWz8NcY3hJd6FsA1gQe5RuT0yHo"))',
            ["AKIAQ3EGVSW4NB7XKP2L", "t7Vq2mXr9LpB4kWz8NcY3hJd6FsA1gQe5RuT0yHo"],
        ),
        (
            "SecretId AKIDq8Wm2Xr7Lp4Bz9Nc3Yh6Jd1FsA5gQe0R，SecretKey Vt2mXr9LpB4kWz8NcY3hJd6FsA1gQe5R",
            ["AKIDq8Wm2Xr7Lp4Bz9Nc3Yh6Jd1FsA5gQe0R", "Vt2mXr9LpB4kWz8NcY3hJd6FsA1gQe5R"],
        ),
        (
            "client = Client('AC0f3a9b27c4d85e61f0a2b3c4d5e6f7a8', '9e2d4c6b8a0f1e3d5c7b9a2f4e6d8c0b')",
            ["9e2d4c6b8a0f1e3d5c7b9a2f4e6d8c0b"],
        ),
        # a user, then the password: credential classes and requests' auth tuple
        ('var c = new NetworkCredential("svc-print@contoso.example", "Fj4#kq9!Lz");', ["Fj4#kq9!Lz"]),
        ('r = requests.get(url, auth=("deploy", "Quartz-77-Heron"))', ["Quartz-77-Heron"]),
        # setters and builders, literals joined or not; getters take a name
        ('cfg.setPassword("Marlin88" + "Zq7TnW4xK2");', ["Marlin88", "Zq7TnW4xK2"]),
        ('Builder().apiKey("k7Q2wX9mL4pZ8rT1").build()', ["k7Q2wX9mL4pZ8rT1"]),
        ('String pw = vault.getPassword("billing-db");', []),
        ('conn.setPassword("${DB_PASSWORD}");', []),
        # an e-mail and a password, next to a word for the account
        ("Le compte Spotify c'est zoe.martin@example.org / Spot1fy!Zoe, merci", ["Spot1fy!Zoe"]),
        ("Reviewers: anna@example.com / bob@example.com", []),
        ("Contact: anna@example.com / 2024 roadmap", []),
    ],
)
def test_credentials_by_their_neighbour(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('$sec = ConvertTo-SecureString "Kelp-Orbit-41" -AsPlainText -Force', ["Kelp-Orbit-41"]),
        ("net use Z: \\\\fs02\\finance Otter#2207 /user:CORP\\scan /persistent:no", ["Otter#2207"]),
        ("net use Z: \\\\fs02\\finance * /user:CORP\\scan", []),
        ("smbclient //nas/share -U 'backup%Lantern-93' -c 'ls'", ["Lantern-93"]),
        (
            "aws configure set aws_secret_access_key q9Wm2Xr7Lp4Bz9Nc3Yh6Jd1FsA5gQe0RtUvWxYz --profile ci",
            ["q9Wm2Xr7Lp4Bz9Nc3Yh6Jd1FsA5gQe0RtUvWxYz"],
        ),
        ("aws configure set region eu-west-1 --profile ci", []),
        ("az login --service-principal -u 1f2e3d4c -p Xy8~Qw2.Er5_Ty7 --tenant 9a8b", ["Xy8~Qw2.Er5_Ty7"]),
    ],
)
def test_commands(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "key",
    [
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9-us14",  # Mailchimp
        "re_Ab3dEf7H_k2Lm9Np4Qr7St1Uv5Wx8Yz3Ab6C",  # Resend
        "sk_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",  # ElevenLabs
        "MTA5ODc2NTQzMjEwOTg3NjU0.Gh7kLm.Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4V",  # Discord bot
    ],
)
def test_vendor_formats(key: str) -> None:
    assert found(f"the token: {key}") == [key]


@pytest.mark.parametrize(
    "text",
    [
        'SLACK_BOT_TOKEN="xoxb-your-bot-token"',
        "STRIPE_KEY=sk_test_REPLACE_ME",
        "JWT_SECRET=change-me-to-a-long-random-string",
        'get_secret_value(SecretId="arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123")',
        'secret_id = "prod/payments/stripe"',
        "vault kv put secret/app password=@/tmp/newpw.txt",
        "AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE\nAWS Secret Access Key [None]: "
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "$pass = ConvertTo-SecureString $plain -AsPlainText -Force",
        "Signed with minisign key RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3",
        "set `password: {{ .Values.db.password }}` with `existingSecret: orders-db`",
        "密码禁止写在便签里，统一使用 1Password 保存",
        "cache key is 9f86d081884c7d659a2feaa0c55ad015",
    ],
)
def test_not_secrets(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key1 is 5f3c9a7e1b2d4f6a8c0e2b4d6f8a0c1e", ["5f3c9a7e1b2d4f6a8c0e2b4d6f8a0c1e"]),
        ("AppSecret 是 7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b，请检查", ["7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b"]),
        ("j'ai changé le mot de passe, le nouveau est Prm-7Lq2-Zx9 pour la tâche", ["Prm-7Lq2-Zx9"]),
        ("Nowe hasło, które ustawiłem, to Kq2!mZ8rTw dla konta", ["Kq2!mZ8rTw"]),
        ("Det nya app-lösenordet är wxyz abcd efgh ijkl och kontot är mitt.", ["wxyz abcd efgh ijkl"]),
        ("İnternet şifresi Kestane.Palas1923. İyi günler", ["Kestane.Palas1923"]),
        ("the password, as you know, expires monthly", []),
        ('"label": "password",\n  "value": "Tq9#zL2!mW8x",', ["Tq9#zL2!mW8x"]),
    ],
)
def test_said_in_prose(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("担当は佐藤さん、携帯は090-2211-3344、メールはsato.k@example.co.jpです。", "PHONE", ["090-2211-3344"]),
        ("担当は佐藤さん、携帯は090-2211-3344、メールはsato.k@example.co.jpです。", "EMAIL", ["sato.k@example.co.jp"]),
        ("Rappelez-moi au 06 23 45 67 89 demain.", "PHONE", ["06 23 45 67 89"]),
        ("Contato: (21) 98765-4321 | ana@example.com.br", "PHONE", ["(21) 98765-4321"]),
        ("Cep: 0532 123 45 67", "PHONE", ["0532 123 45 67"]),
        ("Call or text for a quote. ABN 51 824 753 556.", "PHONE", []),
        ("shipment number 00340434161094042557 was scanned at 1770912345 (epoch)", "PHONE", []),
        (
            "NAS,ftp://scan:Kq2.mZ8-rTw@10.0.0.5/in,scan,,copier\n",
            "URL_CREDENTIALS",
            ["ftp://scan:Kq2.mZ8-rTw@10.0.0.5/in"],
        ),
        ("商品コード 4901234567894 数量 2", "CREDIT_CARD", []),
        ("Visa card 4398259791907", "CREDIT_CARD", ["4398259791907"]),
        ("For 3-D Secure in the sandbox, use 4000 0027 6000 3184.", "CREDIT_CARD", []),
        ("Sandbox IBAN for SEPA tests: DE89 3704 0044 0532 0130 00.", "IBAN", []),
        ("Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00.", "IBAN", ["DE89 3704 0044 0532 0130 00"]),
    ],
)
def test_other_categories(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Kendi şifresini telefonda söyledi: Lodos.7731 – denemedim.", "SECRET", ["Lodos.7731"]),
        (
            "AIRFLOW__CORE__FERNET_KEY=Qw3rTy-12ab_Zx9Lm0Np4Rs7Uv2Wx5Yz8Ab1Cd4Ef6=",
            "SECRET",
            ["Qw3rTy-12ab_Zx9Lm0Np4Rs7Uv2Wx5Yz8Ab1Cd4Ef6="],
        ),
        (
            'echo "dckr_pat_Ab3dEf7Hk2Lm9Np4Qr7St1Uv5Wx" | docker login -u ci --password-stdin',
            "SECRET",
            ["dckr_pat_Ab3dEf7Hk2Lm9Np4Qr7St1Uv5Wx"],
        ),
        ("    - secretKey: username\n      remoteRef:\n        key: prod/db", "SECRET", []),
        ("      scheme: bearer\n      bearerFormat: JWT", "SECRET", []),
        ("Kalau perlu konfirmasi bisa hubungi saya di 0812-3456-789.", "PHONE", ["0812-3456-789"]),
        ("문제 생기면 010-2345-6789로 연락 주세요.", "PHONE", ["010-2345-6789"]),
        ("I can be reached at 071 234 5678 or by mail.", "PHONE", ["071 234 5678"]),
        ("Kama kuna tatizo nipigie 0712 345678. Asante.", "PHONE", ["0712 345678"]),
        ("fert_kg_ha     6.0021     1.1276   5.323 8.10e-07 ***", "PHONE", []),
    ],
)
def test_ninth_set_kinds(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # a notebook's JSON escapes the quotes of the code inside it; the value may hold any letter
        (
            '"os.environ[\\"VECTOR_API_KEY\\"] = \\"Tn4mWq8ZpLr2Kx7nVb3Hd9Yc\\"\\n",',
            "SECRET",
            ["Tn4mWq8ZpLr2Kx7nVb3Hd9Yc"],
        ),
        (
            "PINECONE_KEY=pcsk_3hQz9T_Lm2Xr7Wq8NpKb4Vc6Zd1Fs5Gh9Jk2Lm4Np6Qr8St0Uv2Wx4Yz6Ab",
            "SECRET",
            ["pcsk_3hQz9T_Lm2Xr7Wq8NpKb4Vc6Zd1Fs5Gh9Jk2Lm4Np6Qr8St0Uv2Wx4Yz6Ab"],
        ),
        (
            'dsn := fmt.Sprintf(f, "ingest", "pscale_pw_Qw3rTy12abZx9Lm0Np4Rs7Uv2Wx5Yz8Ab1Cd4E")',
            "SECRET",
            ["pscale_pw_Qw3rTy12abZx9Lm0Np4Rs7Uv2Wx5Yz8Ab1Cd4E"],
        ),
        # a YAML tag stands where the value would: encrypted (Ansible) or a reference (Home Assistant)
        ("    db_password: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          6231", "SECRET", []),
        ("http:\n  api_password: !secret http_password", "SECRET", []),
        # a session cookie as a HAR entry or a JSON headers map writes it, under an app's own name
        (
            '{ "name": "cookie", "value": "shop_sid=Vq7Lm2Xr9Wz4Kp8Nb3Hd6Yc1Fs5Gq0T; _ga=GA1.1.1.2" }',
            "SECRET",
            ["Vq7Lm2Xr9Wz4Kp8Nb3Hd6Yc1Fs5Gq0T"],
        ),
        ('headers = {"Cookie": "csrftoken=Vq7Lm2Xr9Wz4Kp8Nb3Hd6Yc1Fs5Gq0T"}', "SECRET", []),
        # an auth call's last literal
        ('$ua->credentials("intranet:443", "Finance", "reports", "Birch-71-Otter");', "SECRET", ["Birch-71-Otter"]),
        ('local ok, err = red:auth("m4ple-Fox-19")', "SECRET", ["m4ple-Fox-19"]),
        ('passport.auth("local")', "SECRET", []),
        # phones: a call after the negative word owns the number; words of more languages
        ("Account number as per the IBAN. Call me on 07911 123456 if needed.", "PHONE", ["07911 123456"]),
        ("Order no. 0791112345 was shipped.", "PHONE", []),
        ("Soittakaa tarvittaessa numeroon 040 1234567.", "PHONE", ["040 1234567"]),
        ("Khi nào xong thì bác gọi số 0912 345 678 nhé.", "PHONE", ["0912 345 678"]),
        ("Kung may tanong, tawagan niyo ako sa 0917 123 4567.", "PHONE", ["0917 123 4567"]),
        ("連絡先：090-1234-5678（平日のみ）", "PHONE", ["090-1234-5678"]),
        ("अब मेरा नया नंबर 098765 43210 है।", "PHONE", ["098765 43210"]),
        ("afiliado n.º 280-123456/07, teléfono de contacto en la ficha", "PHONE", []),
        # a date of birth in the third person; an IPv6 address before a prompt's colon
        ("Nació el 3 de marzo de 2015 en Sevilla.", "DATE_OF_BIRTH", ["3 de marzo de 2015"]),
        ("deploy@2a01:4f8:1c0c:8122::1: Permission denied (publickey).", "IP_ADDRESS", ["2a01:4f8:1c0c:8122::1"]),
    ],
)
def test_tenth_set_kinds(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sorun olursa beni 0501 234 56 78 numarasından arayın.", ["0501 234 56 78"]),
        ("Kérem, hívjon a 06 20 123 4567 számon.", ["06 20 123 4567"]),
        ("Vă rog sunați-mă la 0712 034 567 după ora 17.", ["0712 034 567"]),
        ("Nazovite me na 092 123 4567 sutra.", ["092 123 4567"]),
        ("Zavolajte mi na 0912 123 456, prosím.", ["0912 123 456"]),
        ("Helistage mulle 5123 4567 homme.", ["5123 4567"]),
        ("Zvaniet man uz 21 234 567 vakarā.", ["21 234 567"]),
        ("Позвоните мне по номеру 8 912 345-67-89 вечером.", ["8 912 345-67-89"]),
        ("اتصل بي على 050 123 4567 بعد الظهر", ["050 123 4567"]),
        ("لطفا با 0912 345 6789 تماس بگیرید", ["0912 345 6789"]),
        ("আমার ফোন 01812-345678 এ কল দিন", ["01812-345678"]),
        ("有问题请致电 138 0013 8000 联系我。", ["138 0013 8000"]),
        ("Silakan telepon saya di 0812-345-678 ya.", ["0812-345-678"]),
        # still not phones: an account's or an order's number, a pension order number in Hindi
        ("पीपीओ नंबर 104561200339 है।", []),
        ("Numărul comenzii 0712034567, vă rog sunați-mă.", []),
    ],
)
def test_phone_words_of_more_languages(text: str, expected: list[str]) -> None:
    assert found(text, "PHONE") == expected


@pytest.mark.parametrize(
    "key",
    [
        "gldt-u8jzPde0IgxLd6GncfBA",  # GitLab deploy token
        "GR1348941epfJBd0Kh8oOOL8dKLzd",  # GitLab runner registration
        "xoxe.xoxp-1-ocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMe",  # Slack rotating token
        "sbp_3d5a4fd12aabfe228f219e9cb0eb53f16947ccf2",  # Supabase
        "patkCzJr4i0B3JrTA.bc74254770f58904dba41ecccc3fc1626e53a13043b026c48bbf33feff9243a8",  # Airtable
        "secret_E1SkHbn88HxjSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW",  # Notion (older)
        "figd_2mZp0zVZomHFwUbbYrEqmSM9wCZ7Uw9xfogoEmvn",  # Figma
        "HRKU-AAEN5N1aE6PwZPf1Qh6yYTWmE4lBYOvfZ8UzDzV8fUkkibjL5DZPjN0MEQ7w",  # Heroku
        "doo_v1_440034d6608697a8d41bed440e50454f31af3176813e02ea68ef786e4d3cea27",  # DigitalOcean OAuth
        "oy21enthjxjqi3ogz5kok16zv0mwufxbv932byv7s6ehog",  # NuGet
        "api_org_fqrc5XlrWi0B26R08qzjI6GKFSufrdZSlB",  # Hugging Face org
        "ATBB5er8bOfZqfM2oeq3hDavJA76rNicHTp8",  # Bitbucket
        "PMAK-3581569969e58b081006f7e3-dfc967a64cb14028d512c9791e558e08ba",  # Postman
        "glsa_Jupc94tnwlavyfErGPmpGXafq0fjzLcz_099724ca",  # Grafana service account
        "dt0c01.5JSJC616I76BOFBCIXGY29DB.8P5QA3E68F7E4QEQPNO35YE4SCMEJVQTIA4D5RGN5S7S333H9MTF4BS3E62RYNNE",  # Dynatrace
        "Lfj8Q~VHq8xiM0OGr4hTxoF54Fzbka8FRCztUjAw",  # Microsoft Entra client secret
        "1//0yuh1vauWv1zh87mTa5Vsqxezy3Lex7BWr2drgd1QsO7jprBGumXxY9B4bZWO",  # Google refresh token
        "pul-c621de49f145fda9988c79fc35526f7eaed46725",  # Pulumi
        "access-production-a2a7b860-dcd6-c8a1-f8b4-6287cced9041",  # Plaid
        "sdk-dff02cee-7374-43e2-1047-1948d33296c8",  # LaunchDarkly
        "CFPAT-oYMaaItDr9uP14pEHpJpb9ATPtdbmF4RPAfqoQB7xoF",  # Contentful
        "rnd_cSvTAxRzmaZsV2GenFmtX0moDoqW4sg8",  # Render
    ],
)
def test_more_vendor_formats(key: str) -> None:
    assert found(f"here it is: {key} (do not share)") == [key]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The wifi password at the beach house changed, it's now Gull-Harbor-88 btw", ["Gull-Harbor-88"]),
        ("A senha do Wi-Fi da casa da praia mudou, agora é Gaivota#2026sul (rede CasaPraia).", ["Gaivota#2026sul"]),
        ("le mot de passe du wifi a changé, c'est maintenant Roseau-2291", ["Roseau-2291"]),
        ("Your password will expire soon, it is recommended to change it.", []),
        ("The password is on the sticker, SSID HomeNet-5G.", []),
    ],
)
def test_password_in_the_next_clause(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # from package documentation and changelogs: names, paths, advisories, markup and docs' stand-ins
        ("nettle: s390x/fat/aes128-set-encrypt-key-2.asm s390x/fat/chacha-4core.asm", "SECRET"),
        ("RSA-PSK key exchange. CVE-2024-0553  GNUTLS-SA-2024-01-14 Closes: #1061046", "SECRET"),
        ("uint8_t key[POLY1305_AES_KEY_SIZE];", "SECRET"),
        ("Public key pin-sha256: SIXvRyDmBJSgatgTQRGbInBaAK+hZOQ18UmrSwnDlK8=", "SECRET"),
        ("low-entropy sources is not secure.</p>\\n<p>PSK ciphers are disabled", "SECRET"),
        ("{ psk: &#x3C;Buffer> }", "SECRET"),
        ("** --ask-password option (and associated wgetrc command)", "SECRET"),
        ("(pass_waccess::warn_invalid_pointer): Exclude equality", "SECRET"),
        ("  passphrase: 'sample',", "SECRET"),
        ('"openssl pkcs12 -export -passout pass:sample\\n</code></pre>"', "SECRET"),
        ("const password = 'Password used to generate key';", "SECRET"),
        ("Build the Argon2 password module with libargon2-dev instead", "SECRET"),
        ("My password reset link ends in &type=recovery, is that secure?", "SECRET"),
        ("Copyright (c) 1995-2011 Paul Marquess; Filter-Util-Call", "PHONE"),
        ("+ improve ndr9500  20200822  + add note on portable terminals", "PHONE"),
        ("Boston, MA 02110-1301, USA, or call us", "PHONE"),
        ("as defined in Clause 252.227-7013 (c) (1) of DFARS", "PHONE"),
    ],
)
def test_documentation_look_alikes(text: str, kind: str) -> None:
    assert found(text, kind) == []


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("mysql --password Hx7#teal-19 -u root", "SECRET", ["Hx7#teal-19"]),
        ('"openssl pkcs12 -export -passout pass:Zq8mmk2v\\n"', "SECRET", ["Zq8mmk2v"]),
        ("The Boston office, or call (617) 542-5942 for details", "PHONE", ["(617) 542-5942"]),
        ("Call 415-555-2671 or 415.555.2671", "PHONE", ["415-555-2671", "415.555.2671"]),
    ],
)
def test_documentation_look_alikes_spare_the_real_ones(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    "text",
    [
        # from real library code (the standard library, site-packages): names, variables and types
        "class XPass(Exception):\n    pass\n\nclass Skipped(Exception):",
        '    "AWS::ApiGateway::ApiKey": "48205d4ffd7feba3",',
        "        self.webhook_secret = webhook_secret",
        "        username, password = url_user_password",
        "    client = Session(aws_secret_access_key=aws_secret_key, region=region)",
        '    FIELDS = {"name": validate_name, "password": validate_password}',
        "        password = password + b'\\x00' * (blocksize - len(password))",
        '            password = f"{registry_id}-auth-token"',
        '    "PBESv1 using SHA1 and 3-Key TripleDES"\n    PBESv2SHA256AndAES256CBC = "PBESv2 using SHA256"',
        '    MovedAttribute("HTTPPasswordMgrWithDefaultRealm", "urllib2", "urllib.request"),',
        'processorArchitecture="*" publicKeyToken="1fc8b3b9a1e18e3b"></assemblyIdentity>',
    ],
)
def test_code_look_alikes(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("profile::datadog::api_key: '5d0514577ec490312a244a12723d37b7'", ["5d0514577ec490312a244a12723d37b7"]),
        ("password = Hunter_two_99", ["Hunter_two_99"]),
        ("DB_PASSWORD=Fj4#kq9!Lz", ["Fj4#kq9!Lz"]),
    ],
)
def test_code_look_alikes_spare_the_real_ones(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_constants_in_groups_are_no_phones() -> None:
    assert found("neutron Compton wavelength     1.319 590 8951 e-15   0.000 000 0020 e-15   m", "PHONE") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # from man pages and /etc: groff escapes, shell expansions, references, ranges
        ("prompt for a password before connecting to a database\\&. .sp This option", "SECRET"),
        ("\\fB--passphrase\\fR \\fIstring\\fR Instead of reading the passphrase from \\fBstdin\\fR", "SECRET"),
        ("set -u\n${DEBIAN_SCRIPT_DEBUG:+ set -v -x}", "SECRET"),
        ("--update-secrets=/secrets/api/key=mysecret:latest,ENV=othersecret:1", "SECRET"),
        ("--oracle-password=fakepassword --oracle-username=fake", "SECRET"),
        ("Prompt for the password used to connect to Salesforce.", "SECRET"),
        ("the integer must be a decimal number in the range [0, 4294967295].", "PHONE"),
    ],
)
def test_manual_look_alikes(text: str, kind: str) -> None:
    assert found(text, kind) == []


def test_curl_user_still_read() -> None:
    assert found("curl -u deploy:Qz8-mK2x https://ci.internal/api") == ["Qz8-mK2x"]


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Rückrufnummer laut Überweisung: 01512 3456789", "PHONE", ["01512 3456789"]),
        ("Kunden kontaktet på 32 12 34 56 den 11/06.", "PHONE", ["32 12 34 56"]),
        ("Frequent flyer QF 1928 4471\nContact: +61 412 345 678", "PHONE", ["+61 412 345 678"]),
        ('{"imie": "Anna", "data_urodzenia": "1991-03-14", "miasto": "Łódź"}', "DATE_OF_BIRTH", ["1991-03-14"]),
        ("| Student | N. T. |\n| Date of birth | 2016-05-09 |\n| Class | 3B |", "DATE_OF_BIRTH", ["2016-05-09"]),
        ("생년월일: 1995년 7월 3일\n부서: 인사팀", "DATE_OF_BIRTH", ["1995년 7월 3일"]),
        ("Deprecated: legacy API v1 (removal planned for 11.0.0.0)", "IP_ADDRESS", []),
    ],
)
def test_eleventh_set_kinds(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("核对身份时客户提供出生日期 1985年11月20日。", "DATE_OF_BIRTH", ["1985年11月20日"]),
        ("Клиент: пароль вроде Сирень_1987! но он не подходит.", "SECRET", ["Сирень_1987!"]),
        ("Клиент: пароль не помнит, просит сбросить.", "SECRET", []),
        ("Cartão bloqueado (protocolo 2025031100488). Telefone confirmado.", "PHONE", []),
    ],
)
def test_twelfth_set_kinds(text: str, kind: str, expected: list[str]) -> None:
    assert found(text, kind) == expected
