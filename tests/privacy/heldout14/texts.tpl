### h14-001
Can you turn this intake note into a clean SOAP summary? Keep the meds list as is.

NEW PATIENT INTAKE — Brookline Family Medicine
Visit date: 02/11/2025   MRN: 00482196   Acct #: 7731-0045
Patient: Delia Marchetti-Oyelaran   DOB: [[DATE_OF_BIRTH|03/14/1979]]   Age: 45   Sex: F
Home phone: [[PHONE|@@phone:p001a:US:f:nat:617@@]]   Cell: [[PHONE|@@phone:p001b:US:m:dots:857@@]]
Email: [[EMAIL|delia.m.oyelaran@quillmail.net]]
Insurance: Harborline PPO, member ID HLP448210937, group 00571
Emergency contact: Tomasz Oyelaran (husband), [[PHONE|@@phone:p001c:US:m:nat:781@@]]
CC: intermittent chest tightness x 3 weeks, worse climbing stairs.
Vitals: BP 138/86, HR 82, T 98.4 F, Wt 171 lb, Ht 5'6", SpO2 97% RA.
Meds: lisinopril 10 mg PO daily; atorvastatin 20 mg qHS; vitamin D3 2000 IU.
Allergies: penicillin (hives).
PMH: HTN dx 2019 (I10), hyperlipidemia (E78.5).
Plan: ECG today (CPT 93000), lipid panel, f/u in 2 wks. Referred to cardiology, NPI 1457392018.

### h14-002
Please summarise this de-identified intake note for the handover board, max five bullets.

INTAKE — Ward 4B, Bed 12
MRN: 00519377   Encounter: E-2025-118402   Admitted: 11/03/2025 21:40
Patient: [NAME REDACTED], DOB: [REDACTED], age 67, M
Presenting complaint: fall at home, L hip pain, unable to weight-bear.
Obs: BP 152/91, HR 96, RR 18, SpO2 95% on RA, temp 37.1 C, GCS 15, pain 7/10.
Bloods: Hb 118 g/L, WCC 11.2, CRP 24, eGFR 58, INR 1.1, Na 136, K 4.4.
X-ray: displaced intracapsular NOF fracture (S72.01). 
Meds on admission: apixaban 5 mg BD (last dose 08:00), metformin 500 mg BD, amlodipine 5 mg OD.
Wt 78 kg, Ht 174 cm, BMI 25.8.
Plan: NBM from 00:00, ortho review, hold apixaban, VTE assessment, theatre list 12/03 pm.
Family informed via the ward line; contact details are on the paper chart only.
Next of kin: daughter (see chart). Interpreter not required.

### h14-003
Rewrite this discharge summary in plain English for the patient's letter, please.

DISCHARGE SUMMARY — St Aldhelm's Hospital NHS Trust
Patient: Mr Callum Rhys Treharne, born [[DATE_OF_BIRTH|3rd March 1987]]
NHS No: 485 777 3456   Hospital No: K2290417
Admitted: 18 Jan 2025 via A&E   Discharged: 22 Jan 2025   Ward: Ash 3
Consultant: Dr P. Ngozi-Hart (GMC 7041128)
Diagnosis: community-acquired pneumonia, right lower lobe (J18.1). CURB-65 score 1.
Treatment: IV co-amoxiclav 1.2 g TDS for 48 h, stepped down to oral 625 mg TDS, 5 days total.
Discharge meds: co-amoxiclav 625 mg TDS until 25/01; paracetamol 1 g QDS PRN.
Follow-up: chest X-ray in 6 weeks at the outpatient department.
Patient's mobile (for the ward pharmacist callback): [[PHONE|@@phone:p003a:GB:m:nat@@]]
GP: Dr H. Abiodun, Riverside Surgery, practice code Y02291.
If symptoms worsen, call 111 or attend A&E.

### h14-004
Make this discharge summary shorter, it's for a GP practice newsletter example (fully anonymised).

DISCHARGE SUMMARY (sample) — Ward: Elm 2
Patient: XXXX XXXX   NHS No: ### ### ####   Age: 81
Admitted: 04 Feb 2025   Discharged: 11 Feb 2025 (7 nights)
Diagnosis: acute exacerbation of COPD (J44.1); GOLD stage 3.
Treatment: prednisolone 30 mg OD for 5 days, doxycycline 200 mg stat then 100 mg OD, nebulised salbutamol 2.5 mg QDS.
ABG on admission: pH 7.33, pCO2 6.9 kPa, pO2 7.8 kPa. Target sats 88-92%.
Discharge meds: Trimbow 87/5/9 mcg 2 puffs BD, salbutamol 100 mcg PRN, rescue pack issued.
Weight 61.4 kg, MUST score 1.
Follow-up: pulmonary rehab referral ref PR-2025-0417; respiratory nurse review within 2 weeks.
Smoking cessation: declined today, leaflet given.
NHS 111 is available 24 hours; in an emergency dial 999.

### h14-005
I need to reply to this claimant. Draft a polite acknowledgement that lists what's still missing.

From: Rosalind Achterberg <[[EMAIL|r.achterberg@fernhollow.org]]>
Subject: Claim HO-2025-0093317 — water damage, 41 Sycamore Ct
Policy no.: HPX-55-2091847-03   Date of loss: 08/17/2025   Deductible: $1,000

