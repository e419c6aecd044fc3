### h16-001
Our interface engine rejects this ADT^A04 with "AE|Segment PV1 field 3 too many components". Why does this message fail validation? Everything else looks right to me.

MSH|^~\&|REGADT|NORTHFIELD_MC|CLOVERLEAF|HIE|20261130141522||ADT^A04^ADT_A01|MSG00048213|P|2.5.1|||AL|NE
EVN|A04|20261130141500|||JBRENNAN^Brennan^Joan
PID|1||004471902^^^NFMC^MR~ACC88120455^^^NFMC^AN||OKONKWO-HALE^THEODORA^M^^^^L||[[DATE_OF_BIRTH|19810630]]|F|||1420 LARKSPUR CT^^RIDGEWOOD^NJ^07450^USA^H||[[PHONE|@@phone:p001a:US:m:hl7@@]]^PRN^PH~^NET^Internet^[[EMAIL|theo.okhale@lanternmail.net]]||ENG|M|||[[US_SSN|@@ssn:s001@@]]
NK1|1|OKONKWO^BASIL^^^^^L|SPO^Spouse^HL70063|1420 LARKSPUR CT^^RIDGEWOOD^NJ^07450^USA|[[PHONE|@@phone:p001b:US:m:hl7@@]]^PRN^CP||EC^Emergency Contact^HL70131
PV1|1|O|CARD^214^02^NFMC^^^^^CARDIOLOGY CLINIC^EXTRA|R|||1073644829^ASHWORTH^PENELOPE^^^^MD^^^NPI|||CAR||||1|||1073644829^ASHWORTH^PENELOPE^^^^MD^^^NPI|OP|V00918273^^^NFMC^VN|||||||||||||||||||||||||20261130141000

The receiving side is on 2.5.1 conformance profile NFMC-ADT-v3.

### h16-002
Can you explain this ACK? Our outbound feed keeps getting AR back and I don't know which segment the receiver is complaining about.

MSH|^~\&|HIE|STATEHIE|REGADT|NORTHFIELD_MC|20261130141523||ACK^A04^ACK|ACK7730019|P|2.5.1
MSA|AR|MSG00048213|Conformance error
ERR||PV1^1^3^1|103^Table value not found^HL70357|E||||Component count exceeds profile NFMC-ADT-v3 (max 9, got 10)
ERR||PID^1^3^2|102^Data type error^HL70357|W||||Assigning authority OID 2.16.840.1.113883.3.4471.1.2 not registered

Previous one on the same connection (MSH-10 MSG00048212) was AA. Control ids are sequential per sender, the HIE dedupes on MSH-10 for 72h. Our MLLP listener runs on port 6661 with 0x0B/0x1C0x0D framing, timeout 30s, and the engine logged "bytes=1184 frames=1 ack_ms=212" for the rejected one.

### h16-003
Summarise this lab result for the patient summary screen, one sentence per observation please.

MSH|^~\&|LABSYS|QUARRYLAB|EHR|ELMCREST|20261202083015||ORU^R01^ORU_R01|Q2026120208301500|P|2.5.1
PID|1||MR55810273^^^ELMCREST^MR||VANTERPOOL^ISIDORE^J||[[DATE_OF_BIRTH|19560117]]|M|||88 QUINCE ST^^HACKENSACK^NJ^07601||[[PHONE|@@phone:p003:US:m:hl7@@]]^PRN^PH
ORC|RE|ORD448210|LAB9920117||CM
OBR|1|ORD448210|LAB9920117|24323-8^Comprehensive metabolic panel^LN|||20261201171500|||||||||1902837465^RAMASWAMY^DEV^^^^MD
OBX|1|NM|2345-7^Glucose [Mass/volume] in Serum or Plasma^LN||112|mg/dL|70-99|H|||F|||20261202075900
OBX|2|NM|2160-0^Creatinine [Mass/volume] in Serum or Plasma^LN||0.94|mg/dL|0.70-1.30|N|||F
OBX|3|NM|33914-3^GFR/1.73 sq M.predicted^LN||81|mL/min/{1.73_m2}|>60|N|||F
OBX|4|NM|2823-3^Potassium [Moles/volume] in Serum or Plasma^LN||4.1|mmol/L|3.5-5.1|N|||F
NTE|1|L|Specimen received 20261201 1742, hemolysis index 12 (acceptable)

### h16-004
This ORU comes from our de-identified research feed. The parser says OBX-5 has an invalid escape. What is wrong with line 5?

MSH|^~\&|LABSYS|QUARRYLAB|RESEARCH|IRB2291|20261202090011||ORU^R01^ORU_R01|R2026120209001103|P|2.5.1
PID|1||RSCH-000318^^^IRB2291&2.16.840.1.113883.19.5.2291&ISO^RI||ANON^SUBJECT|||U
OBR|1||LAB9920200|57021-8^CBC W Auto Differential panel - Blood^LN|||20261201
OBX|1|NM|718-7^Hemoglobin [Mass/volume] in Blood^LN||13.8|g/dL|12.0-16.0|N|||F
OBX|2|FT|11502-2^Laboratory report^LN||Platelets clumped\.br\repeat ordered \X0D\ see comment \E\F\E\ ratio 1\S\3||||||F
OBX|3|NM|777-3^Platelets [#/volume] in Blood by Automated count^LN||142|10*3/uL|150-400|L|||F

The sending lab uses HL7 escapes \F\ \S\ \T\ \R\ \E\ and \.br\ but I'm not sure \X0D\ is allowed in FT.

### h16-005
Map these fields to our schema (patient_dob, patient_phone, patient_email, ssn_last4 only!, mrn). Here is the FHIR Patient we get from the partner:

{
  "resourceType": "Patient",
  "id": "pt-7c1e0a",
  "meta": {"versionId": "3", "lastUpdated": "2026-11-28T10:42:17.204+00:00",
           "profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
  "identifier": [
    {"system": "urn:oid:2.16.840.1.113883.3.7715.2", "value": "MRN-20931784",
     "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}},
    {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "[[US_SSN|@@ssn:s005@@]]"}
  ],
  "name": [{"use": "official", "family": "Delacroix-Ng", "given": ["Marisol", "Abena"]}],
  "telecom": [
    {"system": "phone", "value": "[[PHONE|@@phone:p005:US:m:intl@@]]", "use": "mobile", "rank": 1},
    {"system": "email", "value": "[[EMAIL|marisol.dng@pinecrestpost.com]]", "use": "home"}
  ],
  "gender": "female",
  "birthDate": "[[DATE_OF_BIRTH|1990-09-04]]",
  "address": [{"line": ["31 Orchard Row"], "city": "Montclair", "state": "NJ", "postalCode": "07042"}]
}

### h16-006
Map these fields to our provider directory schema (npi, display_name, specialty_code, license_state). Practitioner resource from the payer's directory API:

{
  "resourceType": "Practitioner",
  "id": "prac-55120",
  "identifier": [
    {"system": "http://hl7.org/fhir/sid/us-npi", "value": "@@npi:n006@@"},
    {"system": "urn:oid:2.16.840.1.113883.4.6", "value": "@@npi:n006@@"}
  ],
  "active": true,
  "name": [{"family": "Oyelaran", "given": ["Chidinma"], "prefix": ["Dr."], "suffix": ["MD", "FACC"]}],
  "qualification": [{
    "identifier": [{"system": "http://example.org/state-license/NJ", "value": "25MA09817400"}],
    "code": {"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "207RC0000X",
                         "display": "Cardiovascular Disease Physician"}]},
    "period": {"start": "2014-07-01", "end": "2027-06-30"}
  }],
  "communication": [{"coding": [{"system": "urn:ietf:bcp:47", "code": "en-US"}]}]
}

Note the two identifiers carry the same NPI, one by URL and one by OID.

### h16-007
Summarise this Coverage record for the front desk: who is the subscriber, what plan, and is the patient the subscriber?

{
  "resourceType": "Bundle", "type": "collection", "timestamp": "2026-12-01T16:20:00Z",
  "entry": [
    {"fullUrl": "urn:uuid:@@uuid:u007a@@",
     "resource": {"resourceType": "Coverage", "status": "active",
       "subscriberId": "W882041937",
       "identifier": [{"system": "https://bluehaven-health.example/member", "value": "W882041937-02"}],
       "relationship": {"coding": [{"code": "child"}]},
       "period": {"start": "2026-01-01", "end": "2026-12-31"},
       "payor": [{"display": "Bluehaven Health PPO"}],
       "class": [{"type": {"coding": [{"code": "group"}]}, "value": "GRP-0041779", "name": "Ridgeway Tooling LLC"}],
       "subscriber": {"reference": "urn:uuid:@@uuid:u007b@@"}}},
    {"fullUrl": "urn:uuid:@@uuid:u007b@@",
     "resource": {"resourceType": "RelatedPerson",
       "name": [{"family": "Szymanski", "given": ["Corwin"]}],
       "birthDate": "[[DATE_OF_BIRTH|1972-02-29]]",
       "telecom": [{"system": "phone", "value": "[[PHONE|@@phone:p007:US:m:nat@@]]"}]}}
  ]
}

### h16-008
The server returns this OperationOutcome when we POST a Coverage. Why does it fail validation?

{
  "resourceType": "OperationOutcome",
  "id": "@@uuid:u008@@",
  "issue": [
    {"severity": "error", "code": "required",
     "details": {"text": "Coverage.beneficiary: minimum required = 1, but only found 0"},
     "expression": ["Coverage.beneficiary"]},
    {"severity": "error", "code": "code-invalid",
     "details": {"coding": [{"system": "http://hl7.org/fhir/java-core-messageId",
                             "code": "Terminology_TX_NoValid_17"}],
                 "text": "The value provided ('chld') is not in the value set http://hl7.org/fhir/ValueSet/subscriber-relationship|4.0.1"},
     "expression": ["Coverage.relationship.coding[0].code"]},
    {"severity": "warning", "code": "informational",
     "details": {"text": "Profile http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage|2.0.0 not supported, validated against base"}}
  ]
}

Request id in the response header was x-request-id: @@uuid:u008b@@.

### h16-009
Our 834 loader rejects member 2 of this file. Why does this message fail validation? (I trimmed the envelope.)

ST*834*0001*005010X220A1~
BGN*00*ENR20261201A*20261201*0930****2~
REF*38*GRP0041779~
DTP*007*D8*20270101~
N1*P5*RIDGEWAY TOOLING LLC*FI*221874409~
N1*IN*BLUEHAVEN HEALTH*FI*410938812~
INS*Y*18*021*28*A***FT~
REF*0F*[[US_SSN|@@ssn:s009a:plain@@]]~
REF*1L*GRP0041779~
NM1*IL*1*SZYMANSKI*CORWIN*T***34*[[US_SSN|@@ssn:s009a:plain@@]]~
PER*IP**TE*[[PHONE|@@phone:p009:US:m:digits@@]]*EM*[[EMAIL|corwin.szy@fernvalemail.com]]~
DMG*D8*[[DATE_OF_BIRTH|19720229]]*M~
HD*021**PPO*GOLD PPO 1500*EMP~
DTP*348*D8*20270101~
INS*N*19*021*28*A~
REF*0F*[[US_SSN|@@ssn:s009a:plain@@]]~
NM1*IL*1*SZYMANSKI*LUCJA~
DMG*D8*[[DATE_OF_BIRTH|201408]]*F~
HD*021**PPO*GOLD PPO 1500*CHD~
SE*19*0001~

### h16-010
Explain this 999 to me in plain words: which transaction set failed and why?

ISA*00*          *00*          *ZZ*BLUEHAVENHLTH  *ZZ*RIDGEWAYTOOL   *261201*1012*^*00501*000004471*0*P*:~
GS*FA*BLUEHAVEN*RIDGEWAY*20261201*1012*4471*X*005010X231A1~
ST*999*0001*005010X231A1~
AK1*BE*20*005010X220A1~
AK2*834*0001*005010X220A1~
IK3*DMG*17**8~
IK4*2*1251*8~
CTX*SITUATIONAL TRIGGER*INS*16**2~
IK5*R*5~
AK9*R*1*1*0~
SE*9*0001~
GE*1*4471~
IEA*1*000004471~

IK4 element 2 is DMG02, error code 8 is "Invalid Date". The file had 112 INS loops; interchange control 000004471, group 4471, our GS06 on the original was 20.

### h16-011
Summarise this 837P claim for the billing team: provider, patient, total, and diagnosis codes.

ISA*00*          *00*          *ZZ*ELMCRESTMED    *ZZ*CLRHOUSE01     *261203*0815*^*00501*000091237*0*P*:~
GS*HC*ELMCRESTMED*CLRHOUSE01*20261203*0815*91237*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*CLM20261203-88*20261203*0815*CH~
NM1*41*2*ELMCREST MEDICAL GROUP*****46*ETIN44120~
PER*IC*BILLING OFFICE*TE*[[PHONE|@@phone:p011a:US:m:digits@@]]*FX*[[PHONE|@@phone:p011b:US:m:digits@@]]~
NM1*85*2*ELMCREST MEDICAL GROUP*****XX*@@npi:n011@@~
N3*400 CEDAR LANE~
N4*TEANECK*NJ*076661234~
REF*EI*221739904~
HL*2*1*22*0~
SBR*P*18*GRP0087210******CI~
NM1*IL*1*VANTERPOOL*ISIDORE*J***MI*XEJ448120931~
DMG*D8*[[DATE_OF_BIRTH|19560117]]*M~
CLM*PCN-7781*245.00***11:B:1*Y*A*Y*Y~
HI*ABK:E119*ABF:I10*ABF:Z794~
LX*1~
SV1*HC:99214*185.00*UN*1***1:2~
DTP*472*D8*20261201~
LX*2~
SV1*HC:82947*60.00*UN*1***1~
SE*21*0001~

### h16-012
Summarise this 835 remittance: paid vs billed per claim and the adjustment reasons.

ST*835*1001*005010X221A1~
BPR*I*1840.22*C*ACH*CCP*01*@@aba:r012@@*DA*0048812093*1410938812**01*@@aba:r012b@@*DA*77120049301*20261208~
TRN*1*EFT882041937*1410938812~
DTM*405*20261206~
N1*PR*BLUEHAVEN HEALTH~
N1*PE*ELMCREST MEDICAL GROUP*XX*@@npi:n011@@~
CLP*PCN-7781*1*245.00*171.50*20.00*12*2026336104417*11*1~
CAS*CO*45*53.50~
CAS*PR*3*20.00~
SVC*HC:99214*185.00*121.50**1~
SVC*HC:82947*60.00*50.00**1~
CLP*PCN-7790*4*610.00*0*0*12*2026336104418*11*1~
CAS*CO*50*610.00~
MOA***N362~
SE*14*1001~

The routing numbers in BPR are the payer's and our bank's; 0048812093 and 77120049301 are account numbers, not IBANs.

### h16-013
Why does this MT103 fail validation at the receiving bank? They say field 59 format is wrong.

{1:F01NRVBDEFFAXXX0447001234}{2:I103CLYDGB2LXXXXN}{3:{108:MT103-20261204}{121:@@uuid:u013@@}}{4:
:20:OUTPAY2026120417
:23B:CRED
:32A:261204EUR18450,00
:33B:EUR18450,00
:50K:/[[IBAN|@@iban:i013a:DE@@]]
HOLLOWAY PRAEZISIONSTEILE GMBH
INDUSTRIESTRASSE 14
70565 STUTTGART
:52A:NRVBDEFFXXX
:57A:CLYDGB2LXXX
:59:[[IBAN|@@iban:i013b:GB@@]]
/WREN AND TALLIS ENGINEERING LTD
4 QUAYSIDE, LEITH, EDINBURGH
:70:/INV/WT-2026-0931 GEAR HOUSINGS
:71A:SHA
-}{5:{CHK:7A1C39F00B82}}

### h16-014
Explain the header blocks of this MT103 and what the UETR is used for. Field 59 here uses a US account number, no IBAN.

{1:F01CLYDGB2LAXXX5521667891}{2:O1031502261204HARTUS33XXXX00718830022612041502N}{3:{103:TGT}{113:0070}{108:REF20261204B}{121:@@uuid:u014@@}}{4:
:20:INTL-REM-88120
:23B:CRED
:32A:261204USD7210,50
:50F:/GB-COMP-00412
1/KITTIWAKE FREIGHT LTD
3/GB/ABERDEEN
:52A:CLYDGB2LXXX
:56A:HARTUS33XXX
:57D://FW@@aba:r014@@
MARROWFIELD SAVINGS BANK
:59:/000442198730
1/GRANITE STATE PALLET CO
:70:/RFB/KF-2026-3311
:71A:OUR
-}{5:{MAC:00000000}{CHK:9E01B2C44D71}}

The :57D: line carries a Fedwire routing number after //FW.

### h16-015
Summarise this MT940 statement: opening and closing balance and the three entries with counterparties.

:20:STMT261205001
:25:[[IBAN|@@iban:i015a:NL@@]]
:28C:00241/001
:60F:C261204EUR48210,44
:61:2612051205D1250,00NTRFNONREF//2612050018813
:86:/TRTP/SEPA OVERBOEKING/IBAN/[[IBAN|@@iban:i015b:NL@@]]/BIC/ZNDRNL2A/NAME/S. VERHOEVEN-MAAS/REMI/HUUR DECEMBER KANTOOR 2B/EREF/NOTPROVIDED
:61:2612051205C8400,00NTRFPAY-8812//2612050018820
:86:/TRTP/SEPA OVERBOEKING/IBAN/[[IBAN|@@iban:i015c:BE@@]]/BIC/GRVLBEBBXXX/NAME/ATELIER MOSSELMANS BV/REMI/FACTUUR 2026-1183/EREF/AM20261183
:61:2612051205D17,95NCHGNONREF
:86:/TRTP/KOSTEN/REMI/BANKKOSTEN NOVEMBER
:62F:C261205EUR55441,49
:64:C261205EUR55441,49

### h16-016
Summarise this MT940 statement: opening and closing balance and the entries. The account is a legacy German BLZ/Kontonummer pair, not an IBAN.

:20:MT940-20261205-01
:25:37040044/0532013000
:28C:338/1
:60F:C261204EUR12870,10
:61:2612041204DR2400,00NMSCNONREF//B4L12041134
:86:835?00DAUERAUFTRAG?10931?20MIETE LAGER HALLE 3?21VERTRAG 7781-22?30DEUTDEFF?31KONTO 7788120400
:61:2612041204CR9120,55NMSCNONREF//B4L12041188
:86:166?00GUTSCHRIFT?10931?20RE 2026-04471?21KD-NR 100293?30COBADEFF
:61:2612041204DR3,50NMSCNONREF
:86:805?00ENTGELT?20KONTOFUEHRUNG NOV
:62F:C261204EUR19587,15

Subfields ?30 are BICs and ?31 is another legacy account number. Balance check: 12870,10 - 2400,00 + 9120,55 - 3,50 = 19587,15.

### h16-017
Why does this pain.001 fail validation? The bank portal says "CtrlSum does not match".

<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
 <CstmrCdtTrfInitn>
  <GrpHdr><MsgId>PAY-20261206-0042</MsgId><CreDtTm>2026-12-06T08:11:42</CreDtTm><NbOfTxs>2</NbOfTxs>
   <CtrlSum>3150.00</CtrlSum><InitgPty><Nm>Fonderie Lacaze SAS</Nm></InitgPty></GrpHdr>
  <PmtInf><PmtInfId>PMT-0042-A</PmtInfId><PmtMtd>TRF</PmtMtd><ReqdExctnDt><Dt>2026-12-08</Dt></ReqdExctnDt>
   <Dbtr><Nm>Fonderie Lacaze SAS</Nm></Dbtr>
   <DbtrAcct><Id><IBAN>[[IBAN|@@iban:i017a:FR@@]]</IBAN></Id></DbtrAcct>
   <DbtrAgt><FinInstnId><BICFI>OCCIFRPPXXX</BICFI></FinInstnId></DbtrAgt>
   <CdtTrfTxInf><PmtId><EndToEndId>E2E-0042-0001</EndToEndId></PmtId>
    <Amt><InstdAmt Ccy="EUR">1200.00</InstdAmt></Amt>
    <Cdtr><Nm>Ines Barbosa Quintela</Nm></Cdtr>
    <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i017b:ES@@]]</IBAN></Id></CdtrAcct>
    <RmtInf><Ustrd>Honoraires traduction nov. 2026</Ustrd></RmtInf></CdtTrfTxInf>
   <CdtTrfTxInf><PmtId><EndToEndId>E2E-0042-0002</EndToEndId></PmtId>
    <Amt><InstdAmt Ccy="EUR">1850.50</InstdAmt></Amt>
    <Cdtr><Nm>Transports Vergnes SARL</Nm></Cdtr>
    <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i017c:FR:spaced@@]]</IBAN></Id></CdtrAcct>
    <RmtInf><Ustrd>FACT TV-88213</Ustrd></RmtInf></CdtTrfTxInf>
  </PmtInf>
 </CstmrCdtTrfInitn>
