"""How strongly a name says "credential": shared by every finder that reads a value by its name.

``password=``, ``{"name": "DB_PASSWORD", "value": …}``, ``<password>…</password>``, a CSV column
``login_password``: the same question, whether the name is a credential's, is asked of each.
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["strength"]

_PARTS: Final = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_STRONG: Final = ("password", "passwd", "pwd", "pass", "passphrase", "passcode", "passkey", "secret", "secrets", "psk",
                   "totp")  # fmt: skip
_STRONG_TAIL: Final = ("password", "passwd", "secret", "pwd", "passphrase")
_WEAK: Final = ("token", "apikey", "key", "auth", "credential", "credentials", "bearer", "salt")  # (WordPress's salts)
# What makes "key" a credential's ("api key", "preshared key", "routing key" of an alerting service);
# a key after anything else is a data structure's ("primary key", "sort_key").
_KEY_QUALIFIERS: Final = ("api", "access", "secret", "private", "signing", "encryption", "master", "license", "auth",
                          "client", "app", "service", "subscription", "account", "admin", "x", "validation",
                          "decryption", "preshared", "routing", "integration", "consumer", "fernet", "hmac",
                          "jwt", "server", "shared", "unicast", "broadcast", "authentication",
                          "session")  # fmt: skip  (DLMS meters' global unicast/broadcast and authentication keys)
_NOT_VALUE_NAMES: Final = ("count", "limit", "len", "length", "size", "type", "url", "uri", "endpoint", "file", "path",
                           "name", "id", "expiry", "expires", "ttl", "header", "field", "env", "var", "prefix",
                           "format", "policy", "reset", "hint", "label", "required", "manager", "rotation", "store",
                           "vault", "ref", "source", "min", "max", "usage", "strength", "hash", "algorithm", "mode",
                           "placeholder", "input", "column", "region", "pair", "set", "mgr", "handler", "factory",
                           "provider", "helper", "builder", "exception", "error", "errors", "callback", "module",
                           "plugin", "class", "generator", "attribute", "accessor",
                           # a time about the credential (``passwordChanged``, ``password_updated_at``), not it
                           "at", "changed", "updated", "created", "modified", "date", "time", "timestamp", "since",
                           "expiration", "rotated",
                           "stdin",  # ``--password-stdin`` takes no value: the next word is something else
                           # a file's name (``man/passwd.1.xml:``, ``secrets.yaml:``), not a value's
                           "xml", "json", "yaml", "yml", "txt", "md", "rst", "html", "py", "js", "ts", "rb", "go",
                           "java", "sh", "conf", "cfg", "ini", "toml", "lock", "log")  # fmt: skip
# What makes "key" a network's password: "WiFi key", "WPA2 key", "network key" (as Windows names it).
_NETWORK: Final = ("wifi", "wlan", "wpa", "wpa2", "wpa3", "wep", "network")
_LORAWAN_KEYS: Final = frozenset({"appkey", "nwkkey", "nwkskey", "appskey", "fnwksintkey", "snwksintkey", "nwksenckey"})
# Tokens that page through results or make a call idempotent (``NextToken``, ``ClientRequestToken``,
# ``ChangeToken``, ``LifecycleActionToken``): handles an API hands out and takes back, granting nothing.
_HANDLE_TOKENS: Final = ("next", "page", "continuation", "change", "request", "idempotency", "sync", "cancellation",
                         "action", "pagination", "resume", "marker", "cursor")  # fmt: skip
# A CSRF token is sent to every visitor's page; ``existingSecret`` names a Kubernetes Secret, not its value; a
# public key, a .NET ``publicKeyToken`` or Next.js's ``NEXT_PUBLIC_…`` variables are published by design; an
# ``…Encrypted`` value is a ciphertext (systemd's ``SetCredentialEncrypted=``); Rails' ``authenticity_token`` is its
# CSRF token.
_NOT_VALUE_PARTS: Final = ("csrf", "xsrf", "csrftoken", "existing", "public", "mgr", "encrypted", "authenticity",
                            "hashed")  # (detect-secrets' ``hashed_secret``)


@functools.lru_cache(maxsize=4096)
def strength(key: str) -> int:
    """2 for a name that says password or secret, 1 for token/key/auth, 0 for anything else.

    ``secret_id`` (Vault AppRole, Consul) is the secret half of a pair, though ids are not values (so only a
    random-looking one is: AWS's ``SecretId`` names the secret);
    a flag that takes key ids (``--export-secret-keys``) names keys, it holds none.
    Cached: the same few names (``password``, ``api_key``, ``DB_PASSWORD``…) come back in text
    after text, and splitting one into its parts costs more than the rest of its check.
    """
    name = key.lstrip("-")
    parts = [p.lower() for p in _PARTS.findall(name)]
    if parts[-2:] == ["secret", "id"]:
        return 1  # its value must look random: AWS's ``SecretId`` names a secret (``MyTestDatabaseSecret1``)
    if not parts or parts[-1] in _NOT_VALUE_NAMES or any(p in _NOT_VALUE_PARTS for p in parts):
        return 0
    if parts[-1] == "token" and len(parts) > 1 and parts[-2] in _HANDLE_TOKENS:
        return 0
    if key.startswith("--") and parts[-1] in ("keys", "subkeys"):
        return 0
    if parts[-2:] == ["password", "key"]:
        return 0  # Helm's ``adminPasswordKey: postgres-password`` names the key of a Secret that holds it
    if parts[-1] == "key" and "".join(parts[:-1]).endswith(_NETWORK):
        return 2  # a Wi-Fi network's key is its password, whatever its shape
    joined = "".join(parts)
    if joined in _LORAWAN_KEYS:
        return 1  # a LoRaWAN device's root and session keys (``AppKey``, ``NwkSKey``, ``AppSKey``)
    if any(p in _STRONG for p in parts) or joined.endswith(_STRONG_TAIL) or parts[-1] == "pw":  # not ``pw_lib``
        return 2
    for i, part in enumerate(parts):
        if part == "key" and (i == 0 or parts[i - 1] not in _KEY_QUALIFIERS):
            continue  # "primary key", "sort_key": a key that is no credential
        if part in _WEAK or joined.endswith(("apikey", "accesskey", "authtoken")):
            return 1
    return 0
