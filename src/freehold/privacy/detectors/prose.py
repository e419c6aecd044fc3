"""Passwords stated in prose, in the languages people write support tickets in.

"my wifi password is Hx7#…", "le mot de passe du wifi a1gK…", "Passwort war Lindenhof#2291",
"contraseña: 7Gqr#…": no operator assigns these, so ``secrets.py``'s assignment finder cannot see
them; what says a token is the password is the word before it and the token's own look.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan, alternation
from freehold.privacy.detectors.placeholders import CODE, PLACEHOLDER, filler, hashed, masked

__all__ = ["CASUAL", "OTHER", "password_words", "prose_passwords"]

# The password words. No word character may precede one (checked in ``prose_passwords``, so that
# ``re`` skips to the words' first letters): ``DB_PASSWORD`` is a name, not prose.
_PASSWORD_WORDS: Final = re.compile(r"pass(?:words?|wort|wd|phrase|code|ord(?:et)?|e(?=[\s:,]))")  # led by "pass": fast
_OTHER_PASSWORD_WORDS: Final = re.compile(
    alternation(
        *"kennwort mdp contraseña senha wachtwoord hasło haslo lösenord(?:et)? adgangskoden? kodeord(?:et)? heslo "
        "şifre[a-zçğıöşü]{0,6} parola salasana パスワード 비밀번호 密码 密碼 пароль كلمة\\s+(?:المرور|السر) รหัสผ่าน "
        "mật\\s+khẩu पासवर्ड סיסמ[הא] κωδικός jelsz[óo]\\w* jelszav\\w* kata\\s+sandi".split()
    )  # fmt: skip
)
# Casual words led by letters frequent in prose (c, p, w): a pattern of their own, so that the words
# above are not tried at every "c" of every text.
_CASUAL_PASSWORD_WORDS: Final = re.compile(
    alternation("clave", "pw", r"wi-?fi\s+code", r"code\s+(?:du\s+)?wi-?fi", r"pre-?shared\s+key", r"shared\s+secret")
)  # (a VPN's pre-shared key and a RADIUS shared secret are passwords by another name)
_PROSE_TOKEN: Final = re.compile(r"[^\s]+")
# What may sit between the word and the value: a verb ("is", "war", "est"…) or a colon says the next
# token is the value; plain words ("du wifi", "temporal que me dio soporte:") may come before it.
_COPULAS: Final = frozenset(
    "is was are reads remains now still = : - ist war lautet lautete est était c'est es era è é jest to było är "
    "var er je bylo idi hai là e este jadi menjadi oli".split()
)  # fmt: skip
_MAX_PROSE_WORDS: Final = 4
_MAX_WORDS_TO_VERB: Final = 6  # "la clave del wifi q me preguntaste es …": a verb may come further on
_PROSE_REACH: Final = 300  # characters after the word: a few words and a value, never a whole long line
# SHA-256, PBKDF2-SHA256, AES-256-GCM: letters, then digits, in each part; "9KWXA8EBZL" mixes them.
_ALGORITHM: Final = re.compile(r"(?:[A-Z]+\d*|\d+)(?:[-#](?:[A-Z]+\d*|\d+))*")  # and a standard: PKCS#12
# Nouns that make the password word their modifier: what follows is about the module, the policy…
_COMPOUND: Final = re.compile(
    r"[ \t]+(?:modules?|managers?|polic(?:y|ies)|fields?|hash(?:es|ing)?|resets?|files?|options?|flags?|commands?"
    r"|prompts?|length|strength|requirements?|rules?|changes?|expir(?:y|ation)|protect(?:ed|ion)|authentication"
    r"|storage|generators?|history|complexity|recovery|forms?|input|dialog|screen|settings?|hints?|validat(?:ion|or)"
    r"|encryption|login|rotation|spraying|cracking|leaks?)\b"
)
_VARIABLE: Final = re.compile(r"[a-z]+(?:_[a-z]+)+")
_ESCAPE: Final = re.compile(r"\\[nxu&f*(es-]")  # an escape of a string (\n, \x00) or of a man page (\&, \fB, \*(Aq)
_STRING_PREFIXES: Final = ("b'", 'b"', "f'", 'f"', "r'", 'r"', "u'", 'u"')  # code's literals, not prose
_NEXT_TWO: Final = re.compile(r"[ \t]+(\S+)(?:[ \t]+(\S+))?")  # the two words after a comma, on its line
# "set it to", "the old one was", and the same in Finnish, Scandinavian, Spanish and Portuguese
_SECOND_VERBS: Final = frozenset("is was war ist est era é to : oli var fue foi".split())
_ANSWER_VERBS: Final = _SECOND_VERBS | _COPULAS | frozenset("è it's c'est es it’s".split())
_CONJUNCTIONS: Final = frozenset("or and oder und ou et o y e of en eller lub albo".split())
_VALUE_TRIM: Final = ".,;:)»\"'`\\"  # (and a JSON string's escape before its closing quote)
_LATIN_RUN: Final = re.compile(r"[!-~]{6,64}")
_LATIN_REACH: Final = 40
_MARKS: Final = "「『“\"'«：:"  # what sets a value apart in CJK, Cyrillic and Arabic text
_CLAUSE_ENDS: Final = "，。；！？"  # a Chinese or Japanese clause ends: what follows is about something else
# Password managers, named in prose about passwords ("keep it in 1Password"): products, not values.
_PRODUCTS: Final = frozenset("1password keepass keepassxc keepassx lastpass bitwarden dashlane nordpass".split())
# A Google app password as Google shows it: four groups of four lower-case letters, one value.
_SLASHED_WORDS: Final = re.compile(r"[A-Za-z]+(?:/[A-Za-z]+)+")
_APP_PASSWORD: Final = re.compile(r"[a-z]{4}(?: [a-z]{4}){3}(?![\w-])")
# A password spelt out, as speech-to-text writes it: "r, seven, capital F, capital B, …, exclamation mark" (six
# characters or more, each a letter, a digit or a symbol's name; over the lower-cased text).
_SPELT_ITEM: Final = alternation(
    r"(?:capital|upper ?case|lower ?case|small|big) [a-z]", "[a-z0-9]", "zero", "oh", "one", "two", "three", "four",
    "five", "six", "seven", "eight", "nine", "exclamation (?:mark|point)", "question mark", "at (?:sign|symbol)",
    "hash(?: sign)?", "pound(?: sign)?", "dollar(?: sign)?", "percent(?: sign)?", "ampersand", "asterisk", "star",
    "underscore", "dash", "hyphen", "dot", "period", "full stop", "plus(?: sign)?", "equals(?: sign)?", "tilde",
    "caret", "slash", "backslash",
)  # fmt: skip
_SPELT: Final = re.compile(rf"{_SPELT_ITEM}(?:(?:, |\.\.\. )(?:and )?{_SPELT_ITEM}){{5,}}(?![\w-])")
# A name in code ending with a colon (``existingSecret:``, ``db_host:``): the value after it is that name's.
_OTHER_NAME: Final = re.compile(r"[a-z]+[A-Z]\w*:|\w+_\w*:")


def prose_passwords(scan: Scan, lowered: str, words_of: int) -> list[Hit]:
    """Values that follow a password word in a sentence, within the clause and 300 characters.

    ``words_of``: what ``password_words`` said of the text (the caller asked it already); ``lowered``: the
    text lower-cased letter by letter, so that offsets agree.

    From the word, up to four plain words are skipped to the first token that looks like a password:
    six characters or more, letters and two more kinds of character (digits, capitals, symbols) and
    a symbol or twelve characters ("a password manager like 1Password" names a product). Right after
    a verb or a colon ("is", "war", "est", ":"), or one word on ("is either …"), letters and one
    more kind suffice. A template (``<your password>``, ``${…}``) or the clause's end (",", ".")
    stops the search. "Reset your password: click the link", "must be 8 characters", "hashed with
    SHA-256" hold no such token. A second value joined by "or"/"and" is taken as well.
    """
    text = scan.text
    hits: list[Hit] = []
    named = list(_PASSWORD_WORDS.finditer(lowered)) if scan.has("pass") else []
    if words_of & OTHER:
        named += _OTHER_PASSWORD_WORDS.finditer(lowered)
    if words_of & CASUAL:
        named += _CASUAL_PASSWORD_WORDS.finditer(lowered)
    for k in named:
        found = len(hits)
        if k.group() > "\u024f":  # a word of a non-Latin script: the password is the Latin run after it
            value = _latin_value(text, k.end())
            if value is None and k.group() < "\u3000":  # a spaced script (Cyrillic, Greek, Arabic, Hebrew…), whose
                value = _strong_token(text, k.end())  # password may be in that script: "Пароль вроде Маргарита_1990!"
            if value is not None:
                hits.append(Hit(value[0], value[1], "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
            continue  # (words run together in CJK: what precedes the word does not matter)
        if k.start() and (lowered[k.start() - 1].isalnum() or lowered[k.start() - 1] == "_"):
            continue
        if k.group() == "passe" and not lowered.endswith(("mot de ", "palavra-"), 0, k.start()):
            continue  # French "passe" alone is a verb
        if _COMPOUND.match(lowered, k.end()):
            continue  # "password module with libargon2-dev", "password reset for …": a noun's modifier
        after = text[k.end() : k.end() + 2]
        if after[:1] == "?" and (answer := _answered(text, k.end())) is not None:
            hits.append(Hit(answer[0], answer[1], "SECRET", 0.75, Priority.ASSIGNED_SECRET - 1))
            continue  # "what's the wifi password?" / "it's Hx7#teal-19"
        aside = after == ", "  # "le mot de passe, le nouveau est …", "hasło, które mu ustawiłem, to …"
        if not after[:1].isspace() and not (after[:1] == ":" and after[1:].isspace()) and not aside:
            continue  # ``password=…``, ``password:…``, ``password_hash``: code, the assignments' business
        reach = min(len(text), k.end() + _PROSE_REACH)
        line_end = text.find("\n", k.end(), reach)
        tokens = _PROSE_TOKEN.finditer(text, k.end() + aside, reach if line_end < 0 else line_end)
        stated = after[:1] == ":"
        assigned = False  # "password = …": code, where a lower-case snake_case word is a variable
        words = 0  # plain words since the password word, or since the verb or colon once there is one
        for t in tokens:
            word = t.group()
            bare = word.rstrip(":,")
            if bare.lower() in _COPULAS or not bare:
                stated, words, assigned = True, 0, bare == "="
                continue
            if stated and words <= 1 and _APP_PASSWORD.match(text, t.start()):
                hits.append(Hit(t.start(), t.start() + 19, "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
                break
            if stated and words <= 1 and word[-1:] == "," and (spelt := _SPELT.match(lowered, t.start())):
                hits.append(Hit(t.start(), spelt.end(), "SECRET", 0.75, Priority.ASSIGNED_SECRET - 1))
                break
            if word.endswith(":") and _OTHER_NAME.fullmatch(word.lstrip("`\"'(")):
                break  # ``password: {{ … }}` with `existingSecret: orders-db``: another name's value
            if word.lstrip("\"'`(")[:1] in ("<", "{", "$", "[", "%"):
                break  # a template (``password: <your password>``, ``"${SMTP_PASSWORD}"``) states no password
            plain = bare.strip("\"'`()«».;!?").replace("'", "").replace("-", "").isalpha()  # "… to Salesforce.')"
            # Right after a verb or colon, two kinds of character suffice; further on, as without one,
            # the value must look strong ("lautet ab Montag Tundra_Sowa02$", "je od dnešního dne …").
            too_far = words >= _MAX_PROSE_WORDS and not stated  # past four words only after a verb
            unsaid = aside and not stated  # after a comma, only a verb says the value comes
            variable = assigned and _VARIABLE.fullmatch(bare) is not None
            value = (
                None if plain or too_far or unsaid or variable else _prose_value(text, *t.span(), stated and words <= 1)
            )
            if value is None:  # a word, or a token that is no password: skip it, within limits
                words += 1
                if word.endswith(":") and words <= _MAX_PROSE_WORDS + 1:
                    stated, words = True, 0  # "contraseña temporal que me dio soporte: …"
                elif word[-1] == "," and not (stated or aside) and words <= _MAX_WORDS_TO_VERB + 2:
                    if not _verb_next(text, t.end()):
                        break
                    words = 0  # "the wifi password at the beach house changed, now it is …": the verb comes next
                elif words > _MAX_WORDS_TO_VERB or word[-1] in (".?!;" if aside and not stated else ".?!,;"):
                    break  # too far, or the clause ended ("is on the sticker, SSID HomeNet-5G")
                continue
            hits.append(Hit(value[0], value[1], "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
            joined, second = next(tokens, None), next(tokens, None)
            value = None
            if joined is not None and second is not None and joined.group().lower() in _CONJUNCTIONS:
                value = _prose_value(text, *second.span(), stated)
            if value is None and joined is not None:  # "… and the guest one is visitors2026!", "das alte war …"
                limit = min(reach if line_end < 0 else line_end, joined.start() + 80)
                value = _second_value(text, joined.start(), limit)
            if value is not None:
                hits.append(Hit(value[0], value[1], "SECRET", 0.8, Priority.ASSIGNED_SECRET - 1))
            break
        if len(hits) == found and (answer := _answered(text, k.end())) is not None:
            hits.append(Hit(answer[0], answer[1], "SECRET", 0.75, Priority.ASSIGNED_SECRET - 1))
    return hits


_QUESTION_REACH: Final = 120  # characters from the password word to its question mark
_ANSWER_REACH: Final = 160  # and from there to the answer


def _answered(text: str, end: int) -> tuple[int, int] | None:
    """The password given in answer to a question about it, after a verb: "the password for the db? — è st4g1ng-…".

    "Can you reset the password for ops? Last time IT set it to Gr4fana!Qx82", "qualcuno ha la password
    del db? / Marco: è st4g1ng-Lontra-55": within the question's next 160 characters (no blank line, no
    second question), the first token after a verb, as strong as an unstated value must be.
    """
    mark = text.find("?", end, end + _QUESTION_REACH)
    if mark < 0 or "\n\n" in text[end:mark]:
        return None
    stop = min(len(text), mark + 1 + _ANSWER_REACH)
    for stop_at in (text.find("\n\n", mark, stop), text.find("?", mark + 1, stop)):
        stop = stop_at if stop_at >= 0 else stop
    verb = False
    for t in _PROSE_TOKEN.finditer(text, mark + 1, stop):
        if verb:
            value = _prose_value(text, *t.span(), False)
            if value is not None:
                return value
        verb = t.group().rstrip(":,").lower() in _ANSWER_VERBS
    return None


def _strong_token(text: str, end: int) -> tuple[int, int] | None:
    """One of the three words after ``end``, on its line, strong in any script: letters, a digit, a symbol."""
    line_end = text.find("\n", end, end + 80)
    for i, t in enumerate(_PROSE_TOKEN.finditer(text, end, end + 80 if line_end < 0 else line_end)):
        if i == 3:
            break
        value = _prose_value(text, *t.span(), False)
        if value is not None and any(c.isdigit() for c in text[value[0] : value[1]]):
            return value
    return None


def _verb_next(text: str, end: int) -> bool:
    """Whether one of the two words after ``end`` is a verb of ``_COPULAS`` ("…, agora é", "…, it's now")."""
    m = _NEXT_TWO.match(text, end)
    return m is not None and any(w is not None and w.lower() in _COPULAS for w in m.groups())


def _second_value(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A second password stated in the same sentence after the first, within 80 characters.

    The token after a verb ("the guest one is …", "das alte war …", "set it to …"), as strong as an
    unstated one must be.
    """
    verb = False
    for t in _PROSE_TOKEN.finditer(text, start, end):
        word = t.group()
        if verb:
            return _prose_value(text, *t.span(), False)
        if word[-1] in ".?!;" and word.rstrip(".?!;").isalpha():
            return None  # the sentence ended
        verb = word.rstrip(":,").lower() in _SECOND_VERBS
    return None