</Document>

### h16-018
Explain this pain.002 status report: which transactions were rejected and what do the reason codes mean?

<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>STS-OCCI-261206-99120</MsgId><CreDtTm>2026-12-06T08:14:03</CreDtTm>
   <DbtrAgt><FinInstnId><BICFI>OCCIFRPPXXX</BICFI></FinInstnId></DbtrAgt></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>PAY-20261206-0042</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
   <OrgnlNbOfTxs>2</OrgnlNbOfTxs><OrgnlCtrlSum>3150.00</OrgnlCtrlSum><GrpSts>RJCT</GrpSts>
   <StsRsnInf><Rsn><Cd>AM05</Cd></Rsn><AddtlInf>CtrlSum 3150.00 differs from sum 3050.50</AddtlInf></StsRsnInf>
  </OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>PMT-0042-A</OrgnlPmtInfId>
   <TxInfAndSts><OrgnlEndToEndId>E2E-0042-0001</OrgnlEndToEndId><TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Cd>AM05</Cd></Rsn></StsRsnInf></TxInfAndSts>
   <TxInfAndSts><OrgnlEndToEndId>E2E-0042-0002</OrgnlEndToEndId><TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Cd>AM05</Cd></Rsn></StsRsnInf></TxInfAndSts>
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>

### h16-019
Map these camt.053 entries to our ledger import (booking_date, amount, direction, counterparty_name, counterparty_iban, reference):

<Ntry><NtryRef>0019920041</NtryRef><Amt Ccy="EUR">742.18</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
 <BookgDt><Dt>2026-12-03</Dt></BookgDt><ValDt><Dt>2026-12-03</Dt></ValDt><AcctSvcrRef>2026120300188431</AcctSvcrRef>
 <NtryDtls><TxDtls><Refs><EndToEndId>RE-2026-5517</EndToEndId><UETR>@@uuid:u019@@</UETR></Refs>
  <RltdPties><Dbtr><Pty><Nm>Kühnemund Elektro GmbH</Nm></Pty></Dbtr>
   <DbtrAcct><Id><IBAN>[[IBAN|@@iban:i019a:AT@@]]</IBAN></Id></DbtrAcct></RltdPties>
  <RltdAgts><DbtrAgt><FinInstnId><BICFI>SPHZATWWXXX</BICFI></FinInstnId></DbtrAgt></RltdAgts>
  <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
 </TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>0019920042</NtryRef><Amt Ccy="EUR">96.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
 <BookgDt><Dt>2026-12-03</Dt></BookgDt><AcctSvcrRef>2026120300188477</AcctSvcrRef>
 <NtryDtls><TxDtls><Refs><MndtId>MND-TELCO-00881</MndtId></Refs>
  <RltdPties><Cdtr><Pty><Nm>Alpenfunk Telekom AG</Nm></Pty></Cdtr>
   <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i019b:CH@@]]</IBAN></Id></CdtrAcct></RltdPties>
  <RmtInf><Ustrd>Rechnung 11/2026 Kd 40029913</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>

### h16-020
Map this camt.053 balance block to our ledger import. The account is identified by a proprietary id, not an IBAN.

<Stmt><Id>STMT-2026-12-03-0041</Id><ElctrncSeqNb>338</ElctrncSeqNb><CreDtTm>2026-12-04T05:00:12+01:00</CreDtTm>
 <Acct><Id><Othr><Id>0041-778120-01</Id><SchmeNm><Prtry>BANKACCT</Prtry></SchmeNm></Othr></Id><Ccy>EUR</Ccy>
  <Svcr><FinInstnId><BICFI>SPHZATWWXXX</BICFI></FinInstnId></Svcr></Acct>
 <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">22104.37</Amt><CdtDbtInd>CRDT</CdtDbtInd>
  <Dt><Dt>2026-12-03</Dt></Dt></Bal>
 <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">22750.55</Amt><CdtDbtInd>CRDT</CdtDbtInd>
  <Dt><Dt>2026-12-03</Dt></Dt></Bal>
 <TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries><Sum>838.18</Sum><TtlNetNtry><Amt>646.18</Amt>
  <CdtDbtInd>CRDT</CdtDbtInd></TtlNetNtry></TtlNtries></TxsSummry>
</Stmt>

The creditor reference RF18539007547034 on the first entry is an ISO 11649 structured reference.

### h16-021
Can you translate this SEPA direct-debit mandate confirmation into English for our customer file?

SEPA-Lastschriftmandat – Bestätigung

Zahlungsempfänger: Stadtwerke Lindenau GmbH, Gläubiger-Identifikationsnummer DE71ZZZ00001844120
Mandatsreferenz: SWL-STROM-0044719-2026
Zahlungsart: wiederkehrende Zahlung (RCUR), erste Fälligkeit 15.01.2027

Kontoinhaberin: Rosalind Achterberg
IBAN: [[IBAN|@@iban:i021:DE:spaced@@]]
BIC: LNDNDE3LXXX
E-Mail für Vorabankündigungen: [[EMAIL|r.achterberg@posteo-mail.de]]
Telefon (Rückfragen): [[PHONE|@@phone:p021:DE:m:nat@@]]

Ich ermächtige die Stadtwerke Lindenau GmbH, Zahlungen von meinem Konto mittels Lastschrift einzuziehen. Zugleich weise ich mein Kreditinstitut an, die von der Stadtwerke Lindenau GmbH auf mein Konto gezogenen Lastschriften einzulösen. Hinweis: Ich kann innerhalb von acht Wochen, beginnend mit dem Belastungsdatum, die Erstattung des belasteten Betrages verlangen.

Ort, Datum: Lindenau, 02.12.2026 – elektronisch erteilt, Signatur-ID 7781-2209-4410

### h16-022
Our pain.008 validator complains about the creditor id in this template. Is DE98ZZZ09999999999 a valid format? It's the one from the Bundesbank documentation.

