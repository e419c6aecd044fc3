"""The words around a number that say whether it is a phone's: phone words, labels, and other numbers' names.

``contextual.PhoneFinder`` reads them around each candidate: "call", "Telefon", "携帯電話", a signature's
"M:", a company's "hotline", and the words that name another number ("order", "IBAN", "NPI"), in the
languages of the regions it tries.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors.base import alternation

__all__ = [
    "ABBREVIATIONS",
    "ABBREVIATION_LABEL",
    "ARABIC_QUALIFIED",
    "BARE_LABEL",
    "CJK_PHONE",
    "COMPANY_LINE",
    "FOLLOWING_END",
    "NOT_PHONE",
    "NOT_PHONE_CJK",
    "NUMBER_WORD",
    "OTHER_NUMBER",
    "PHONE_LABEL",
    "PHONE_WORDS",
    "PHONE_WORDS_AFTER",
    "QUALIFIED",
    "TEXT_VERB",
]

_PHONE_WORD_LIST: Final = (
    "tel", "call(?:ed|ing)?", "ring", "cell", "fax", "whatsapp", "sms", "text(?:ed)? me", "contact", "reach(?:ed)?",
    "hotline", "landline", "dial", "number(?! of)", r"no\.", "mob", "on-call", "oncall", "pager", "portable", "numéro",
    "numero", "número", "numer(?:em|u|ze)?", "nummer", "rufnummer", "tél", "tlf", "komórka", "číslo", "čísle",
    "marcar(?:me|nos)?", "márcame", "contato", "contacto", "contatto", "kontak", "contactez", "gsm", "cep",
    "rappel(?:er|ez|le[zr]?)?", "καλέστε", "καλέσετε", "τηλ", "hubungi", "telp", "nipigie", "simu", "namba",
    # the verbs and nouns of the languages the regions tried below speak (and of their neighbours)
    "anrufen", "rufen", "ruf", "erreichen", "rückfragen", "rückruf", "erreichbar", "durchwahl", "appeler", "appelez",
    "appelle[zr]?", "joignable", "joindre", "llamar", "llame", "llámame", "llámanos", "llamada",
    "llamas", "llamarme", "llámeme", "llamen", "chiamare",
    "chiamami", "chiamateci", "chiamata", "bellen", "bel", "gebeld", "bereikbaar", "ligar", "ligue", "liga",
    "ringa", "ringe", "ringer", "når", "nås", "kontakta", "dzwonić", "zadzwoń", "dzwoń", "zavolejte", "zavolat",
    "volejte", "richiama(?:re|mi)?", "fisso", "festnetz", "fijo", "celu", "cel", "bereiken", "sđt", "cp",
    "hp", "wa", "(?:my|your|his|her|our|their) no", "soit(?:a|taa|takaa|to)", "numero(?:on|sta|lla)", "puh", "gọi",
    r"điện\s+thoại", r"di\s+động", "tawag(?:an)?", "tumawag", "номер(?:у|а|ом)?",
    # call verbs of more languages: Turkish, Hungarian, Romanian, Croatian/Serbian/Bosnian, Slovenian, Slovak,
    # Estonian, Latvian, Lithuanian, Catalan
    "aray(?:ın|ınız|abilirsiniz)", "ulaş(?:ın|abilirsiniz)", "hív(?:j|jon|jál|jatok|janak|ható)", "sunați", "sunati",
    "sună-mă", "apelați", "apelati", "nazovi(?:te)?", "pozovi(?:te)?", "zovi(?:te)?", "pokliči(?:te)?",
    "zavolaj(?:te)?", "helista(?:ge)?", "zvani(?:et)?", "skambink(?:ite)?", "truca(?:'m|u)?", "truqueu",
)  # fmt: skip
# Stems that begin longer words: telephone, telefoonnummer, phone_number, mobilnummer, handynummer.
_PHONE_STEMS: Final = ("telefo", "telepho", "teléfo", "telefó", "télépho", "telemó", "phone", "mobil", "mobiel",
                       "móvil", "movil", "celular", "cellulare", "handy", "puhelin", "rückruf", "kontakt",
                       "τηλέφων", "κινητ", "σταθερ",
                       "телефон", "мобільн", "мобильн", "फ़ोन", "फोन", "मोबाइल", "telepon", "telpon",
                       "msisdn", "smpp", "submit_sm", "sendsms", "sms_")  # fmt: skip  (a SIM's number, SMS gateways)
# Written without spaces between words, or with a clitic article ("الهاتف"), so found anywhere:
# "携帯電話", "手机号", "휴대폰 번호".
_CJK_PHONE_WORDS: Final = (
    "電話", "电话", "手机", "手機", "携帯", "휴대폰", "핸드폰", "전화", "연락", "هاتف", "جوال", "رقم",
    "موبايل", "محمول", "טלפון", "נייד", "ติดต่อ", "เบอร์", "โทร", "連絡", "联系", "聯絡", "聯繫", "नंबर", "नम्बर",
    # call or contact in Chinese, Russian, Ukrainian, Bulgarian, Serbian, Arabic, Persian, Urdu, Bengali, Hindi, Hebrew
    "致电", "拨打", "撥打", "звон", "дзвон", "зателефон", "обад", "позов", "назов", "اتصل", "اتصال", "تواصل", "تماس",
    "تلفن", "موبایل", "شماره", "فون", "موبائل", "رابطہ", "ফোন", "মোবাইল", "নম্বর", "कॉल", "संपर्क", "התקשר",
)  # fmt: skip
QUALIFIED: Final = re.compile(
    r"(?:\s+(?:de|di|du|do|da|del|della|dello|des|van|von)\s+|\s+d['’])"
    r"(?!(?:t[eé]l|cel|m[oó]v|contact|contat|whats|fijo|fixo|portable|handy|mobil|gsm|fax)\w*)[^\W\d]+"
)
NUMBER_WORD: Final = re.compile(r"n[uú]m|no\.|\w+ no$")  # "number", "numéro", "no.", "my no": nouns any number has
OTHER_NUMBER: Final = re.compile(r"\d{9,}")  # a long run of digits between a phone word and the candidate
PHONE_WORDS: Final = re.compile(rf"\b{alternation(*_PHONE_WORD_LIST)}\b|(?<![^\W_]){alternation(*_PHONE_STEMS)}")
# Two-letter labels say phone only right before the number: "57444123 SEATTLE WA" is a state, not WhatsApp.
ABBREVIATIONS: Final = ("wa", "hp", "cp")
ABBREVIATION_LABEL: Final = re.compile(r"\b(?:wa|hp|cp)[ \t:.-]*$")
# After the number, "reached" and "called" tell of a count ("raft index 19157939 reached", "… called 3 times").
_AFTER_WORDS: Final = tuple(
    "call" if w == "call(?:ed|ing)?" else w for w in _PHONE_WORD_LIST if w not in ABBREVIATIONS + ("reach(?:ed)?",)
)
PHONE_WORDS_AFTER: Final = re.compile(
    rf"\b{alternation(*_AFTER_WORDS)}\b"
    rf"|(?<![^\W_]){alternation(*_PHONE_STEMS)}"
)
CJK_PHONE: Final = re.compile("|".join(_CJK_PHONE_WORDS))  # searched only in a window with such letters
FOLLOWING_END: Final = re.compile(r"\n|[.!?;)](?:\s|$)")
ARABIC_QUALIFIED: Final = re.compile(r"\s+(?!ال?(?:هاتف|جوال|موبايل|تلفون|محمول|واتس|نقال))[\u0621-\u064a]{2,}")
# A company's line, printed for anyone to call: the nearest words before the number say so.
COMPANY_LINE: Final = re.compile(
    r"\b(?:hotline|helpline|call[ -]?cent(?:re|er)|contact[ -]?cent(?:re|er)|customer (?:service|care|support)"
    r"|service (?:cent(?:re|er)|line)|uan|switchboard|enquiries|inquiries|toll[ -]?free|freephone)\b[^\d\n]{0,24}$"
)
# A signature's or a contact card's label right before the number: "M: ", "Office (Dubai): ",
# "Ufficio: ", "Direct: ", "Port. " (French "portable"): words that are phone words only as labels
# ("mob", "cel", "hp", "fisso" are phone words anywhere, above).
PHONE_LABEL: Final = re.compile(
    r"(?:^|\n)[ \t>*|-]*[mtpf]:[ \t]*$"  # one letter and a colon only: "C. 0.25 1.0" is an answer option
    r"|\b(?:office|ufficio|bureau|büro|buero|oficina|kantoor|kontor|direct|direkt|work|home|private|privat|port"
    r"|ph|fixe|vezetékes|σπίτι)\.?(?:[ \t]*\([^()\n]{0,24}\))?[ \t]*[:：.][ \t]*$"
)
# A signature's label with no colon, first on its line or after a "|": "T 030 2345 6789", "M 0171 …",
# "Acme Ltd | Direct 0121 359 0081".
BARE_LABEL: Final = re.compile(r"(?:^|\n|\|)[ \t>*-]*(?:[mtf]|direct|ddi|desk|office)(?: line)? $")
# "text" is a phone word only as the verb right before the number ("or text +44 7700 900123",
# "text me on 0412 555 019"); anywhere else, or after a determiner ("the text 555 1234"), it is the noun.
TEXT_VERB: Final = re.compile(
    r"(?<!the )(?<!his )(?<!a )(?<!of )(?<!in )\btext(?:ed|ing)?(?: (?:me|us|him|her|them))?(?: (?:at|on|to))?[ :]*$"
)
NOT_PHONE: Final = re.compile(
    r"\b(?:order|invoice|ticket|tracking|account|case|ref|reference|serial|part|sku|policy|claim|member|customer"
    r"|po(?=\s*[#:.]|\s+(?:no|number|box)\b)"  # a purchase order, not Tagalog's "po"
    r"|contract|transaction|id|isbn|batch|build|code|pin|passcode|otp|nhs|passport|vat|tax|patient|employee|student"
    r"|commande|facture|dossier|client|bestellung|rechnung|kunden|auftrag|pedido|factura|cliente|bestelling"
    r"|factuur|klant|ordine|fattura|zamówienia|faktury|póliza|poliza|polizza|police|kötvény\w*|acc|acct|ein|ocr"
    r"|bankgiro|plusgiro|iban|bic|swift|cpf|cnpj|nif|nie|dni|rfc|curp|abn|acn|účtu|účet|konto|cuenta|compte|conta"
    r"|shipment|parcel|sendung|epoch|timestamp|range|max|maximum|min|minimum|limit|flyer|loyalty|miles|membership"
    r"|protocolo|protocollo|protokoll|protocol|vertrag\w*|awb|waybill|consignment|under (?:number|no\.?|nr\.?)"
    # registries' and professionals' identifiers: a prescriber's NPI and DEA, a licence, France's SIREN/SIRET,
    # Italy's codice fiscale and partita IVA; a form's placeholder
    r"|npi|dea|licen[cs]e|siren|siret|c\.f|codice fiscale|p\.? ?iva|placeholder|booking|crn|mtcn|nsn|premise"
    r"|omb|prescription|rx|docket|application (?:no\.?|number|nr\.?|#)|patent|drawing|kvk|terminal\w*|identyfikator\w*"
    r"|project (?:no\.?|number|#)|report (?:no\.?|number|#)"  # a cloud project's number, a police or FTC report's
    r"|referencyjn\w*|transakcj\w*|członkowsk\w*"
    # German and Dutch compounds: customer, contract, invoice, order… number ("Kundennummer", "klantnummer")
    r"|(?:kunden|klant|vertrags?|rechnungs|bestell|auftrags|mitglieds|versicherungs|steuer|referentie|order"
    r"|factuur|polis|lid|dossier|artikel|konto)(?:nummer|nr)"
    # order, invoice, account in Romanian, Hungarian, Turkish, Croatian, Czech/Slovak, Estonian, Latvian, Russian,
    # Ukrainian; a Ukrainian waybill ("ТТН")
    r"|comand[aă]|comenzii|facturii|contului|rendelés\w*|számla\w*|sipariş\w*|fatura\w*|hesap|narudžb\w*"
    r"|račun\w*|objednávk\w*|tellimus\w*|pasūtījum\w*|заказ\w*|замовлен\w*|ттн|сч[её]т\w*|договор\w*)\b"
)
# order, invoice, account (and "the order", "the account" in Arabic), tracking, shipment, waybill
NOT_PHONE_CJK: Final = re.compile(
    "주문|송장|계좌|注文|口座|订单|訂單|发票|發票|账号|賬號|खाता|طلب|فاتورة|حساب|سفارش|فاکتور|تتبع|شحن|شحنة|运单|快递单"
)
