"""What a credential's value is not: a placeholder, a name from code, a value someone already masked.

Shared by the assignment, command-line and prose finders of ``secrets.py`` and ``prose.py``.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["CODE", "DOCUMENTED", "PLACEHOLDER", "PUBLISHED", "filler", "hashed", "masked"]

PLACEHOLDER: Final = re.compile(
    r"^(?:\$|<|\{|%|\[|\*+$|x{3,}|\.\.\.|your|my[-_]|example|changeme|redacted|hidden|removed|dummy|placeholder|todo"
    r"|changeit$|none$|null$|nil$|true$|false$|undefined$|required$|optional$|str$|string$|int$|bool$|bytes$|secretstr$|any$"
    r"|sample$|test$|testing$|demo$|foo$|bar$|baz$|foobar$|mypass(?:word)?$"  # docs' stand-ins (``passphrase: 'demo'``)
    r"|generate$|@[A-Z][A-Z0-9_]*@$"  # zigbee2mqtt's ``network_key: GENERATE``; a build's ``@WIFI_KEY@`` substitution
    # a server's out-of-the-box password, known to everyone who has installed it (Grafana's ``admin``)
    r"|admin$|administrator$|root$|toor$|guest$|postgres$|mysql$|redis$|rabbitmq$|minioadmin$|sa$"
    r"|secrets?$|passwords?$|passwd$|pwd$|tokens?$|credentials?$|api_?key$|key$|value$|os\.|process\.env|env\("
    r"|getenv|settings\.|config\.|self\.|request\.|args\."
    # a keyword of code where a value would be (``secret = await vault.get()``, ``token = new Token()``)
    r"|await$|new$|yield$|lambda$|function$|not$|typeof$|require$|pass$|return$|raise$|continue$|break$|shift$"
    # an algorithm, not a password (``secret: SHA-256``, ``password hashing: bcrypt``)
    r"|(?:sha-?(?:1|224|256|384|512)|md5|bcrypt|scrypt|argon2(?:id|i|d)?|pbkdf2\S*|hmac\S*|aes-?\d+\S*|rsa-?\d*"
    r"|[hre]s(?:256|384|512))$)",
    re.IGNORECASE,
)
# A call, a subscript or a tuple (``get_password()``, ``os.environ["X"]``, ``(key.value(),)``), an
# attribute (``settings.KEY``; none starts with a digit: ``papavero.90LICHEN`` is a value), a constant.
# Possessive (``*+``): what follows each run is a character the run cannot hold, so giving some back never
# helps, and a long token (a JWT's 300 characters) is read once instead of once per dot.
CODE: Final = re.compile(
    r"[A-Za-z_]?[\w.]*+\s*+[(\[]|[A-Za-z_]\w*+(?:\.[A-Za-z_]\w*+)++$|[A-Z][A-Z0-9]*+_[A-Z0-9_]++$"
)  # use ``CODE.match``: each branch describes the value from its start

# Keys made to be published: shipped in web pages and apps, they identify an account and grant no
# access. Stripe/Clerk ``pk_``, Mapbox ``pk.``, Datadog RUM ``pub…``, RevenueCat ``appl_``/``goog_``,
# Razorpay's key id, Twilio's SIDs (``AC…``, ``MG…``, an API key's ``SK…``: names; the secret is the
# auth token or the key's secret).
PUBLISHED: Final = re.compile(
    r"pk_(?:live|test)_|pk\.eyJ|pub[0-9a-f]{32}$|(?:appl|goog|amzn)_[A-Za-z0-9]{20,}$|rzp_(?:live|test)_[A-Za-z0-9]{14}$"
    r"|(?:AC|MG|SM|PN|MM|CA|RE|IS|VA|KS|SK)[0-9a-f]{32}$"
    r"|RW[A-Za-z0-9+/]{50,56}={0,2}$"  # a minisign public key: base64 of "Ed", its id and the key
    r"|b?tok_[A-Za-z0-9]{14,}$"  # a card's or a bank account's token (Stripe, card vaults): a single-use reference
    r"|(?:SB-)?Mid-client-"  # Midtrans's client key, for its payment page in the browser
)


# Keys printed in vendors' documentation for every reader to paste: they unlock nothing. jwt.io's example
# token ("John Doe", signed with ``your-256-bit-secret``) is in every JWT tutorial.
DOCUMENTED: Final = frozenset({
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk5yJV_adQssw5c",
})  # fmt: skip


# Filler inside a value that has a vendor's prefix or a name's shape: ``xoxb-your-bot-token``,
# ``sk_test_REPLACE_ME``, ``change-me-to-a-long-random-string``.
# (Anywhere: searched only where one of ``_FILLER_WORDS`` is; at the start: matched.)
_FILLER_WORDS: Final = ("your", "replace", "placeholder", "insert", "change")
_FILLER: Final = re.compile(r"(?:^|[-_.])(?:your|replace|placeholder|insert)(?:[-_.]|$)|change[-_]?me(?:[-_.]|$)")
_FILLER_START: Final = re.compile(
    r"fake(?:[-_]?pass(?:word)?|[-_]?secret)?$"
    # "change this" in the languages of the prose finder's words: ``cambia-esto-en-produccion``, ``mude-isto``
    r"|(?:cambi(?:a|ar|ame)|reemplaza|mud(?:e|ar)|altere|troque|changez|remplacez|aendern|ändern|ersetzen"
    r"|cambiare|sostituisci|wijzig|vervang|zmien)(?:[-_.]|$)"
)


def masked(value: str) -> bool:
    """``sk-...REDACTED``, ``ghp_****``: a value someone already hid; or a documented one (AWS's ``…EXAMPLEKEY``).

    AWS's documentation writes "EXAMPLE" at the end of its sample keys and inside its long sample tokens
    (``AQoDYXdzEPT//////////wEXAMPLEtc764…``); seven given capitals are never in a random one by chance.
    """
    lowered = value.lower()
    return (
        "..." in value or "…" in value or "***" in value or "xxxx" in lowered or "redacted" in lowered
        or value.endswith(("EXAMPLE", "EXAMPLEKEY")) or (len(value) > 40 and "EXAMPLE" in value) or value in DOCUMENTED
    )  # fmt: skip


# A value of words alone that names a credential rather than holds one: ``secretKey: api-token`` (the key
# of a Kubernetes Secret), ``existingSecret``, ``whsec_test_secret``, Docker's ``mysecretpassword``.
_WORDS_ONLY: Final = re.compile(r"[A-Za-z]+(?:[-_.][A-Za-z]+)*")
_CREDENTIAL_WORD: Final = re.compile(r"secret|passw|token|api[-_]?key|[-_.]key$|[a-z]Key$", re.IGNORECASE)


def filler(value: str) -> bool:
    """A template's words in a value shaped like a key or a name: ``xoxb-your-bot-token``, ``sk_test_REPLACE_ME``.

    Or words alone, no digit, that say credential (``api-token``, ``existingSecret``): a name for one.
    Asked only where such values are read (vendor-shaped keys, assignments), not of every candidate.
    """
    lowered = value.lower()
    if _FILLER_START.match(lowered) is not None:
        return True
    if any(word in lowered for word in _FILLER_WORDS) and _FILLER.search(lowered) is not None:
        return True
    return _WORDS_ONLY.fullmatch(value) is not None and _CREDENTIAL_WORD.search(value) is not None


# What a system stores instead of a password: crypt(3) (``$1$``, ``$6$``, yescrypt ``$y$``, Cisco ``$9$``),
# LDAP ``{SSHA}``, a PostgreSQL SCRAM verifier or ``md5…``, MySQL's ``*…``, Django's ``pbkdf2_sha256$``.
_HASHED: Final = re.compile(
    r"\$(?:1|2[abxy]?|5|6|7|8|9|y|gy|apr1|argon2(?:id|i|d)|scrypt)\$|SCRAM-SHA-(?:1|256)\$|\{(?:S?SHA\d*|S?MD5|CRYPT"
    r"|PBKDF2[\w-]*|ARGON2)\}|md5[0-9a-f]{32}$|\*[0-9A-F]{40}$|(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt)\$"
)


def hashed(value: str) -> bool:
    """A password's hash, as stored: one-way, so not the credential itself."""
    return _HASHED.match(value) is not None