<PmtInf>
 <PmtInfId>DD-TEMPLATE-01</PmtInfId><PmtMtd>DD</PmtMtd><NbOfTxs>1</NbOfTxs><CtrlSum>0.00</CtrlSum>
 <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>CORE</Cd></LclInstrm><SeqTp>FRST</SeqTp></PmtTpInf>
 <ReqdColltnDt>2027-01-15</ReqdColltnDt>
 <Cdtr><Nm>{{creditor_name}}</Nm></Cdtr>
 <CdtrAcct><Id><IBAN>{{creditor_iban}}</IBAN></Id></CdtrAcct>
 <CdtrSchmeId><Id><PrvtId><Othr><Id>DE98ZZZ09999999999</Id><SchmeNm><Prtry>SEPA</Prtry></SchmeNm></Othr></PrvtId></Id></CdtrSchmeId>
 <DrctDbtTxInf>
  <PmtId><EndToEndId>{{e2e_id}}</EndToEndId></PmtId>
  <InstdAmt Ccy="EUR">{{amount}}</InstdAmt>
  <DrctDbtTx><MndtRltdInf><MndtId>{{mandate_id}}</MndtId><DtOfSgntr>{{signed_on}}</DtOfSgntr></MndtRltdInf></DrctDbtTx>
  <Dbtr><Nm>{{debtor_name}}</Nm></Dbtr>
  <DbtrAcct><Id><IBAN>DE__ ____ ____ ____ ____ __</IBAN></Id></DbtrAcct>
 </DrctDbtTxInf>
</PmtInf>

The creditor id's check digits are computed like an IBAN's, skipping the ZZZ business code.

### h16-023
Why does our bank reject this IAT entry? NACHA file excerpt (94-character records), entry 2 is the international one:

101 0210000891412209348 2612071130A094101MARROWFIELD SAVINGS   GRANITE STATE PALLET   
5220GRANITE STATE PALL                    1412209348IATPAYROLL   261208   1021000089000001
622@@aba:r023@@2200112847       0000184200IAT-88120      SIMONE ERLINGER         0021000080000001
622@@aba:r023b@@[[IBAN|@@iban:i023:AT@@]]0000250000IAT-88121      ERLINGER SIMONE         1021000080000002
710ANN000000000000250000ERLINGER SIMONE                                             0000002
8220000003004321112800000000000000004342001412209348                         021000080000001

The receiver lives in Graz; I put her IBAN in the DFI account number field because the bank portal told us to.

### h16-024
Explain the control record at the end of this NACHA PPD file: why is the entry hash what it is?

101 0210000891412209348 2612071130A094101MARROWFIELD SAVINGS   GRANITE STATE PALLET   
5220GRANITE STATE PALL                    1412209348PPDPAYROLL   261208   1021000080000001
622@@aba:r024a@@004481230019     0000184200EMP-0041       DELANEY TORRES         0021000080000001
632@@aba:r024b@@7712004830       0000210055EMP-0042       PRIYA VENKATARAMAN     0021000080000002
622@@aba:r024c@@00998812         0000097500EMP-0043       JONAS HALVORSEN        0021000080000003
820000000300000000000000000000000049175514122093480000000000000000000000000021000080000001
9000001000001000000030000000000000000000000000000000000000000000000000000000000000000000000000

Batch 8-record: entry/addenda count 000003, entry hash is the sum of the 8-digit receiving DFI ids, total credit 4917.55.

### h16-025
This is from our card switch debug log. Why does the issuer decline it with response code 14? Please summarise the fields.

2026-12-08 09:41:22.318 [acq-01] ISO8583 REQ 0100 from terminal TID=NFK00412 ip=[[IP_ADDRESS|10.44.18.203]]
  MTI      : 0100
  BITMAP   : F23C448108E08000
  [002] PAN              : [[CREDIT_CARD|@@card:c025:visa@@]]
  [003] PROC CODE        : 000000
  [004] AMOUNT TXN       : 000000004899
  [007] TRANSM DATE/TIME : 1208094122
  [011] STAN             : 004471
  [012] LOCAL TIME       : 094122
  [013] LOCAL DATE       : 1208
  [014] EXPIRY           : 2811
  [022] POS ENTRY MODE   : 051
  [025] POS COND CODE    : 00
  [035] TRACK 2          : [[CREDIT_CARD|@@card:c025:visa@@]]=28112011000047100000
  [037] RRN              : 634209004471
  [041] TERMINAL ID      : NFK00412
  [042] MERCHANT ID      : 000104418820017
  [049] CURRENCY         : 840
2026-12-08 09:41:22.702 [acq-01] ISO8583 RSP 0110 STAN=004471 RC=14 AUTH= ms=384

### h16-026
This is from our card switch debug log (PCI-masked). Why does the issuer decline it with response code 54? Please summarise the fields.

2026-12-08 09:43:05.114 [acq-01] ISO8583 REQ 0100 from terminal TID=NFK00413
  MTI      : 0100
  BITMAP   : F23C448108E08000
  [002] PAN              : 476173******0119
  [003] PROC CODE        : 000000
  [004] AMOUNT TXN       : 000000012050
  [007] TRANSM DATE/TIME : 1208094305
  [011] STAN             : 004472
  [014] EXPIRY           : ****
  [022] POS ENTRY MODE   : 071
  [035] TRACK 2          : 476173******0119=****************
  [037] RRN              : 634209004472
  [041] TERMINAL ID      : NFK00413
  [042] MERCHANT ID      : 000104418820017
  [043] CARD ACCEPTOR    : HOLLOW OAK CAFE        PORTSMOUTH   NHUS
  [049] CURRENCY         : 840
  [055] ICC DATA         : 9F2608A1B2C3D4E5F607189F2701809F360200419F370471C9A2E0950500000080009A03261208
2026-12-08 09:43:05.498 [acq-01] ISO8583 RSP 0110 STAN=004472 RC=54 AUTH= ms=384

RC 54 is "expired card", but the terminal read the chip so I don't get why.

### h16-027
Our PSP webhook handler logs this on a 422. Why does the payload fail our schema validation? (Copied from the prod log, JSON Lines.)

{"ts":"2026-12-09T11:02:44.918Z","lvl":"warn","svc":"pay-webhooks","trace":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"schema violation","path":"$.data.object.payment_method_details.card.exp_year","expected":"integer","got":"string"}
{"ts":"2026-12-09T11:02:44.919Z","lvl":"debug","svc":"pay-webhooks","raw":{"id":"evt_3QxL8mKfT2aB9cDe","type":"charge.succeeded","data":{"object":{"id":"ch_3QxL8mKfT2aB9cDe1a0","amount":15900,"currency":"eur","billing_details":{"email":"[[EMAIL|hallvard.brekke@fjordpost.no]]","name":"Hallvard Brekke","phone":"[[PHONE|@@phone:p027:NO:m:e164@@]]"},"payment_method_details":{"card":{"brand":"mastercard","number":"[[CREDIT_CARD|@@card:c027:mc@@]]","exp_month":4,"exp_year":"2029","last4":"see number","network_transaction_id":"MCC0W4LQ91208"}}}}}}
{"ts":"2026-12-09T11:02:44.921Z","lvl":"info","svc":"pay-webhooks","msg":"responded","status":422,"dur_ms":3.1}

Yes I know the raw card number should never be in the payload, that's the legacy gateway adapter, ticket PAY-2210.

### h16-028
Why do these sandbox authorizations all come back with different statuses? Dump from the processor's test environment:

env=sandbox merchant=acct_test_88120 batch=SBX-20261209-03
txn_id          pan                 amount  cur  result      avs  cvv  note
tx_sbx_000101   4111111111111111      10.00 USD  APPROVED    Y    M    visa test card
tx_sbx_000102   5555555555554444      10.00 USD  APPROVED    Y    M    mastercard test card
tx_sbx_000103   378282246310005       10.00 USD  APPROVED    Y    M    amex test card
tx_sbx_000104   4000000000000002      10.00 USD  DECLINED    -    -    generic decline trigger
tx_sbx_000105   4000000000009995      10.00 USD  DECLINED    -    -    insufficient funds trigger
tx_sbx_000106   411111******1111      10.00 USD  APPROVED    Y    M    masked echo from tokenised retry
tx_sbx_000107   XXXXXXXXXXXX4242      10.00 USD  APPROVED    Y    M    masked echo, card on file tok_4f2a9c
tx_sbx_000108   4242 4242 4242 4242    0.50 USD  APPROVED    Y    M    min amount check

All of these are the processor's documented test numbers, none is a real card.

### h16-029
Summarise this vCard for our CRM import and tell me which fields will not map (we have first_name, last_name, company, title, work_phone, mobile, email, birthday).

BEGIN:VCARD
VERSION:4.0
FN:Anneliese Vorderbrügge
N:Vorderbrügge;Anneliese;;Dr.;
ORG:Kestrel Akustik GmbH;Entwicklung
TITLE:Leiterin Messtechnik
TEL;TYPE=work,voice;VALUE=uri:tel:[[PHONE|@@phone:p029a:DE:f:e164@@]]
TEL;TYPE=cell;VALUE=uri:tel:[[PHONE|@@phone:p029b:DE:m:e164@@]]
EMAIL;TYPE=work:[[EMAIL|a.vorderbruegge@kestrel-akustik.de]]
BDAY:[[DATE_OF_BIRTH|19770523]]
ADR;TYPE=work:;;Hafenweg 9;Bremen;;28217;Germany
URL:https://kestrel-akustik.de
UID:urn:uuid:@@uuid:u029@@
REV:20261201T094500Z
NOTE:Met at Forum Raumakustik 2026\, booth C14\; wants the reverb-chamber data sheet.
END:VCARD

### h16-030
Our CardDAV server refuses this vCard for the meeting room. Why does it fail validation?

BEGIN:VCARD
VERSION:4.0
KIND:location
FN:Besprechungsraum Weser (3.14)
ORG:Kestrel Akustik GmbH
ADR;TYPE=work:;3. OG\, Raum 3.14;Hafenweg 9;Bremen;;28217;Germany
GEO:geo:53.0962,8.7725
X-CAPACITY:12
X-EQUIPMENT:Beamer\,Videokonferenz\,Whiteboard
UID:urn:uuid:@@uuid:u030@@
REV:2026-12-01T09:45:00Z
PRODID:-//Kestrel//RoomSync 2.3//DE
END:VCARD

The server log says "REV: invalid timestamp" and "X-EQUIPMENT: unescaped comma". The room has no phone and no mailbox, that's on purpose.

### h16-031
Can you summarise this meeting invite and tell me why Outlook shows it in the wrong time zone?

BEGIN:VCALENDAR
PRODID:-//Harbourline//Scheduler 4.1//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
UID:@@uuid:u031@@
DTSTAMP:20261210T081500Z
DTSTART:20270112T150000
DTEND:20270112T160000
SUMMARY:Q1 carrier contract review
ORGANIZER;CN="Tobias Greenhalgh":mailto:[[EMAIL|tobias.greenhalgh@harbourline-freight.co.uk]]
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=Aoife Ruanaidh:mailto:[[EMAIL|aoife.r@tidewell-logistics.ie]]
ATTENDEE;ROLE=OPT-PARTICIPANT;CN=Piet Jongbloed:mailto:[[EMAIL|p.jongbloed@zeestroom.nl]]
LOCATION:Teams / dial-in
DESCRIPTION:Dial-in: [[PHONE|@@phone:p031:GB:f:intl@@]]\, conference ID 448 120 931#\nAgenda: rate card
  2027\, fuel surcharge index\, claims SLA.
SEQUENCE:2
END:VEVENT
END:VCALENDAR

### h16-032
Why does Google Calendar import only the first event of this public holiday file?

BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Municipal Open Data//Holidays 1.0//EN
X-WR-CALNAME:Public holidays 2027
BEGIN:VEVENT
UID:20270101-newyear@holidays.opendata.example.org
DTSTAMP:20261201T000000Z
DTSTART;VALUE=DATE:20270101
DTEND;VALUE=DATE:20270102
SUMMARY:New Year's Day
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:20270101-newyear@holidays.opendata.example.org
DTSTAMP:20261201T000000Z
DTSTART;VALUE=DATE:20270329
DTEND;VALUE=DATE:20270330
SUMMARY:Easter Monday
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:20270101-newyear@holidays.opendata.example.org
DTSTART;VALUE=DATE:20271225
SUMMARY:Christmas Day
END:VEVENT
END:VCALENDAR

### h16-033
Map this LDIF export to our user table (login, display_name, email, phone, mobile). Also, is it a problem that one entry has a plain-text password in it?

dn: uid=mkarvonen,ou=people,dc=lumo-analytics,dc=fi
objectClass: inetOrgPerson
uid: mkarvonen
cn: Mikaela Karvonen
sn: Karvonen
mail: [[EMAIL|mikaela.karvonen@lumo-analytics.fi]]
telephoneNumber: [[PHONE|@@phone:p033a:FI:f:intl@@]]
mobile: [[PHONE|@@phone:p033b:FI:m:intl@@]]
userPassword:: @@ssha:h033@@
employeeNumber: 004471

dn: uid=jlindqvist,ou=people,dc=lumo-analytics,dc=fi
objectClass: inetOrgPerson
uid: jlindqvist
cn:: SsO2cmFuIExpbmRxdmlzdA==
sn: Lindqvist
mail: [[EMAIL|joran.lindqvist@lumo-analytics.fi]]
mobile: [[PHONE|@@phone:p033c:FI:m:intl@@]]
userPassword: [[SECRET|@@pw:pw033:14@@]]
employeeNumber: 004488

The first userPassword is base64 of an {SSHA} hash, the second was set by the old provisioning script.