def _latin_value(text: str, end: int) -> tuple[int, int] | None:
    """The first run of printable ASCII on the line, within 40 characters after a non-Latin password word.

    "初期パスワード「iHDe7q6axXJX」", "임시 비밀번호 ItLgPWtG9x 로": such scripts write no space or verb
    before it, but a Latin run amid them is marked. Right after a bracket, quote or colon two kinds of
    character suffice, elsewhere three ("пароль для admin01" names a user).
    """
    if text[end : end + 1] in ("（", "("):  # an aside first: "登录密码（请勿保存，自行填写）：…"
        close = text.find("）" if text[end] == "（" else ")", end, end + _LATIN_REACH)
        end = end if close < 0 else close + 1
    line_end = text.find("\n", end, end + _LATIN_REACH)
    run = _LATIN_RUN.search(text, end, end + _LATIN_REACH if line_end < 0 else line_end)
    if run is None or any(c in _CLAUSE_ENDS for c in text[end : run.start()]):
        return None
    if run.group()[0] == "-" and run.start() and text[run.start() - 1] > "\u024f":
        run = _LATIN_RUN.match(text, run.start() + 1, run.end())  # Hebrew's prefix and hyphen: "ל-Hummus!Tahini24"
        if run is None:
            return None
    marked = text[run.start() - 1] in _MARKS or text[end : run.start()].strip() in ("", ":", "：")
    value = _prose_value(text, *run.span(), True)
    if value is None:
        return None
    token = text[value[0] : value[1]]
    kinds = any(c.islower() for c in token) + any(c.isupper() for c in token) + any(c.isdigit() for c in token)
    return value if marked or kinds + any(not c.isalnum() for c in token) >= 3 else None


