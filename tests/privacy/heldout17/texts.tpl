### h17-001
Can you summarise this call for the case notes? Transcript from our speech-to-text:

[00:00:03] Agent: Thank you for calling Harbourline Bank, this is Marcus, can I have your full name please?
[00:00:07] Caller: Yeah, um, it's Denise Okafor.
[00:00:10] Agent: Thanks Denise. And for security, your date of birth?
[00:00:13] Caller: The [[DATE_OF_BIRTH|fourth of July nineteen eighty two]].
[00:00:18] Agent: Perfect. And you're calling about the debit card?
[00:00:21] Caller: Yes, I think I left it at a restaurant last night. The number is [[CREDIT_CARD|@@card:c1:visa~g4_4_4_4@@]].
[00:00:33] Agent: Okay, I've, uh, placed a block on it as of 2:41 p.m. Your call reference is C R 7 7 0 4 1 9. A replacement will arrive in five to seven working days.
[00:00:49] Caller: And the two pending charges, the forty two fifty and the one eighteen?
[00:00:54] Agent: Those go to our disputes team, case number 2 0 2 6 1 1 8 4 3. You'll hear back within ten business days.
### h17-002
Transcript (auto-generated, speaker diarisation on), call 55120-A, duration 00:07:48

[00:00:02] Agent: Northgate Energy, you're through to Sophie.
[00:00:05] Customer: Hi, yeah, I got a bill for three hundred and twelve pounds and it's usually about ninety.
[00:00:11] Agent: Sorry about that. Can you read me the account number from the top right?
[00:00:15] Customer: It's 4 0 0 1 7 7 2 9 3 1... 8.
[00:00:22] Agent: Thank you. And that's paid by direct debit from the account ending in four four one two?
[00:00:27] Customer: Yes.
[00:00:28] Agent: I can see an estimated reading of 18 442 in September. Could you read the meter for me now?
[00:00:36] Customer: Um, 1 7 9 0 6, and the little red digit is a 3.
[00:00:43] Agent: Lovely, so you were over-estimated by about five hundred and thirty units. I'll rebill, it should come to ninety four pounds sixty. Your reference for today is N G E dash 2 2 8 1 9 0 4.
[00:00:58] Customer: Great, and how long does that take?
[00:01:01] Agent: Forty-eight hours, and you're number three in the queue for the refund team if you'd rather wait.
### h17-003
Voicemail - received Tue 10:52 AM - duration 0:47
From: [[PHONE|@@phone:p3:US:f:nat@@]]
Transcription (confidence: medium):
"Hi, this is Dana Whitfield calling about the, um, the roofing estimate for forty one Alder Lane. I'm around after two thirty today, you can reach me on my cell, that's [[PHONE|@@phone:p3b:US:m:nat~v3w_3x_4x@@]], or just email me, [[EMAIL|dana dot whitfield at gmail dot com]]. The claim number from the insurance is H O 4 dash 5 5 1 9 0 2 7 if you need that for the quote. It's about twelve hundred square feet of shingles. Thanks, bye."
### h17-004
Voicemail transcription - Mon 9:03 AM - 0:31
"Good morning, this is Brightsmile Dental calling with a reminder for your appointment on Tuesday the fourteenth at two thirty with Dr. Alvarez. Please arrive ten to fifteen minutes early to update your paperwork. If you need to reschedule, call the office and press two, or ask for extension two one four. Your balance of forty five dollars from the last visit can be paid at the front desk. We're open eight to five Monday through Thursday and eight to noon on Fridays. Thank you and have a great day."
### h17-005
Please turn this helpdesk call into a ticket summary.

Speaker 1 (00:00:02): IT service desk, you're speaking with Priya.
Speaker 2 (00:00:05): Hi, it's Tom from accounts payable, I'm locked out again and the, uh, the VPN won't connect either.
Speaker 1 (00:00:11): No worries. Can you open a command prompt and read me the IPv4 address?
Speaker 2 (00:00:19): Um, it says [[IP_ADDRESS|10 dot 48 dot 112 dot 37]].
Speaker 1 (00:00:25): Okay, so you're on the office network, not on VPN. Subnet mask 255.255.255.0?
Speaker 2 (00:00:29): Yeah.
Speaker 1 (00:00:31): Right. I've unlocked and reset your account under ticket INC 0 0 4 8 8 1 9. Your temporary password is [[SECRET|@@spw:s5:10~spell@@]]. You'll be asked to change it at first login.
Speaker 2 (00:00:52): Got it, thanks. How long does the lockout last if it happens again?
Speaker 1 (00:00:56): Fifteen minutes, after five failed attempts.
### h17-006
OCR of a crumpled supermarket receipt (photo), for my expense report:

FRESHWAY MARKET #0412
88 Quarry Rd, Unit 7
TEL ORDERS: ONLINE ONLY
11/O3/2026 18:47   REG O3  TRN 5521  OP 114
BANANAS 1.12 LB @ O.59/LB      0.66
OAT MILK 2 @ 3.49              6.98
SOURDOUGH L0AF                 5.25
CHKN THIGHS 2.04 LB            9.16
SUBTOTAL                      22.05
TAX 7.25%                      0.38
TOTAL                         22.43
VISA CREDIT  ************4412
AUTH CODE 07731B   ENTRY CHIP
AID A0000000031010
YOU SAVED $3.1O TODAY   POINTS 22 BAL 1,184
THANK Y0U FOR SHOPPING WITH US
### h17-007
OCR output (scan_0412.pdf, page 1 of 2) - please extract the wages and withholding for my tax worksheet:

a Employee's social security number    OMB No. 1545-0008
[[US_SSN|@@ssn:n7~S1@@]]
b Employer identification number (EIN)  1 Wages, tips, other compensation  2 Federal income tax withheld
84-2291075                              58,412.66                          6,904.12
c Employer's name, address, and ZIP code
NORTHFIELD DENTAL GR0UP LLC
1188 Cedar Hollow Rd
Ashby, MN 5631O
d Control number  OOO41-77
e Employee's first name and initial   Last name
KAREN M                                TOLLIVER
3 Social security wages   4 Social security tax withheld
58,412.66                  3,621.58
5 Medicare wages and tips  6 Medicare tax withheld
58,412.66                  846.98
12a D 2,9O0.00    15 State MN  16 State wages 58,412.66  17 State income tax 3,117.40
### h17-008
Sprint review - meeting transcript (auto)

00:00:12 Lena: Okay, let's start. We closed 31 of 38 story points, so about 82 percent.
00:00:20 Arjun: The checkout bug, ticket 4471, is fixed in release 3.12.4, deployed at 16:05 yesterday.
00:00:31 Lena: Any regressions?
00:00:33 Arjun: p95 latency went from 412 to 388 milliseconds. Error rate is 0.03 percent, flat.
00:00:45 Mei: The migration for ticket 4502 is still blocked. It needs about two hours of downtime, we suggested Saturday 06:00 to 08:00.
00:01:02 Lena: Fine by me. Next sprint is 29, starts Monday the 7th, capacity is 42 points because Tom's out three days.
00:01:15 Mei: One more thing, the build cache is 18.6 gigabytes, we should prune it.
00:01:21 Lena: Noted. We're done at 00:01:24, thanks all.
### h17-009
Weekly data sync - transcript (auto-generated) with chat