### h16-034
Why does ldapadd fail on the second entry with "value #0 invalid per syntax"?

dn: ou=groups,dc=lumo-analytics,dc=fi
objectClass: organizationalUnit
ou: groups
description: Posix groups, managed by provisioning job prov-sync v2.8

dn: cn=analysts,ou=groups,dc=lumo-analytics,dc=fi
objectClass: posixGroup
cn: analysts
gidNumber: analysts-5001
memberUid: mkarvonen
memberUid: jlindqvist

dn: cn=dataplatform,ou=groups,dc=lumo-analytics,dc=fi
objectClass: groupOfNames
cn: dataplatform
member: uid=mkarvonen,ou=people,dc=lumo-analytics,dc=fi
member: uid=jlindqvist,ou=people,dc=lumo-analytics,dc=fi
description:: VGllZG9ua2VydXUgamEgRVRMLXR5w7Z0
entryUUID: @@uuid:u034@@

The base64 description is just Finnish text with umlauts ("Tiedonkeruu ja ETL-työt").

### h16-035
This CSV export from the clinic booking tool breaks our importer at row 3. Why? Columns must map to patient_name, dob, phone, email, notes.

"patient_name","dob","phone","email","notes","booking_ref"
"Quarshie, Efua","[[DATE_OF_BIRTH|03/14/1988]]","[[PHONE|@@phone:p035a:US:m:nat@@]]","[[EMAIL|efua.quarshie@brightmail.org]]","prefers ""morning"" slots","BK-2026-88120"
"Lindgren-Oduya, Tomas","[[DATE_OF_BIRTH|11/02/1979]]","[[PHONE|@@phone:p035b:US:m:nat@@]]","[[EMAIL|t.lindgren.oduya@corvidmail.com]]","wheelchair access, needs ramp","BK-2026-88121"
"Maalouf, Rania","[[DATE_OF_BIRTH|07/30/1995]]","[[PHONE|@@phone:p035c:US:m:e164@@]]","[[EMAIL|rania.maalouf@quillpost.net]]","interpreter: Arabic
follow-up in 6 wks","BK-2026-88122"
"Ferreira, Joao","[[DATE_OF_BIRTH|1966-05-09]]","","","walk-in, no contact on file","BK-2026-88123"

### h16-036
Why does pandas read this CSV with the wrong number of columns?

"sku","gtin","description","unit_price","qty_on_hand","last_count"
"HX-4471-B","04012345678901","Hex bolt M8 x 40, zinc, ""DIN 933""","0.18","12400","2026-11-30"
"HX-4471-C","04012345678918","Hex bolt M8 x 50, zinc","0.21","9800","2026-11-30"
"WS-0881","04012345678925","Washer, 8.4 mm; pack of 100","3.90","311","2026-11-29"
"NT-2209","04012345678932","Lock nut M8, nylon insert","0.09","27550","2026-11-30"
"BR-7710-X","04012345678949","Bracket, ""L"" 90°, 2,5 mm steel","1.44","860","2026-11-28"

The export tool uses ; inside descriptions and , as the decimal mark in one field, and doubles quotes inside quoted fields.

### h16-037
This is a record from our mainframe member file and its copybook. Can you split the record into fields and summarise it? The DOB and SSN fields come out shifted in our parser.

      01  MEMBER-REC.
          05  MBR-ID          PIC X(10).
          05  MBR-LAST        PIC X(15).
          05  MBR-FIRST       PIC X(10).
          05  MBR-DOB         PIC 9(8).
          05  MBR-SSN         PIC 9(9).
          05  MBR-SEX         PIC X.
          05  MBR-PLAN        PIC X(6).
          05  MBR-EFF-DT      PIC 9(8).
          05  MBR-PREM        PIC S9(5)V99.

