"""Render texts.tpl (with @@kind:name[:arg...][~op...]@@ place-holders) into texts.txt.

    /work/main/.venv/bin/python tests/privacy/heldout17/gen.py

Random values are drawn once with the `secrets` module and cached in values.json (keyed by
`kind:name[:args]`), so re-running keeps every value already used and reproduces texts.txt exactly.
Adapted from ../heldout9/gen.py (only the kinds this set needs, plus `spw`, a helpdesk-style
temporary password without look-alike characters).

New here: the spoken / OCR'd form of a value is rendered deterministically from the cached value by
`~op` suffixes (no randomness, nothing cached), so one value can appear in several forms:

* `~g3_3_4` / `~h3_3_4` / `~t3_3_4`: the value's core (digits, or letters and digits; a phone's core
  includes the country code when it was drawn in international form) in groups joined by space,
  hyphen or dot;
* `~v3w_3x_4d`: read aloud group by group; per group `d` digits, `w` one word per digit, `x` words
  with "double"/"triple" for runs, `s` digits spaced one by one, `l` characters spaced one by one,
  `k` skip (the group is said elsewhere); groups joined by ", " or, with the flags `~sp`, `~pause`,
  by " " or "... "; `~zero` says 0 as "zero" instead of "oh";
* `~spell`: a password spelled character by character ("capital K, seven, m, hash, ...");
* OCR noise on the current string: `~O2` (2nd "0" becomes "O"), `~l1`, `~I1` (a "1" becomes "l" or
  "I"), `~S1` ("5" -> "S"), `~B1` ("8" -> "B"), `~sp7` (a space inserted after the 7th character),
  `~nl7` (a line break there), `~hy7` (a hyphen and a line break there), `~dl7` (character 7 removed,
  0-based).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
CACHE = HERE / "values.json"
PH = re.compile(r"@@([a-z0-9_]+):([A-Za-z0-9_]+)((?::[A-Za-z0-9_]+)*)((?:~[A-Za-z0-9_]+)*)@@")
ALNUM = string.ascii_letters + string.digits
WORD = dict(zip("0123456789", "oh one two three four five six seven eight nine".split(), strict=True))
SYMBOL = {"!": "exclamation mark", "#": "hash", "-": "dash", "_": "underscore", "%": "percent",
          "*": "star", "+": "plus"}


def rs(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + rs(string.digits, length - len(prefix) - 1)
    for d in string.digits:
        cand = body + d
        total = 0
        for i, ch in enumerate(reversed(cand)):
            x = int(ch)
            if i % 2:
                x = x * 2 - 9 if x * 2 > 9 else x * 2
            total += x
        if total % 10 == 0:
            return cand
    raise AssertionError


def iban(cc: str) -> str:
    if cc == "DE":
        bban = rs(string.digits, 18)
    elif cc == "GB":
        bban = rs(string.ascii_uppercase, 4) + rs(string.digits, 14)
    elif cc == "FR":  # bank 5, branch 5, account 11 digits, RIB key
        bank, branch, acct = rs(string.digits, 5), rs(string.digits, 5), rs(string.digits, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
        bban = f"{bank}{branch}{acct}{key:02d}"
    elif cc == "ES":  # bank 4, branch 4, two national check digits, account 10
        bank, branch, acct = rs(string.digits, 4), rs(string.digits, 4), rs(string.digits, 10)
        w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

        def dc(s: str) -> int:
            v = 11 - sum(int(c) * k for c, k in zip(s, w, strict=True)) % 11
            return {11: 0, 10: 1}.get(v, v)
        bban = f"{bank}{branch}{dc('00' + bank + branch)}{dc(acct)}{acct}"
    else:
        raise ValueError(cc)
    num = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def phone(region: str, kind: str) -> phonenumbers.PhoneNumber:
    t = phonenumbers.PhoneNumberType.MOBILE if kind == "m" else phonenumbers.PhoneNumberType.FIXED_LINE
    ex = phonenumbers.example_number_for_type(region, t)
    nsn = phonenumbers.national_significant_number(ex)
    keep = 3 if len(nsn) > 8 else 2
    while True:
        cand = nsn[:keep] + rs(string.digits, len(nsn) - keep)
        if cand == nsn:
            continue
        num = phonenumbers.parse("+" + str(ex.country_code) + cand, None)
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
                t, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return num


def b64url_bytes(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64url(obj: dict[str, object]) -> str:
    return b64url_bytes(json.dumps(obj, separators=(",", ":")).encode())


def make(kind: str, args: list[str]) -> str:
    if kind == "spw":  # temporary password read out by a helpdesk: no l/I/O/o/0/1
        alpha = "".join(c for c in ALNUM if c not in "lIOo01")
        while True:
            v = rs(alpha, int(args[0]) - 1) + rs("!#", 1)
            if any(c.isupper() for c in v) and any(c.isdigit() for c in v) and any(c.islower() for c in v):
                return v
    if kind == "pw":
        return rs(ALNUM + "!#%*+-_", int(args[0]))
    if kind == "ghp":
        return "ghp_" + rs(ALNUM, 36)
    if kind == "alnum":
        return rs(ALNUM, int(args[0]))
    if kind == "jwt":
        head = {"alg": "HS256", "typ": "JWT"}
        body = {"sub": rs(string.digits, 8), "iat": 1786000000 + secrets.randbelow(9000000)}
        body["exp"] = body["iat"] + 3600
        return f"{b64url(head)}.{b64url(body)}.{b64url_bytes(secrets.token_bytes(32))}"
    if kind == "card":
        pre = {"visa": "4", "mc": "5" + rs("12345", 1), "amex": "3" + rs("47", 1), "disc": "6011"}[args[0]]
        return luhn_complete(pre, 15 if args[0] == "amex" else 16)
    if kind == "iban":
        return iban(args[0])
    if kind == "ssn":
        while True:
            a = secrets.randbelow(899) + 1
            if a != 666:
                break
        return f"{a:03d}-{secrets.randbelow(99) + 1:02d}-{secrets.randbelow(9999) + 1:04d}"
    if kind == "phone":
        region, k, fmt = args
        num = phone(region, k)
        if fmt == "intl":
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    raise ValueError(kind)


def core(kind: str, value: str) -> str:
    """The characters that carry the value: digits (phones keep a country code), or IBAN alnum."""
    if kind == "iban":
        return value
    return re.sub(r"\D", "", value)


def say_digit(d: str, zero: bool) -> str:
    if d == "0" and zero:
        return "zero"
    return WORD.get(d, d)


def say_runs(group: str, zero: bool) -> str:
    words, i = [], 0
    while i < len(group):
        j = i
        while j < len(group) and group[j] == group[i]:
            j += 1
        run = j - i
        while run >= 2:
            n = 3 if run == 3 else 2
            words.append(("double " if n == 2 else "triple ") + say_digit(group[i], zero))
            run -= n
        if run == 1:
            words.append(say_digit(group[i], zero))
        i = j
    return " ".join(words)


def groups(spec: str, text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    for tok in spec.split("_"):
        m = re.fullmatch(r"(\d+)([a-z]?)", tok)
        assert m, spec
        n = int(m.group(1))
        out.append((text[pos:pos + n], m.group(2)))
        pos += n
    assert pos == len(text), (spec, text)
    return out


def nth(s: str, ch: str, n: int) -> int:
    idx = [i for i, c in enumerate(s) if c == ch]
    return idx[n - 1]


def view(kind: str, value: str, ops: list[str]) -> str:
    s = value
    zero = "zero" in ops
    sep = " " if "sp" in ops else "... " if "pause" in ops else ", "
    for op in ops:
        if op in ("zero", "sp", "pause"):
            continue
        m = re.fullmatch(r"([a-zA-Z]+?)(\d[\d_a-z]*)?", op)
        assert m, op
        name, arg = m.group(1), m.group(2) or ""
        c = core(kind, value)
        if name in ("g", "h", "t"):
            j = {"g": " ", "h": "-", "t": "."}[name]
            s = j.join(g for g, _ in groups(arg, c))
        elif name == "v":
            parts = []
            for g, mode in groups(arg, c):
                if mode == "k":
                    continue
                if mode == "d":
                    parts.append(g)
                elif mode == "w":
                    parts.append(" ".join(say_digit(d, zero) for d in g))
                elif mode == "x":
                    parts.append(say_runs(g, zero))
                elif mode in ("s", "l"):
                    parts.append(" ".join(g))
                else:
                    raise ValueError(op)
            s = sep.join(parts)
        elif name == "spell":
            s = ", ".join(("capital " + ch) if ch.isupper() else WORD[ch].replace("oh", "zero")
                          if ch.isdigit() else SYMBOL.get(ch, ch) for ch in value)
        elif name in ("O", "l", "I", "S", "B"):
            src = {"O": "0", "l": "1", "I": "1", "S": "5", "B": "8"}[name]
            i = nth(s, src, int(arg))
            s = s[:i] + name + s[i + 1:]
        elif name in ("sp", "nl", "hy"):
            i = int(arg)
            s = s[:i] + {"sp": " ", "nl": "\n", "hy": "-\n"}[name] + s[i:]
        elif name == "dl":
            i = int(arg)
            s = s[:i] + s[i + 1:]
        else:
            raise ValueError(op)
    return s


def render(tpl: str, cache: dict[str, str], draw: bool) -> str:
    def sub(m: re.Match[str]) -> str:
        kind, name, rest, ops = m.group(1), m.group(2), m.group(3), m.group(4)
        key = f"{kind}:{name}{rest}"
        if key not in cache:
            if not draw:
                raise KeyError(key)
            cache[key] = make(kind, [a for a in rest.split(":") if a])
        return view(kind, cache[key], [o for o in ops.split("~") if o])

    return PH.sub(sub, tpl)


def main() -> None:
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    tpl = (HERE / "texts.tpl").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for m in PH.finditer(tpl):  # one name, one value: the same name must not be reused with other args
        key = f"{m.group(1)}:{m.group(2)}{m.group(3)}"
        assert names.setdefault(m.group(2), key) == key, (m.group(2), key, names[m.group(2)])
    for m in PH.finditer(tpl):  # draw every value first, so a bad ~op does not lose fresh draws
        key = f"{m.group(1)}:{m.group(2)}{m.group(3)}"
        if key not in cache:
            cache[key] = make(m.group(1), [a for a in m.group(3).split(":") if a])
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    out = render(tpl, cache, draw=False)
    used = {f"{m.group(1)}:{m.group(2)}{m.group(3)}" for m in PH.finditer(tpl)}
    cache = {k: v for k, v in cache.items() if k in used}
    CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    (HERE / "texts.txt").write_text(out, encoding="utf-8")
    print(len(re.findall(r"^### ", out, flags=re.MULTILINE)), "texts")


if __name__ == "__main__":
    main()
