"""Values that structured formats name by position: HL7 v2, X12, vCard, LDIF, SQL dumps, quoted CSV.

Written after the sixteenth blind set; the examples are new ones of the same kinds.
"""

from __future__ import annotations

from tests.unit.privacy.findings import found

HL7 = """MSH|^~\\&|REG|NFMC|ENGINE|HIE|20261130141522||ADT^A04^ADT_A01|MSG00048213|P|2.5.1
PID|1||004471902^^^NFMC^MR||HALE^THEO^M||19790214|M|||12 ELM ST^^NJ||(201)425-7235^PRN^PH||ENG|M|||536-21-4477
GT1|1||HALE^ANNA||12 ELM ST^^RIDGEWOOD^NJ|||19810322|F||||478-22-1934
PV1|1|O|CARD^214^02|R|||1073644829^ASHWORTH^PENELOPE
"""
X12 = """ST*834*0001*005010X220A1~
INS*Y*18*021*28*A***FT~
REF*0F*536214477~
NM1*IL*1*HALE*THEO****34*536214477~
PER*IP**TE*2014257235*EM*theo.hale@example.net~
DMG*D8*19790214*M~
DTP*348*D8*20270101~
SE*7*0001~
"""


def test_hl7_segments_name_their_fields() -> None:
    assert found(HL7, "DATE_OF_BIRTH") == ["19790214", "19810322"]
    assert found(HL7, "US_SSN") == ["536-21-4477", "478-22-1934"]
    assert "20261130141522" not in found(HL7, "DATE_OF_BIRTH")  # MSH-7 is the message's time


def test_x12_segments_name_their_elements() -> None:
    assert found(X12, "DATE_OF_BIRTH") == ["19790214"]  # not DTP*348, a benefit's start
    assert found(X12, "US_SSN") == ["536214477", "536214477"]
    assert found(X12, "PHONE") == ["2014257235"]


def test_vcard_ldif_and_camel_case_keys() -> None:
    vcard = "BEGIN:VCARD\nFN:Beat Wüthrich\nBDAY:19770523\nTEL;TYPE=WORK,VOICE:021 297 76 84\nEND:VCARD"
    assert found(vcard, "DATE_OF_BIRTH") == ["19770523"]
    assert found(vcard, "PHONE") == ["021 297 76 84"]
    assert found('"billingPhone": "512 693 580"', "PHONE") == ["512 693 580"]
    assert found('"orderNumber": "512 693 580"', "PHONE") == []
    assert found("unicodePwd:: IgA3ACMAUQBhAHYATgBsAEUASABQAGEAWQBoAE4AbQBtACIA", "SECRET") == [
        "IgA3ACMAUQBhAHYATgBsAEUASABQAGEAWQBoAE4AbQBtACIA"
    ]
    assert found("userPassword:: e1NTSEF9dUJRdk8vOWZhRHo5ZlRQdkNHbnZDZ2doMy9vZE9tTzg=", "SECRET") == []  # {SSHA}…
    ical = "BEGIN:VEVENT\nUID:20270101-newyear@holidays.example.org\nEND:VEVENT"
    assert found(ical, "EMAIL") == []


def test_dumps_and_quoted_csv_name_their_columns() -> None:
    copy = "COPY members (id, family, given, dob, ssn) FROM stdin;\nM-1\tHale\tTheo\t1979-02-14\t536-21-4477\n"
    copy += "M-2\tHale\tAnna\t1981-03-22\t\\N\n\\.\n"
    assert found(copy, "DATE_OF_BIRTH") == ["1979-02-14", "1981-03-22"]
    after = copy + "M-3\tHale\tLeo\t1983-07-09\n"  # past the "\." line: no longer the statement's data
    assert found(after, "DATE_OF_BIRTH") == ["1979-02-14", "1981-03-22"]
    insert = "INSERT INTO p (name, email, dob) VALUES ('O\\'Brien', 'ob@example.ie', '1990-06-01');"
    assert found(insert, "DATE_OF_BIRTH") == ["1990-06-01"]
    csv = '"patient_name","dob","phone"\n"Hale, Theo","02/14/1979","(201) 425-7235"\n"Kim, Ana","1981-03-22",""\n'
    assert found(csv, "DATE_OF_BIRTH") == ["02/14/1979", "1981-03-22"]


def test_documented_sample_numbers() -> None:
    assert found('example: "123-45-6789", writeOnly: true', "US_SSN") == []
    assert found("SSN 536-21-4477", "US_SSN") == ["536-21-4477"]
    assert found("The 4857773457 in PID-3 is an NHS number", "PHONE") == []