MB00448120WHITLOCK-AMARI HEZEKIAH  [[DATE_OF_BIRTH|19630808]][[US_SSN|@@ssn:s037:plain@@]]MHMO04120260101004812{
MB00448121WHITLOCK-AMARI JUNE      [[DATE_OF_BIRTH|19650412]][[US_SSN|@@ssn:s037b:plain@@]]FHMO04120260101000000{

The last field is zoned decimal with an overpunched sign ({ is +0).

### h16-038
Split this fixed-width GL extract into fields using the layout below and summarise the totals.

Layout: COMPANY 1-4, ACCOUNT 5-14, COSTCTR 15-20, PERIOD 21-26 (YYYYMM), POSTDT 27-34 (YYYYMMDD), AMOUNT 35-49 (S9(13)V99 zoned), DOCNO 50-61

0041611000000000CC4471202611202611300000000184200{JE2026110041
00416110000000CC4471202611202611300000000009750}JE2026110042
00417712000004CC0881202611202611290000000212005BJE2026110043
00419990000001CC0000202611202611300000000000000{JE2026119999
TRAILER  RECS=000004  HASH=0000001772634401  TOTAL=000000000397175

Line 2 has a shorter account field, which is probably the bug.

### h16-039
Can you tell from these JSON Lines auth logs why the user keeps getting logged out? Copied straight from Loki.

{"time":"2026-12-10T07:58:01.112Z","level":"info","service":"auth","event":"login_success","user_id":"u_88120","email":"[[EMAIL|wilhelmina.okafor@corvidmail.com]]","client_ip":"[[IP_ADDRESS|@@ip:ip039a@@]]","ua":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15"}
{"time":"2026-12-10T07:58:01.140Z","level":"debug","service":"auth","event":"token_issued","user_id":"u_88120","access_token":"[[JWT|@@jwt:j039:RS256@@]]","expires_in":900}
{"time":"2026-12-10T08:13:02.551Z","level":"info","service":"auth","event":"refresh_failed","user_id":"u_88120","reason":"refresh_token_reused","client_ip":"[[IP_ADDRESS|@@ip:ip039b@@]]"}
{"time":"2026-12-10T08:13:02.560Z","level":"info","service":"auth","event":"session_revoked","user_id":"u_88120","sessions":3,"policy":"reuse-detection"}

### h16-040
Can you tell from these JSON Lines logs why the p95 latency doubled after 08:00?

{"time":"2026-12-10T07:59:58.004Z","level":"info","service":"orders","route":"GET /v1/orders/{id}","status":200,"dur_ms":41.2,"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","upstream":"127.0.0.1:9090"}
{"time":"2026-12-10T08:00:03.311Z","level":"warn","service":"orders","msg":"pool exhausted","pool":"pg-main","size":20,"waiting":37,"trace_id":"5c1d3a7f2e9b4c80a1f6d2e7b3c4a5d6"}
{"time":"2026-12-10T08:00:03.912Z","level":"info","service":"orders","route":"GET /v1/orders/{id}","status":200,"dur_ms":882.7,"trace_id":"9e2b4f1a7c3d48e6b5a0f9c8d7e6a5b4","span_id":"00f067aa0ba902b7","upstream":"127.0.0.1:9090"}
{"time":"2026-12-10T08:00:04.020Z","level":"info","service":"cron","job":"nightly-reindex","run_id":"@@uuid:u040@@","started":"2026-12-10T08:00:00Z","tables":["orders","order_items"],"est_rows":4471203}

Version 3.14.1, build 20261209.4, pg 16.4, pool size 20.

### h16-041
Our OpenAPI response example was generated from a real request by mistake. Can you check the example against the schema and tell me why the linter fails? I want to replace the example anyway.

paths:
  /v2/customers/{customerId}:
    get:
      responses:
        "200":
          description: Customer found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Customer"}
              example:
                id: cus_7Hq2LwX9
                fullName: Benedikta Soranzo
                email: [[EMAIL|benedikta.soranzo@lagunapost.it]]
                phone: "[[PHONE|@@phone:p041:IT:m:intl@@]]"
                dateOfBirth: "[[DATE_OF_BIRTH|1984-10-21]]"
                loyaltyTier: GOLD
                createdAt: 2025-03-14T09:26:53Z
components:
  schemas:
    Customer:
      type: object
      required: [id, fullName, email]
      properties:
        id: {type: string, pattern: "^cus_[A-Za-z0-9]{8}$"}
        email: {type: string, format: email}
        phone: {type: string, pattern: "^\\+[1-9]\\d{7,14}$"}
        dateOfBirth: {type: string, format: date}

### h16-042
Check this OpenAPI example against the schema and tell me why the linter fails.

components:
  schemas:
    Customer:
      type: object
      required: [id, fullName, email]
      properties:
        id: {type: string, pattern: "^cus_[A-Za-z0-9]{8}$", example: cus_00000000}
        email: {type: string, format: email, example: jane.doe@example.com}
        phone: {type: string, pattern: "^\\+[1-9]\\d{7,14}$", example: "+1 555 0100"}
        ssn: {type: string, pattern: "^\\d{3}-\\d{2}-\\d{4}$", example: "123-45-6789", writeOnly: true}
        dateOfBirth: {type: string, format: date, example: "YYYY-MM-DD"}
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
  examples:
    CustomerMinimal:
      value: {id: cus_A1b2C3d4, fullName: Jane Doe, email: jane.doe@example.com}

Spectral says: "phone example does not match pattern", "dateOfBirth example is not a valid date".

### h16-043
Summarise what this GraphQL response says about the account, and why `billing` is null.

{
  "data": {
    "viewer": {
      "id": "VXNlcjo4ODEyMA==",
      "profile": {
        "displayName": "Sunniva Aasland",
        "contact": {
          "primaryEmail": "[[EMAIL|sunniva.aasland@nordlysmail.no]]",
          "phones": [
            {"label": "MOBILE", "e164": "[[PHONE|@@phone:p043:NO:m:e164@@]]", "verified": true}
          ]
        },
        "birthDate": "[[DATE_OF_BIRTH|1993-01-27]]"
      },
      "billing": null
    }
  },
  "errors": [
    {"message": "Not authorized to access Account.billing", "path": ["viewer", "billing"],
     "extensions": {"code": "FORBIDDEN", "requiredScope": "billing:read", "requestId": "@@uuid:u043@@"}}
  ]
}

### h16-044
Why does this GraphQL query return a partial result? Response below.

{
  "data": {
    "orders": {
      "edges": [
        {"cursor": "YXJyYXljb25uZWN0aW9uOjA=", "node": {"id": "T3JkZXI6NDQ3MTIw", "status": "SHIPPED", "total": {"amount": "184.20", "currency": "EUR"}}},
        {"cursor": "YXJyYXljb25uZWN0aW9uOjE=", "node": null}
      ],
      "pageInfo": {"hasNextPage": true, "endCursor": "YXJyYXljb25uZWN0aW9uOjE="}
    }
  },
  "errors": [
    {"message": "Cannot return null for non-nullable field Order.total.", "locations": [{"line": 7, "column": 9}],
     "path": ["orders", "edges", 1, "node", "total"], "extensions": {"code": "INTERNAL_SERVER_ERROR", "traceId": "7d2c4e8f1a3b5c6d"}}
  ],
  "extensions": {"cost": {"requestedQueryCost": 52, "throttleStatus": {"maximumAvailable": 1000, "currentlyAvailable": 948}}}
}

The ids are Relay global ids (base64 of "Order:447120" and so on).

### h16-045
Our SP rejects this SAML response with "Audience mismatch". Assertion from the debug log, what is wrong?

<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a7c1e0f4-52b4-4d8e-9c1a-0b6e2f4d7a93" IssueInstant="2026-12-10T09:14:22Z" Version="2.0">
 <saml:Issuer>https://idp.quillon-health.com/saml2</saml:Issuer>
 <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="#_a7c1e0f4-52b4-4d8e-9c1a-0b6e2f4d7a93">
  <ds:DigestValue>@@b64:dv045:32@@</ds:DigestValue></ds:Reference></ds:SignedInfo>
  <ds:SignatureValue>@@b64:sv045:256@@</ds:SignatureValue></ds:Signature>
 <saml:Subject>
  <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">[[EMAIL|gwendolyn.achebe@quillon-health.com]]</saml:NameID>
  <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
   <saml:SubjectConfirmationData NotOnOrAfter="2026-12-10T09:19:22Z" Recipient="https://app.pellucid-rx.com/saml/acs"/></saml:SubjectConfirmation>
 </saml:Subject>
 <saml:Conditions NotBefore="2026-12-10T09:13:52Z" NotOnOrAfter="2026-12-10T10:14:22Z">
  <saml:AudienceRestriction><saml:Audience>https://app.pellucid-rx.com/saml/metadata/</saml:Audience></saml:AudienceRestriction></saml:Conditions>
 <saml:AttributeStatement>
  <saml:Attribute Name="mobile"><saml:AttributeValue>[[PHONE|@@phone:p045:US:m:e164@@]]</saml:AttributeValue></saml:Attribute>
  <saml:Attribute Name="groups"><saml:AttributeValue>pharmacists</saml:AttributeValue></saml:Attribute>
 </saml:AttributeStatement>
</saml:Assertion>

SP entity id is configured as https://app.pellucid-rx.com/saml/metadata (no trailing slash).

### h16-046
Is this IdP metadata valid? Our SP import says "no signing certificate found".

<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.quillon-health.com/saml2">
 <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="true">
  <md:KeyDescriptor use="encryption">
   <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
    <ds:X509Certificate>MIIC@@b64:cert046:420@@</ds:X509Certificate>
   </ds:X509Data></ds:KeyInfo>
  </md:KeyDescriptor>
  <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.quillon-health.com/saml2/sso"/>
  <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.quillon-health.com/saml2/slo"/>
 </md:IDPSSODescriptor>
</md:EntityDescriptor>

Cert SHA-256 fingerprint from the admin console: @@hex:fp046:64@@ (valid until 2028-03-31).

### h16-047
Why does our OIDC callback fail with "invalid_client"? Debug log from the RP below.

2026-12-10 10:02:11,418 DEBUG oidc.client POST https://login.auroraid.io/oauth2/token grant_type=authorization_code code=[FILTERED] redirect_uri=https://portal.marrowfield-sb.com/callback client_id=portal-web client_secret=[[SECRET|@@urlsafe:cs047:40@@]]
2026-12-10 10:02:11,702 DEBUG oidc.client 200 OK {"token_type":"Bearer","expires_in":300,"id_token":"[[JWT|@@jwt:j047a:RS256@@]]","access_token":"[[JWT|@@jwt:j047b:RS256@@]]"}
2026-12-10 10:02:11,705 WARN  oidc.client id_token aud mismatch: expected portal-web got portal-web-staging
2026-12-10 10:02:11,706 ERROR oidc.client login failed for session 6f1d2a9c, redirecting to /login?error=invalid_client

We rotated the client in the IdP yesterday.

### h16-048
Explain this OIDC discovery document and JWKS: which signing algorithms does the IdP support, and which key would verify a token with kid "2026-12-a"?

GET https://login.auroraid.io/.well-known/openid-configuration
{"issuer":"https://login.auroraid.io","authorization_endpoint":"https://login.auroraid.io/oauth2/authorize",
 "token_endpoint":"https://login.auroraid.io/oauth2/token","jwks_uri":"https://login.auroraid.io/oauth2/jwks",
 "id_token_signing_alg_values_supported":["RS256","ES256"],"token_endpoint_auth_methods_supported":["client_secret_basic","private_key_jwt"],
 "scopes_supported":["openid","profile","email","offline_access"]}

GET https://login.auroraid.io/oauth2/jwks
{"keys":[
 {"kty":"RSA","use":"sig","kid":"2026-12-a","alg":"RS256","e":"AQAB","n":"@@urlsafe:n048:342@@"},
 {"kty":"EC","use":"sig","kid":"2026-12-b","alg":"ES256","crv":"P-256","x":"@@urlsafe:x048:43@@","y":"@@urlsafe:y048:43@@"}
]}

### h16-049
Why did this message land in spam? Full headers below.

Return-Path: <[[EMAIL|bounce+8812@mail.tidewell-logistics.ie]]>
Received: from mail.tidewell-logistics.ie ([[IP_ADDRESS|@@ip:ip049@@]])
        by mx.harbourline-freight.co.uk with ESMTPS id 4f2a9c81e0
        for <[[EMAIL|tobias.greenhalgh@harbourline-freight.co.uk]]>; Thu, 10 Dec 2026 10:41:07 +0000
Authentication-Results: mx.harbourline-freight.co.uk; spf=softfail smtp.mailfrom=mail.tidewell-logistics.ie;
        dkim=fail (body hash did not verify) header.d=tidewell-logistics.ie; dmarc=fail (p=quarantine)
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=tidewell-logistics.ie; s=sel2026;
        h=from:to:subject:date:message-id; bh=@@b64:bh049:32@@;
        b=@@b64:b049:128@@
From: Aoife Ruanaidh <[[EMAIL|aoife.r@tidewell-logistics.ie]]>
To: Tobias Greenhalgh <[[EMAIL|tobias.greenhalgh@harbourline-freight.co.uk]]>
Subject: Re: Q1 carrier contract review
Date: Thu, 10 Dec 2026 10:40:58 +0000
Message-ID: <20261210104058.7c1e0a@tidewell-logistics.ie>
X-Mailer: Tidewell Outbound Relay 2.1

### h16-050
Why does this attachment show up as "noname" in Outlook? Raw MIME of the message body:

Content-Type: multipart/mixed; boundary="=_b4f2a9c81e0_7781"
MIME-Version: 1.0

--=_b4f2a9c81e0_7781
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Bitte die aktualisierte Preisliste im Anhang beachten. G=C3=BCltig ab 01.01=
.2027.

--=_b4f2a9c81e0_7781
Content-Type: text/csv
Content-Transfer-Encoding: base64
Content-ID: <part2.20261210.7c1e0a@mailer.local>

c2t1O3ByZWlzO2luIEVVUgpIWC00NDcxLUI7MCwxODtFVVIKV1MtMDg4MTszLDkwO0VVUgo=

--=_b4f2a9c81e0_7781--

The base64 part decodes to a three-line CSV (sku;preis;in EUR). Content-ID looks like an address but is just a MIME id.

### h16-051
Convert this .env into a Kubernetes Secret manifest (stringData), keep the keys as they are:

APP_ENV=production
APP_PORT=8080
DATABASE_URL=[[URL_CREDENTIALS|postgresql://edi_app:@@alnum:pw051:22@@@db-edi.internal.marrowfield-sb.com:5432/edi]]
SFTP_HOST=sftp.clearinghouse-one.com
SFTP_USER=mrfld_837
SFTP_PASSWORD=[[SECRET|@@pw:pw051b:18@@]]
AS2_PARTNER_ID=CLRHOUSE01
AS2_SIGNING_CERT_SHA1=@@hex:fp051:40@@
SENDGRID_API_KEY=[[SECRET|@@sg:sg051@@]]
REPORT_RECIPIENT=[[EMAIL|edi-ops@marrowfield-sb.com]]
LOG_LEVEL=info

### h16-052
Convert this .env.example into a Kubernetes Secret manifest template (stringData), keep the keys:

APP_ENV=development
APP_PORT=8080
DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/edi
SFTP_HOST=sftp.example.com
SFTP_USER=<sftp-user>
SFTP_PASSWORD=<sftp-password>
AS2_PARTNER_ID=PARTNER01
SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
REPORT_RECIPIENT=you@example.com
LOG_LEVEL=debug

The real values live in Vault under kv/edi/prod; this file is committed.

### h16-053
Our managed-file-transfer client ignores the retry settings in this INI. Can you spot why? Also convert it to YAML.

[general]
instance = mft-prod-02
log_dir = /var/log/mft
retry_count = 5
retry_delay_s = 30

[partner.clearinghouse]
protocol = sftp
host = sftp.clearinghouse-one.com
port = 22
username = mrfld_837
password = [[SECRET|@@pw:pw053:16@@]]
remote_dir = /inbound/837
host_key_sha256 = SHA256:@@b64:hk053:32@@

[partner.bank]
protocol = as2
url = https://as2.marrowfield-sb.com:4080/as2/receive
as2_from = GRANITEPALLET
as2_to = MARROWFIELDSB
mdn = sync
; retry settings below are per partner
retry count = 3

[notify]
smtp_host = [[IP_ADDRESS|@@ip:ip053@@]]
smtp_user = [[EMAIL|mft-alerts@granitestatepallet.com]]
smtp_password = [[SECRET|@@pw:pw053b:20@@]]

### h16-054
Why does tox ignore the [flake8] section here? Convert the file to pyproject.toml while you're at it.

[metadata]
name = edi-tools
version = 2.8.1
author = Data Platform Team
license = Apache-2.0

[options]
packages = find:
python_requires = >=3.10
install_requires =
    pyx12>=2.3.3
    lxml>=5.2

[tox:tox]
envlist = py310, py311, py312

[testenv]
deps = pytest>=8.0
commands = pytest -q --maxfail=1 tests/

[flake8]
max-line-length = 120
exclude = .git,__pycache__,build,dist
per-file-ignores =
    tests/fixtures/*.py: E501

Fixture files contain long X12 sample lines such as ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261201*1012*^*00501*000000001*0*T*:~ which is why E501 is ignored there.

### h16-055
Can you convert this TOML config to environment variables following the APP__SECTION__KEY convention?

[server]
host = "0.0.0.0"
port = 8443
workers = 4

[database]
url = "[[URL_CREDENTIALS|mysql://claims_rw:@@alnum:pw055:24@@@@@ip:ip055@@:3306/claims]]"
pool_size = 12

[payments]
provider = "stripe"
secret_key = "[[SECRET|@@sklive:sk055@@]]"
webhook_secret = "[[SECRET|@@whsec:wh055@@]]"
statement_descriptor = "ELMCREST MED"

[mail]
from = "[[EMAIL|billing@elmcrest-medical.com]]"
support_phone = "[[PHONE|@@phone:p055:US:f:nat@@]]"

The nested keys should become double underscores, e.g. APP__DATABASE__POOL_SIZE.

### h16-056
Convert this pyproject.toml to the older setup.cfg format.

[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "x12-lint"
version = "0.9.4"
description = "Lint X12 5010 files against implementation guides"
requires-python = ">=3.10"
authors = [{name = "Data Platform Team"}]
dependencies = ["pyx12>=2.3.3", "click>=8.1", "rich>=13.7"]

[project.scripts]
x12-lint = "x12_lint.cli:main"

[tool.pytest.ini_options]
addopts = "-q --strict-markers"
markers = ["slow: runs the full 834 corpus (4471 files)"]

[tool.ruff]
line-length = 120
target-version = "py310"

[tool.x12-lint]
default-guide = "005010X222A1"
max-segment-count = 200000
isa-control-start = 100000001

### h16-057
Why does terraform plan want to replace the SFTP server? Here's the module; also tell me what's dangerous in it.

provider "aws" {
  region     = "us-east-1"
  access_key = "[[SECRET|@@akia:ak057@@]]"
  secret_key = "[[SECRET|@@awssecret:as057@@]]"
}

resource "aws_transfer_server" "edi" {
  identity_provider_type = "SERVICE_MANAGED"
  endpoint_type          = "VPC"
  endpoint_details {
    vpc_id     = "vpc-0a7c1e0f452b44d8e"
    subnet_ids = ["subnet-09c1a0b6e2f4d7a93"]
  }
  host_key = <<EOT
[[SECRET|@@pem:pem057:ec@@]]
EOT
  tags = { Name = "edi-sftp", CostCenter = "CC4471" }
}

resource "aws_transfer_user" "clearinghouse" {
  server_id = aws_transfer_server.edi.id
  user_name = "clrhouse01"
  role      = "arn:aws:iam::318842091773:role/edi-transfer"
}

### h16-058
Why does terraform plan want to replace the SFTP server in this version of the module?

provider "aws" {
  region = var.region
}

data "aws_secretsmanager_secret_version" "host_key" {
  secret_id = "edi/sftp/host-key"
}

resource "aws_transfer_server" "edi" {
  identity_provider_type = "SERVICE_MANAGED"
  endpoint_type          = "VPC"
  endpoint_details {
    vpc_id     = var.vpc_id
    subnet_ids = var.private_subnet_ids
  }
  host_key = data.aws_secretsmanager_secret_version.host_key.secret_string
  tags     = merge(var.tags, { Name = "edi-sftp" })
}

resource "aws_transfer_ssh_key" "clearinghouse" {
  server_id = aws_transfer_server.edi.id
  user_name = "clrhouse01"
  body      = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@b64:pub058:33@@ clrhouse01@partner"
}

# plan output: ~ host_key (sensitive value) forces replacement

### h16-059
Turn this SQL dump into a CSV with headers. It's from the loyalty database of our pharmacy chain.

INSERT INTO customers (id, first_name, last_name, email, phone, dob, iban, created_at) VALUES
(40071, 'Leocadia', 'Pfeiffer-Olmos', '[[EMAIL|leocadia.po@hellmail.es]]', '[[PHONE|@@phone:p059a:ES:m:intl@@]]', '[[DATE_OF_BIRTH|1958-12-03]]', '[[IBAN|@@iban:i059a:ES@@]]', '2025-06-01 10:22:41'),
(40072, 'Ibai', 'Etxeberria', '[[EMAIL|ibai.etxe@correobask.eus]]', '[[PHONE|@@phone:p059b:ES:m:nat@@]]', '[[DATE_OF_BIRTH|1987-04-16]]', NULL, '2025-06-01 11:03:09'),
(40073, 'Mara', 'O\'Shaughnessy', '[[EMAIL|mara.osh@hellmail.es]]', NULL, '[[DATE_OF_BIRTH|2001-08-30]]', '[[IBAN|@@iban:i059c:ES:spaced@@]]', '2025-06-02 09:15:00');

The backslash-escaped quotes are MySQL style, we're moving to Postgres.

### h16-060
Turn this SQL dump into a CSV with headers.

INSERT INTO procedure_codes (code, system, short_desc, rvu_work, effective_from) VALUES
('99213', 'CPT', 'Office/outpatient visit est, low MDM', 1.30, '2026-01-01'),
('99214', 'CPT', 'Office/outpatient visit est, mod MDM', 1.92, '2026-01-01'),
('82947', 'CPT', 'Assay glucose blood quant', 0.00, '2026-01-01'),
('E11.9', 'ICD-10-CM', 'Type 2 diabetes mellitus without complications', NULL, '2025-10-01'),
('I10', 'ICD-10-CM', 'Essential (primary) hypertension', NULL, '2025-10-01'),
('Z79.4', 'ICD-10-CM', 'Long term (current) use of insulin', NULL, '2025-10-01'),
('2345-7', 'LOINC', 'Glucose [Mass/volume] in Serum or Plasma', NULL, '2025-08-15'),
('4548-4', 'LOINC', 'Hemoglobin A1c/Hemoglobin.total in Blood', NULL, '2025-08-15');

-- 8 rows, checksum md5 @@hex:md5060:32@@

### h16-061
This COPY block from pg_dump fails on restore with "extra data after last expected column". Which row is wrong?

COPY public.members (member_id, last_name, first_name, dob, ssn, phone, plan_code) FROM stdin;
MBR-448120	Whitlock-Amari	Hezekiah	[[DATE_OF_BIRTH|1963-08-08]]	[[US_SSN|@@ssn:s037@@]]	[[PHONE|@@phone:p061a:US:m:nat@@]]	HMO041
MBR-448121	Whitlock-Amari	June	[[DATE_OF_BIRTH|1965-04-12]]	\N	[[PHONE|@@phone:p061b:US:m:nat@@]]	HMO041
MBR-448122	Abernathy	Colm	[[DATE_OF_BIRTH|1990-11-19]]	[[US_SSN|@@ssn:s061@@]]	\N	PPO150	extra
\.

Tabs are real tabs in the file. \N is NULL.

### h16-062
This COPY block fails on restore with "invalid input syntax for type date". Which row is wrong?

COPY public.icd10_codes (code, description, billable, valid_from, valid_to) FROM stdin;
E11.9	Type 2 diabetes mellitus without complications	t	2025-10-01	\N
E11.65	Type 2 diabetes mellitus with hyperglycemia	t	2025-10-01	\N
I10	Essential (primary) hypertension	t	2025-10-01	\N
Z79.4	Long term (current) use of insulin	t	20251001	\N
R73.03	Prediabetes	t	2025-10-01	\N
\.

SELECT count(*) FROM icd10_codes; -- 74044 before the failed load

### h16-063
I pasted this from Excel. Can you turn it into a markdown table and sort by start date? Please drop the birthday column in the output.

Name	Department	Start date	Birthday	Mobile	E-mail	Desk
Ottoline Fairweather	Finance	02/01/2024	[[DATE_OF_BIRTH|17/05/1986]]	[[PHONE|@@phone:p063a:GB:m:nat@@]]	[[EMAIL|o.fairweather@calderbrook.co.uk]]	3.14
Rhys ap Gwilym	Operations	15/09/2021	[[DATE_OF_BIRTH|02/11/1979]]	[[PHONE|@@phone:p063b:GB:m:nat@@]]	[[EMAIL|r.apgwilym@calderbrook.co.uk]]	2.07
Nkechi Adebayo-Lowe	IT	01/03/2025	[[DATE_OF_BIRTH|28/02/1994]]	[[PHONE|@@phone:p063c:GB:m:intl@@]]	[[EMAIL|n.adebayo-lowe@calderbrook.co.uk]]	4.22
Fergus McIlwraith	Finance	10/10/2019	[[DATE_OF_BIRTH|09/06/1971]]		[[EMAIL|f.mcilwraith@calderbrook.co.uk]]	3.09

(UK date format, day first.)

### h16-064
I pasted this from Excel. Can you turn it into a markdown table and add a variance column?

Cost centre	GL account	Description	Budget FY27	Forecast	Actual YTD	Owner
CC4471	611000	Freight inbound	184,200.00	191,050.00	97,512.44	Logistics
CC4471	611050	Fuel surcharge	22,000.00	26,400.00	14,880.10	Logistics
CC0881	712000	Software licences	48,000.00	48,000.00	47,995.00	IT
CC0881	712010	Cloud hosting	120,000.00	133,500.00	71,204.87	IT
CC9000	999000	Rounding	0.00	0.00	-0.03	Finance

Period 202611, extracted 2026-12-04 06:00:12, report id FIN-BUD-27-0042.

### h16-065
Why does the NHS trust's engine reject this ADT^A08? They say PID-13 repetition is malformed.

MSH|^~\&|PAS|RXH|TIE|RXH|20261211093012||ADT^A08^ADT_A01|PAS0098812041|P|2.4|||AL|NE|GBR
EVN|A08|20261211093000
PID|1||4857773457^^^NHS^NH~RXH0447120^^^RXH^MR||PENHALIGON^MORWENNA^E^^MRS||[[DATE_OF_BIRTH|19480302]]|F|||Flat 2, 9 Trelawney Road^^Truro^^TR1 3AB^GBR||[[PHONE|@@phone:p065a:GB:f:nat@@]]^PRN^PH~[[PHONE|@@phone:p065b:GB:m:nat@@]]^ORN^CP~~^NET^Internet^[[EMAIL|morwenna.penhaligon@kernowmail.co.uk]]
PD1|||TRURO HEALTH CENTRE^^A81044|G8812045^TREVITHICK^ALAN
NK1|1|PENHALIGON^JAGO|SON|^^St Austell^^PL25 4DP|[[PHONE|@@phone:p065c:GB:m:intl@@]]
PV1|1|I|WARD7^BED12^^RXH||||C4471201^MOYLE^KERENZA|||GER

The 4857773457 in PID-3 is an NHS number (mod 11 check), 'A81044' is a practice code and G8812045 a GP code.

### h16-066
Explain this MFN^M02 staff master message field by field. Why does the receiving system ignore the second record?

MSH|^~\&|HRSYS|RXH|TIE|RXH|20261211101500||MFN^M02^MFN_M02|HR0000044712|P|2.5
MFI|STF^Staff Master File^HL70175||UPD|||AL
MFE|MAD|HR-88120|20261211101500|C4471201^MOYLE^KERENZA|CWE
STF|C4471201^^^RXH|C4471201|MOYLE^KERENZA^^^DR|D^Doctor^HL70182||||A|GER^Geriatrics||||||||||||20190801
PRA|C4471201^^^RXH|GER|CON^Consultant||||GMC^7710428^GBR
MFE|MUP|HR-88121|20261211101500|C4471202^TRELOAR^NICK|CWE
STF|C4471202^^^RXH|C4471202|TRELOAR^NICK|N^Nurse^HL70182||||I|WARD7
PRA|C4471202^^^RXH|WARD7|RN^Registered Nurse||||NMC^19K0447A^GBR

MFE-1 is MAD on the first record and MUP on the second; the receiver's docs say MUP needs an existing key.

### h16-067
Summarise this 271 eligibility response for the front desk: is the member active, what's the copay, and does the DOB match what we sent (we sent [[DATE_OF_BIRTH|1990-11-19]])?

ST*271*0001*005010X279A1~
BHT*0022*11*ELIG-20261211-0042*20261211*1104~
HL*1**20*1~
NM1*PR*2*BLUEHAVEN HEALTH*****PI*41093~
PER*IC*PROVIDER SERVICES*TE*[[PHONE|@@phone:p067:US:f:digits@@]]*UR*www.bluehaven-health.example/providers~
HL*2*1*21*1~
NM1*1P*2*ELMCREST MEDICAL GROUP*****XX*@@npi:n011@@~
HL*3*2*22*0~
TRN*2*ELIG-20261211-0042*9877281234~
NM1*IL*1*ABERNATHY*COLM****MI*XEJ771204483~
N3*12 FERRY ST~
N4*HOBOKEN*NJ*07030~
DMG*D8*[[DATE_OF_BIRTH|19901109]]*M~
EB*1*IND*30**GOLD PPO 1500~
EB*B*IND*98***27*40~
EB*C*IND*30****23*1500*****Y~
SE*15*0001~

### h16-068
Explain this 277CA claim acknowledgement: which claims were accepted and what do the status codes mean?

ST*277*0001*005010X214~
BHT*0085*08*ACK-91237*20261204*0602*TH~
HL*1**20*1~
NM1*PR*2*CLRHOUSE ONE*****46*CLRHOUSE01~
TRN*1*91237~
DTP*050*D8*20261203~
HL*2*1*21*1~
NM1*41*2*ELMCREST MEDICAL GROUP*****46*ETIN44120~
HL*3*2*19*1~
NM1*85*2*ELMCREST MEDICAL GROUP*****XX*@@npi:n011@@~
HL*4*3*PT~
NM1*QC*1*VANTERPOOL*ISIDORE~
TRN*2*PCN-7781~
STC*A1:20:PR*20261204*WQ*245.00~
REF*1K*2026338000441~
HL*5*3*PT~
NM1*QC*1*ABERNATHY*COLM~
TRN*2*PCN-7790~
STC*A7:562:85*20261204*U*610.00~
SE*20*0001~

### h16-069
Summarise these two search results for the nurse: name, age, phone. FHIR searchset from our partner's API:

{"resourceType":"Bundle","type":"searchset","total":2,
 "link":[{"relation":"self","url":"https://fhir.quillon-health.com/r4/Patient?family=Ferreira&_count=20"}],
 "entry":[
  {"fullUrl":"https://fhir.quillon-health.com/r4/Patient/88120","search":{"mode":"match","score":1},
   "resource":{"resourceType":"Patient","id":"88120","name":[{"family":"Ferreira","given":["Joao","Miguel"]}],
    "birthDate":"[[DATE_OF_BIRTH|1966-05-09]]","gender":"male",
    "telecom":[{"system":"phone","value":"[[PHONE|@@phone:p069a:US:m:nat@@]]","use":"home"}],
    "extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex","valueCode":"M"}]}},
  {"fullUrl":"https://fhir.quillon-health.com/r4/Patient/88121","search":{"mode":"match","score":0.8},
   "resource":{"resourceType":"Patient","id":"88121","name":[{"family":"Ferreira-Lowe","given":["Beatriz"]}],
    "birthDate":"[[DATE_OF_BIRTH|1999-12]]","gender":"female",
    "telecom":[{"system":"phone","value":"[[PHONE|@@phone:p069b:US:m:intl@@]]","use":"mobile"},
               {"system":"email","value":"[[EMAIL|bia.ferreiralowe@corvidmail.com]]"}]}}]}

### h16-070
Why does our terminology server reject this ValueSet? It says "include has both valueSet and filter".

{
  "resourceType": "ValueSet",
  "id": "diabetes-labs",
  "url": "https://terminology.quillon-health.com/fhir/ValueSet/diabetes-labs",
  "identifier": [{"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.840.1.113883.3.7715.11.204"}],
  "version": "2026.12.1",
  "status": "draft",
  "compose": {
    "include": [
      {"system": "http://loinc.org",
       "concept": [{"code": "4548-4", "display": "Hemoglobin A1c/Hemoglobin.total in Blood"},
                   {"code": "2345-7", "display": "Glucose [Mass/volume] in Serum or Plasma"},
                   {"code": "14749-6", "display": "Glucose [Moles/volume] in Serum or Plasma"}]},
      {"system": "http://snomed.info/sct", "valueSet": ["http://hl7.org/fhir/ValueSet/clinical-findings"],
       "filter": [{"property": "concept", "op": "is-a", "value": "73211009"}]}
    ]
  }
}

### h16-071
Our pacs.008 is rejected by the CSM with "FF01 invalid file format". Can you find what's wrong?

<FIToFICstmrCdtTrf>
 <GrpHdr><MsgId>NRVB20261211-000447</MsgId><CreDtTm>2026-12-11T14:22:05.118Z</CreDtTm><NbOfTxs>1</NbOfTxs>
  <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>
 <CdtTrfTxInf>
  <PmtId><InstrId>INSTR-447-1</InstrId><EndToEndId>KF-2026-3311</EndToEndId><UETR>@@uuid:u071@@</UETR></PmtId>
  <IntrBkSttlmAmt Ccy="EUR">950.00</IntrBkSttlmAmt><IntrBkSttlmDt>2026-12-11</IntrBkSttlmDt>
  <ChrgBr>SLEV</ChrgBr>
  <Dbtr><Nm>Thaddeus Okonjo-Reiss</Nm><CtctDtls><EmailAdr>[[EMAIL|thaddeus.or@werftpost.de]]</EmailAdr></CtctDtls></Dbtr>
  <DbtrAcct><Id><IBAN>[[IBAN|@@iban:i071a:DE@@]]</IBAN></Id></DbtrAcct>
  <DbtrAgt><FinInstnId><BICFI>NRVBDEFFXXX</BICFI></FinInstnId></DbtrAgt>
  <CdtrAgt><FinInstnId><BICFI>ZNDRNL2AXXX</BICFI></FinInstnId></CdtrAgt>
  <Cdtr><Nm>Maartje van Ommeren</Nm><CtctDtls><PhneNb>[[PHONE|@@phone:p071:NL:m:e164@@]]</PhneNb></CtctDtls></Cdtr>
  <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i071b:NL@@]]</IBAN></Id></CdtrAcct>
  <RmtInf><Ustrd>Kaution Wohnung Zeeburgerdijk</Ustrd></RmtInf>
 </CdtTrfTxInf>
</FIToFICstmrCdtTrf>

The PhneNb format in ISO 20022 is +CC-NNNN, maybe that's it?

### h16-072
What does this gpi tracker response tell me about where the payment is stuck?

{
  "uetr": "@@uuid:u072@@",
  "transaction_status": "ACSP",
  "transaction_status_reason": "G002",
  "initiation_time": "2026-12-11T09:02:14.000Z",
  "completion_time": null,
  "instructed_amount": {"currency": "USD", "amount": "7210.50"},
  "payment_event": [
    {"tracker_event_type": "CTSU", "valid": true, "instruction_identification": "INTL-REM-88120",
     "from": "CLYDGB2LXXX", "to": "HARTUS33XXX", "originator": "CLYDGB2LXXX",
     "sender_acknowledgement_receipt": "2026-12-11T09:02:31.442Z", "serial_parties": {"debtor_agent": "CLYDGB2LXXX"}},
    {"tracker_event_type": "CTSU", "valid": true, "from": "HARTUS33XXX", "to": "MRWFUS44XXX",
     "transaction_status": "ACSP", "transaction_status_reason": "G002",
     "sender_acknowledgement_receipt": "2026-12-11T14:10:05.118Z", "charge_bearer": "DEBT",
     "interbank_settlement_amount": {"currency": "USD", "amount": "7190.50"}}
  ]
}

G002 is "credit debit status pending", I think, and 20 USD was deducted by the intermediary.

### h16-073
Why does our bank reject this direct-debit batch? Reason code in the status report was MD02.

<PmtInf><PmtInfId>SWL-DD-2027-01</PmtInfId><PmtMtd>DD</PmtMtd><NbOfTxs>2</NbOfTxs><CtrlSum>131.40</CtrlSum>
 <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>CORE</Cd></LclInstrm><SeqTp>RCUR</SeqTp></PmtTpInf>
 <ReqdColltnDt>2027-01-15</ReqdColltnDt>
 <Cdtr><Nm>Stadtwerke Lindenau GmbH</Nm></Cdtr>
 <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i073c:DE@@]]</IBAN></Id></CdtrAcct>
 <CdtrSchmeId><Id><PrvtId><Othr><Id>DE71ZZZ00001844120</Id></Othr></PrvtId></Id></CdtrSchmeId>
 <DrctDbtTxInf><PmtId><EndToEndId>SWL-0044719-2701</EndToEndId></PmtId><InstdAmt Ccy="EUR">64.20</InstdAmt>
  <DrctDbtTx><MndtRltdInf><MndtId>SWL-STROM-0044719-2026</MndtId><DtOfSgntr>2026-12-02</DtOfSgntr></MndtRltdInf></DrctDbtTx>
  <Dbtr><Nm>Rosalind Achterberg</Nm></Dbtr><DbtrAcct><Id><IBAN>[[IBAN|@@iban:i021:DE@@]]</IBAN></Id></DbtrAcct></DrctDbtTxInf>
 <DrctDbtTxInf><PmtId><EndToEndId>SWL-0051230-2701</EndToEndId></PmtId><InstdAmt Ccy="EUR">67.20</InstdAmt>
  <DrctDbtTx><MndtRltdInf><MndtId>SWL-GAS-0051230-2025</MndtId></MndtRltdInf></DrctDbtTx>
  <Dbtr><Nm>Emil Sauerbrey</Nm></Dbtr><DbtrAcct><Id><IBAN>[[IBAN|@@iban:i073b:DE@@]]</IBAN></Id></DbtrAcct></DrctDbtTxInf>
</PmtInf>

### h16-074
Explain this BAI2 file: opening ledger, total credits and debits, and what the type codes mean.

01,MRWFUS44,GRANITEPLT,261211,0600,1,80,,2/
02,GRANITEPLT,MRWFUS44,1,261210,2400,USD,2/
03,000442198730,USD,010,4817720,,,015,5210344,,,100,1209512,3,,400,816888,4,/
16,165,720000,,CB4471200001,,ACH CREDIT CUSTOMER PAYMENT/
16,195,489512,Z,FW2026121000881,,INCOMING WIRE KITTIWAKE FREIGHT/
16,475,184200,,0000004472,,CHECK PAID/
16,451,632688,,PPD2026121001,,ACH DEBIT PAYROLL/
49,12040632,6/
98,12040632,1,8/
99,12040632,1,10/

Amounts are in cents, no decimal point. Account 000442198730 is a domestic account number.

### h16-075
Reconcile this settlement file against our orders table. Why is row 3 flagged by the PCI scanner?

settlement_date,merchant_id,terminal,card,auth_code,amount,currency,order_ref
2026-12-11,000104418820017,NFK00412,476173******0119,A4471B,120.50,USD,ORD-99120
2026-12-11,000104418820017,NFK00412,541333******4421,0881CC,48.99,USD,ORD-99121
2026-12-11,000104418820017,NFK00413,[[CREDIT_CARD|@@card:c075:amex:spaced@@]],77120X,310.00,USD,ORD-99122
2026-12-11,000104418820017,NFK00413,601100******0004,D9120A,15.75,USD,ORD-99123
2026-12-11,000104418820017,NFK00412,XXXXXXXXXXXX5512,A881C2,64.00,USD,ORD-99124
count=5,total=559.24,hash=@@hex:h075:64@@

Row 3 came from the old terminal firmware that doesn't mask Amex.

### h16-076
Reconcile this settlement file against our orders table. Which rows don't match and why?

settlement_date,merchant_id,terminal,card_bin,card_last4,auth_code,amount,currency,order_ref
2026-12-11,000104418820017,NFK00412,476173,0119,A4471B,120.50,USD,ORD-99120
2026-12-11,000104418820017,NFK00412,541333,4421,0881CC,48.99,USD,ORD-99121
2026-12-11,000104418820017,NFK00413,371449,1005,77120X,310.00,USD,ORD-99122
2026-12-11,000104418820017,NFK00413,601100,0004,D9120A,15.75,USD,ORD-99123
2026-12-11,000104418820017,NFK00412,555555,4444,A881C2,64.00,USD,ORD-99124
count=5,total=559.24,batch=634209,file_seq=000447

Orders table: ORD-99120 120.50, ORD-99121 48.99, ORD-99122 301.00, ORD-99123 15.75, ORD-99125 64.00.

### h16-077
Our phone's contact import stops after the first card of this vCard 3.0 export. Why? Also list the contacts.

BEGIN:VCARD
VERSION:3.0
N:Castellanos Rüegg;Itziar;;;
FN:Itziar Castellanos Rüegg
TEL;TYPE=CELL:[[PHONE|@@phone:p077a:CH:m:intl@@]]
EMAIL;TYPE=INTERNET:[[EMAIL|itziar.cr@bluewin-post.ch]]
BDAY:[[DATE_OF_BIRTH|1982-07-14]]
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Wüthrich;Beat;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Beat W=C3=BCthrich
TEL;TYPE=WORK,VOICE:[[PHONE|@@phone:p077b:CH:f:nat@@]]
ORG:Alpbau Wüthrich AG
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Gisler;Noémie;;;
FN:Noémie Gisler
TEL;TYPE=HOME:[[PHONE|@@phone:p077c:CH:f:intl@@]]
NOTE:Schlüssel für Wohnung 4B hat sie seit 2026
END:VCARD

### h16-078
Why does Thunderbird show these tasks without due dates?

BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Nextcloud Tasks v0.16.1
BEGIN:VTODO
UID:@@uuid:u078a@@
CREATED:20261201T081500Z
DTSTAMP:20261201T081500Z
SUMMARY:Renew AS2 certificate for clearinghouse
DUE;VALUE=DATE:2027-01-31
PRIORITY:1
STATUS:NEEDS-ACTION
END:VTODO
BEGIN:VTODO
UID:@@uuid:u078b@@
CREATED:20261202T090000Z
DTSTAMP:20261202T090000Z
SUMMARY:Rotate SFTP host key (ticket EDI-4471)
DUE:20270115T170000
PERCENT-COMPLETE:40
STATUS:IN-PROCESS
END:VTODO
END:VCALENDAR

### h16-079
Summarise this e-mail thread for me in three bullet points. Raw MIME because our archive only exports .eml:

Content-Type: multipart/alternative; boundary="b1_7c1e0a52b44d8e"
MIME-Version: 1.0

--b1_7c1e0a52b44d8e
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

Hi Piet,

Confirming the Rotterdam pickup for PO 4471-B on 14 January, dock 7, window 06:00-08:00. If the driver is late
please call our yard supervisor Hendrik Stoelinga directly on [[PHONE|@@phone:p079a:NL:m:intl@@]], not the main
office.

Kind regards,
Aoife Ruanaidh
Carrier Relations | Tidewell Logistics
M [[PHONE|@@phone:p079b:IE:m:intl@@]] | [[EMAIL|aoife.r@tidewell-logistics.ie]]

> On 10 Dec 2026, at 16:02, Piet Jongbloed <[[EMAIL|p.jongbloed@zeestroom.nl]]> wrote:
> Can you confirm the slot? Our planner needs it before Friday.

--b1_7c1e0a52b44d8e
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<p>Hi Piet,</p><p>Confirming the Rotterdam pickup for PO 4471-B on 14 January=
, dock 7 ...</p>

--b1_7c1e0a52b44d8e--

### h16-080
Thunderbird says "the signature does not match the message content". What part of this S/MIME structure could cause that?

Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;
 boundary="----=_Part_4471_1209512.1765380061"

------=_Part_4471_1209512.1765380061
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Updated rate card attached in the portal, effective 2027-01-01. Reference RC-2027-0042.

------=_Part_4471_1209512.1765380061
Content-Type: application/pkcs7-signature; name=smime.p7s
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename=smime.p7s

MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIF
@@b64:sig080:300@@

------=_Part_4471_1209512.1765380061--

A relay in between rewrote "7bit" line endings, I suspect. The signature value is just a signature, nothing secret.

### h16-081
Our nightly EDI pull stopped on 2026-12-09. What do these scheduler logs (JSON Lines) say went wrong?

{"ts":"2026-12-09T02:00:00.004Z","job":"edi-pull-837","run":"@@uuid:u081@@","event":"start","source":"[[URL_CREDENTIALS|sftp://mrfld_837:@@alnum:pw081:18@@@sftp.clearinghouse-one.com:22/outbound/835]]"}
{"ts":"2026-12-09T02:00:01.318Z","job":"edi-pull-837","event":"connect","peer":"[[IP_ADDRESS|@@ip:ip081@@]]","kex":"curve25519-sha256","hostkey":"SHA256:@@b64:hk081:32@@"}
{"ts":"2026-12-09T02:00:01.402Z","job":"edi-pull-837","event":"error","code":"HOSTKEY_MISMATCH","expected":"SHA256:@@b64:hk081old:32@@"}
{"ts":"2026-12-09T02:00:01.403Z","job":"edi-pull-837","event":"end","status":"failed","files":0,"bytes":0,"retry_in_s":86400}

The clearinghouse announced a key rotation for "early December", ticket CH-88120.

### h16-082
What does this AS2 MDN say, was our file accepted?

Content-Type: multipart/report; report-type=disposition-notification; boundary="----=_MDN_88120"

------=_MDN_88120
Content-Type: text/plain

The AS2 message has been received and processed. Thank you.

------=_MDN_88120
Content-Type: message/disposition-notification

Reporting-UA: CLRHOUSE01 AS2 Gateway 7.4
Original-Recipient: rfc822; CLRHOUSE01
Final-Recipient: rfc822; CLRHOUSE01
Original-Message-ID: <AS2-1765339201442-4471@GRANITEPALLET_CLRHOUSE01>
Disposition: automatic-action/MDN-sent-automatically; processed
Received-Content-MIC: @@b64:mic082:32@@, sha-256

------=_MDN_88120--

The Original-Message-ID format is set by our AS2 software and includes the AS2 ids, not an e-mail address.

### h16-083
Our audit log pipeline should have redacted payloads. Which fields leaked here? (JSON Lines from the HR service.)

{"at":"2026-12-11T15:40:12.004Z","actor":"svc-hr-sync","action":"employee.update","target":"emp_04471","changes":{"address.city":["Newark","Jersey City"]},"ip":"[[IP_ADDRESS|@@ip:ip083@@]]"}
{"at":"2026-12-11T15:40:12.118Z","actor":"svc-hr-sync","action":"employee.update","target":"emp_04472","changes":{"tax.ssn":["***-**-****","[[US_SSN|@@ssn:s083@@]]"],"birth_date":[null,"[[DATE_OF_BIRTH|1991-03-05]]"]},"ip":"[[IP_ADDRESS|@@ip:ip083@@]]"}
{"at":"2026-12-11T15:40:12.230Z","actor":"svc-hr-sync","action":"employee.update","target":"emp_04473","changes":{"contact.personal_email":["[redacted]","[[EMAIL|delphine.okoro88@lanternmail.net]]"]},"ip":"[[IP_ADDRESS|@@ip:ip083@@]]"}
{"at":"2026-12-11T15:40:13.001Z","actor":"svc-hr-sync","action":"sync.complete","records":3,"duration_ms":997,"redactor":"v1.4.2"}

### h16-084
Why is the error rate in these metrics lines computed wrong by our dashboard?

{"ts":1765468800,"metric":"http_requests_total","labels":{"svc":"orders","code":"200"},"value":4471203}
{"ts":1765468800,"metric":"http_requests_total","labels":{"svc":"orders","code":"500"},"value":8812}
{"ts":1765468860,"metric":"http_requests_total","labels":{"svc":"orders","code":"200"},"value":4473380}
{"ts":1765468860,"metric":"http_requests_total","labels":{"svc":"orders","code":"500"},"value":8815}
{"ts":1765468860,"metric":"process_start_time_seconds","labels":{"svc":"orders","pod":"orders-7c9f6d8b4-x2k9q"},"value":1765382400}
{"ts":1765468860,"metric":"build_info","labels":{"svc":"orders","version":"3.14.1","commit":"9e1c4b7a","go":"go1.23.4"},"value":1}

The dashboard divides the raw counters instead of rate() over the window.

### h16-085
Clean up this TSV export from our CRM so it can be imported into the new one (columns: first, last, company, email, phone). Some rows have the phone in the email column.

contact_id	first	last	company	email	phone	owner
C-0088120	Yusuf	Demirbaş	Anatolia Cold Chain	[[EMAIL|y.demirbas@anatoliacold.com.tr]]	[[PHONE|@@phone:p085a:TR:m:intl@@]]	mkaya
C-0088121	Henrietta	Vaszary	Danubia Pack Kft.	[[PHONE|@@phone:p085b:HU:m:intl@@]]		mkaya
C-0088122	Lorcan	Mac Giolla	Sligo Bay Seafoods	[[EMAIL|lorcan@sligobayseafoods.ie]]	[[PHONE|@@phone:p085c:IE:f:intl@@]]	tbrandt
C-0088123	Priyanka	Subramaniam	Coromandel Textiles	"[[EMAIL|priyanka.s@coromandeltex.in]]"	"[[PHONE|@@phone:p085d:IN:m:intl@@]]"	tbrandt

Owner is the sales rep's login. contact_id is our old CRM's key.

### h16-086
Can you compute conversion rate per channel from this TSV export?

date	channel	sessions	signups	orders	revenue_eur	campaign_id
2026-12-01	organic	18420	412	96	8840.12	-
2026-12-01	paid_search	7711	288	71	6120.50	cmp_4471_brand
2026-12-01	email	3098	120	55	4901.00	nl_2026_12_01
2026-12-02	organic	17955	398	90	8212.77	-
2026-12-02	paid_search	8102	301	77	6688.40	cmp_4471_brand
2026-12-02	email	1204	35	12	1055.00	nl_2026_12_01

Export id EXP-20261203-0600, GA property 448120931, timezone Europe/Amsterdam.

### h16-087
Why does this GraphQL mutation return "Variable $input got invalid value"? Request body from the browser's network tab:

{
  "operationName": "AddPaymentMethod",
  "query": "mutation AddPaymentMethod($input: CardInput!) { addPaymentMethod(input: $input) { id last4 brand } }",
  "variables": {
    "input": {
      "cardholder": "Ksenia Dobrowolska",
      "number": "[[CREDIT_CARD|@@card:c087:visa:spaced@@]]",
      "expMonth": "07",
      "expYear": 2028,
      "cvc": "***",
      "billingEmail": "[[EMAIL|ksenia.dobro@wiatrpost.pl]]",
      "billingPhone": "[[PHONE|@@phone:p087:PL:m:nat@@]]"
    }
  },
  "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "@@hex:pq087:64@@"}}
}

The schema says expMonth: Int!, and number must be digits only.

### h16-088
Explain this GraphQL SDL: what does a client need to send to add a payment method, and what comes back?

scalar DateTime
scalar EmailAddress @specifiedBy(url: "https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address")

input CardInput {
  cardholder: String!
  "Digits only, 12-19 characters, e.g. 4242424242424242 in test mode"
  number: String!
  expMonth: Int!
  expYear: Int!
  cvc: String!
  billingEmail: EmailAddress
  billingPhone: String @deprecated(reason: "collected by the PSP since 2026-06")
}

type PaymentMethod {
  id: ID!
  brand: CardBrand!
  last4: String!
  createdAt: DateTime!
}

enum CardBrand { VISA MASTERCARD AMEX DISCOVER }

type Mutation {
  addPaymentMethod(input: CardInput!): PaymentMethod!
}

### h16-089
Our viewer can't open the PDF in this ORU^R01. Why does the OBX-5 fail validation? Also summarise the report metadata.

MSH|^~\&|RADSYS|ELMCREST|EHR|ELMCREST|20261211161022||ORU^R01^ORU_R01|RAD2026121116102201|P|2.5.1
PID|1||MR55810273^^^ELMCREST^MR||VANTERPOOL^ISIDORE^J||[[DATE_OF_BIRTH|19560117]]|M|||88 QUINCE ST^^HACKENSACK^NJ^07601
OBR|1|ORD448777|RAD0044712|71046^XR CHEST 2 VIEWS^CPT|||20261211143000|||||||||1902837465^RAMASWAMY^DEV^^^^MD||||||20261211160500||RAD|F
OBX|1|ED|18748-4^Diagnostic imaging study^LN||^application^pdf^Base64^JVBERi0xLjcKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+CnN0cmVhbQp4nK1W
OBX|2|TX|18782-3^Radiology Study observation^LN||No acute cardiopulmonary process.||||||F
ZDS|1.2.840.113619.2.55.3.604688119.971.1765462200.447^RADSYS^Application^DICOM

The base64 in OBX-5.5 is cut off after 120 characters and has no padding, I suspect the sender truncates at 128.

### h16-090
Explain this QBP^Q11 query and its RSP: did the MPI find the patient?

MSH|^~\&|EHR|ELMCREST|MPI|STATEHIE|20261211163000||QBP^Q22^QBP_Q21|Q0000448120|P|2.5.1
QPD|IHE PDQ Query^IHE PDQ Query^IHEDEMO|QRY-7c1e0a52|@PID.3.1^MR55810273~@PID.3.4.1^ELMCREST
RCP|I|10^RD

MSH|^~\&|MPI|STATEHIE|EHR|ELMCREST|20261211163001||RSP^K22^RSP_K21|R0000991204|P|2.5.1
MSA|AA|Q0000448120
QAK|QRY-7c1e0a52|NF|IHE PDQ Query^IHE PDQ Query^IHEDEMO|0|0|0
QPD|IHE PDQ Query^IHE PDQ Query^IHEDEMO|QRY-7c1e0a52|@PID.3.1^MR55810273~@PID.3.4.1^ELMCREST

The MSH-9 says Q22 but the title of our spec says Q11, and QAK-2 is NF. The assigning authority OID 2.16.840.1.113883.3.7715 is ours.

### h16-091
Summarise this 837I claim for the coding team: facility, the two patients' admission details and the diagnosis codes.

ST*837*0002*005010X223A3~
BHT*0019*00*CLMI20261211-07*20261211*1735*CH~
NM1*41*2*SAINT ODILE REGIONAL HOSPITAL*****46*ETIN88120~
PER*IC*PATIENT ACCOUNTS*TE*[[PHONE|@@phone:p091:US:f:digits@@]]*EM*[[EMAIL|patientaccounts@saintodile-regional.org]]~
NM1*85*2*SAINT ODILE REGIONAL HOSPITAL*****XX*@@npi:n091@@~
HL*2*1*22*0~
NM1*IL*1*BRZOSKA*HALINA****MI*XEJ990412077~
DMG*D8*[[DATE_OF_BIRTH|19440611]]*F~
CLM*PCN-I-4471*18420.00***11:A:1**A*Y*Y~
DTP*434*RD8*20261201-20261205~
CL1*1*7*01~
HI*ABK:J189*ABF:I509*ABF:N179~
HL*3*1*22*0~
NM1*IL*1*OYELARAN*TUNDE****MI*XEJ990418812~
DMG*D8*[[DATE_OF_BIRTH|19380929]]*M~
CLM*PCN-I-4472*9310.50***11:A:1**A*Y*Y~
DTP*434*RD8*20261203-20261206~
HI*ABK:I214*ABF:E119~
SE*19*0002~

### h16-092
Explain this TA1 and 997 pair. Did the interchange get through?

ISA*00*          *00*          *ZZ*CLRHOUSE01     *ZZ*SAINTODILE     *261211*1801*^*00501*000000447*0*P*:~
TA1*000088120*261211*1735*A*000~
GS*FA*CLRHOUSE01*SAINTODILE*20261211*1801*447*X*004010~
ST*997*0001~
AK1*HC*7~
AK2*837*0002~
AK3*CLM*9**8~
AK4*5**7*11:A:1~
AK5*R*5~
AK9*R*1*1*0~
SE*8*0001~
GE*1*447~
IEA*1*000000447~

Our ISA13 was 000088120 and GS06 was 7. CLM05 "11:A:1" is facility code 11, qualifier A, frequency 1.

### h16-093
Can you rewrite this MT199 to the beneficiary's bank in clearer English? Keep the format.

{1:F01NRVBDEFFAXXX0447009912}{2:I199ZNDRNL2AXXXXN}{4:
:20:INQ-20261211-07
:21:NRVB20261211-000447
:79:RE YOUR MT103 DD 11.12.2026 UETR @@uuid:u071@@
EUR 950,00 TO BENEFICIARY ACCOUNT
[[IBAN|@@iban:i071b:NL@@]] (MAARTJE VAN OMMEREN)
BENEFICIARY STATES NON RECEIPT. PLS CONFIRM
CREDIT OR ADVISE REASON. ORDERING CUSTOMER
CAN BE REACHED ON [[PHONE|@@phone:p093:DE:m:intl@@]]
REGARDS PAYMENTS INVESTIGATIONS
-}

### h16-094
Can you rewrite this MT199 in clearer English? Keep the format.

{1:F01CLYDGB2LAXXX5521669031}{2:I199HARTUS33XXXXN}{4:
:20:CLY-INV-88120
:21:INTL-REM-88120
:79:RE OUR MT103 DD 04.12.2026 UETR @@uuid:u014@@
USD 7210,50. WE RECEIVED YR GPI TRACKER STATUS
ACSP/G002 SINCE 11.12.2026. PLS ADVISE WHEN
FUNDS WILL BE CREDITED TO FINAL BENEFICIARY
AT MRWFUS44. YR CHARGES USD 20,00 DEDUCTED
DESPITE 71A OUR - PLS REFUND UNDER OUR REF.
REGARDS
-}

### h16-095
Our tokenization call fails with 401 since this morning. Here's the request/response from the processor's debug log; what's wrong?

> POST /v3/tokens HTTP/1.1
> Host: vault.cardpath-pay.com
> Authorization: Basic [[SECRET|@@basic:b095:tokenizer_svc@@]]
> Content-Type: application/json
> X-Request-Id: @@uuid:u095@@
> X-Forwarded-For: [[IP_ADDRESS|@@ip:ip095@@]]
>
> {"pan":"[[CREDIT_CARD|@@card:c095:disc@@]]","exp":"1129","holder":"Osvaldo Quintanilha","merchant_ref":"ORD-99187"}
< HTTP/1.1 401 Unauthorized
< WWW-Authenticate: Basic realm="cardpath-vault"
< X-Trace: cp-7781-0447-a9c2
< {"error":"invalid_credentials","hint":"key rotated 2026-12-11T06:00Z, see notice CP-2026-118"}

### h16-096
Explain this BIN table extract our processor sent: which ranges are prepaid, and what does "regulated" mean here?

bin_low     bin_high    brand       type     prepaid  country  regulated  issuer_id
41111100    41111199    VISA        CREDIT   N        US       N          ISS-00412
47617300    47617399    VISA        DEBIT    N        US       Y          ISS-00881
54133300    54133399    MASTERCARD  DEBIT    Y        US       N          ISS-01204
60110000    60110999    DISCOVER    CREDIT   N        US       N          ISS-04471
37144900    37144999    AMEX        CREDIT   N        US       N          ISS-07720
# generated 2026-12-11T05:00:00Z, rows=5, sha256=@@hex:sha096:64@@

8-digit BINs, the low/high pairs are inclusive.

### h16-097
Why does this LDIF fail to import into Active Directory with "unwilling to perform"? It's for the new service account.

dn: CN=svc-edi-gw,OU=Service Accounts,DC=corp,DC=granitestatepallet,DC=com
changetype: add
objectClass: user
sAMAccountName: svc-edi-gw
userPrincipalName: [[EMAIL|svc-edi-gw@corp.granitestatepallet.com]]
displayName: EDI gateway service
telephoneNumber: [[PHONE|@@phone:p097:US:f:nat@@]]
userAccountControl: 66048
unicodePwd:: [[SECRET|@@unicodepwd:u097:16@@]]

I generated the unicodePwd with a script that wraps the password in quotes and encodes it as UTF-16LE before base64. We run ldifde over plain LDAP port 389.

### h16-098
What does this LDIF change do exactly, step by step?

dn: CN=svc-edi-gw,OU=Service Accounts,DC=corp,DC=granitestatepallet,DC=com
changetype: modify
replace: description
description: EDI gateway service (owner: data platform, ticket EDI-4471)
-
add: servicePrincipalName
servicePrincipalName: HTTP/edi-gw.corp.granitestatepallet.com
-
delete: otherTelephone
-
replace: userAccountControl
userAccountControl: 66048
-

dn: CN=EDI-Operators,OU=Groups,DC=corp,DC=granitestatepallet,DC=com
changetype: modify
add: member
member: CN=svc-edi-gw,OU=Service Accounts,DC=corp,DC=granitestatepallet,DC=com
-

### h16-099
Review this Vault agent config (HCL) before I commit it. Anything that shouldn't be in there?

pid_file = "/run/vault-agent.pid"

vault {
  address = "https://[[IP_ADDRESS|@@ip:ip099@@]]:8200"
  tls_skip_verify = true
}

auto_auth {
  method "approle" {
    config = {
      role_id   = "@@uuid:u099@@"
      secret_id = "[[SECRET|@@uuid:u099s@@]]"
      remove_secret_id_file_after_reading = false
    }
  }
}

template {
  source      = "/etc/edi/app.env.ctmpl"
  destination = "/etc/edi/app.env"
}

# bootstrap only, remove after first login
# root token: [[SECRET|hvs.@@alnum:hvs099:91@@]]

### h16-100
Review this Nomad job (HCL). Why won't the allocation start?

job "edi-gateway" {
  datacenters = ["dc1"]
  type        = "service"

  group "gw" {
    count = 2
    network {
      port "http" { to = 8080 }
    }

    task "gateway" {
      driver = "docker"
      config {
        image = "registry.internal/edi-gateway@sha256:@@hex:img100:64@@"
        ports = ["http"]
      }
      vault { policies = ["edi-gw"] }
      template {
        data        = "SFTP_PASSWORD={{ with secret \"kv/edi/prod\" }}{{ .Data.data.sftp_password }}{{ end }}"
        destination = "secrets/app.env"
        env         = true
      }
      resources {
        cpu    = 500
        memory = 256
      }
    }
  }
}

Nomad says "Missing: vault token role", and the task group has no restart stanza.