Hello, I filed online on Aug 19 but the portal timed out twice (login r.achterberg, password [[SECRET|Sycamore#41Ct!]], if your IT team wants to look). Details again:
Policyholder: Rosalind J. Achterberg, DOB [[DATE_OF_BIRTH|11/02/1963]]
Co-insured: Pieter Achterberg, DOB [[DATE_OF_BIRTH|06/30/1960]]
Best number: [[PHONE|@@phone:p005a:US:f:nat:614@@]] ext. 214 (office, weekdays), or my cell [[PHONE|@@phone:p005b:US:m:intl:380@@]]
Contractor estimate EST-7741 attached: $14,382.60 (drywall, flooring, dehumidifier rental 5 days).
Plumber invoice #20931 dated 08/18/2025: $612.00, paid by check #1187.
The adjuster's ticket says ZIP 43214, that's correct.
Please don't call the landline after 6 pm. Thank you, Rosalind

### h14-006
Summarise the status of this claim for my manager in three lines.

CLAIM STATUS REPORT
Claim #: AUT-24-7781920   Policy: PAP 6620418-01   Line: Personal Auto
Loss date: 03/02/2025   Reported: 03/03/2025   Adjuster ID: ADJ-4471
Vehicle: 2019 Honda CR-V, VIN on file (last 6: 401187), plate recorded in file.
Coverage: collision, $500 deductible; rental reimbursement $40/day up to 30 days.
Estimate: $6,214.33 (body shop RO# 558812); supplement 1: $842.10 pending.
Rental: 12 days used, $480.00 paid.
Liability: 100% other party; subrogation file SUB-2025-0310 opened.
Claimant contact preference: portal messages only.
Payments: ACH #0009917 $5,714.33 issued 03/21/2025 (deductible withheld).
Reserve remaining: $1,342.10.
Questions? Claims line 1-800-555-0199, Mon-Fri 8-8 ET (TTY 711).

### h14-007
Can you help me write a dispute letter to my bank? Here is what I have so far:

To: Card Disputes, Meridian Federal Credit Union
Re: unauthorized charges on my Visa Signature card

Card number: [[CREDIT_CARD|@@card:c007:visa:spaced@@]]   exp 09/27   CVV on back
Statement period: 06/01/2025 – 06/30/2025   Member #: 00218847
I do not recognize these transactions:
  06/14  STREAMFLIX*PREMIUM  800-431-2207 CA    $22.99
  06/14  PXL*GAMESHOP 2219                      $149.00
  06/15  PXL*GAMESHOP 2219                      $149.00
Total disputed: $320.99. My card never left my wallet; I was in Tucson (ZIP 85719) that week.
I reported it by phone on 06/16 (reference DSP-0616-4420) and the card ending 4421 was already replaced.
You can reach me at [[PHONE|@@phone:p007a:US:m:nat:520@@]] or [[EMAIL|hal.ferreira.tucson@postbox.io]].
Signed, Halvard Ferreira

### h14-008
What's my total interest for this cycle and how much do I need to pay to avoid more? Statement below.

CARDMEMBER STATEMENT — Northgate Rewards Mastercard
Account ending 7735   Statement closing date: 07/22/2025   Payment due: 08/18/2025
Previous balance $1,842.16 | Payments -$600.00 | Purchases +$913.47 | Interest +$31.88 | Fees $0.00
New balance: $2,187.51   Minimum payment due: $55.00
Credit limit $8,000   Available credit $5,812.49   APR purchases 24.99% (v)
Transactions
 07/02 TRADER JOE'S #512 SEATTLE WA          84.12
 07/05 SHELL OIL 57444123 SEATTLE WA          61.30
 07/09 PAYMENT THANK YOU                    -600.00
 07/11 AMAZON MKTPL*2K4R19 AMZN.COM/BILL      212.45
 07/18 DELTA 0062345118873 ATLANTA            555.60
Rewards: 1,842 points earned; balance 14,220.
Routing for payments by check: P.O. Box 6540, Sioux Falls SD 57117-6540.
Customer service 1-877-555-0142. Card ending **** 7735.

### h14-009
Check this personal loan application for missing fields before I send it to the credit union.

PERSONAL LOAN APPLICATION — Lee Valley Credit Union
Applicant: Siobhán Ní Dhuibhir   Date of birth: [[DATE_OF_BIRTH|21/07/1991]]
Address: 14 Carrigrohane Rd, Cork T12 XK7P   Years at address: 4
PPSN: supplied separately (not in this email)
Mobile: [[PHONE|@@phone:p009a:IE:m:nat@@]]   Email: [[EMAIL|siobhan.nidhuibhir@corkmail.ie]]
Employer: Ballincollig Dental Practice, hygienist since 03/2019, gross €48,500 p.a.
Loan amount: €12,000 over 60 months, purpose: car (2021 Toyota Yaris Hybrid, 211-C-48213)
Existing loans: none. Credit card limit €2,500 (balance €310).
Salary paid into: [[IBAN|@@iban:i009:IE:spaced:AIBK@@]]
Member no. 30117   Share balance €3,140.55
Rent: €1,350/month. Dependants: 0.
Declaration signed 02/09/2025.

### h14-010
Explain in plain terms what this loan offer means and whether the APR looks normal.

LOAN OFFER — Lee Valley Credit Union
Member no. 28846   Application ref. LV-PL-2025-00718   Offer date: 14/08/2025
Amount approved: €9,000   Term: 48 months   Rate: 8.5% variable   APR 8.84%
Monthly repayment: €221.83 (first repayment 01/10/2025)
Total amount repayable: €10,647.84   Total cost of credit: €1,647.84
Loan protection insurance included at no direct cost to members aged 18-84.
Repayments by standing order from your current account (BIC AIBKIE2D) or by deduction at source.
Warning: if you do not meet the repayments on your loan, your account will go into arrears.
This offer is valid for 30 days. Credit union office hours Mon-Fri 10:00-16:00.
Central Bank of Ireland registration no. C14293. Reg. office: 3 Main St, Ballincollig, Co. Cork, P31 TX96.
### h14-011
Agent asked me to send this rental application again as text. Can you tidy the formatting?

RENTAL APPLICATION — 3/27 Wattle Grove, Brunswick East VIC 3057
Rent: $620 per week   Bond: $2,480   Lease start: 15/03/2025, 12 months
Applicant 1: Jarrah Whitcombe-Liu, D.O.B [[DATE_OF_BIRTH|14.03.93]]
Mobile: [[PHONE|@@phone:p011a:AU:m:nat@@]]   Email: [[EMAIL|jarrah.wl@southerly.com.au]]
Driver licence: VIC 048 112 937 (card no. P7730221)
Employer: Merri Creek Architects, graduate architect, $86,000 p.a. (payslips attached)
Applicant 2: Anneliese Vos, born [[DATE_OF_BIRTH|2 November 1994]]
Mobile: [[PHONE|@@phone:p011b:AU:m:intl@@]]
Current landlord: Coburg Realty, property manager Deb Kallis, [[PHONE|@@phone:p011c:AU:f:nat:3@@]]
Current rent: $540/week since 01/2022, no arrears (rental ledger attached).
Pets: one desexed cat (microchip 956000012345678).
Holding deposit: one week's rent, receipt no. HD-55120.
Please contact us between 9 am and 5 pm AEST.

### h14-012
Turn this rental checklist into a short email I can send to applicants.

APPLICATION CHECKLIST — Coburg Realty (licence no. 071122)
Property ID: CR-2025-0448   Inspection: Sat 22/02/2025, 10:15-10:30
Please provide:
 - 100 points of ID (passport, driver licence, Medicare card — cover the card number)
 - Last 3 payslips or 6 months of bank statements (mask account numbers, BSB ok)
 - Rental ledger from your current agent, last 12 months
 - Two references (names only; we will ask you for contact details later)
Income guideline: weekly rent should not exceed 30% of gross income; e.g. $620 pw needs ~$2,067 pw.
Bond is 4 weeks' rent, lodged with the RTBA within 10 business days.
We never ask for bank transfer of the holding deposit by SMS. Our trust account BSB is 063-182.
Office: Level 1, 410 Sydney Rd, Coburg VIC 3058. Phone 1300 555 819.
ABN 53 004 085 616.

### h14-013
Proofread this offer letter and fix the tone, it sounds too stiff.

Private & Confidential
Ms Imogen Castellane-Pryce
7 Lime Kiln Lane, Frome BA11 2RT

Dear Imogen,
Offer of employment — Senior Bookkeeper (ref. HR/OF/2025/117)
We are delighted to offer you the position at Tallowbridge Accounting Ltd, starting Monday 6 October 2025, salary £41,500 per annum, 25 days' holiday plus bank holidays.
For payroll set-up, please confirm the details you gave at interview:
 Date of birth: [[DATE_OF_BIRTH|19/08/1990]]
 Personal email: [[EMAIL|imogen.cp@wrenfield.co.uk]]
 Mobile: [[PHONE|@@phone:p013a:GB:m:intl@@]]
 Bank account for salary: [[IBAN|@@iban:i013:GB:plain:NWBK@@]] (please also confirm the account name)
 NI number: please bring your card on day one.
Your line manager will be Graham Oduya. Probation is six months, notice one month.
Please sign and return by 19 September 2025.
Yours sincerely,
Pauline Hartigan, HR Manager, Tallowbridge Accounting Ltd (Company No. 08817342, VAT GB 294 6317 52)

### h14-014
Can you shorten this offer letter template and keep the placeholders as they are?

[Company letterhead]
Dear {{candidate_first_name}},
We are pleased to offer you the role of {{job_title}} at {{company_name}}, reporting to {{manager_name}}, starting on {{start_date}}.
Salary: £{{salary}} per annum, paid monthly on the 28th by BACS. Pension: auto-enrolment, 5% employee / 3% employer.
Hours: 37.5 per week, Mon-Fri 09:00-17:30. Holiday: 25 days + 8 bank holidays.
Probation: 6 months. Notice: 1 week during probation, 1 month thereafter.
This offer is conditional on two satisfactory references, proof of right to work and a basic DBS check (fee £18 paid by us).
Please return the signed copy by {{reply_by}}. On your first day bring your P45, NI number and bank details; do not email bank details.
Kind regards,
{{hr_signatory}}
Registered in England & Wales No. 08817342. ICO registration ZA104512.

### h14-015
Please check this separation letter for anything legally risky. Don't change the numbers.

Dear Mr. Okonkwo-Bell,
This letter confirms that your employment with Cask & Cooper Distributors, Inc. ends effective Friday, May 16, 2025 (position eliminated, reduction in force RIF-2025-04).
Final pay: through 05/16/2025 including 37.5 accrued PTO hours, paid on 05/23/2025 by direct deposit.
Severance: 6 weeks' base pay ($11,538.46) subject to signing the enclosed release within 45 days.
COBRA: notice will be mailed by our administrator within 14 days; coverage through 05/31/2025.
Your W-2 will go to the address on file. Please verify the SSN we have: [[US_SSN|@@ssn:s015@@]]. If incorrect, call HR.
Former-employee portal (pay stubs, W-2): log in as d.okonkwobell with temporary password [[SECRET|Cask!Fern2291]], you will be asked to change it.
Return of company property (laptop asset tag CC-LT-0917, badge #4410) by 05/20/2025.
HR contact: Marisol Ybarra, [[PHONE|@@phone:p015a:US:f:nat:502@@]] x3107, [[EMAIL|mybarra@caskcooper.com]]
Sincerely, Human Resources

### h14-016
Rewrite this termination letter template so it's kinder, keep the legal bits.

Dear [Employee Name],
This letter confirms that your employment with [Company] will end on [Separation Date].
Reason: [position eliminated / end of contract / other].
Final paycheck: includes wages through [date] and accrued, unused PTO per policy HR-214 (max 120 hours).
Benefits: medical coverage ends on the last day of the month of separation; COBRA information follows from our administrator.
401(k): your vested balance remains in the plan; contact the plan administrator (plan no. 003).
Please return all company property (laptop, badge, corporate card — card ending ____) by [date].
Your W-2 for the current tax year will be mailed in January to your address on file; we will never ask you to send your SSN by email.
Portal access ends 90 days after separation. Password resets: use "Forgot password" on the login page; HR cannot see or send passwords.
Questions: Employee Service Center, 1-888-555-0176, option 2.
Sincerely, [HR Representative]

### h14-017
Polish this reference letter, I'm not a native English writer.

To whom it may concern,
I am writing to recommend Ms Lerato Mokoena-Fitch, who worked as an administrative officer in our Durban office from 1 February 2019 until 31 July 2024.
Lerato managed our debtors ledger (about R2.4 million per month), coordinated 40+ client files and trained three juniors. She was never late and took only 6 sick days in five years.
Her staff number was EMP-00419 and her final salary R27,800 per month.
I would hire her again without hesitation.
If you need more, you can phone me on [[PHONE|@@phone:p017a:ZA:m:nat@@]] or at the office on [[PHONE|@@phone:p017b:ZA:f:intl:31@@]], or email [[EMAIL|thabo.naidoo@umhlanga-logistics.co.za]].
Kind regards,
Thabo Naidoo, Operations Manager
Umhlanga Logistics (Pty) Ltd, Reg. No. 2011/004512/07, VAT 4410263187
B-BBEE Level 2 contributor

### h14-018
Can you make this reference template more formal?

Reference for: [Employee]
Position held: Warehouse Supervisor     Period: [start] to [end]
Reason for leaving: relocation
Performance: consistently met targets; led a team of 12; reduced picking errors from 2.1% to 0.6% over 18 months.
Attendance: good (fewer than 5 unplanned absences per year).
Disciplinary record: none.
Would re-employ: yes.
This reference is given in confidence and without liability. For verification, contact HR through the switchboard 0860 555 014 and quote reference REF-2024-0388.
Company reg. 2011/004512/07, VAT 4410263187. POPIA notice: we keep references for 24 months.
Signed: HR Department, 14 October 2024

### h14-019
Fill-in check: is anything missing from this kindergarten registration before I hand it in?

STUDENT REGISTRATION FORM — Maplewood Public School (TDSB), 2025-2026
Student legal name: Amara Theodora Kowalczyk-Baptiste
Date of birth (YYYY-MM-DD): [[DATE_OF_BIRTH|2020-09-27]]   Grade: JK   OEN: to be assigned
Language spoken at home: English, Polish   Health card: on file (version code ZK)
Parent/guardian 1: Marta Kowalczyk — cell [[PHONE|@@phone:p019a:CA:m:nat:416@@]], work [[PHONE|@@phone:p019b:CA:f:nat:647@@]] ext. 55
Email: [[EMAIL|marta.kowalczyk@lakeshoremail.ca]]
Parent/guardian 2: Jean-Luc Baptiste — cell [[PHONE|@@phone:p019c:CA:m:intl:437@@]]
Address: 88 Wendover Ave, Toronto ON M6S 2J4
Allergies: tree nuts (EpiPen 0.15 mg, expires 11/2026)
Before/after care: yes, Mon-Fri 7:30-6:00.
Emergency contact (not a parent): Zofia Nowicka, grandmother.
Proof of address: Toronto Hydro bill dated 2025-01-14, account 4471-0093-21.

### h14-020
Translate this school notice to Polish for the parents' WhatsApp group.

Maplewood Public School — Kindergarten registration 2025-2026
Registration week: February 3-7, 2025, 9:00 a.m. to 3:00 p.m., main office (Room 104).
Children born in 2020 may start Junior Kindergarten (JK); children born in 2019 start Senior Kindergarten (SK).
Bring: proof of age (birth certificate or passport), proof of address (two documents dated within 3 months), immunization record.
Do not email copies of documents; we scan them at the office and return the originals.
Before- and after-school care is run by Westside Kids Club, licence #11240; fees $27.50/day, subsidy available.
Bus eligibility: students living more than 1.6 km from the school.
Questions: TDSB Enrolment Line 1-888-555-0138 or the school website.
School number 4410, Ward 7. Trustee meeting: Wednesday, January 22, 7:00 p.m.
### h14-021
Summarize this letter from the law firm and tell me what I have to do and by when.

HOLLOWAY & PRADESH LLP — Attorneys at Law
1200 Commerce St, Suite 900, Dallas, TX 75202
August 4, 2025
RE: Estate of Gerald W. Vantongeren, Cause No. PR-24-01877-2, Probate Court No. 3, Dallas County
Dear Ms. Vantongeren-Ruiz,
As independent executor you must file the inventory, appraisement and list of claims within 90 days of qualification (deadline: September 15, 2025).
To request the decedent's final tax transcript we need Form 56 signed by you and the following, which we have from the death certificate:
 Decedent SSN: [[US_SSN|@@ssn:s021a@@]]   Date of birth: [[DATE_OF_BIRTH|January 9, 1941]]
 Date of death: 03/28/2025
Your own SSN is also required on Form 56: [[US_SSN|@@ssn:s021b:spaced@@]] (from your intake sheet; please confirm).
Fees to date: $3,850.00 (invoice 24-1187). Court costs advanced: $341.00.
Please call our paralegal, Renata Solis, at [[PHONE|@@phone:p021a:US:f:nat:214@@]], ext. 2240.
Very truly yours, D. Holloway, State Bar No. 24061183

### h14-022
Explain what this court notice means, I'm not a lawyer.

IN THE COUNTY COURT AT LAW NO. 2, TRAVIS COUNTY, TEXAS
Cause No. C-1-CV-25-004417
NOTICE OF HEARING
The Motion for Summary Judgment filed on 06/02/2025 by Plaintiff Lakeline Supply Co. is set for hearing on July 21, 2025 at 9:00 a.m. in Courtroom 4B, 1700 Guadalupe St, Austin, TX 78701.
Responses are due no later than 7 days before the hearing (Tex. R. Civ. P. 166a(c)).
Amount in controversy: $48,210.77 plus pre-judgment interest at 8.5%.
Attorney for Plaintiff: M. Aranda, State Bar No. 24089915.
Remote appearance by Zoom: meeting ID 941 5583 2210, passcode published on the court's website.
Self-represented litigants may contact the Law Library at 1-800-555-0117 or visit Room 2.304.
Signed 06/10/2025. Clerk: Corliss N. Varga, by deputy S. Okafor.

### h14-023
Please convert this booking confirmation into a simple itinerary table.

BOOKING CONFIRMED — SkyTrail Travels Pvt Ltd
Booking ID: STT-9920417736   PNR: K7QW3M   Booked on: 12-Jan-2025 22:41 IST
Passenger 1: Mr Arjun Venkataraman (Adult, 34)   Passenger 2: Mrs Kavya Venkataraman (Adult, 31)
Flight 6E 2137  BLR 06:05 -> DEL 08:55   Sat 15-Feb-2025   Seats 14A, 14B
Flight AI 2812  DEL 19:30 -> BLR 22:20   Wed 19-Feb-2025   Seats 22C, 22D
Hotel: The Lodhi Grove, Deluxe room, 4 nights, conf. no. LG-558120
Contact mobile: [[PHONE|@@phone:p023a:IN:m:intl@@]]   Alt: [[PHONE|@@phone:p023b:IN:m:nat@@]]
Email: [[EMAIL|arjun.venkat88@inboxly.in]]
Paid by card: [[CREDIT_CARD|@@card:c023:mc@@]] (exp 04/28)   Amount: ₹48,716.00 incl. GST ₹2,319.81
GSTIN of agency: 29AABCS1429B1ZB
Cancellation: ₹3,500 per passenger per sector + fare difference.
Web check-in opens 48 hours before departure.

### h14-024
Which of these trains is fastest? I'm travelling with my parents (ages 63 and 58).

IRCTC search results, Sat 08-Mar-2025, MAS (Chennai Central) -> SBC (KSR Bengaluru)
12007 Shatabdi Exp   dep 06:00  arr 10:55  4h55m  CC ₹1,115  EC ₹2,215  avail 48
12027 Shatabdi Exp   dep 17:30  arr 22:25  4h55m  CC ₹1,115  EC ₹2,215  WL 12
12609 Chennai-Bangalore SF  dep 13:35  arr 19:55  6h20m  2S ₹165  CC ₹600   avail 102
22625 Double Decker  dep 07:25  arr 13:30  6h05m  CC ₹720  avail 3
12639 Brindavan Exp  dep 07:40  arr 13:45  6h05m  SL ₹240  3A ₹640  RAC 4
Senior citizen concession is not currently available. Tatkal opens 10:00 (AC) / 11:00 (non-AC) one day before.
Sample PNR format for reference: 10 digits, e.g. 4123456789. Railway enquiry 139.
Booking user ID: ****kumar   Master list passengers: 2 (ages 63, 58).

### h14-025
My energy bill jumped. Can you check the maths? I've pasted the bill and my account notes.

Brightwater Energy — Electricity statement
Account no. 8204 1177 35   Bill date 03 Feb 2025   Period 01 Jan – 31 Jan 2025
MPAN 19 1200 0234 5678 9012   Meter serial 21L4471902
Opening read 48213 (E)   Closing read 48702 (A)   Units 489 kWh
Unit rate 24.86p/kWh = £121.57   Standing charge 60.97p x 31 days = £18.90
VAT 5% = £7.02   Total this period £147.49   Previous balance £0.00
Direct Debit £96.00 on 14 Feb from sort code 20-44-91, account ending 0317
Tariff: Flex Variable, exit fees none. Tariff ends: n/a.

My notes: online account login is my email [[EMAIL|nadia.quarshie@thornbury-mail.co.uk]], password [[SECRET|Kettle&Moss_1984]] (yes I know, I'll change it). They texted me on [[PHONE|@@phone:p025a:GB:m:nat@@]] to say the reading was estimated but the closing read is actually (A)? Postcode BS35 2QP.

### h14-026
Explain the difference between these two tariffs for a household using 2,700 kWh a year.

Tariff comparison (illustrative), prices including 5% VAT, region: South West (14)
Flex Variable: unit rate 24.86p/kWh, standing charge 60.97p/day, no exit fee.
Fix 12 v3: unit rate 23.10p/kWh, standing charge 58.44p/day, exit fee £50 per fuel, ends 31/03/2026.
Annual estimate at 2,700 kWh: Flex £893.77; Fix 12 £837.01.
Ofgem price cap period 1 January – 31 March 2025: 24.86p/kWh, 60.97p/day (direct debit).
Priority Services Register available for customers over 65 or with medical needs.
Meter types supported: SMETS2; Economy 7 rates on request.
Switching takes up to 5 working days; your MPAN (21 digits, starting with 19) and a meter read are all we need.
Supplier licence no. 1172, Ofgem ID BWE-0042. Customer services 0800 555 0193 (free), 8am-8pm Mon-Fri.
Quote ref. QT-77102-SW, valid until 28/02/2025.

### h14-027
This came in through our website form. Can you classify it (sales / support / spam) and draft a reply?

New submission: "Request a quote" (form id 7, entry #18842)
first_name: Benedikt
last_name: Solvang-Harris
company: Northfork Cabinetry LLC
email: [[EMAIL|ben@northforkcabinetry.com]]
phone: [[PHONE|@@phone:p027a:US:f:intl:406@@]]
zip: 59718
budget: $25k–$50k
project_type: kitchen + 2 bathrooms
preferred_contact_time: afternoons (MT)
message: Saw your booth at the Bozeman home show (booth 112). Need a quote for walnut cabinets, about 32 linear ft. Timeline: install before 11/15.
consent_marketing: no
---
submitted_at: 2025-04-09 14:22:07 -0600
ip: [[IP_ADDRESS|174.45.118.209]]
user_agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15
referrer: https://www.google.com/
form_version: 3.4.12   spam_score: 0.07

### h14-028
Here's the field list for our new contact form. Suggest validation rules for each field.

form: contact_us (v2.1.0)
fields:
  name:        text, required, max 80
  email:       email, required — placeholder "name@example.com"
  phone:       tel, optional — placeholder "(555) 555-0100", strip spaces/dashes
  order_number: text, optional, pattern ^ORD-\d{8}$ (e.g. ORD-00418823)
  topic:       select [billing, shipping, returns, other]
  message:     textarea, required, 20–2000 chars
  attachment:  file, optional, pdf/jpg/png, max 5 MB
hidden:
  submitted_at: ISO 8601 timestamp
  ip: stored as /24 only (e.g. "anonymised to x.x.x.0")
  recaptcha_score: float 0.0–1.0, reject < 0.3
storage: 180 days, then deleted (retention policy DP-07)
Our support hours: 8:00–17:00 CT, phone support on 1-800-555-0161.

### h14-029
Make this complaint email firmer but still polite:

Subject: Charged twice for order #OD-5581720 — 3rd attempt to resolve

Hi Customer Care,
On March 2 I ordered a standing desk (SKU DSK-48-WAL, $489.00 + $39.00 shipping). Your checkout crashed, and I was charged twice on my card [[CREDIT_CARD|@@card:c029:mc:dashed@@]], exp 11/26. The second charge (auth code 0A77F2) has not been reversed after 19 days.
I chatted with "Kyle" on 03/05 (chat ref CH-220913) and called on 03/12 (ticket 88123410). Both times I was told 5-7 business days.
I have attached the bank statement showing both $528.00 debits on 03/02/2025 at 14:16 and 14:17.
Please refund the duplicate charge and confirm in writing to [[EMAIL|priya.raghunathan.home@kestrelnet.com]]. You can also text me at [[PHONE|@@phone:p029a:US:m:dots:773@@]].
If I don't hear back by March 28 I will file a dispute with my bank.
Priya Raghunathan
Chicago, IL 60614

### h14-030
Draft a response to this customer complaint on behalf of our support team.

Subject: Late delivery, order #OD-5519043
Your "guaranteed by Friday" delivery arrived on Tuesday. The box was crushed and one table leg (part no. TL-28-OAK) is cracked. Tracking number 1Z 999 AA1 01 2345 6784 shows it sat in Memphis for three days.
I paid $27.99 for expedited shipping (order total $644.98). I would like the shipping refunded and a replacement leg sent. I don't want to return the whole table, it took 2 hours to assemble.
Photos attached (IMG_4471.jpg, IMG_4472.jpg). I am available for delivery any weekday after 3:30 pm.
Customer account: cust-0082291 (loyalty tier Silver). Payment: Visa ending 1187.
Thanks,
A frustrated but loyal customer (5 orders since 2021)
### h14-031
Summarize these call notes into a case summary for the fraud team.

CALL LOG — Member Services, Case 2025-031-44817
10:02  Inbound call from [[PHONE|@@phone:p031a:US:m:e164:305@@]] (ANI matches profile). Caller: Yolanda Brisbane-Reyes.
10:03  ID&V: full name OK, DOB given as [[DATE_OF_BIRTH|July 4th, 1958]] OK, last 4 SSN 7719 OK, zip 33156 OK.
10:05  Member reports text from "the bank" asking her to confirm a $1,240.00 Zelle payment; she replied NO and then got a call from 1-800 number spoofing us. She gave them the one-time code 448120 (expired).
10:09  Reviewed acct ending 3302: pending Zelle $1,240.00 to "M. Castell" 03/11 09:51, blocked by rule ZL-7.
10:11  Card ending 9014 closed, reissue ordered (5-7 days, $0 fee). Online banking password reset forced.
10:14  Updated contact email to [[EMAIL|ybrisbanereyes@coralwave.net]] at member's request; old one flagged as compromised.
10:16  Advised member: we never ask for codes by phone. Offered Identity Theft Kit; mailed.
10:18  Callback number confirmed: [[PHONE|@@phone:p031b:US:f:nat:786@@]] (home). Ticket escalated FRD-Tier2, SLA 24h.
Agent: K. Musa (ID 55210)

### h14-032
Turn these call-centre notes into a weekly KPI summary paragraph.

Week 14 (31 Mar – 6 Apr 2025) — Tier-1 Billing Queue
Calls offered: 4,318 | Answered: 4,102 (95.0%) | Abandoned: 216 (5.0%)
ASA: 00:01:42 (target 00:02:00) | AHT: 00:06:31 | After-call work: 00:00:58
FCR: 78.4% | CSAT: 4.41/5 (n=612) | NPS: +31
Top reasons: bill explanation 27%, payment arrangement 19%, autopay setup 11%, card update 9%, dispute 6%.
Escalations: 143 (3.3%), of which 22 to fraud.
Staffing: 41 FTE scheduled, 37.5 FTE actual, shrinkage 31%.
Notable: IVR outage Tue 01/04 13:10–13:55 (INC-0044718). Outbound callback campaign CB-2025-14 reached 1,208 customers.
Verification failures: 87 callers failed ID&V (DOB/last-4 mismatch), all routed to branch verification.
QA sample: 120 calls scored, average 91.2%.

### h14-033
Rewrite this incident report for the insurer, neutral tone, keep times exact.

INCIDENT REPORT — Retail loss, Store 0417 (Leeds Kirkgate)
Crime ref: 13250118842 (West Yorkshire Police)   Incident log: 0611 of 14/02/2025
Date/time: Fri 14/02/2025, 16:42–16:47
Reported by: duty manager Aoife Brennan-Shaw
Description: two males removed 9 x cordless drills (SKU 550-117, £129.00 each, £1,161.00 total) from aisle 12 and left via fire exit 3. Alarm activated 16:46.
Suspect vehicle: silver Ford Focus, partial reg "YF19 ...", headed east on Vicar Lane.
Witness 1: Mr Daniel Osei-Lindqvist, DOB [[DATE_OF_BIRTH|22/11/1979]], mobile [[PHONE|@@phone:p033a:GB:m:nat@@]], email [[EMAIL|d.oseilindqvist@pennineweb.co.uk]]
Witness 2: Ms Harriet Cole (staff no. 77312), desk phone [[PHONE|@@phone:p033b:GB:f:nat:113@@]]
CCTV: cameras 4, 7, 11 retained on DVR for 90 days, export ref CCTV-0417-0214.
PC 4471 Fairbairn attended 17:20. Reference to quote to insurer: 13250118842.

### h14-034
Summarise the key facts from this anonymised incident report.

INCIDENT REPORT (training example) — Workplace injury
Site: Distribution Centre 3, Bay 22   Report no.: HS-2024-0193   RIDDOR: not reportable
Date/time: 09/10/2024 at 06:15, early shift (06:00–14:00)
Injured person: Employee A, age 29, picker, employed 14 months.
What happened: slipped on shrink-wrap near conveyor C-7 while carrying a 12 kg tote; fell onto left wrist.
First aid: ice pack and splint by first-aider B at 06:20; taken to A&E by taxi at 06:40.
Outcome: hairline fracture of the left radius; 3 weeks of light duties.
Root cause: waste bin B-14 overflowing; housekeeping check at 05:45 missed.
Actions: bins emptied every 2 hours (owner: shift lead, due 16/10/2024); anti-slip matting in Bay 22 (PO 4500917233, £486.40).
Near misses in the same area this quarter: 3.
Signed: H&S Advisor, 11/10/2024.

### h14-035
Check this mail-order pharmacy form for errors before I fax it.

RX MAIL ORDER FORM — CareWay Home Pharmacy
Patient: Orville T. Pemberton   Date of birth: [[DATE_OF_BIRTH|10/21/1949]]   Sex: M
Ship to: 4470 Larkspur Dr, Boise ID 83704   Phone: [[PHONE|@@phone:p035a:US:f:nat:208@@]]
Rx plan: MedPartD-Silver, BIN 610014, PCN 9999, Group RX4471, member ID W8821104905
Allergies: sulfa drugs
Medications:
 1. metoprolol succinate ER 50 mg, #90, 1 tab daily, refills 3 (Rx 7104482)
 2. apixaban 5 mg, #180, 1 tab BID (Rx 7104483)
 3. levothyroxine 75 mcg, #90, 1 tab daily before breakfast (Rx 7104484)
Prescriber: Dr. Annika Ruelas, NPI 1982736450, DEA BR4417326, office fax on file
Payment for copays: [[CREDIT_CARD|@@card:c035:disc@@]] exp 02/29, CVV 731, billing ZIP 83704
Ship by: standard (free), signature not required.
Caregiver to notify: daughter Lynette, [[PHONE|@@phone:p035b:US:m:nat:208@@]]

### h14-036
Can you make a clear daily schedule from this prescription list for my dad (age 81)?

1) Metformin 500 mg — 1 tablet twice a day with breakfast and dinner (#180, Rx 6632019)
2) Lisinopril 20 mg — 1 tablet every morning (#90)
3) Atorvastatin 40 mg — 1 tablet at bedtime (#90)
4) Aspirin 81 mg — 1 tablet daily with food (OTC)
5) Tamsulosin 0.4 mg — 1 capsule 30 minutes after the same meal each day
6) Vitamin B12 1000 mcg — once daily
Blood sugar log last week: fasting 6.8–7.9 mmol/L (122–142 mg/dL); HbA1c 7.1% (54 mmol/mol) on 14/03.
BP home readings: 128/78, 134/82, 131/79.
Pharmacy refill dates: 04/02 and 05/02; pharmacy NCPDP 0543318, store #2291.
Insurance BIN 610014 / PCN 9999 printed on his card.
Pharmacist line: 1-800-555-0150 (24/7).

### h14-037
Gym sent this back saying the form is incomplete. What did I miss?

MEMBERSHIP APPLICATION — Ironbark Fitness Club, Fortitude Valley QLD 4006
Membership: 12-month Flexi, $21.95/week, joining fee $49 (waived, promo code SPRING25)
Member: Callum Tuipulotu   Date of birth: [[DATE_OF_BIRTH|08/05/1996]]   Age 28
Mobile: [[PHONE|@@phone:p037a:AU:m:intl@@]]   Email: [[EMAIL|callum.tuipulotu@reefline.net.au]]
Address: 12/55 Brunswick St, Fortitude Valley QLD 4006
Emergency contact: Mele Tuipulotu, [[PHONE|@@phone:p037b:AU:m:nat@@]]
Health questionnaire (PAR-Q): Q1–Q7 all "no"; old ACL reconstruction 2019 (cleared by physio).
Fortnightly direct debit from: BSB 084-004, account 53 770 1182 (Ezidebit ref EZ-778120)
Card for casual top-ups: [[CREDIT_CARD|@@card:c037:visa@@]], expiry 07/28
Access tag no.: 0004418273   Locker: 112
Signed: C. Tuipulotu, 03/09/2024 — witness: staff member 0418 (front desk)

### h14-038
Summarise the cancellation terms in this gym contract in plain language.

Ironbark Fitness Club — Membership Terms (version 4.2, effective 01/07/2024)
1. Minimum term: 12 months. After the minimum term, membership continues fortnightly until cancelled.
2. Cancellation within the minimum term: payout fee of $199 or 50% of the remaining fees, whichever is lower.
3. Notice: 14 days' written notice via the member portal or at reception. We do not accept cancellations by phone.
4. Suspension: up to 8 weeks per year at $2.50/week; medical suspension free with a certificate.
5. Failed payments: $9.90 dishonour fee (Ezidebit), access suspended after 2 failed debits.
6. Price changes: 30 days' notice; weekly fee will not rise more than 5% in any 12-month period.
7. Members under 16 must be accompanied; members aged 16–17 need a guardian's signature.
8. Lost access tag: $15 replacement.
ABN 71 123 456 789. Member enquiries 1300 555 274, Mon–Fri 6am–8pm AEST.

### h14-039
Improve my CV summary and bullet points, keep it one page. Here it is:

MEGHNA SUBRAMANIAM
Chartered Accountant | Pune, Maharashtra 411045
Email: [[EMAIL|meghna.subramaniam.ca@mailbox.co.in]] | Mobile: [[PHONE|@@phone:p039a:IN:m:intl@@]] | linkedin.com/in/meghna-s-ca
Date of Birth: [[DATE_OF_BIRTH|14-Aug-1995]] | Nationality: Indian | Languages: English, Hindi, Tamil, Marathi
PROFILE: CA (ICAI membership no. 198847) with 6 years in statutory audit and GST compliance.
EXPERIENCE
 Deputy Manager, Audit — Khandelwal Shroff & Co. (2021–present)
  - Led audits of 14 mid-size clients (turnover ₹50–400 crore); cut closing time by 9 days.
  - Filed 220+ GSTR-9/9C returns; resolved 31 notices with ₹2.7 crore in demand dropped.
 Audit Associate — R. Patil & Associates (2018–2021)
EDUCATION: CA Final (Nov 2018, AIR 41); B.Com, Symbiosis College, 2015 (82.4%)
SKILLS: Tally Prime, SAP FICO, Excel (Power Query), Ind AS 115/116
References available on request.

### h14-040
Rewrite this anonymised CV so it fits a data-analyst job ad. Keep the numbers.

[CANDIDATE 17] — Data Analyst, Bengaluru (contact details removed by the agency)
Experience: 4 yrs 7 months
 - Swiggy-style food delivery startup (2022–present): built demand-forecast dashboards in Power BI for 38 cities; MAPE down from 21% to 12%.
 - Retail chain (2020–2022): SQL (PostgreSQL 14) reporting for 412 stores; automated 60 weekly reports, saving ~25 hours/week.
Education: B.Tech (ECE), 2020, CGPA 8.42/10.
Certifications: Google Data Analytics (2021), Microsoft PL-300 (credential ID 9F2A-771C).
Tools: Python 3.11 (pandas 2.2, scikit-learn 1.4), SQL, Power BI, Airflow 2.8, dbt 1.7.
Notice period: 30 days. Current CTC ₹14.5 LPA; expected ₹19–21 LPA.
Agency ref: TAL-BLR-2025-0917. To contact the candidate, reply to the agency thread; do not ask the candidate for phone numbers directly.
### h14-041
Our office manager wrote this welcome letter for a new hire. Can you make it friendlier?

Welcome to Pellmore Veterinary Group, Tomás!
Start date: Monday 2 June 2025, 8:30 am, Clifton branch (ask for Gwen at reception).
Your accounts:
 - Windows / email: [[EMAIL|tomas.arriaga@pellmorevets.co.uk]], temporary password [[SECRET|Pellmore-Juniper-48]] (change at first login)
 - PracticeHub (clinical records): username tarriaga, PIN set on day one
 - VPN for out-of-hours cover: server [[IP_ADDRESS|81.174.233.19]], pre-shared key [[SECRET|vT7q-Lm2x-Rr9k-Wd4e]]
 - Lab ordering API for the Bristol lab (if you use the spreadsheet): key [[SECRET|@@hex:k041:40@@]]
Uniform: 3 sets of scrubs, size M. Locker 27.
Payroll: the 25th of each month; send your P45 to payroll@ (not bank details by email).
Parking permit: vehicle reg required, £0 for staff.
Any IT issues: Gwen Aldous, [[PHONE|@@phone:p041a:GB:f:nat:117@@]] ext 201.
See you soon!

### h14-042
Tidy up this IT onboarding checklist; it's for our new-starter pack.

IT ONBOARDING — new starter checklist (v3, Sept 2025)
1. Day 1: collect laptop (asset tag PV-LT-0xxx) and YubiKey from IT. Sign the asset form IT-07.
2. Set your Windows password: minimum 14 characters, no reuse of the last 10. Never share it, including with IT — we will never ask for it.
3. Enrol MFA in Microsoft Authenticator (number matching). Backup codes: store in the password manager, not on paper.
4. VPN: install the client from the Company Portal; the server address and key are pushed automatically.
5. For the lab API sandbox use the documented test key from the vendor docs, e.g. AWS-style example AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in the tutorial; never paste real keys into spreadsheets.
6. Email signature: name, role, branch, and the main line only.
7. Phishing training module (20 min) within 14 days; pass mark 80%.
8. Printer PIN: 4 digits, set at the device.
Questions: IT service desk via the portal, ticket category "Onboarding".

### h14-043
Patients say the online booking page for our dental clinic fails at the last step. Here's what our web host's log shows, what's wrong?

2025-05-06 09:14:02 INFO  [[IP_ADDRESS|86.41.207.153]] GET /book/slots?clinic=3&date=2025-05-08 200 41ms
2025-05-06 09:14:19 INFO  [[IP_ADDRESS|86.41.207.153]] POST /book/hold slot=2025-05-08T10:30 chair=2 200 88ms
2025-05-06 09:14:47 ERROR [[IP_ADDRESS|86.41.207.153]] POST /book/confirm 500 1203ms
  payload: {"name":"Róisín Kealy","dob":"[[DATE_OF_BIRTH|1984-02-29]]","phone":"[[PHONE|@@phone:p043a:IE:m:e164@@]]","email":"[[EMAIL|roisin.kealy84@eircom-mail.ie]]","reason":"crown sensitive","insurer":"DeltaCare","policy":"DC-4471902"}
  headers: Authorization: Bearer [[JWT|@@jwt:j043@@]]
  upstream: PracticeSuite API https://api.practicesuite.example/v2/appointments -> 422 {"error":"dob_invalid","detail":"date out of range"}
2025-05-06 09:15:03 WARN  [[IP_ADDRESS|2a02:8084:4e81:2d00:91c4:7f0e:aa12:3b6d]] POST /book/confirm 500 990ms (same error)
2025-05-06 09:15:04 ERROR audit log write failed: [[URL_CREDENTIALS|redis://:@@alnum:p043r:24@@@10.20.1.14:6379/2]] timeout after 2000ms
2025-05-06 09:16:40 INFO  health check 10.0.0.0/8 ok
Version: booking-widget 2.7.3, PHP 8.2.18, maps_api_key=[[SECRET|@@aiza:k043@@]]

### h14-044
Why does this booking log show so many 429s? No personal data in it, we strip it.

2025-05-07 11:00:01 INFO  [client-hash 9f2c1a] GET /book/slots?clinic=1&date=2025-05-09 200 37ms
2025-05-07 11:00:01 INFO  [client-hash 9f2c1a] GET /book/slots?clinic=1&date=2025-05-10 200 35ms
2025-05-07 11:00:02 WARN  [client-hash 9f2c1a] GET /book/slots?clinic=1&date=2025-05-11 429 2ms retry-after=30
2025-05-07 11:00:02 WARN  [client-hash 44e07b] GET /book/slots?clinic=2&date=2025-05-09 429 1ms retry-after=30
2025-05-07 11:00:31 INFO  rate limiter: 120 req/min per client, burst 20; blocked 318 req in last 5 min
2025-05-07 11:00:31 INFO  top path /book/slots (94%), avg 36ms, p95 81ms, p99 140ms
2025-05-07 11:01:00 INFO  cache hit ratio 0.12 (slots TTL 5s) — config booking.cache_ttl=5
2025-05-07 11:02:15 INFO  upstream PracticeSuite 200 in 212ms (pool 4/10), version 2025.04.1
Deploy: booking-widget 2.7.4 (build 1187), nginx 1.24.0, PHP 8.2.18, Redis 7.2.4
Client hash = sha256(ip + daily salt)[:6]; raw addresses are not logged.

### h14-045
I run a small bakery and a freelancer set up our invoice emails. They stopped sending. This is the settings file, what should I check?

# invoicing/settings.ini — Crumb & Cradle Bakery
[company]
name = Crumb & Cradle Bakery Ltd
vat_number = GB 331 0947 62
invoice_prefix = CC-2025-
payment_terms_days = 14
[mail]
provider = sendgrid
api_key = [[SECRET|@@sg:k045@@]]
from = [[EMAIL|accounts@crumbandcradle.co.uk]]
reply_to = [[EMAIL|hello@crumbandcradle.co.uk]]
[database]
url = [[URL_CREDENTIALS|mysql://bakery_app:@@alnum:p045:18@@@db.crumbandcradle.co.uk:3306/invoices]]
[payments]
stripe_secret = [[SECRET|@@sklive:k045s@@]]
currency = GBP
late_fee_percent = 2.5
[logging]
level = INFO
file = /var/log/invoicing/app.log

The log just says: "550 5.7.1 sender address not verified" at 07:02 every morning.

### h14-046
Same bakery. The freelancer sent a new version that uses environment variables. Is this safer?

# invoicing/settings.ini — v2
[company]
name = Crumb & Cradle Bakery Ltd
invoice_prefix = CC-2025-
payment_terms_days = 14
[mail]
provider = sendgrid
api_key = ${SENDGRID_API_KEY}
from = ${INVOICE_FROM_ADDRESS}
[database]
url = ${DATABASE_URL}   ; e.g. mysql://USER:PASSWORD@HOST:3306/invoices
[payments]
stripe_secret = ${STRIPE_SECRET_KEY}   ; sk_live_... in production, sk_test_... locally
currency = GBP
late_fee_percent = 2.5
[logging]
level = INFO
redact = api_key, stripe_secret, url

# .env is not committed; values live in the host's secret store (Render → Environment).
# Rotated 2025-03-01 after the old SendGrid key was found in a shared Google Sheet.

### h14-047
Our physio clinic's booking app returns this when a patient logs in. The receptionist copied it from the browser. Is it normal that all this is visible?

{
  "access_token": "[[JWT|@@jwt:j047:RS256@@]]",
  "refresh_token": "[[SECRET|@@urlsafe:r047:48@@]]",
  "expires_in": 900,
  "patient": {
    "id": "PT-0039184",
    "name": "Gundula Marsh-Ferreira",
    "dob": "[[DATE_OF_BIRTH|1971-12-03]]",
    "mobile": "[[PHONE|@@phone:p047a:GB:m:e164@@]]",
    "email": "[[EMAIL|g.marshferreira@lowfield.me]]",
    "gp_practice": "M85011",
    "next_appt": "2025-06-12T15:40:00+01:00",
    "sessions_remaining": 4,
    "insurer": "Axa Health, membership 4410-2291-07"
  }
}

### h14-048
Explain this API documentation snippet to a non-developer practice manager.

POST /v1/auth/login
Request:  {"username": "<portal username>", "password": "<password>"}
Response 200:
{
  "access_token": "<JWT, 15 min>",
  "refresh_token": "<opaque, 30 days>",
  "expires_in": 900,
  "patient": {"id": "PT-0000000", "dob": "YYYY-MM-DD", "mobile": "+44 7xxx xxxxxx", "email": "user@example.org"}
}
Errors: 401 invalid_credentials, 423 locked (after 5 failed attempts, 15 minutes), 429 rate limited.
Notes:
- Tokens must be kept in memory, not in localStorage.
- Never log the response body; log only the request id (e.g. req_01HZX3V2K9).
- Dates of birth are returned only to the patient themselves.
- Sandbox host: sandbox.portal.example, test user "demo.patient" / password "demo" (reset nightly at 02:00 UTC).
Changelog: v1.4.2 (2025-04-30) shortened access tokens from 60 to 15 minutes.

### h14-049
Help me answer the insurer's questions about my car accident. Their email and my draft are below.

Insurer: Claim MC-25-0048812 — please confirm: policyholder DOB, contact number, third-party details, payout account.
My draft:
Policy: PCV-118204-IE   Vehicle: 2018 Skoda Octavia, reg 182-D-40917
Date/time of accident: 21/03/2025, 17:50, Naas Road near the Red Cow roundabout.
Policyholder: Eoin Mac Giolla Phádraig, DOB [[DATE_OF_BIRTH|30 Sept 1982]]
Contact: [[PHONE|@@phone:p049a:IE:m:intl@@]] (mobile), [[EMAIL|eoin.macgp@liffeyview.ie]]
Third party: Ms Kateryna Horbach, white VW Polo 12-KE-3381, insurer Liberty, policy ref LIB/7731/IRL; her number [[PHONE|@@phone:p049b:IE:m:nat@@]]
Garda station: Crumlin, PULSE incident no. 23790181.
Repair estimate: €3,940.50 (Ardee Autobody, quote Q-2211). No injuries.
Payout to: [[IBAN|@@iban:i049:IE:plain:BOFI@@]]
Excess: €300. No-claims bonus: 6 years (protected).

### h14-050
Please simplify this section of the motor claim guide for our customers.

Making a motor claim — what we need
1. Your policy number (format PCV-000000-IE) and the date, time and location of the incident.
2. Photos of all vehicles, the scene and any road signs; a sketch helps.
3. Third-party details: name, registration, insurer and policy reference. Ask for their phone number but do not share yours if you feel unsafe.
4. A Garda or PSNI incident number if they attended (7–9 digits).
5. Two repair estimates for damage above €2,500.
6. Payment details: we pay by bank transfer. Enter your IBAN only in the secure claims portal; never by email or phone.
Excess (typically €300–€500) is deducted from the settlement. No-claims discount falls by 2 years per at-fault claim unless protected.
Claims are usually settled within 10 working days of receiving the final estimate.
24-hour claims line: 1800 555 019 (ROI) / 0800 555 0161 (NI).
### h14-051
Organize this tax-prep intake into a checklist of what I still need from the clients.

2024 TAX ORGANIZER — Delgado-Whitfield household (client #TP-2210)
Filing status: MFJ   Preparer PTIN: P01947735
Taxpayer: Ramón Delgado, SSN [[US_SSN|@@ssn:s051a@@]], DOB [[DATE_OF_BIRTH|02/17/1976]], occupation: electrician
Spouse: Claire Whitfield, SSN [[US_SSN|@@ssn:s051b:spaced@@]], DOB [[DATE_OF_BIRTH|09/09/1978]], occupation: school nurse
Dependent: Mateo Delgado-Whitfield, SSN [[US_SSN|@@ssn:s051c@@]], born [[DATE_OF_BIRTH|May 3, 2012]], 12 months in home
Income docs received: W-2 x2 (wages $71,340 and $58,912), 1099-INT $412.07, 1099-G (state refund $318)
Missing: 1098 mortgage interest, daycare provider EIN for Form 2441, HSA 5498-SA
Estimated payments: 4 x $0
Refund by direct deposit: routing 121000358, account ending 6604 (checking)
Prior-year AGI: $126,884. Identity PIN: client says they have one, waiting for the letter (CP01A).
Client phone: [[PHONE|@@phone:p051a:US:m:nat:559@@]]

### h14-052
What's the difference between these filing deadlines? Short answer please.

2025 key dates for individual filers (tax year 2024)
- January 15, 2025: Q4 2024 estimated tax payment due (Form 1040-ES).
- January 27, 2025: IRS begins accepting e-filed returns.
- April 15, 2025: filing deadline and payment due; Form 4868 gives an extension to October 15, 2025 to file, not to pay.
- April 15, 2025: last day for 2024 IRA and HSA contributions ($7,000 / $4,150 self-only).
- June 16, 2025: Q2 estimated payment (June 15 is a Sunday).
- October 15, 2025: extended filing deadline.
Standard deduction 2024: $14,600 single, $29,200 MFJ, $21,900 HoH. Additional $1,950/$1,550 if 65 or older.
Child tax credit: up to $2,000 per qualifying child under 17, refundable portion up to $1,700.
IRS phone assistance: 800-829-1040, 7 a.m. to 7 p.m. local time.
Form numbers referenced: 1040, 1040-ES, 4868, 8888, W-4 (rev. 2024).

### h14-053
Can you check this mortgage pre-approval summary and tell me what the stress test means for us?

PRE-APPROVAL SUMMARY — Prairie Crest Mortgage Centre, Calgary
File: PCMC-25-00913   Issued: 2025-02-18   Valid until: 2025-06-18 (rate hold 120 days)
Borrower 1: Nnamdi Okafor-Lindgren, born [[DATE_OF_BIRTH|1988-06-01]] (age 36)
Borrower 2: Signe Lindgren, Age 35 ([[DATE_OF_BIRTH|1990-01-25]])
Contact: [[PHONE|@@phone:p053a:CA:f:nat:403@@]] ext. 118 (work) / [[PHONE|@@phone:p053b:CA:m:nat:587@@]] (cell) / [[EMAIL|okafor.lindgren.home@chinookmail.ca]]
Max purchase price: $615,000   Down payment: $123,000 (20%)   Mortgage: $492,000
Rate: 4.59% 5-yr fixed, 25-yr amortization, monthly payment ≈ $2,748.19
Qualifying rate (stress test): 6.59%; GDS 31.8%, TDS 38.9% (limits 39/44)
Gross household income: $168,400. SIN: not collected at pre-approval stage.
Conditions: employment letters, 90-day bank history of down payment, appraisal.
Broker: J. Whitebear, licence no. 20114418 (RECA). Lender fax line: on request.

### h14-054
Make this mortgage glossary shorter for a first-time buyer handout.

GDS (gross debt service): housing costs ÷ gross income; most lenders cap it at 39%.
TDS (total debt service): housing costs + other debts ÷ gross income; usually capped at 44%.
Stress test: you must qualify at the higher of 5.25% or your contract rate + 2% (e.g. 4.59% → 6.59%).
Amortization: 25 years for insured mortgages (30 years for first-time buyers of new builds since 08/01/2024).
CMHC insurance premium: 4.00% of the loan at 5–9.99% down, 3.10% at 10–14.99%, 2.80% at 15–19.99%.
Land transfer tax: none in Alberta; registration fees about $50 + $5 per $5,000 of mortgage.
Rate hold: typically 90–120 days from the pre-approval date.
Prepayment: most fixed mortgages allow 15–20% lump sum per year.
Example: $492,000 at 4.59%, 25 yrs → $2,748.19/month; at 6.59% → $3,317.72/month.
For complaints, contact the Financial Consumer Agency of Canada at 1-866-461-3222.

### h14-055
Please translate this discharge summary into simple Hindi for my mother, and keep the medicine timings.

DISCHARGE SUMMARY — Sahyadri Lakeview Hospital, Nashik
UHID: SLH/2025/0048213   IP No.: 25-11904   Ward: Female Medical, Bed 17
Patient: Mrs Sunanda Prabhakar Kulkarni   Age/Sex: 62/F   DOB: [[DATE_OF_BIRTH|14/03/1962]]
DOA: 09/04/2025   DOD: 14/04/2025   Consultant: Dr R. Deshmane (MMC Reg. 2009/03/1447)
Diagnosis: Type 2 diabetes mellitus with diabetic ketoacidosis (E11.10), resolved; UTI (N39.0)
Course: IV fluids, insulin infusion, ceftriaxone 1 g BD x 5 days. HbA1c 10.2%.
Discharge medication:
 Inj. Glargine 14 units at 10 pm
 Tab. Metformin 500 mg after breakfast and dinner
 Tab. Cefuroxime 500 mg twice daily x 3 days
Review: OPD on 21/04/2025, 10:30 am, room 204, with fasting and post-meal sugar reports.
Attendant (son): Mr Aniket Kulkarni, mobile [[PHONE|@@phone:p055a:IN:m:nat@@]], email [[EMAIL|aniket.kulkarni.nsk@rediffpost.in]]
Final bill: ₹1,48,750 (TPA claim no. MDI-2504-77120, cashless approved ₹1,20,000)
Emergency: 108 or hospital casualty 24x7.

### h14-056
Summarise this hospital tariff card for a patient's family; they want to estimate a 4-day stay.

Sahyadri Lakeview Hospital — Room tariff (w.e.f. 01/04/2025)
General ward: ₹1,800/day | Twin sharing: ₹3,500/day | Private: ₹5,200/day | Deluxe: ₹7,800/day
ICU: ₹9,500/day; HDU: ₹6,000/day (monitor and nursing included)
Doctor visit: ₹800 per visit (max 2/day); specialist consultation ₹1,200
Nursing charges: 10% of room rent. Diet: included for patient only.
Registration: ₹500 (valid 1 year). Medical records copy: ₹250 per set.
Deposit at admission: ₹25,000 (general) / ₹50,000 (private and above).
Cashless TPA desk: Ground floor, 8 am–8 pm; carry the insurance card and a photo ID (Aadhaar last 4 digits are enough for our records).
GSTIN 27AAACS1234F1Z5. Hospital registration no. NMC/HOSP/2011/0417.
Toll-free helpline 1800 555 0199 (24x7).

### h14-057
Forwarding a hotel group booking. Can you build a rooming list table from it?

From: Reservations, The Driftwood Inn, Monterey
Group: Sorensen–Abernathy wedding   Block code: SAW0614   Arrive 06/13/2025, depart 06/16/2025
Rate: $289.00/night + 10% TOT + $3.50 tourism fee   Cut-off date: 05/13/2025
Room 214 (King) — Lars Sorensen, conf. 80417722
Room 216 (2 Queens) — Beatrix & Hollis Abernathy, conf. 80417723
Room 301 (King Suite) — Marguerite Sorensen, conf. 80417724, accessible shower requested
Guarantee: master account, card on file for incidentals [[CREDIT_CARD|@@card:c057:amex:spaced@@]] exp 10/27 (Amex), cardholder L. Sorensen
Billing contact: [[EMAIL|lars.sorensen@bayfoghomes.com]], [[PHONE|@@phone:p057a:US:m:intl:831@@]]
Late arrivals after 11 pm: call the front desk. Parking $25/night, valet only. Check-in 4 pm, check-out 11 am.
Cancellation: 72 hours before arrival, or one night's room and tax will be charged.
Confirmation sent 04/02/2025 09:41 PDT by agent MGR-17.

### h14-058
Compare these two hotel quotes for our sales offsite (18 people, 2 nights) and recommend one.

Quote A — Harborview Conference Hotel, ref HV-Q-44718
Rooms: 18 x King @ $219/night, 2 nights = $7,884.00 + 12.5% tax
Meeting room "Cypress" (theatre 40), $1,200/day, AV included
Catering: breakfast $32 pp, lunch buffet $48 pp, coffee breaks $18 pp
Attrition: 80% pickup required; cut-off 30 days before arrival

Quote B — Sierra Pines Lodge, ref SPL-2025-0917
Rooms: 18 x Queen @ $189/night = $6,804.00 + 10% tax + $15 resort fee per room-night
Meeting room: $0 with F&B minimum $4,500
Shuttle from SJC: $350 each way (up to 24 pax)
Attrition: 90% pickup; cancellation inside 60 days = 100% of room revenue

Dates held: 09/23–09/25/2025. Budget: $14,000 all-in.
Reply by 07/15/2025 to keep the holds.

### h14-059
Check this trip consent form: is the medical section clear enough for the teachers?

YEAR 8 RESIDENTIAL — Kingsdown Outdoor Centre, 12–14 May 2025 — PARENT CONSENT
Pupil: Ffion Adeyemi-Rowlands   Form: 8R   Date of birth: [[DATE_OF_BIRTH|5th June 2012]]
Medical conditions: asthma (blue inhaler, 2 puffs as needed; spare inhaler in school office)
Allergies: none known.   Dietary: vegetarian.
Last tetanus: 2016 (pre-school booster).
Parent/carer 1: Bethan Rowlands — [[PHONE|@@phone:p059a:GB:m:nat@@]] (mobile, any time)
Parent/carer 2: Tunde Adeyemi — [[PHONE|@@phone:p059b:GB:f:nat:29@@]] (work, 9–5)
Email for trip updates: [[EMAIL|bethan.rowlands@valleylink.cymru]]
I consent to emergency treatment if I cannot be contacted. [x]
Photo consent for the school website (first names only). [ ]
Payment: £185 paid via ParentPay, receipt PP-7719204 on 03/02/2025.
Swimming ability: 25 m unaided.
Signed: B. Rowlands, 07/02/2025

### h14-060
Draft a reminder letter to parents about the Year 8 trip using this info.

Kingsdown Outdoor Centre residential — Year 8 — 12 to 14 May 2025
Coach leaves school at 08:15 on Monday 12 May (arrive 07:45 for register); returns approx. 15:30 on Wednesday 14 May.
Cost £185; final instalment due 14 March via ParentPay. Hardship support available in confidence.
Kit list: waterproofs, two pairs of trainers, sleeping bag, torch, named water bottle. No phones; the centre sends daily photo updates.
Activities: gorge walking, canoeing (buoyancy aids provided), climbing wall, night walk.
Ratio: 1 adult to 8 pupils; 6 staff with first-aid certificates.
Medication must be handed in, labelled, in the original box, with dosage instructions.
Centre emergency line during the trip will be shared by text on the day.
Any questions: contact the school office through the MyEd app, category "Trips".
Kingsdown Outdoor Centre, charity no. 1104471; AALA licence R4471.
### h14-061
Bitte fasse diesen Aufnahmebogen kurz zusammen (für die Übergabe an die Nachtschicht).

PATIENTENAUFNAHME — Klinikum Am Lindenhang, Station 3 Nord, Zimmer 314, Bett 2
Aufnahme: 17.02.2025, 22:10 Uhr   Fall-Nr.: 2025-0041877   Kostenträger: AOK Nordwest, Vers.-Nr. K448120377
Patient: Herr Wolfram Eichendorff-Baltaci, geb. am [[DATE_OF_BIRTH|2. Mai 1950]] (74 J.)
Telefon (Ehefrau Gisela): [[PHONE|@@phone:p061a:DE:f:nat:521@@]], mobil [[PHONE|@@phone:p061b:DE:m:intl@@]]
Aufnahmegrund: Dyspnoe seit 3 Tagen, Beinödeme bds., V. a. dekompensierte Herzinsuffizienz (I50.01)
Vitalwerte: RR 158/94 mmHg, Puls 104/min arrhythmisch, SpO2 89 % unter Raumluft, Temp. 36,8 °C, Gewicht 92,4 kg
Labor: NT-proBNP 4.870 pg/ml, Krea 1,6 mg/dl, K+ 5,1 mmol/l
Medikation: Ramipril 5 mg 1-0-0, Bisoprolol 2,5 mg 1-0-0, Torasemid 10 mg 1-0-0, Apixaban 5 mg 1-0-1
Allergien: keine bekannt
Selbstzahler-Zusatzleistung Einzelzimmer: Abbuchung vom Konto [[IBAN|@@iban:i061:DE:spaced@@]] (SEPA-Mandat 17.02.2025)
Procedere: Furosemid i.v., Bilanzierung, Echo morgen früh.

### h14-062
Kannst du diesen Entlassbrief in einfache Sprache übersetzen? Er ist bereits anonymisiert.

Sehr geehrte Kollegin, sehr geehrter Kollege,
wir berichten über Ihre Patientin [anonymisiert], 81 Jahre, die sich vom 03.03. bis 10.03.2025 in unserer stationären Behandlung befand.
Diagnosen: Exsikkose bei Gastroenteritis (A09.9); arterielle Hypertonie (I10.90); Z. n. Hüft-TEP rechts 2019.
Verlauf: Rehydratation mit 2.000 ml Ringer/Tag, Krea von 2,1 auf 1,2 mg/dl gesunken. Stuhlkultur negativ.
Entlassmedikation: Amlodipin 5 mg 1-0-0, Pantoprazol 20 mg 1-0-0 (bis 24.03.), Paracetamol 500 mg bei Bedarf, max. 4 x täglich.
Empfehlung: Trinkmenge mind. 1,5 l/Tag, Kontrolle Krea und Kalium in 1 Woche beim Hausarzt.
Pflegegrad 2 beantragt (Az. PG-2025-1187). Rezept über 20 Stück Inkontinenzvorlagen beigelegt.
Mit freundlichen Grüßen
Dr. med. L. Sandoval, Oberärztin Innere Medizin, LANR 998877601
Klinikum Am Lindenhang, IK 260510122. Zentrale Terminvergabe: 0800 555 2210 (kostenfrei).

### h14-063
Ist diese Mieterselbstauskunft vollständig? Die Hausverwaltung will sie bis Freitag.

MIETERSELBSTAUSKUNFT — Objekt: Kastanienallee 41, 10435 Berlin, 2. OG links, 68 m², Kaltmiete 1.190 €
Mietinteressentin: Johanna Przybylski-Wendt
Geburtsdatum: [[DATE_OF_BIRTH|07.11.1992]]   Familienstand: ledig   Personen im Haushalt: 1
Aktuelle Anschrift: Schönhauser Allee 12, 10119 Berlin (seit 2019)
Telefon: [[PHONE|@@phone:p063a:DE:m:nat@@]]   E-Mail: [[EMAIL|j.przybylski-wendt@posteo-mail.de]]
Arbeitgeber: Lindholm Software GmbH, Produktmanagerin, unbefristet seit 01.04.2021
Nettoeinkommen: 3.640 € monatlich (Gehaltsnachweise Nov–Jan anbei)
SCHUFA-BonitätsCheck vom 12.02.2025 anbei (Score 97,8 %)
Mietschuldenfreiheitsbescheinigung: Vermieter Gewobag, Kundennr. 40012877
Haustiere: keine. Instrument: Klavier (E-Piano mit Kopfhörer).
Kaution (3 Nettokaltmieten = 3.570 €) per Überweisung von [[IBAN|@@iban:i063:DE:plain@@]]
Ausweis-Nr.: L01X00T47 (nur Vorlage, keine Kopie)
Berlin, den 14.02.2025, Unterschrift

### h14-064
Erkläre mir bitte diese Nebenkostenabrechnung. Ist die Nachzahlung plausibel?

BETRIEBSKOSTENABRECHNUNG 2024 — Kastanienallee 41, Whg. 2.OG li. (Mieternr. 0041-207)
Abrechnungszeitraum: 01.01.2024 – 31.12.2024   Wohnfläche 68,00 m² von 1.412,50 m² gesamt (4,81 %)
Grundsteuer 6.210,00 € → 298,70 €
Wasser/Abwasser 9.884,16 € (nach Zähler: 41,2 m³) → 412,63 €
Müllabfuhr 3.102,40 € → 149,23 €
Hausreinigung 4.560,00 € → 219,34 €
Heizung/Warmwasser (Verbrauchsanteil 70 %, HKV-Nr. 7719-44-02) → 987,45 €
Summe Ihr Anteil: 2.067,35 €   Vorauszahlungen: 12 x 160,00 € = 1.920,00 €
Nachzahlung: 147,35 €, fällig zum 15.05.2025
Bitte überweisen Sie mit Verwendungszweck "BK2024 0041-207". Einwände innerhalb von 12 Monaten schriftlich.
Hausverwaltung Kiezwerk GmbH, HRB 184471 B, USt-IdNr. DE318847192. Servicenummer 0800 555 3310.

### h14-065
Peux-tu relire ce dossier de location et me dire s'il manque une pièce ?

DOSSIER DE CANDIDATURE — T2, 14 rue des Capucins, 69001 Lyon — loyer 780 € + 60 € de charges
Candidat : M. Bastien Leclerc-Haddad, né le [[DATE_OF_BIRTH|12/05/1988]] à Villeurbanne
Situation : CDI depuis le 02/01/2020, technicien de maintenance chez Rhôneval Énergie, salaire net 2 410 €/mois
Téléphone : [[PHONE|@@phone:p065a:FR:m:nat@@]]   Courriel : [[EMAIL|bastien.leclerc.haddad@orange-lyon.fr]]
Garant : Mme Nadia Haddad (mère), retraitée, [[PHONE|@@phone:p065b:FR:f:intl:47@@]]
Pièces jointes : pièce d'identité (CNI n° 120469301847, recto seulement), 3 derniers bulletins de salaire, avis d'imposition 2024 (revenu fiscal de référence 27 118 €), 3 dernières quittances.
Numéro fiscal : à fournir via DossierFacile uniquement.
RIB pour le prélèvement du loyer : [[IBAN|@@iban:i065:FR:spaced@@]]
Dépôt de garantie : 780 € (un mois hors charges). Visite effectuée le 08/03/2025 à 18 h 30.
Disponibilité : à partir du 01/04/2025.

### h14-066
Résume ce bail en cinq points pour un locataire étudiant.

CONTRAT DE LOCATION — logement meublé (loi du 6 juillet 1989, titre I bis)
Durée : 9 mois (bail étudiant), du 01/09/2025 au 31/05/2026, non reconductible.
Loyer : 620 € hors charges ; charges forfaitaires 45 €/mois ; révision annuelle selon l'IRL (indice du 2e trimestre 2025).
Zone tendue : oui — loyer de référence majoré 21,40 €/m², surface 24,5 m².
Dépôt de garantie : 1 240 € (deux mois hors charges), restitué sous 1 mois si l'état des lieux est conforme.
Préavis du locataire : 1 mois. Assurance habitation obligatoire (attestation à fournir avant la remise des clés).
DPE : classe D (224 kWh/m²/an). Diagnostics joints : ERP, plomb (CREP), électricité.
Honoraires d'agence : 12 €/m² pour la visite et la rédaction du bail, 3 €/m² pour l'état des lieux.
Agence Saône Immobilier, carte professionnelle CPI 6901 2019 000 041 887, SIRET 812 447 190 00028.
Accueil téléphonique : 0 800 55 41 20 (service et appel gratuits).

### h14-067
Transforme ces notes d'appel en compte rendu propre pour le dossier client.

Centre de relation client — Mutuelle Horizon Santé — appel entrant 11/06/2025 14:32
Adhérent n° 0077412930, contrat "Confort 3", assurée : Mme Élodie Vasseur-N'Diaye
Vérification identité : date de naissance le [[DATE_OF_BIRTH|29 février 1976]] OK, code postal 59800 OK
Motif : remboursement dentaire (couronne céramo-métallique, 540 €, devis n° DV-25-8812) non reçu.
Constat : décompte du 02/06 (n° 44718820) réglé 308,35 € sur l'ancien compte.
Mme V. souhaite régler la cotisation de juin par carte : [[CREDIT_CARD|@@card:c067:mc:spaced@@]], exp. 03/27 — paiement de 87,40 € accepté, autorisation 661204.
Nouveau numéro de portable : [[PHONE|@@phone:p067a:FR:m:intl@@]] ; fixe inchangé [[PHONE|@@phone:p067b:FR:f:nat:32@@]]
Envoi par courrier du formulaire de changement de RIB (réf. CHG-RIB-03). Délai de traitement : 10 jours ouvrés.
Durée de l'appel : 11 min 42 s. Conseiller : M. Fabre (matricule 3318).

### h14-068
Rédige une réponse type pour les adhérents qui demandent pourquoi leur remboursement est plus bas que prévu.

Éléments à reprendre :
- Base de remboursement Sécurité sociale pour une couronne : 120 € ; remboursement SS 70 % = 84 €.
- Notre contrat "Confort 3" rembourse 250 % de la base, soit 300 € au total, moins la part SS = 216 €.
- Dépassements au-delà : à la charge de l'adhérent, sauf offre 100 % Santé (panier sans reste à charge).
- Délai : 48 h après réception du décompte Noémie, sinon 10 jours ouvrés pour un envoi papier.
- Les décomptes sont consultables dans l'espace adhérent, rubrique "Mes remboursements".
- Ne jamais demander le numéro de carte bancaire ni le RIB par e-mail ; orienter vers l'espace sécurisé.
Signature : Service Adhérents, Mutuelle Horizon Santé — mutuelle régie par le livre II du Code de la mutualité, SIREN 775 684 764.
Numéro Cristal : 09 69 55 01 77 (appel non surtaxé), du lundi au vendredi de 8 h 30 à 18 h.

### h14-069
¿Puedes revisar esta solicitud de préstamo personal y decirme si falta algo?

SOLICITUD DE PRÉSTAMO PERSONAL — Caja Rural del Guadalquivir
Nº de solicitud: PP-2025-004417   Oficina: 3187 Dos Hermanas   Fecha: 19/05/2025
Titular: Dña. Macarena Solís Ybarra   DNI: 48XXXXX3-K (copia entregada en oficina)
Fecha de nacimiento: [[DATE_OF_BIRTH|4 de julio de 1992]]   Estado civil: casada
Teléfono móvil: [[PHONE|@@phone:p069a:ES:m:nat@@]]   Fijo: [[PHONE|@@phone:p069b:ES:f:intl:95@@]]
Correo electrónico: [[EMAIL|macarena.solis.ybarra@correo-sur.es]]
Empresa: Aceitunas Mairena S.L., administrativa, antigüedad 6 años, nómina neta 1.730 € (14 pagas)
Importe solicitado: 15.000 €   Plazo: 72 meses   TIN 7,25 %   TAE 7,84 %   Cuota aprox.: 257,40 €
Finalidad: reforma de cocina (presupuesto nº 2025/118 de Reformas Triana, 14.860 € IVA incl.)
Cuenta de cargo: [[IBAN|@@iban:i069:ES:spaced@@]]
Otros préstamos: hipoteca, cuota 612 €/mes, pendiente 98.400 €.
Firma digital pendiente.

### h14-070
Explícame esta tabla de amortización como si tuviera 15 años.

Préstamo personal — 15.000 € a 72 meses, TIN 7,25 %, sistema francés
Cuota mensual: 257,53 €
Mes 1: intereses 90,63 € | amortización 166,90 € | capital pendiente 14.833,10 €
Mes 2: intereses 89,62 € | amortización 167,91 € | capital pendiente 14.665,19 €
Mes 3: intereses 88,60 € | amortización 168,93 € | capital pendiente 14.496,26 €
...
Mes 71: intereses 3,08 € | amortización 254,45 € | capital pendiente 255,99 €
Mes 72: intereses 1,55 € | amortización 255,99 € | capital pendiente 0,00 €
Total intereses: 3.542,16 €   Comisión de apertura: 1 % (150 €)   TAE: 7,84 %
Amortización anticipada: comisión 1 % si quedan más de 12 meses, 0,5 % en otro caso.
Atención al cliente: 900 555 104 (gratuito), de lunes a viernes de 8:00 a 20:00.
Registro del Banco de España nº 3187.
### h14-071
Ayúdame a redactar la reclamación a la aseguradora con estos datos, en tono formal.

Aseguradora: Seguros Nopal, S.A. de C.V. — Póliza de gastos médicos mayores GMM-884102-7
Siniestro nº: SIN-2025-061733   Fecha del evento: 02/03/2025 (apendicectomía de urgencia)
Asegurado titular: Ing. Rodrigo Arámbula Cienfuegos, fecha de nacimiento: [[DATE_OF_BIRTH|18 de octubre de 1985]]
Teléfono celular: [[PHONE|@@phone:p071a:MX:m:intl:33@@]]   Oficina: [[PHONE|@@phone:p071b:MX:f:nat:33@@]] ext. 4102
Correo: [[EMAIL|r.arambula.cienfuegos@tapatiomail.mx]]
Hospital: Hospital Santa Brígida, Guadalajara, Jal. CP 44160 — factura A-33817 por $148,620.50 MXN
Deducible: $25,000 MXN; coaseguro 10 % (tope $40,000)
Monto rechazado: $31,870.00 por "honorarios fuera de tabulador" (carta de rechazo REF/GMM/0417)
RFC del asegurado: en la factura (no lo incluyo aquí). CURP no aplica.
Solicito revisión del dictamen médico y reembolso a la cuenta CLABE registrada en la póliza. (Para el portal de asegurados uso el usuario rarambula y la contraseña [[SECRET|Tlaquepaque_2019]], por si el ajustador necesita ver los documentos cargados.)
Adjunto: informe quirúrgico, estudios de laboratorio del 02/03, recetas.

### h14-072
¿Qué significan deducible y coaseguro en este resumen? Explícalo con el ejemplo.

Resumen de coberturas — Plan GMM Familiar Plus (versión 2025-01)
Suma asegurada: $12,000,000 MXN por enfermedad o accidente.
Deducible: $25,000 MXN por evento (en accidentes mayores de $5,000 el deducible es $0).
Coaseguro: 10 %, con tope de $40,000 MXN por evento.
Ejemplo: factura hospitalaria de $148,620.50 → menos deducible $25,000 = $123,620.50 → coaseguro 10 % = $12,362.05 → la aseguradora paga $111,258.45.
Periodo de espera: 24 meses para hernias, cataratas y padecimientos de columna; 10 meses para parto.
Red hospitalaria: nivel "Plata" (incluye 214 hospitales en 32 estados).
Reembolso: 30 días naturales después de entregar la documentación completa.
Centro de atención: 800 555 0414 (sin costo), las 24 horas.
Registro CNSF: CGEN-S0045-0117-2024.

### h14-073
Mi correggi gli errori in questo modulo d'iscrizione prima che lo consegni in palestra?

MODULO DI ISCRIZIONE — Polisportiva Navigli ASD, Milano
Tessera n.: PN-2025-0918   Abbonamento: annuale open, € 540,00 (rate mensili da € 45,00)
Cognome e nome: Ferraresi Ludovica
Data di nascita: [[DATE_OF_BIRTH|23/01/1999]]   Luogo di nascita: Cremona (CR)
Codice fiscale: fornito in segreteria
Residenza: Via Lodovico il Moro 88, 20143 Milano
Cellulare: [[PHONE|@@phone:p073a:IT:m:nat@@]]   E-mail: [[EMAIL|ludovica.ferraresi@navigliposta.it]]
Certificato medico sportivo non agonistico: rilasciato il 10/09/2025, scadenza 10/09/2026
Addebito SEPA delle rate sul conto: [[IBAN|@@iban:i073:IT:plain@@]]
Intestatario del conto: la stessa
Contatto di emergenza: Marco Ferraresi (padre), [[PHONE|@@phone:p073b:IT:f:intl:0372@@]]
Consenso privacy (GDPR art. 13): sì   Foto sui social: no
Milano, 12/09/2025

### h14-074
Traduci in inglese il regolamento della piscina, per gli iscritti stranieri.

Polisportiva Navigli ASD — Regolamento piscina (rev. 3 del 01/09/2025)
1. Accesso consentito solo con tessera valida e certificato medico in corso di validità (scadenza annuale).
2. Obbligatori cuffia e ciabatte; doccia prima di entrare in vasca.
3. Corsie: 1–2 nuoto libero lento, 3–4 veloce, 5–6 corsi. Profondità 1,20–2,10 m; temperatura acqua 27,5 °C.
4. Orari: lun–ven 7:00–22:00, sab 9:00–19:00, dom 9:00–13:00. Chiusura estiva dal 05/08 al 25/08.
5. Minori di 14 anni accompagnati da un adulto.
6. Armadietti: lucchetto personale; gli oggetti lasciati oltre le 22:30 vengono rimossi.
7. Smarrimento tessera: € 5,00.
Quota associativa 2025/26: € 30,00. ASD iscritta al RASD n. 44718, C.F. 97012345158.
Segreteria: numero verde 800 555 128.

### h14-075
Kun je deze declaratie aan mijn zorgverzekeraar nakijken? Ze hebben hem twee keer teruggestuurd.

DECLARATIEFORMULIER — Zorgverzekeraar Polderzorg
Relatienummer: 204471830   Polis: Basis + Aanvullend Comfort
Verzekerde: Femke de Wit-Oosterhuis, geboortedatum [[DATE_OF_BIRTH|14-03-1979]]
Adres: Lange Nieuwstraat 41, 3512 PJ Utrecht
Telefoon: [[PHONE|@@phone:p075a:NL:m:nat@@]] of [[PHONE|@@phone:p075b:NL:f:nat:30@@]] (overdag)
E-mail: [[EMAIL|femke.dewit@utrechtpost.nl]]
Nota 1: Fysiotherapie Oudegracht, 9 behandelingen à € 38,50 = € 346,50, factuurnr. F-2025-0417, AGB-code 04012345
Nota 2: Tandarts Vermeulen, controle + 2 vullingen, € 214,18, codes C11, V92, V93
Eigen risico 2025: € 385, nog niet volledig verbruikt.
Uitbetalen op rekening: [[IBAN|@@iban:i075:NL:spaced@@]] t.n.v. F. de Wit
BSN: staat op de nota's, niet hier.
Datum: 20-04-2025, handtekening

### h14-076
Leg in gewone taal uit hoe het eigen risico werkt, aan de hand van dit overzicht.

Overzicht zorgkosten 2025 — relatienummer ******830
Verplicht eigen risico: € 385,00 — verbruikt: € 212,40 — resterend: € 172,60
Declaratie 0417: fysiotherapie 9x, € 346,50 — vergoed uit aanvullende verzekering (max. 18 behandelingen/jaar), valt niet onder eigen risico.
Declaratie 0418: tandarts, € 214,18 — vergoed 75 % uit Tand 250 (max. € 250/jaar) = € 160,64.
Declaratie 0392: apotheek (omeprazol 20 mg, 90 st.), € 18,20 — eigen risico.
Declaratie 0388: huisarts — € 0, huisartsenzorg valt niet onder het eigen risico.
Declaratie 0371: bloedonderzoek via ziekenhuis (DBC 990004022), € 194,20 — eigen risico.
Betaling per automatische incasso op de 27e, in termijnen mogelijk (max. 10).
Klantenservice: 0800 555 0410 (gratis), ma–vr 8.00–20.00 uur.
KvK 30208427, AFM-vergunning 12000123.

### h14-077
Pode revisar essa ficha de matrícula e ver se falta algum dado obrigatório?

FICHA DE MATRÍCULA 2026 — Colégio Jardim das Palmeiras, Campinas/SP
Aluno(a): Helena Tavares Nakamura   Série: 1º ano do Ensino Fundamental   Turno: manhã
Data de nascimento: [[DATE_OF_BIRTH|09/02/2019]]   Naturalidade: Campinas/SP
Certidão de nascimento: matrícula 1147010155 2019 1 00218 044 0017751 33
CPF do aluno: 482.XXX.XXX-10 (cópia entregue na secretaria)
Responsável financeiro: Marcelo Nakamura — celular [[PHONE|@@phone:p077a:BR:m:nat:19@@]], e-mail [[EMAIL|marcelo.nakamura@campinasnet.com.br]]
Mãe: Renata Tavares — celular [[PHONE|@@phone:p077b:BR:m:intl:19@@]]
Endereço: Rua Barão de Jaguara, 1204, apto 52 — CEP 13015-002
Plano de saúde: Unimed, carteirinha 0 041 882117740012 7
Alergias: lactose (intolerância). Autorizados a buscar: avó Ilda Tavares (RG 22.417.883-4).
Mensalidade: R$ 1.890,00 (12x), matrícula R$ 1.890,00, material R$ 1.240,00, desconto irmão 10 %.
Data: 28/10/2025

### h14-078
Me ajude a escrever um comunicado aos pais sobre o reajuste da mensalidade.

Colégio Jardim das Palmeiras — Reajuste 2026
Mensalidade 2025: R$ 1.720,00 → 2026: R$ 1.890,00 (reajuste de 9,88 %, conforme planilha de custos, Lei nº 9.870/1999).
Vencimento: dia 5 de cada mês; após o vencimento, multa de 2 % e juros de 1 % ao mês.
Desconto de pontualidade: 5 % até o dia 1º. Desconto irmãos: 10 % a partir do segundo filho.
Rematrícula: de 01/10 a 31/10/2025, pelo portal. Vagas remanescentes abertas a novos alunos em 03/11.
Material didático: R$ 1.240,00, em até 4 vezes no cartão (sem juros).
Bolsas: edital publicado em 15/09; entrega de documentos até 10/10.
Secretaria: segunda a sexta, 7h30–17h30. Central de atendimento: 0800 555 1903.
CNPJ 12.345.678/0001-95. Colégio autorizado pela Diretoria de Ensino Campinas Leste, Portaria 41/2003.

### h14-079
Podes verificar se este pedido de mudança de titular do contrato de luz está bem preenchido?

PEDIDO DE ALTERAÇÃO DE TITULAR — Luzatlântica Comercialização de Energia, S.A.
CPE: PT 0002 0000 4417 2093 45 NE   Nº de contrato: 700418827   Potência contratada: 6,9 kVA, tarifa simples
Morada de fornecimento: Rua de Cedofeita 312, 3.º Esq., 4050-174 Porto
Novo titular: Inês Carvalhal Brito, data de nascimento [[DATE_OF_BIRTH|17 de setembro de 1987]]
NIF: 2XX XXX 918 (comprovativo anexo)
Telemóvel: [[PHONE|@@phone:p079a:PT:m:nat@@]]   Telefone fixo: [[PHONE|@@phone:p079b:PT:f:intl:22@@]]
E-mail para fatura eletrónica: [[EMAIL|ines.cbrito@portomail.pt]]
Débito direto (ADC) na conta: [[IBAN|@@iban:i079:PT:spaced@@]]
Leitura do contador na data da mudança (12/01/2025): 48 217 kWh, contador nº 1049733218
Titular anterior: Joaquim Brito (pai), contrato cessa a 12/01/2025.
Tarifa social: não aplicável.
Assinatura: Inês C. Brito, Porto, 13/01/2025

### h14-080
Explica-me esta fatura de eletricidade; o valor parece alto para dezembro.

FATURA Nº FT 2025/0041872 — Luzatlântica — período 01/12/2024 a 31/12/2024
Cliente nº 7719204   Contrato 700418827   CPE PT 0002 0000 4417 2093 45 NE
Energia: 412 kWh x 0,1634 €/kWh = 67,32 €
Potência: 6,9 kVA x 31 dias x 0,3728 €/dia = 11,56 €
Taxa de exploração DGEG 0,07 € | Contribuição audiovisual 2,85 € | IEC 0,41 €
IVA 6 % / 23 %: 9,87 €   Total: 92,08 €
Data limite de pagamento: 24/01/2025 — débito direto na conta terminada em ***3301
Referência Multibanco (se preferir): Entidade 21098, Referência 447 118 320, Valor 92,08 €
Leituras: 31/12/2024 real 48 217 kWh; 30/11/2024 estimada 47 805 kWh.
Linha de apoio ao cliente: 808 555 210 (custo de chamada local). Reclamações: livro de reclamações eletrónico.
### h14-081
Sprawdź proszę ten wniosek o kredyt gotówkowy, czy wszystkie pola są wypełnione poprawnie.

WNIOSEK O KREDYT GOTÓWKOWY — Bank Spółdzielczy w Nowym Targu, oddział nr 4
Nr wniosku: KG/2025/03/4471   Data złożenia: 18.03.2025
Wnioskodawca: Agnieszka Wąsowicz-Krall
Data urodzenia: [[DATE_OF_BIRTH|2 lutego 1984]]   Miejsce urodzenia: Zakopane
PESEL i nr dowodu osobistego: okazane w oddziale (nie podaję w e-mailu)
Telefon komórkowy: [[PHONE|@@phone:p081a:PL:m:nat@@]]   Telefon domowy: [[PHONE|@@phone:p081b:PL:f:intl:18@@]]
E-mail: [[EMAIL|a.wasowicz.krall@podhale-poczta.pl]]
Zatrudnienie: Pensjonat "Pod Gubałówką" sp. z o.o., recepcjonistka, umowa o pracę na czas nieokreślony od 01.06.2016
Dochód netto: 5 840,00 zł miesięcznie
Kwota kredytu: 30 000,00 zł   Okres: 48 miesięcy   RRSO: 11,92 %   Rata: ok. 772,15 zł
Cel: remont łazienki (kosztorys nr 17/2025)
Rachunek do wypłaty i spłat: [[IBAN|@@iban:i081:PL:spaced@@]]
Zobowiązania: karta kredytowa, limit 5 000 zł. Osoby na utrzymaniu: 2.

### h14-082
Wyjaśnij mi prostymi słowami, co znaczą pozycje w tym harmonogramie spłaty.

Harmonogram spłaty — umowa nr KG/2025/03/4471/U, kwota 30 000,00 zł, 48 rat równych
Oprocentowanie stałe 9,49 % w skali roku; prowizja 3,00 % (900,00 zł) doliczona do kredytu.
Rata 1 (15.04.2025): 772,15 zł = odsetki 244,34 zł + kapitał 527,81 zł; saldo 30 372,19 zł
Rata 2 (15.05.2025): 772,15 zł = odsetki 240,17 zł + kapitał 531,98 zł; saldo 29 840,21 zł
Rata 48 (15.03.2029): 772,25 zł (rata wyrównująca)
Całkowity koszt kredytu: 7 963,30 zł; całkowita kwota do zapłaty: 37 063,30 zł; RRSO 11,92 %.
Wcześniejsza spłata: bez prowizji przy stałej stopie do 12 miesięcy przed końcem umowy.
Ubezpieczenie na życie: dobrowolne, 0,10 % salda miesięcznie.
Infolinia banku: 801 555 014 (koszt połączenia wg taryfy operatora). KRS 0000117744, NIP 735-000-12-34.

### h14-083
Kan du korrekturläsa det här anställningsbeviset innan jag skickar det till den nyanställda?

ANSTÄLLNINGSBEVIS — Fjällbacka Rökeri AB (org.nr 556712-4410)
Arbetstagare: Linnea Holmqvist-Jaber, född [[DATE_OF_BIRTH|12 maj 1990]]
Adress: Sjögatan 7, 457 40 Fjällbacka
Mobil: [[PHONE|@@phone:p083a:SE:m:nat@@]]   Privat e-post: [[EMAIL|linnea.hj@bohusnet.se]]
Befattning: produktionsledare   Tillträde: 2025-04-01   Anställningsform: tillsvidare, provanställning 6 månader
Lön: 36 500 kr/mån, utbetalas den 25:e till clearingnr 8327-9, konto 944 118 320-5
Arbetstid: 40 tim/vecka, kollektivavtal Livsmedelsavtalet. Semester: 25 dagar.
Uppsägningstid: enligt LAS och avtal.
Personalportalen: användarnamn lholmqvist, tillfälligt lösenord [[SECRET|Sill&Dill-2025]] (byts vid första inloggning)
Närmaste chef: Oskar Bengtsson, [[PHONE|@@phone:p083b:SE:f:intl:525:8@@]]
Underskrifter: Fjällbacka 2025-03-10

### h14-084
Översätt den här personalhandboken till engelska (bara avsnittet om sjukfrånvaro).

Sjukfrånvaro — Fjällbacka Rökeri AB (version 2025:1)
1. Sjukanmälan görs till närmaste chef före kl. 07.00 första dagen, via personalportalen eller sms till chefens jobbnummer.
2. Dag 1: karensavdrag (20 % av genomsnittlig veckosjuklön). Dag 2–14: sjuklön 80 % från arbetsgivaren.
3. Från dag 8 krävs läkarintyg. Från dag 15 betalar Försäkringskassan sjukpenning; anmälan görs av arbetsgivaren.
4. Vid upprepad korttidsfrånvaro (fler än 6 tillfällen på 12 månader) bokas ett rehabsamtal.
5. Vård av sjukt barn (VAB) anmäls till Försäkringskassan, barn under 12 år.
6. Företagshälsovård: Avonova, avtalsnummer AV-44718.
Skriv aldrig personnummer eller diagnoser i sms eller e-post.
Frågor: HR, telefontid tisdagar 10–12 på växeln 020-55 41 20.

### h14-085
この問診票の内容を、医師向けに箇条書きで要約してください。

【初診問診票】さくら通りクリニック 内科
受付日：2025年6月9日　受付番号：0612　保険証：協会けんぽ（記号・番号は窓口で確認済み）
氏名：榊原 美咲（さかきばら みさき）　性別：女
生年月日：[[DATE_OF_BIRTH|1986年11月23日]]（38歳）
電話番号（携帯）：[[PHONE|@@phone:p085a:JP:m:nat@@]]　自宅：[[PHONE|@@phone:p085b:JP:f:nat:45@@]]
メール：[[EMAIL|misaki.sakakibara@hamakaze-mail.jp]]
住所：〒231-0023 神奈川県横浜市中区山下町 4-17-302
症状：3日前から38.2℃の発熱、咽頭痛、関節痛。家族（夫）も同様の症状。
既往歴：気管支喘息（小児期）、現在は無治療。アレルギー：セフェム系で発疹。
服薬中：ロキソプロフェン60mg（市販薬、昨日2回）
身長 158cm、体重 51kg。妊娠の可能性：なし。
喫煙：なし　飲酒：週1回程度
希望：診断書（会社提出用）あり

### h14-086
この予約確認メールを英語に訳してください。

【ご予約確認】さくら通りクリニック
予約番号：R-2025-0714-033
診療科：内科（一般外来）
日時：2025年7月14日（月）10:30〜（受付は10:15まで）
持ち物：マイナ保険証または保険証、お薬手帳、紹介状（お持ちの方）
当日の注意：発熱のある方は来院前に受付へお電話ください。駐車場は3台（先着順）。
キャンセル：前日18:00までにWeb予約ページから。無断キャンセルが2回続くとWeb予約がご利用いただけなくなります。
診療時間：月〜金 9:00〜12:30／15:00〜18:30、土 9:00〜12:30（日祝休診）
医療機関コード：1410234567
※このメールは送信専用です。ご返信いただいてもお答えできません。

### h14-087
请帮我把这份理赔申请整理成正式的文字，语气客气一些。

【医疗险理赔申请】
保单号：PA2025-3301-88172　　被保险人：周雨桐
出生日期：[[DATE_OF_BIRTH|1993年4月18日]]　　证件类型：居民身份证（号码见附件，不在此填写）
联系电话：[[PHONE|@@phone:p087a:CN:m:nat@@]]　　备用电话：[[PHONE|@@phone:p087b:CN:f:intl:5718:11@@]]
电子邮箱：[[EMAIL|zhou.yutong93@qiantang-mail.cn]]
出险经过：2025年5月3日在杭州西湖区骑行时摔伤右腕，当日于浙江省某医院急诊就诊，诊断为桡骨远端骨折（S52.5），住院4天。
费用明细：医疗总费用 18,426.50 元，其中医保统筹支付 9,870.12 元，个人自付 8,556.38 元。
发票号码：33012500041877、33012500041878
申请赔付金额：8,556.38 元（免赔额 0 元）
理赔款收款账户：中国某银行（尾号 6618），户名：周雨桐
附件：病历、出院小结、费用清单、发票原件照片共 11 张。
申请日期：2025年5月20日

### h14-088
请把下面这段快递客服的回复改写得更简洁。

您好，关于您的订单 DD20250611004471，物流单号 SF1408832215773 目前显示"运输中"，已于 6月12日 03:41 到达【上海转运中心】，预计 6月13日 18:00 前派送。
由于"618"期间件量较大（日均 41.7 万件），部分线路延迟约 24 小时，给您带来不便深表歉意。
如包裹出现破损，请在签收后 48 小时内在 App 内"我的订单—售后"上传照片申请理赔，保价费 1% 起，最高赔付 2,000 元。
如需修改收件地址，请在派送前通过 App 操作，客服无法代为修改手机号。
服务热线：95338（7×24 小时）。工单编号：CS-0613-77120。
感谢您的耐心等待，祝您生活愉快！

### h14-089
Kannst du diese Schadenmeldung an meine Haushaltsversicherung formulieren? Stichpunkte unten.

Versicherung: Alpenland Versicherung AG, Polizze Nr. HH-4471-2209-AT, Sparte Haushalt Plus
Schadennummer (telefonisch vergeben): S-25-031177
Versicherungsnehmer: Mag. Florian Oberhuber-Kostić, geboren am [[DATE_OF_BIRTH|28. Jänner 1981]]
Adresse: Neubaugasse 44/7, 1070 Wien
Erreichbar: [[PHONE|@@phone:p089a:AT:m:nat@@]] oder Büro [[PHONE|@@phone:p089b:AT:f:intl:1@@]] DW 312
E-Mail: [[EMAIL|f.oberhuber.kostic@donaupost.at]]
Schadenereignis: Leitungswasserschaden am 09.03.2025 gegen 06:30, geplatzter Flexschlauch unter der Küchenspüle; Wasser in die Wohnung darunter (Top 3) gelaufen.
Schäden: Küchenunterschrank (Kaufpreis 2019 € 1.480,-), Parkett ca. 14 m², Trocknungsgerät 6 Tage.
Installateur: Firma Wasserschutz Hofer, Rechnung Nr. 2025-0419 über € 386,40.
Auszahlung bitte auf: [[IBAN|@@iban:i089:AT:spaced@@]]
Selbstbehalt laut Polizze: € 150,-. Fotos im Anhang (7 Stück).

### h14-090
Bitte erkläre mir den Unterschied zwischen Neuwert und Zeitwert anhand dieser Bedingungen.

Auszug Allgemeine Bedingungen Haushaltsversicherung (AHV 2024), Alpenland Versicherung AG
Art. 7 Entschädigung: Ersetzt wird der Neuwert zerstörter Sachen, sofern sie zum Zeitpunkt des Schadens nicht älter als 10 Jahre sind; bei älteren Sachen der Zeitwert.
Art. 9 Unterversicherung: Ist die Versicherungssumme (z. B. € 85.000,-) niedriger als der Versicherungswert, wird anteilig entschädigt.
Art. 11 Obliegenheiten: Schäden sind unverzüglich, spätestens binnen 3 Tagen zu melden; Einbruchdiebstahl zusätzlich bei der Polizei.
Art. 14 Selbstbehalt: € 150,- je Schadenfall, bei Glasbruch € 0,-.
Beispiel: Couch gekauft 2017 um € 2.400,-, Neupreis heute € 2.650,- → Entschädigung € 2.650,- (Sache jünger als 10 Jahre) minus Selbstbehalt.
Prämie 2025: € 23,14 monatlich, Indexanpassung VPI 2020 (+3,8 %).
Schadenhotline: 0800 555 471 (kostenlos, rund um die Uhr). FN 44718 d, Handelsgericht Wien.
### h14-091
Peux-tu m'aider à comprendre ce relevé ? Il y a une opération que je ne reconnais pas.

EXTRAIT DE COMPTE n° 2025/04 — Banque Mosane SA, Liège
Titulaire : Mme Aurélie Demarteau-Kasongo
Compte : [[IBAN|@@iban:i091:BE:spaced@@]]   BIC : MOSABE22 (banque)
Période : 01/04/2025 – 30/04/2025   Solde initial : 2 418,37 €   Solde final : 1 902,15 €
02/04  Domiciliation ENGIE — réf. 4410 2291 0077 — 96,00 €
05/04  Virement reçu — SALAIRE AVRIL — Hôpital de la Citadelle — + 2 744,12 €
08/04  Paiement Bancontact — DELHAIZE LIEGE — carte 6703 **** **** 4417 — 61,48 €
11/04  Ordre permanent loyer — communication structurée +++090/4471/20931+++ — 875,00 €
19/04  Paiement en ligne — BOOKWORLD*EU LU — 1 289,00 € (?)
27/04  Retrait Bancontact — Liège Guillemins — 60,00 €
Je ne reconnais pas l'achat du 19/04 ; j'ai appelé la banque depuis mon portable ([[PHONE|@@phone:p091a:BE:m:intl@@]]). Ma Mastercard [[CREDIT_CARD|@@card:c091:mc@@]] (exp. 08/27) est bloquée depuis. Ils m'ont dit d'écrire à [[EMAIL|fraude@banquemosane.be]] avec une copie du relevé.

### h14-092
Résume-moi les frais de ce tarif bancaire, je veux savoir combien me coûte un compte par an.

Banque Mosane — Liste des tarifs au 01/01/2025 (particuliers)
Compte à vue "Essentiel" : 2,50 €/mois (30 €/an), carte de débit incluse.
Compte "Confort" : 6,75 €/mois, carte de débit + carte de crédit Mastercard Classic (limite 2 500 €).
Virements SEPA en ligne : gratuits ; virement papier : 1,00 € ; virement urgent : 7,50 €.
Retraits : gratuits dans nos distributeurs ; 0,50 € hors réseau au-delà de 24 retraits par an.
Paiements hors zone euro : 1,75 % du montant.
Remplacement de carte perdue : 12,00 €. Opposition (Card Stop) : gratuite, 24 h/24 au 078 170 170.
Relevés : électroniques gratuits, papier 0,75 € par envoi.
Exemple de communication structurée : +++000/0000/00097+++ (format 12 chiffres).
BIC MOSABE22 — ce code identifie la banque, pas votre compte. N° d'entreprise BE 0448.112.093, FSMA 025573 A.

### h14-093
Nos llegó esto por el formulario de la web de la academia. ¿Es una solicitud real o spam? Redacta una respuesta.

Formulario: "Matrícula curso de inglés B2" — entrada #5521
nombre: Íñigo Etxeberria Lasa
fecha_nacimiento: [[DATE_OF_BIRTH|1998-11-30]]
email: [[EMAIL|inigo.etxeberria98@bilbomail.eus]]
telefono: [[PHONE|@@phone:p093a:ES:m:e164@@]]
horario: tardes (lunes y miércoles 18:30–20:00)
nivel_actual: B1 (certificado EOI 2023, nota 7,4)
forma_pago: transferencia (recibimos el IBAN en el correo de confirmación)
comentarios: Necesito el B2 antes de junio para unas oposiciones. ¿Hay descuento para desempleados? Mi número de demandante es 48012277.
acepta_privacidad: sí
--- metadatos ---
enviado: 2025-01-20 19:04:51 +01:00
ip_origen: [[IP_ADDRESS|83.213.47.160]]
navegador: Mozilla/5.0 (Linux; Android 14; SM-A546B) Chrome/131.0.0.0 Mobile
idioma: es-ES   puntuación_antispam: 0,12
id_sesión: 7d1f0c2e-59a4-4b8e-9e61-0a4cf2b1d337

### h14-094
Crea una tabla con los horarios y precios de estos cursos para la web.

Academia Lingua Nervión — Cursos 2025 (matrícula abierta del 07/01 al 31/01)
Inglés B1: lunes y miércoles 17:00–18:30, 64 horas, 420 € (3 plazos de 140 €)
Inglés B2: lunes y miércoles 18:30–20:00, 80 horas, 495 € (3 plazos de 165 €)
Inglés C1: martes y jueves 19:00–21:00, 90 horas, 560 €
Alemán A2: viernes 16:00–19:00, 60 horas, 390 €
Descuentos: 10 % desempleados (con tarjeta de demanda), 15 % familias numerosas, 5 % antiguos alumnos.
Grupos de 8 a 12 alumnos; si no se llega a 6 inscritos el curso se aplaza y se devuelve el importe en 10 días.
Exámenes de certificación: convocatorias de mayo (10/05/2025) y noviembre; tasas aparte (215 € B2).
Centro examinador nº ES-0417. CIF B95441207.
Información: en la recepción, de 10:00 a 14:00 y de 16:30 a 21:00.

### h14-095
Kun je deze storingsmelding van ons administratiekantoor omzetten in een duidelijk ticket voor de ICT-leverancier?

Melding 14-05-2025, 09:20 — door: Marloes Vink (officemanager), Administratiekantoor Van Eck & De Boer, Zwolle
Probleem: "scannen naar e-mail" op de Konica-printer werkt sinds maandag niet meer.
Printer: bizhub C300i, serienr. A9PX021004471, intern IP [[IP_ADDRESS|192.168.10.40]] (DHCP-reservering, subnet /24)
Foutmelding op het scherm: "SMTP-authenticatie mislukt (535)".
Instellingen die ik zag in het beheermenu (ingelogd met admin / wachtwoord [[SECRET|Zw0lle!Scan2023]]):
  SMTP-server: [[URL_CREDENTIALS|smtp://scanner%40vaneckdeboer.nl:Vogel_Kersen88@mail.vaneckdeboer.nl:587]]
  Afzender: [[EMAIL|scanner@vaneckdeboer.nl]]
Het wachtwoord van scanner@ is vrijdag gewijzigd door de leverancier (ticket INC-20250509-118).
Onze vaste IP van de glasvezel is [[IP_ADDRESS|145.53.211.87]], voor het geval de mailserver daarop filtert.
Bereikbaar: [[PHONE|@@phone:p095a:NL:f:nat:38@@]] (kantoor) of mobiel [[PHONE|@@phone:p095b:NL:m:intl@@]]
Urgentie: hoog, de btw-aangiften (Q1, deadline 30-04 al verlopen voor 3 klanten) wachten op gescande bonnetjes.

### h14-096
Maak van deze werkinstructie een korte checklist voor nieuwe medewerkers.

Werkinstructie "Scannen naar map" — Administratiekantoor Van Eck & De Boer (versie 2.3, 02-06-2025)
1. Log in op de printer met je personeelsnummer (4 cijfers) en je persoonlijke pincode; de pincode staat nergens op papier.
2. Kies "Scan naar map" → "Mijn scans". Resolutie 300 dpi, PDF/A, dubbelzijdig voor bonnetjes.
3. Bestanden komen binnen in \\nas01\scans\<personeelsnummer>\ en worden na 30 dagen automatisch verwijderd.
4. Scannen naar e-mail is uitgeschakeld sinds 20-05-2025; gebruik de map of de upload in het klantportaal.
5. Klantdossiers: naamgeving JJJJMMDD_klantnummer_omschrijving.pdf, bijv. 20250602_K04471_inkoopfacturen-Q2.pdf.
6. Vergeet niet uit te loggen (automatisch na 90 seconden).
7. Storingen melden via het ICT-portaal; noem het serienummer op de sticker (A9PX…) en de foutcode (bijv. C-2557).
Wachtwoorden en pincodes nooit delen, ook niet met de ICT-leverancier of collega's.
Kantoor: Thorbeckegracht 12, 8011 VM Zwolle, KvK 05044718.

### h14-097
Me ajuda a transformar esse desabafo numa reclamação formal para o Procon e para a loja?

Comprei uma geladeira Frost Free 480 L no site da Casa Vitória (pedido nº 2025-0887412, R$ 4.399,00 em 10x sem juros) no dia 03/02. Prometeram entrega em 7 dias úteis. Hoje é 04/03 e nada.
Já abri 3 protocolos no SAC: 20250211-44718, 20250218-50212 e 20250226-61037. Cada atendente fala uma coisa.
O pior: na última ligação o atendente pediu para eu "confirmar o cartão" e eu, na pressa, passei o número completo: [[CREDIT_CARD|@@card:c097:visa:spaced@@]], validade 06/29 e o código 418. Depois vi que isso não é normal. Já pedi o bloqueio ao banco (protocolo 7781204).
Meus dados para contato: Rafaela Monteiro Quaresma, celular [[PHONE|@@phone:p097a:BR:m:nat:31@@]], fixo [[PHONE|@@phone:p097b:BR:f:nat:31@@]], e-mail [[EMAIL|rafaela.mquaresma@uaimail.com.br]].
Endereço de entrega: Rua Pium-í, 1180, apto 302, Cruzeiro, Belo Horizonte/MG, CEP 30310-080.
Quero a entrega em até 48 h ou o cancelamento com estorno integral, e que a loja explique por que o atendente pediu dados do cartão.

### h14-098
Resuma a política de trocas e devoluções abaixo em linguagem simples.

Casa Vitória — Política de trocas e devoluções (atualizada em 10/01/2025)
Arrependimento: até 7 dias corridos após o recebimento (art. 49 do CDC), com reembolso integral, inclusive do frete.
Produto com defeito: até 30 dias (não duráveis) ou 90 dias (duráveis) para reclamar; o reparo deve ser feito em até 30 dias.
Estorno no cartão: em até 2 faturas, conforme a administradora. Pix: em até 5 dias úteis.
Atraso na entrega: o cliente pode exigir o cumprimento, aceitar outro produto ou cancelar com devolução do valor pago.
Nunca pedimos número completo de cartão, código de segurança ou senha por telefone, WhatsApp ou e-mail.
Atendimento: SAC 0800 555 4471 (24 h), Ouvidoria 0800 555 4472 (seg a sex, 8h às 18h). Pedidos de exemplo: 2025-0000000.
Casa Vitória Comércio Varejista Ltda., CNPJ 98.765.432/0001-10, Rua Espírito Santo, 1500, Belo Horizonte/MG.

### h14-099
Bitte prüfe den Personalfragebogen auf Tippfehler, bevor er an das Lohnbüro geht.

PERSONALFRAGEBOGEN — Bäckerei Hollerbusch GmbH, Filiale Freiburg-Wiehre
Personalnummer: 00417   Eintritt: 01.09.2025   Tätigkeit: Verkäuferin, Teilzeit 25 Std./Woche, 1.650 € brutto
Name: Dilara Schwarzwälder-Aksoy   Geburtsname: Aksoy
Geburtsdatum: [[DATE_OF_BIRTH|03.10.2001]]   Geburtsort: Lörrach   Staatsangehörigkeit: deutsch
Anschrift: Günterstalstraße 19, 79102 Freiburg im Breisgau
Telefon: [[PHONE|@@phone:p099a:DE:m:nat@@]]   E-Mail: [[EMAIL|dilara.sa@breisgau-post.de]]
Steuer-ID: 47 036 892 815   Steuerklasse: I   Kinderfreibeträge: 0   Konfession: rk
Krankenkasse: Techniker Krankenkasse   Rentenversicherungsnr.: wird nachgereicht
Bankverbindung (Gehalt): [[IBAN|@@iban:i099:DE:plain@@]], Kontoinhaberin: D. Schwarzwälder-Aksoy
Notfallkontakt: Emre Aksoy (Bruder), [[PHONE|@@phone:p099b:DE:f:intl:761@@]]
Schwerbehinderung: nein. Weitere Beschäftigungen: Minijob im Café Kaiser (seit 04/2024, 520 €).
Urlaubsanspruch: 25 Tage (anteilig 8 Tage für 2025).
Mitarbeiterportal (Lohnzettel): Aktivierungslink https://portal.hollerbusch-lohn.de/aktivieren?token=[[JWT|@@jwt:j099@@]]
Freiburg, 22.08.2025

### h14-100
Erkläre mir die Abzüge auf dieser Lohnabrechnung. Die Zahlen stimmen doch nicht, oder?

Entgeltabrechnung September 2025 — Personalnr. 00417 (Name geschwärzt), Steuerklasse I, Kinder 0
Bruttobezüge: Grundlohn 1.650,00 € + Sonntagszuschlag (steuerfrei) 42,50 € = 1.692,50 €
Lohnsteuer 48,16 € | Solidaritätszuschlag 0,00 € | Kirchensteuer (8 %) 3,85 €
Krankenversicherung 7,3 % + Zusatzbeitrag 1,25 % = 141,08 € | Pflegeversicherung 1,7 % + Kinderlosenzuschlag 0,6 % = 37,95 €
Rentenversicherung 9,3 % = 153,45 € | Arbeitslosenversicherung 1,3 % = 21,45 €
Nettobezug: 1.280,56 €   Auszahlung: 1.280,56 € auf Konto DE** **** **** **** **12 41
Urlaub: Anspruch 8, genommen 0, Rest 8.   Steuer-ID und SV-Nummer: siehe Jahresmeldung.
Arbeitgeber: Bäckerei Hollerbusch GmbH, Betriebsnummer 44718203, Finanzamt Freiburg-Stadt St.-Nr. 06469/44718.
Abrechnung erstellt am 26.09.2025, 14:02 Uhr, Lohnbüro Mayer & Partner.