00:03:11 Hannah Brook: ...so the nightly export failed again at like two fifteen.
00:03:19 Luis Ortega: Yeah, the reporting replica ran out of connections. I'll drop the connection string in the chat so Femi can test from his box.
[Chat] Luis Ortega 00:03:40: [[URL_CREDENTIALS|postgresql://report_ro:@@alnum:u9:18@@@reporting-db.internal.fernvale.io:5432/analytics]]
00:03:52 Femi Adeyemi: Got it. Connecting now... okay, I'm in. Max connections is set to a hundred and there are ninety seven idle.
00:04:10 Hannah Brook: Can someone rotate that password afterwards? It's been pasted in here now.
00:04:14 Luis Ortega: Yep, after the meeting. Action item for me, due Thursday the twelfth.
### h17-010
Dictation - Dr. S. Moreau - transcribed - job 80214

Follow-up visit, 68 year old female, here for hypertension and type 2 diabetes. Height 162 centimetres, weight 71.4 kilograms, BMI 27.2. Blood pressure 142 over 88 on arrival, repeat 136 over 84 after ten minutes. Pulse 76 regular. A1c today 7.1 percent, down from 7.8 in June. Continue metformin 1000 milligrams twice daily, increase lisinopril from 10 to 20 milligrams once daily. Recheck basic metabolic panel in 2 weeks. MRN 00739128, visit number 55. Next appointment in 3 months. Total time 25 minutes, more than half in counselling. End of dictation.
### h17-011
Transcripción automática - llamada 4471-B - duración 00:06:12

[00:00:04] Agente: Banco Miravalle, le atiende Sergio, ¿en qué puedo ayudarle?
[00:00:08] Cliente: Hola, eh, quería domiciliar el recibo de la luz en otra cuenta.
[00:00:13] Agente: Muy bien. ¿Me confirma su fecha de nacimiento?
[00:00:16] Cliente: El [[DATE_OF_BIRTH|12 de marzo de 1978]].
[00:00:20] Agente: Gracias. Dígame el IBAN de la cuenta nueva, despacio.
[00:00:23] Cliente: Es [[IBAN|@@iban:i11:ES~v2l_2d_4d_4d_4d_4d_4d~sp@@]].
[00:00:41] Agente: Le confirmo, acabado en @@iban:i11:ES~v20k_4d@@, ¿correcto?
[00:00:47] Cliente: Sí, correcto.
[00:00:49] Agente: ¿Y un teléfono de contacto?
[00:00:51] Cliente: [[PHONE|@@phone:p11:ES:m:nat~g3_2_2_2@@]].
[00:00:58] Agente: Perfecto. El cambio se aplicará a partir del recibo de noviembre, importe aproximado 64,30 euros. Su número de gestión es el 88 12 40 93.
### h17-012
Transcripción de llamada - atención al cliente Aerolíneas Solmar - 02/11/2026 08:14

Agente: Buenos días, Solmar, le atiende Nuria.
Cliente: Hola, tengo un vuelo mañana y quiero cambiar el asiento.
Agente: Claro. ¿Me da el localizador?
Cliente: Sí, es K 7 Q X 2 M.
Agente: Gracias. Vuelo SM 4 4 1 2 de Madrid a Tenerife Norte, salida a las siete y cuarenta, puerta todavía sin asignar. Está en el 23 C.
Cliente: ¿Hay algo en ventanilla más adelante?
Agente: Tengo el 8 A, el suplemento son 14,50 euros. La maleta de 23 kilos ya está incluida.
Cliente: Vale, el 8 A.
Agente: Hecho. El cargo aparecerá como SOLMAR 0 0 4 1 7 7. Recuerde que el embarque cierra 20 minutos antes de la salida. ¿Algo más?
Cliente: No, gracias.
### h17-013
Dictation - Dr. R. Haldane - transcribed by SpeechNote 4.2 - job 77120

Patient Walter Kinsey comma date of birth [[DATE_OF_BIRTH|03/14/1951]] comma MRN 00482913 period. Seen today for follow-up of atrial fibrillation period. He is a 75 year old male comma height 5 foot 10 comma weight 182 pounds period. BP 138 over 84 comma heart rate 72 irregular period. Continue metoprolol 25 milligrams twice daily and apixaban 5 milligrams B I D period. Echo from September showed an EF of 55 to 60 percent period. Return in 3 months period. Daughter requests that callbacks go to her cell comma her number is [[PHONE|@@phone:p13:US:m:nat~g3_3_4@@]] period. End of dictation.
### h17-014
OCR'd invoice (scan), please check the VAT arithmetic:

TALLIS & BRAY OFFICE SUPPLY LTD
Unit 4, Marlow Trading Est.      VAT Reg No. GB 294 1187 O6
INVOICE No. INV-2O26-O4471       Date: 29/1O/2026
Customer acct: TB-118204         PO ref: 7700-1934
Qty  Item                          Unit     Net
12   A4 copier paper 80gsm (box)   21.40    256.8O
 4   Toner HP 26X                  96.15    384.60
 2   Desk chair, mesh              142.00   284.00
Subtotal                                    925.4O
VAT @ 20%                                   185.08
TOTAL DUE                                 1,11O.48
Payment terms 30 days. Late payment interest 8% over base.
Registered in England No. 04418827
### h17-015
[OCR - rental_app_scan.jpg - engine confidence 81%]
RENTAL APPLICATI0N      Unit: 4B     Move-in: 01/O1/2027
Applicant name: Mateo Rivas-Quintero    Date of birth:[[DATE_OF_BIRTH|O9/23/l991]]
Current address: 2207 Bellweather Ct Apt 3, Tacoma WA 984O5
Phone (cell):[[PHONE|@@phone:p15:US:m:nat~O1@@]]  Phone (work): ext. 4412
E-mail: [[EMAIL|m.rivasq@north
fieldmail.com]]
Employer: Cascade Freight Lines    Monthly income: $5,8OO    Years employed: 3
Emergency contact: Lucia Rivas (mother)   Phone: same as above
Pets: 1 dog, 22 lbs    Vehicles: 1   Plate: BXR 4471
Signature: ______     Date: 11/O2/2026
### h17-016
Diktat, automatisch transkribiert - Befundbericht Orthopädie

Patientin, 54 Jahre, stellt sich vor mit Schmerzen im rechten Knie seit etwa drei Wochen. Größe 1,68 Meter, Gewicht 74 Kilogramm. Beweglichkeit Extension und Flexion 0 Strich 5 Strich 120 Grad. MRT vom 12.11.2026: Innenmeniskus-Hinterhornriss Grad 2. Therapie: Ibuprofen 600 Milligramm bis zu dreimal täglich für 10 Tage, Physiotherapie 6 mal 20 Minuten. Arbeitsunfähig bis einschließlich 28.11. Wiedervorstellung in 4 Wochen. Fallnummer 2026 Strich 88 41 72, Diktat Nummer 4 4 1 9. Ende des Diktats.
### h17-017
Mailbox-Transkription (Beta) - Anruf vom 14.11., 17:42 Uhr, Dauer 0:38
"Ja, hallo, hier ist Katrin Brandt von der Hausverwaltung Lindenhof, es geht um den Wasserschaden in der Wohnung 12, also im dritten Stock. Der Gutachter kommt am Donnerstag zwischen acht und zehn. Rufen Sie mich bitte zurück unter [[PHONE|@@phone:p17:DE:m:nat~sp7@@]], oder schreiben Sie mir eine Mail an [[EMAIL|k punkt brandt at lindenhof minus verwaltung punkt de]]. Die Schadensnummer ist 2026 Strich 0 4 4 7 1. Danke, tschüss."
### h17-018
Helpdesk call transcript (auto), ticket pending

[00:00:01] IVR: Thank you for holding. You are caller number 4 in the queue. Estimated wait 6 minutes.
[00:06:12] Tech: Desktop support, Jamal speaking.
[00:06:15] User: Hi, my laptop keeps saying error 0x80070005 when I install updates.
[00:06:21] Tech: Okay. What Windows build are you on? It's under About.
[00:06:26] User: It says version 22H2, OS build 19045.5011.
[00:06:33] Tech: And are you on Wi-Fi or the dock?
[00:06:36] User: Dock. The network settings say subnet mask 255.255.255.0 and the gateway is, um, the usual one ending in dot one.
[00:06:44] Tech: Fine. Run the update troubleshooter, then reboot. If it still fails I'll remote in. Your ticket is 7 7 0 4 1 2 2, priority 3, and we close idle tickets after 5 business days.
[00:06:58] User: Thanks, will do.
### h17-019
[Scanned letter, OCR]
Kingsmere Building Society
Member Services, PO Box 7781, Leeds LS1 4DY
Our ref: KBS/MS/2291O4        Date: 3 November 2026

Dear Mr Ashworth,

Re: Change of nominated account for withdrawals

We confirm that from 17 November 2026 withdrawals from your Easy Access Saver (account no. ****6612) will be paid to the nominated account below:
Account name: G R ASHWORTH
IBAN: [[IBAN|@@iban:i19:GB~g4_4_4_4_4_2~dl14~nl14@@]]
If any of these details are incorrect, please contact us through secure messaging in online banking within 14 days.
Interest rate from 1 December: 3.85% AER (variable).
Yours sincerely,
Member Services Team   Ref 00417-22-8
### h17-020
OCR text from a scanned vehicle registration certificate (V5C-style), I need the technical details for the insurance quote:

Registration number  LK19 XRV
Date of first registration 14 O3 2019
Make FORD   Model FOCUS ST-LINE
VIN/Chassis/Frame No. WF0NXXGCHNKJ41877
Engine number M0DA 118472
Cylinder capacity 999 cc   Fuel PETROL
Revenue weight 1,930 kg   Mass in service 1,321 kg
No. of seats incl. driver 5   Colour BLUE
CO2 emissions 119 g/km   Euro status EURO 6 AP
Document reference number 4O4 1776 2931
Previous registered keepers 2
### h17-021
Claim intake - dictated by adjuster J. Pell, transcribed automatically

Claim number 4 4 0 2 dash 7 7 1 8 9, policy H O 3 dash 0 0 9 1 5 5 2. Date of loss October 28th, approximately 9 30 p.m., kitchen fire, damage estimated at eighteen to twenty two thousand dollars. Insured is Ramona Castellanos, date of birth [[DATE_OF_BIRTH|June 9th, 1964]], social [[US_SSN|@@ssn:n21~v3x_2x_4x~pause~zero@@]]. She is 62 and lives alone, the house is 1,850 square feet, built 1978. Temporary housing approved for up to 30 days at a maximum of $165 per night. Next contact scheduled Monday at ten a.m.
### h17-022
Voice note transcript - field adjuster - 11/09 2:05 pm

Okay, claim 8 8 1 0 2 dash 4 4, policy A U 7 7 2 1 9 0 4. Insured's vehicle is a 2021 Toyota RAV4, odometer reads 38,417 miles. Damage to the front passenger door and quarter panel, estimate from Eastside Collision is 3,960 dollars and 40 cents, deductible is 500. Rental authorised for up to 12 days at 35 dollars a day. The other driver's carrier acknowledged at 1:40 pm, their claim is 2 2 0 1 9 4 8 8 7 1. Liability split looks like 70 30. Photos uploaded, 14 of them. Follow up in 5 business days. End of note.
### h17-023
#front-desk
Aisha K. 9:14 AM
can someone call this guy back? voicemail transcript from the main line pasted below, I can't make out the name
> "hi yes good morning this is uh Graham or Graeme from Pellworth Logistics in Manchester, we've got the pallet for you on hold at the depot, booking reference P W L 2 2 8 1 9 0, it's four pallets, about 620 kilos in total. Can you ring me back on [[PHONE|plus @@phone:p23:GB:m:intl~v2x_4x_6x@@]], that's my mobile, before three o'clock UK time. Cheers."
Tom R. 9:16 AM
on it. 620 kg won't fit the van, I'll ask for a tail-lift delivery
Aisha K. 9:17 AM
👍 ref is PWL228190 btw
### h17-024
Can you draft a reply to this? Pasted from my phone's voicemail-to-text:

"Hey, it's Rob from the facilities team. The boardroom booking for Thursday is moved to room 4.12 because of the projector. The call itself is still at 3 pm, meeting ID 845 2291 0073, it's the same link as last week. We expect about 14 people in the room and maybe 20 remote. Catering is confirmed for 15, order number 6 0 4 4 1 9, should arrive at quarter to three. Oh, and the building closes at 7 so we need to be out by 6:45. Cheers."
### h17-025
Transcription automatique - appel entrant - 02/12/2026 09:41 - durée 04:27

Conseillère : Mutuelle Ardoise, bonjour, Camille à l'appareil.
Client : Oui bonjour, c'est pour ajouter ma fille sur mon contrat.
Conseillère : D'accord. Votre numéro d'adhérent ?
Client : Alors c'est le 7 7 0 4 1 2 8 B.
Conseillère : Merci. Et la date de naissance de votre fille ?
Client : Elle est née le [[DATE_OF_BIRTH|14 février 2019]].
Conseillère : Très bien. Un numéro pour vous joindre ?
Client : Oui, le [[PHONE|@@phone:p25:FR:m:nat~dl11@@]], et mon mail c'est [[EMAIL|julien point marchetti arobase orange point fr]].
Conseillère : C'est noté. La cotisation passera de 58,90 € à 71,40 € par mois à partir du 1er janvier. Vous recevrez l'attestation sous 48 heures.
### h17-026
Compte rendu - transcription automatique de la réunion de chantier n° 14

[00:02:05] Chef de projet : Bon, point sur le planning. Le coulage de la dalle du R+2 est prévu le 9 décembre à 7 h 30, sous réserve de la météo.
[00:02:19] Conducteur de travaux : On a reçu 42 mètres cubes de béton sur les 60 commandés, bon de commande 2026-0418.
[00:02:31] Architecte : Pour les menuiseries, le devis est à 38 400 euros hors taxes, soit 46 080 TTC.
[00:02:44] Chef de projet : Retard cumulé, environ 11 jours ouvrés. Pénalités à partir du 15 janvier.
[00:02:55] Conducteur de travaux : Effectif sur site 17 personnes, zéro accident depuis 214 jours.
[00:03:08] Chef de projet : Prochaine réunion jeudi 10 h, salle 2. Fin à 00:03:12.
### h17-027
User: I took a screenshot of the error because I can't copy out of the remote desktop, this is what the OCR app gave me:

$ curl -s -H "Authorization: Bearer [[JWT|@@jwt:j27@@]]" https://[[IP_ADDRESS|172.31.9.204]]:8443/api/v2/jobs/881
{"error":"token_expired","detail":"exp < now","request_id":"7f3c2a1e-91b0-4c55-a0e8-2d6e4b1c9f03"}
$ date
Thu Dec  3 14:07:52 UTC 2026

Why does it say expired if I logged in five minutes ago? The job has been queued for 00:12:40 already.
### h17-028
Delivery note, scanned and OCR'd - please tell me whether everything arrived:

DESPATCH NOTE   No. DN-77O412     Date 24/11/2026
Carrier: Northline Parcel   Consignment 1Z 8A4 E91 66 0417 2291
Packages: 3   Total weight: 18.4 kg
Dims (cm): 60 x 40 x 40 / 45 x 30 x 20 / 30 x 30 x 15
Item            Ordered  Shipped  B/O
SKU 100-4471     12       12       0
SKU 100-4478      6        4       2
SKU 220-0915      1        1       0
Back-ordered items expected wk 49. Customer PO 4500018273.
Received in good condition: ______   Time: __:__
### h17-029
Transcript, inbound call, auto-generated (speaker turns may be split)

[00:01:58] Agent: Okay, your order 1 1 2 0 4 7 7 3 9 5 is showing as delayed at the depot.
[00:02:05] Caller: Right, that's why I'm calling.
[00:02:10] Agent: I can arrange a callback from the depot between two and four. What's the best number to reach you on?
[00:02:13] Caller: It's seven one eight, five five... no, sorry, that's my old number. It's [[PHONE|@@phone:p29:US:m:nat~v3w_3w_4k@@]]
[00:02:20] Agent: Mm-hm.
[00:02:21] Caller: [[PHONE|@@phone:p29:US:m:nat~v3k_3k_4x@@]].
[00:02:24] Agent: So that's [[PHONE|@@phone:p29:US:m:nat~g3_3_4@@]]?
[00:02:27] Caller: Yes.
[00:02:28] Agent: Great. You're in position 6 for callbacks, and the parcel weighs 4.2 kilos so it should fit your locker. Reference for today is 5 5 0 9 1.
### h17-030
Pharmacy IVR call, transcribed

IVR: Welcome to Lakeside Pharmacy. Please say or enter your prescription number.
Caller: Six oh four four one two eight.
IVR: Prescription 6 0 4 4 1 2 8, amlodipine 5 milligram tablets, quantity 90. This prescription has 2 refills remaining. Would you like to refill it now?
Caller: Yes.
IVR: Your refill will be ready after 4 pm tomorrow. The estimated copay is 8 dollars and 75 cents. For pickup at the store on Cedar Avenue, say one. For mail delivery in 3 to 5 days, say two.
Caller: One.
IVR: Thank you. Your confirmation number is 3 3 1 9 0 2. Goodbye.
### h17-031
OCR text from intake_form_p1.png (two-column layout, read left to right, columns ran together):

PATIENT INFORMATION                     INSURANCE
Name: Evelyn Marsh-Okoro               Carrier: BlueHarbor PPO
DOB:[[DATE_OF_BIRTH|O9/l7/1947]]Sex: F        Member ID: BHX 4O2 771 9O3
Phone:[[PHONE|@@phone:p31:US:f:nat~l1@@]]Group #: 60418
E-mail:[[EMAIL|emarsh.okoro@frontiernet.net]]Copay: $3O
Height: 5'4"  Weight: 141 lb   Allergies: penicillin (rash)
Current meds: lisinopril 10 mg qd, atorvastatin 2O mg qhs
Emergency contact: D. Okoro (son)  Phone: same as home
Reason for visit: L knee pain x 3 wks
### h17-032
Here's the OCR of a letter from the water company, what does it want me to do?

CLEARWELL WATER
Customer account no. 8O1 447 219 3
Date 21 November 2026

Your meter reading
Meter serial 14M0O7721   Previous 1,204 m3 (12/05/2026)   Current 1,288 m3 (18/11/2026)
Usage 84 m3 over 190 days (0.44 m3/day)
Charges: water supply 84 x £1.9412 = £163.06, wastewater £148.2O, standing charge £31.5O
Total £342.76, of which £18O.OO already paid by instalments
Balance to pay £162.76 by 12 December 2026
Your new instalment is £57.OO per month from January (6 instalments).
### h17-033
Voice memo transcript (Otter) - "office router notes" - 2:14

Okay, notes for whoever covers while I'm out. The new router at the Fairhaven office is at [[IP_ADDRESS|192.168.20.1]], the admin login is admin and the password is [[SECRET|@@spw:s33:12~spell@@]]. The guest Wi-Fi is on VLAN 30, the staff one on VLAN 20. Firmware is 7.2.14, don't update it until the vendor confirms the fix, ticket number 5 5 1 0 9 8. The old router is still in the cupboard, unplugged. The printer has a fixed address ending in dot 45. That's about it, talk soon.
### h17-034
Call transcript - identity check (auto)

[00:00:40] Agent: Before I can discuss the account I need to verify you. Can you give me the last four of your social?
[00:00:46] Caller: Four four one two.
[00:00:48] Agent: And the zip code on file?
[00:00:50] Caller: 9 7 2 3 9.
[00:00:53] Agent: Thank you, you're verified. I see the loan ending in 0 8 8 1 with a balance of eleven thousand four hundred and six dollars. Your next payment of 312 dollars 40 is due on the 15th.
[00:01:07] Caller: Can I move the due date to the 20th?
[00:01:10] Agent: Yes, once per 12 months. Done, confirmation code R X 4 4 7 Q.
### h17-035
Card payment over the phone - transcript (please check whether the agent followed the script)

[00:04:02] Agent: Okay, and the long number on the front of the card?
[00:04:05] Customer: [[CREDIT_CARD|@@card:c35:mc~v4x_4x_4x_4x@@]].
[00:04:19] Agent: And the expiry date?
[00:04:21] Customer: Oh nine twenty eight.
[00:04:23] Agent: And the three digits on the back.
[00:04:25] Customer: Four one six.
[00:04:28] Agent: Thank you. So that's the Mastercard ending in @@card:c35:mc~v12k_4x@@, and today's payment is one hundred and twelve pounds forty. The transaction ID is 9 9 4 0 2 1 7 7.
### h17-036
OCR of my bank statement summary (scanned), can you categorise the spending?

STATEMENT PERIOD 01 OCT 2026 - 31 OCT 2026      Page 1 of 3
Account: XXXX XXXX 7781    Sort code: **-**-14
Opening balance                 2,4O4.17
02 OCT  DD  CITYPOWER ENERGY         -84.00
05 OCT  POS GROCER 0412              -63.19
11 OCT  CARD PURCHASE  RAILCO 44O1   -142.50
15 OCT  BGC  SALARY ACME LTD       +2,911.38
21 OCT  SO   RENT REF 7704           -950.00
28 OCT  ATM  HIGH ST 2219            -100.00
Closing balance                  3,975.86
Overdraft limit 500.00   Interest rate 39.9% EAR (variable)
Transaction ref 20261031-004417
### h17-037
OCR result - photo of driver license (front), uploaded for age verification

OREG0N  DRIVER LICENSE
4d DL NO  7I44O92
1 GRANTHAM
2 ELENA MARGUERITE
8 2219 SW HILLCREST DR
  PORTLAND, OR 97239
3 DOB [[DATE_OF_BIRTH|O8/l2/1979]]   4b EXP 08/12/2O30
4a ISS O3/O1/2O22    15 SEX F   16 HGT 5-O7   18 EYES GRN
9 CLASS C   12 RESTR NONE   5 DD 2O22O3O1O4471
### h17-038
Network planning call - transcript (auto)

[00:10:02] Sam: So the new site gets ten dot forty dot zero dot zero slash sixteen, and we carve it into slash twenty-fours per floor.
[00:10:15] Ines: That's 256 addresses per floor, minus the network and broadcast, fine for 180 desks.
[00:10:24] Sam: Exactly. DHCP scope starts at dot 50, ends at dot 250, lease time 8 hours.
[00:10:35] Ines: And the firewall? We're on 10.4.2 of the OS?
[00:10:39] Sam: 10.4.2, upgrade window Sunday 02:00. We'll open 443 and 8443 inbound only.
[00:10:48] Ines: Budget for the switches was 24,600.
[00:10:52] Sam: Right. Let's wrap at 00:11:00.
### h17-039
Infra stand-up - auto transcript

[00:00:41] Ravi: So the failover test last night, the primary was [[IP_ADDRESS|10.20.30.41]] and it took about 00:01:52 to promote the replica.
[00:01:02] Jo: Was that within the SLO?
[00:01:04] Ravi: Yeah, the target is three minutes. The replica is now at [[IP_ADDRESS|172 dot 16 dot 4 dot 9]], I'll update the DNS record, TTL is 300 seconds.
[00:01:20] Jo: And we're still on version 14.2.1 of the operator?
[00:01:24] Ravi: 14.2.1, yes, the upgrade to 14.3 is planned for sprint 32. Ports are the same, 5432, and 9187 for the exporter.
[00:01:37] Jo: Cool. Action items at 00:02:10.
### h17-040
Voicemail-to-text from the school office, please summarise for the parents' group chat:

"Hello, this is Mrs. Okonkwo from Westbrook Primary. Just a reminder that the year 4 trip to the science museum is on Friday the 21st. The coach leaves at 8:45 sharp and returns around 3:30. The cost is 12 pounds 50 per child, payable through the school app by Wednesday, reference TRIP 2 6 0 4. Children need a packed lunch and a coat, and each group of 6 will have one adult. We still need 2 more parent volunteers. Room 14 will be open from 8:15. Thank you."
### h17-041
Subject: Fwd: Rechnung 2026-1187 - bitte bezahlen

Hi Sam, can you pay this? The PDF was a scan so I ran it through OCR, sorry for the mess:

---
Tischlerei Albrecht GmbH · Werkstraße 14 · 34117 Kassel
Rechnung Nr. 2O26-1187        Datum: 28.1O.2026
Kunden-Nr. 44O12
Pos. 1 Einbauschrank Eiche, Maßanfertigung     1    2.840,00
Pos. 2 Montage (6,5 Std. à 58,00)                    377,00
Netto 3.217,00  USt 19% 611,23  Gesamt 3.828,23 EUR
Bankverbindung: Kasseler Sparkasse  IBAN [[IBAN|@@iban:i41:DE~g4_4_4_4_4_2~O1@@]]  BIC HELADEF1KAS
USt-IdNr. DE 281 447 093   Zahlbar innerhalb 14 Tagen ohne Abzug.
---
Thanks! Total is 3,828.23 EUR, due by 11 Nov.
### h17-042
Gesprächsprotokoll, automatisch transkribiert - Kundenservice Stadtwerke

[00:00:03] Mitarbeiter: Stadtwerke Rheinau, Sie sprechen mit Herrn Vogt.
[00:00:07] Kundin: Guten Tag, ich möchte meinen Zählerstand durchgeben.
[00:00:10] Mitarbeiter: Gerne. Ihre Kundennummer bitte.
[00:00:13] Kundin: 3 0 0 4 1 7 7 2, und die Zählernummer ist 1 ESY 1 1 6 0 4 4 8 2.
[00:00:22] Mitarbeiter: Danke. Und der Stand?
[00:00:24] Kundin: 0 4 8 1 7, Komma 3.
[00:00:28] Mitarbeiter: Notiert. Ihr Abschlag sinkt damit ab Januar von 94 auf 81 Euro im Monat. Die Jahresabrechnung kommt bis zum 15. Februar.
[00:00:37] Kundin: Wunderbar, danke.
[00:00:39] Mitarbeiter: Ihre Vorgangsnummer ist 2 2 6 1 9 0. Schönen Tag noch.
### h17-043
Buzón de voz - transcripción - 03/11 16:05 - 0:29
"Hola, buenas tardes, soy Laura Giménez, la madre de Pablo, el de tercero B. Te llamaba por lo de la excursión del día 21, que son 18 euros por niño y hay que pagarlo antes del viernes. Si quieres me escribes a [[EMAIL|laura punto gimenez arroba hotmail punto es]] o me llamas al [[PHONE|@@phone:p43:ES:m:nat~g3_3_3@@]]. Salimos a las nueve y cuarto y volvemos sobre las cinco. Un beso, chao."
### h17-044
OCR of a pharmacy label (photo), can you tell me when to take these?

RX# 6O44128          DATE FILLED 11/18/2026
AMOXICILLIN 500 MG CAPSULE
TAKE 1 CAPSULE BY MOUTH THREE TIMES DAILY FOR 10 DAYS
QTY 30   REFILLS 0   DAYS SUPPLY 1O
NDC 0093-3109-01   MFG TEVA
DISCARD AFTER 12/18/2026
Dr. P. LINDQVIST
STORE #0412   1188 CEDAR AVE
FINISH ALL OF THIS MEDICATION UNLESS OTHERWISE DIRECTED
### h17-045
Can you check the dependents section of my return? I scanned it and this is what came out of the OCR:

Filing Status  [X] Married filing jointly
Your first name and middle initial   Last name            Your social security number
DEREK A                              HOLLOWAY             [[US_SSN|@@ssn:n45~g3_2_4~sp9@@]]
If joint return, spouse's first name  Last name           Spouse's social security number
MARISOL                              HOLLOWAY             5?7 4_ 9.1 2
Dependents (see instructions):
(1) First name  Last name    (2) SSN        (3) Relationship   (4) Child tax credit
JONAH   HOLLOWAY             [[US_SSN|@@ssn:n45b~B1@@]]    son                [X]
Line 1a wages 91,4O2.  Line 11 adjusted gross income 88,117.  Line 19 child tax credit 2,OOO.
### h17-046
Hearing minutes, auto-transcribed (draft)

[10:02:14] Clerk: Case number 2026 dash C V dash 0 4 4 1 7, Brightwater Holdings versus Kemble Logistics.
[10:02:22] Judge: Counsel, how long do you need for the motion?
[10:02:25] Counsel A: About twenty minutes, Your Honour.
[10:02:28] Judge: Fine. The disputed amount is 184,250 dollars, correct?
[10:02:33] Counsel B: 184,250 plus interest at 9 percent from March 3rd, 2025.
[10:02:41] Judge: Exhibits 14 through 22 are admitted. We'll reconvene at 2:15, courtroom 4B.
[10:02:49] Clerk: Next hearing set for January 12th, docket entry 57.
### h17-047
Voice note transcript - field adjuster - claim 7 7 2 0 1 9 4 - 11/03 3:52 pm

Insured vehicle 2019 Subaru Outback, odometer 61,204, plate not visible in the photos. Rear bumper and tailgate damage, estimate roughly 4,300 to 4,800. Claimant's number is five oh three, two... sorry, scratch that, claimant's cell is [[PHONE|@@phone:p47:US:m:nat~v3x_3x_4x@@]]. Email is [[EMAIL|t underscore nakamura 88 at proton mail dot com]]. She'd prefer a call after 5. Tow bill 185 dollars, storage 40 a day since the 1st. End of note.
### h17-048
Ticket de compra escaneado (OCR), ¿me ayudas a separar el IVA?

SUPERMERCADOS LA HUERTA S.L.
NIF B-8O412776   C/ Mayor 18, 28013 Madrid
FACTURA SIMPLIFICADA N.º T0412-2O26-118873
Fecha 19/11/2026  Hora 19:42  Caja 3  Cajero 114
PAN BARRA             2 x 0,95      1,90
ACEITE OLIVA 1L                     8,45
LECHE ENTERA 6X1L                   5,34
TOMATE RAMA 1,2 KG                  2,87
TOTAL (EUR)                        18,56
IVA 4%  BASE 7,92  CUOTA 0,32
IVA 10% BASE 9,39  CUOTA 0,93
TARJETA ************0917   AUT 447102
### h17-049
OCR-Ergebnis: Überweisungsformular (gescannt, Spalten zusammengelaufen)

Angaben zum Zahlungsempfänger: Name, Vorname/Firma (max. 27 Stellen)
Stadtwerke Oberhaid GmbH
IBAN[[IBAN|@@iban:i49:DE@@]]BIC des Kreditinstituts/Zahlungsdienstleisters (8 oder 11 Stellen)
BYLADEM1BAM
Betrag: Euro, Cent 1.204,37
Kunden-Referenznummer - Verwendungszweck: Vertragskonto 2004 7719 18 Abrechnung 2025
Angaben zum Kontoinhaber/Zahler: Name, Vorname/Firma, Ort (max. 27 Stellen)
Yilmaz, Deniz, Oberhaid
IBAN [[IBAN|@@iban:i49b:DE~g2_2_4_4_4_4_2~sp9@@]]
Datum 02.12.2026  Unterschrift ________
### h17-050
Call transcript, airline customer service (auto)

[00:00:05] Agent: SkyBridge Airways, this is Devon. May I have the confirmation code?
[00:00:09] Passenger: Q as in Quebec, 7, X, K, 2, M.
[00:00:14] Agent: Thank you. I see flight SB 2 2 1 4 from Denver at 6:40 a.m. and the connection SB 9 0 7 at 11:15.
[00:00:23] Passenger: The first one's delayed, will I make the connection?
[00:00:27] Agent: It's delayed by 55 minutes, so your layover drops to 1 hour 20. You should be fine. You're in seat 14C, and your bag allowance is one piece up to 23 kilograms.
[00:00:40] Passenger: Okay. Can I get an upgrade?
[00:00:42] Agent: Economy Plus is 89 dollars on the first leg. Shall I add it?
[00:00:46] Passenger: No thanks.
### h17-051
Benefits enrollment line - call transcript (auto)

[00:00:05] Rep: Benefits enrollment, this is Carla. Can I get the employee's social security number?
[00:00:09] Caller: Sure, it's [[US_SSN|@@ssn:n51~v3w_2w_4w~pause~zero@@]].
[00:00:17] Rep: Let me read that back, [[US_SSN|@@ssn:n51~g3_2_4@@]]?
[00:00:21] Caller: That's right.
[00:00:22] Rep: And the date of birth?
[00:00:24] Caller: [[DATE_OF_BIRTH|November twenty third, nineteen fifty nine]].
[00:00:29] Rep: Thank you. You're adding the dental plan, the premium is 18 dollars 40 per pay period, effective January 1st. Your confirmation number is E N R 4 4 0 9 1 7.
### h17-052
Running coach voice memo, transcribed - session notes

Athlete is 34, 1.78 metres, 66 kilos, resting heart rate 48. Today's session: 6 by 800 metres with 90 seconds rest. Splits were 2:41, 2:39, 2:40, 2:38, 2:42 and 2:36. Average heart rate on the reps 171, max 184. Weekly volume is 72 kilometres, long run Sunday 28 k at four fifty-two per kilometre. Goal race is the Valencia marathon on December 6th, target 2:49:30. Shoe mileage 612 km, replace next week. Sleep average 7 hours 40.
### h17-053
Screenshot of the incident Slack thread, OCR'd because the image wouldn't paste. Can you write the postmortem timeline from it?

Mira 14:02  alerts firing, p95 > 2.4s on checkout
Dev 14:09  rolled back to v3.18.2, no change
Dev 14:31  root cause is the pool, it's exhausted. testing against prod directly with
DATABASE_URL=[[URL_CREDENTIALS|mysql://svc_orders:@@alnum:u53:16@@@orders-db-2.prod.kestrel.io:3306/orders]]
Dev 14:33  also used my CI token for the hotfix deploy [[SECRET|@@ghp:t53@@]]
Mira 14:40  recovered. POOL_SIZE 40 -> 120, timeout 30s
Mira 14:41  pls rotate both of those, they're in a public-ish channel now
### h17-054
OCR'd lab report (scan), explain what is out of range please:

HARBOUR PATHOLOGY   Lab No. 26-118O47   Collected 20/11/2026 07:55
Test                   Result    Units      Reference
Haemoglobin            128       g/L        115 - 165
White cell count       11.4 H    x10^9/L    4.0 - 11.0
Platelets              287       x10^9/L    150 - 400
Sodium                 139       mmol/L     135 - 145
Potassium              5.4 H     mmol/L     3.5 - 5.2
Creatinine             98        umol/L     45 - 90 H
eGFR                   61        mL/min     > 90
HbA1c                  44        mmol/mol   20 - 41
Requested by Dr. Okafor   Report printed 21/11/2026 10:12   Page 1/1
### h17-055
Voicemail transcription - Fri 4:18 PM
"Hi, this message is for Harold Benning, date of birth [[DATE_OF_BIRTH|7/14/58]]. This is Lakeside Pharmacy calling, your prescription for, um, amlodipine 10 milligrams, quantity 90, is ready for pickup. Your copay is $12.50. We're open until 9 tonight and 10 to 6 on Saturday. If you have questions, call us back at [[PHONE|@@phone:p55:US:f:nat~h3_3_4@@]] and press 2 for the pharmacy. Prescription number 6 0 0 4 1 8 2 7. Thank you."
### h17-056
Transcription de la messagerie vocale du garage

« Bonjour Monsieur Lefèvre, c'est le garage Moreau. Votre Clio immatriculée FG-482-KT est prête. On a changé les plaquettes avant et fait la vidange, kilométrage 84 217. Le devis était de 312 euros, finalement ça fait 298,40 TTC, il y avait une remise de 5 %. Vous pouvez passer demain entre 8 h et 18 h 30, sauf entre midi et deux. Le prochain contrôle technique est à faire avant le 3 mars. Numéro de dossier 2 6 1 1 4 7. Bonne soirée. »
### h17-057
Voici le RIB scanné de mon propriétaire (OCR), pouvez-vous préparer le virement du loyer de décembre ?

RELEVÉ D'IDENTITÉ BANCAIRE
Titulaire du compte : M. BERNARD FAUCHER
Domiciliation : CAISSE RÉGIONALE DU MORBIHAN - AGENCE DE VANNES
Code banque  Code guichet  N° de compte  Clé RIB
@@iban:i57:FR~v4k_5d_5k_11k_2k@@        @@iban:i57:FR~v4k_5k_5d_11k_2k@@        @@iban:i57:FR~v4k_5k_5k_11d_2k@@  @@iban:i57:FR~v4k_5k_5k_11k_2d@@
IBAN : [[IBAN|@@iban:i57:FR~g4_4_4_4_4_4_3~O2@@]]
BIC : AGRIFRPP856
Loyer 850,00 € + charges 65,00 €, à régler avant le 5 du mois. Référence bail n° 2024-117.
### h17-058
Pasted from a scanned customs invoice (OCR), can you fill the HS codes into our spreadsheet?

COMMERCIAL INVOICE No. CI-2026-0871    Date 17 Nov 2026
Container MSKU 4471906   Seal 0O88217   Vessel MAERSK EDIRNE V.446E
Line  Description               HS code      Qty   Net kg   Value USD
1     Stainless bolts M8         7318.15.90   4,000  212.0    1,360.00
2     Hinges, steel              8302.10.00   1,200  318.4    2,940.00
3     Cable ties, nylon          3926.90.97   20,000  96.0     410.00
Gross weight 702.4 kg   Packages 18   Incoterms FOB Ningbo
Total 4,710.00 USD   Exporter ref EXP/26/0441
### h17-059
Partner call - Zoom transcript (auto) - 25 Nov 2026

00:41:12 Marguerite Lavoie: ...so for the pilot we'd start with the three clinics in Laval, roughly 1,200 patients.
00:41:20 Ben Sato: Sounds good. Who should our onboarding team contact?
00:41:24 Marguerite Lavoie: Me directly for now. My cell is [[PHONE|@@phone:p59:CA:m:nat~g3_3_4@@]] and the email is [[EMAIL|m.lavoie@cliniquesriveraine.ca]], that's riveraine, R I V E R A I N E.
00:41:39 Ben Sato: Got it. We'll send the data processing agreement by Friday, and the kickoff is tentatively December 9th at 10 Eastern.
00:41:47 Marguerite Lavoie: Perfect. Budget-wise we approved 48,000 for phase one.
### h17-060
Router support chat, the customer pasted their status page (OCR from a photo of the screen):

Model: HX-2200   Serial No. HX22O0-7741-0918
Firmware Version: V1.0.3.4 (build 20260914)
Hardware Version: 2.0
Uptime: 14 days 03:12:55
WAN Status: Connected   Link speed 940 Mbps
MAC (LAN): 9C-53-22-0F-A1-7E
DHCP Pool: 100 - 199   Lease 24 h
Connected clients: 17 (5 GHz: 11, 2.4 GHz: 6)

Agent: Thanks! You're two firmware versions behind, 1.0.5.1 fixes the dropouts you mentioned. Update takes about 4 minutes, don't unplug it.