def _prose_value(text: str, start: int, end: int, stated: bool) -> tuple[int, int] | None:
    """The (start, end) of the password in the token ``text[start:end]``, or None when it does not look like one."""
    while end > start and text[end - 1] in _VALUE_TRIM:
        end -= 1
    while start < end and text[start] in "\"'`«„(":
        start += 1
    value = text[start:end]
    if not 6 <= len(value) <= 64 or "://" in value or value[0] in "/~.=@&" or _ALGORITHM.fullmatch(value):
        return None  # (``&#x3C``: an HTML entity)
    if "</" in value or "{" in value or value[:2] in _STRING_PREFIXES or _ESCAPE.search(value):
        return None  # markup, an escape, a template or a code literal: a document's or a program's source
    if value.lower() in _PRODUCTS or _SLASHED_WORDS.fullmatch(value):
        return None  # (words joined by slashes name alternatives: "read/write", "NetworkCredential/auth")
    if PLACEHOLDER.match(value) or masked(value) or filler(value) or hashed(value):
        return None
    if CODE.match(value) and not (value[0].isupper() and value.replace(".", "").isalnum()):
        return None  # a name from code; "Kestane.Kebap1923" is no attribute of anything
    kinds = (
        any(c.islower() for c in value) + any(c.isupper() for c in value) + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )  # fmt: skip
    if not any(c.isalpha() for c in value) or kinds < (2 if stated else 3):
        return None
    if not stated and len(value) < 12 and value.isalnum():
        return None
    return start, end


OTHER: Final = 1  # ``password_words``: a word of another language may occur
CASUAL: Final = 2  # … a casual one ("pw", "clave", a wifi code)


# The stems of ``_OTHER_PASSWORD_WORDS`` and of the casual words: cues, far cheaper than the searches.
_OTHER_CUES: Final = cues.register(
    "wort", "mdp", "senha", "woord", "haslo", "kode", "heslo", "parola", "salasana", "jelsz", "sandi", "contrase",
    "hasł", "lösen", "şifre", "パスワード", "비밀번호", "密", "пароль", "كلمة", "รหัสผ่าน", "khẩu", "पासवर्ड", "סיסמ",
    "κωδικ",
)  # fmt: skip
_CASUAL_CUES: Final = cues.register(" pw", "clave", "wifi", "shared key", "shared secret", "pre-shared")
cues.register("pass")


def password_words(scan: Scan) -> int:
    """Which password words other than those with "pass" may occur (the caller tests "pass"): ``OTHER | CASUAL``."""
    other = not scan.cues.isdisjoint(_OTHER_CUES)
    casual = not scan.cues.isdisjoint(_CASUAL_CUES)
    return (OTHER if other else 0) | (CASUAL if casual else 0)
