### h18-001
Subject: New hire paperwork – Talia Brennecke

Hi Payroll team,

Please set up the following employee for the April 2025 cycle. Hire date: 04/07/2025. Employee ID: EMP-204417.

Full name: Talia Marguerite Brennecke
DOB: [[DATE_OF_BIRTH|3/14/1988]]
SSN: [[US_SSN|@@ssn:a001@@]]
Mobile: [[PHONE|@@phone:a001:US:m:natl@@]]
Personal email: [[EMAIL|t.brennecke88@fastmail.com]]
Temporary HR portal login: tbrennecke / password: [[SECRET|Welcome#4417Tb]]
Home address: 4418 Alder Creek Rd, Apt 3B, Boise, ID 83709
Position: Logistics Coordinator II, grade L4, annual salary $78,500.00 (exempt)
Direct deposit form attached (checking account ending 0457). Start time 8:30 AM, badge pickup at reception.

Thanks,
Oren
### h18-002
Draft a polite reminder to the tenant of unit 12C that the rent of $1,450.00 for March was due on 03/01/2024 and that a late fee of $75 applies after 03/05/2024. Mention invoice INV-2024-03-0412 and lease no. LS-88213. The management office is open 9:00–17:30, Monday to Friday, at suite 210, ZIP 60614. Don't include any personal details — just open with "Dear Resident".
### h18-003
Bonjour,

Je souhaite ouvrir un compte joint avec mon conjoint. Je m'appelle Mathilde Arnoux, née le [[DATE_OF_BIRTH|14/03/1985]] à Lyon. Vous pouvez me joindre au [[PHONE|@@phone:a003:FR:m:dots@@]] ou par courriel à [[EMAIL|mathilde.arnoux@orange.fr]].

Pour le virement initial de 1 500 €, voici l'IBAN de mon ancien compte : [[IBAN|@@iban:a003:FR:spaced@@]] (BIC CCBPFRPPXXX). J'ai rendez-vous en agence le 22/05/2024 à 10h30, dossier n° 2024-118-447.

Cordialement,
Mathilde Arnoux
### h18-004
Bonjour,

Votre rendez-vous du 14/03/2024 à 10h30 au centre d'imagerie est confirmé (référence RDV-77120, examen : IRM du genou, durée 25 min). Merci de vous présenter 15 minutes avant l'heure, muni de votre ordonnance. Tarif conventionné : 69,00 €, dont 48,30 € remboursés. Code d'accès du parking : 4821B, niveau -2, places 110 à 124.

En cas d'empêchement, annulez au moins 48 h à l'avance depuis votre espace patient.
### h18-005
Patientenaufnahme – Praxis Dr. Hallbeck, Innere Medizin

Name: Jonas Wiesner
geboren am [[DATE_OF_BIRTH|07.11.1979]] (44 Jahre)
Krankenkasse: TK, Versichertennummer K482917364
Telefon mobil: [[PHONE|@@phone:a005:DE:m:natl@@]]
E-Mail: [[EMAIL|j.wiesner@posteo.de]]
Termin: 18.06.2024, 09:15 Uhr (Nüchternblutabnahme)
Allergien: Penicillin. Größe 182 cm, Gewicht 84 kg, RR 135/85.
Überweisung von Dr. Kessel vom 02.06.2024, Diagnose-Code E11.9.
### h18-006
Sehr geehrte Damen und Herren,

anbei erhalten Sie die Rechnung Nr. RE-2024-0917 vom 12.03.2024 über 2.340,50 EUR (netto 1.966,81 EUR zzgl. 19 % USt.). Kundennummer 100482, Auftragsnummer AB-55310, Lieferdatum 08.03.2024. Zahlbar innerhalb von 14 Tagen ohne Abzug auf unser bekanntes Konto (IBAN DE** **** **** **** **71 00, BIC COBADEFFXXX). Unsere USt-IdNr.: DE287451936, Amtsgericht Köln HRB 90412.

Mit freundlichen Grüßen
Ihre Buchhaltung
### h18-007
Modulo di iscrizione – Liceo Scientifico "G. Galilei", a.s. 2024/2025

Studente: Giulia Ferraresi, nata il [[DATE_OF_BIRTH|9 marzo 2008]] (16 anni), classe 3ª B
Genitore: Paolo Ferraresi – cellulare [[PHONE|@@phone:a007:IT:m:intl@@]], email [[EMAIL|paolo.ferraresi@libero.it]]
Contributo volontario: 180,00 € con addebito SEPA sull'IBAN [[IBAN|@@iban:a007:IT@@]]
Data di presentazione: 28/02/2024, protocollo n. 4471/2024. Uscita autonoma autorizzata alle 13:50.
### h18-008
Circolare n. 112 del 14/03/2024

Oggetto: viaggio d'istruzione a Napoli delle classi terze (3ª A, 3ª B, 3ª D).

Partenza il 22 aprile alle ore 6:45 dal piazzale della scuola, rientro il 24 aprile alle 21:30 circa. Partecipano 68 studenti di 16-17 anni e 6 docenti accompagnatori. La quota di 245,00 € va versata entro il 05/04/2024 tramite PagoPA (avviso n. 3018 4471 0092 5566 1); codice meccanografico della scuola RMPS12000X. Le autorizzazioni firmate vanno consegnate al coordinatore entro il 30/03.
### h18-009
Solicitud de préstamo personal – datos del solicitante

Nombre: Álvaro Requena Montiel
Fecha de nacimiento: [[DATE_OF_BIRTH|21-06-1991]]
DNI: 48291736K
Teléfono: [[PHONE|@@phone:a009:ES:m:intl@@]]
Correo: [[EMAIL|alvaro.requena@telefonica.net]]
IBAN para el abono: [[IBAN|@@iban:a009:ES@@]]
Importe solicitado: 12.000 €, plazo 48 meses, TAE 7,95 %. Ingresos netos mensuales: 2.150 €.
Fecha de la solicitud: 02-04-2024. Oficina 0451, gestor n.º 7731.
### h18-010
Convocatoria de incorporación

Nos complace confirmarle su incorporación al puesto de Técnico/a de Laboratorio (referencia de la oferta OF-2024-0331). Fecha de incorporación: 01-04-2024 a las 8:30. Salario: 28.500 € brutos anuales en 14 pagas, periodo de prueba de 6 meses, jornada de 40 horas (9:00-18:00 con una hora para comer). Diríjase a la recepción del edificio B, planta 2, C/ de la Ciencia 14, 28013 Madrid. Traiga la documentación indicada en el anexo II.
### h18-011
Beste klantenservice,

Mijn nieuwe bankpas is na drie weken nog steeds niet aangekomen. Ter controle: mijn geboortedatum is [[DATE_OF_BIRTH|02-08-1993]], klantnummer 55102938, en het IBAN waar de pas bij hoort is [[IBAN|@@iban:a011:NL:spaced@@]]. Mijn postcode is 3521 AZ, huisnummer 14-bis.

U kunt mij bellen op [[PHONE|@@phone:a011:NL:m:natl@@]] (na 17:00) of mailen naar [[EMAIL|sanne.vandijk@ziggo.nl]].

Met vriendelijke groet,
Sanne van Dijk
### h18-012
Factuur F-2024-00817

Factuurdatum: 14-03-2024 · Vervaldatum: 13-04-2024
Klantnummer: 30418 · Ordernummer: PO-7712-B
Omschrijving: onderhoud cv-ketel (2 uur à € 68,50) + expansievat 18 l (€ 94,00)
Subtotaal € 231,00 · BTW 21 % € 48,51 · Totaal € 279,51
BTW-nummer NL859216347B01 · KvK 74128390
Graag binnen 30 dagen betalen onder vermelding van het factuurnummer.
### h18-013
Hello,

I'm writing on behalf of my father, Mr. Rajesh Menon, who is in hospital this week. His Amex card [[CREDIT_CARD|@@card:a013:amex:spaced@@]] was used for two charges on 11/02/2024 that he did not make ($349.99 at an electronics store and $1,120.00 at a travel agency). Please block the card and open a dispute — our reference from the first call is DSP-7781-2024.

You can reach me at [[PHONE|@@phone:a013:GB:m:intl@@]] or [[EMAIL|ravi.menon@outlook.co.uk]] any time after 10:00 GMT.

Many thanks,
Ravi Menon
### h18-014
Your statement is ready. Card ending in 4417 was charged $59.99 on 02/14/2024 (merchant ref 88120034). Account ****-****-****-4417 · SSN on file ***-**-6612 · Phone (***) ***-1290 · Email r*****@g****.com. Minimum payment $35.00 due 03/10/2024. Questions? Reply HELP or visit the Help Center; we will never ask for your full card number or password.
### h18-015
Ticket #48213 – VPN issue (priority P2)

User cannot connect to the corporate VPN from home since yesterday 18:40. Client public IP [[IP_ADDRESS|82.132.214.57]], tunnel IPv6 was [[IP_ADDRESS|2a02:c7c:5d31:9e00::4b2]]. Helpdesk reset the AD password to [[SECRET|Winter!Harbor2024]] at 14:32 — please force a change at next login. Laptop asset tag LT-00932, Windows build 10.0.22631.3447, client version 5.1.2.114.
### h18-016
Summarise this trial description for a patient leaflet: 240 participants aged 18–65 (mean age 42.7) were randomised 1:1 and followed for 52 weeks, with visits on Day 0, Day 28, Week 12 and Week 52. Primary endpoint: change in HbA1c from baseline (−0.9 % vs −0.3 %, p = 0.004). Registered as NCT05512398 on 2022-08-19; protocol version 3.2 dated 2023-01-10. Site 014 enrolled 31 patients.
### h18-017
Sehr geehrte Damen und Herren,

bitte erstatten Sie den Betrag von 189,90 EUR (Retoure zur Bestellung 302-4417781-5529 vom 12.03.2024) auf mein Konto IBAN [[IBAN|@@iban:a017:DE:spaced@@]], BIC GENODEM1GLS. Ich bin derzeit in Großbritannien und telefonisch unter [[PHONE|@@phone:a017:GB:m:idddash@@]] erreichbar, per E-Mail unter [[EMAIL|f.lindqvist@gmx.de]].

Mit freundlichen Grüßen
Frida Lindqvist
### h18-018
Fahrzeugdaten für die Versicherung: Kennzeichen B-XK 2291, FIN WVWZZZ1KZAW408216, Erstzulassung 03/2019, HU gültig bis 11/2025, Kilometerstand 84.210 km, Leistung 110 kW, Schadenfreiheitsklasse SF 12, Typschlüssel 0603/BHW. Versicherungsbeginn 01.04.2024, Jahresbeitrag 612,40 €, Selbstbeteiligung 300 € (TK) / 500 € (VK).
### h18-019
Patient intake – Riverside Family Clinic

Patient: Dolores Achterberg, born on [[DATE_OF_BIRTH|August 3rd, 1972]] (age 51)
SSN: [[US_SSN|@@ssn:a019:spaced@@]]
Insurance member ID: XKH448120377, group 0091-22
Preferred contact: [[PHONE|@@phone:a019:US:m:natl@@]]
Emergency contact: Henry Achterberg (spouse), [[PHONE|@@phone:a019b:US:f:natl@@]]
Appointment: 09/12/2024 at 2:45 PM with Dr. Vasquez, room 4. BP 128/82, pulse 74.
### h18-020
Make me a study plan for the next three weeks. My exams: Linear Algebra (MATH-2410, 4 credits) on 05/21/2024 at 9:00 in room 3.214, Organic Chemistry (CHEM-2310) on 05/24/2024 at 13:30 in hall B, and a 2,500-word essay due 05/28/2024 at 23:59. I can study about 3.5 hours a day, and I'm usually free after 16:00 except Tuesdays. Last term's GPA was 3.42.
### h18-021
Objet : attestation employeur

Madame, Monsieur,

Je soussignée, Claire Dubreuil, responsable des ressources humaines, certifie que M. Yanis Belkacem, né le [[DATE_OF_BIRTH|02/09/1990]], numéro de sécurité sociale 1 90 09 75 112 045 51, est employé au sein de notre société depuis le 01/02/2019 en contrat à durée indéterminée, en qualité de technicien de maintenance, pour un salaire brut mensuel de 3 250 €.

Pour toute vérification : [[EMAIL|rh@atelier-vauban.fr]] ou [[PHONE|@@phone:a021:FR:f:natl@@]].

Fait à Paris, le 14/03/2024.
### h18-022
Tribunal judiciaire de Nanterre – 3e chambre civile

RG n° 23/04417 – audience de mise en état du 12 septembre 2024 à 14 heures. Le demandeur sollicite 8 500 € au titre de l'article 1240 du Code civil et 2 000 € sur le fondement de l'article 700 du Code de procédure civile. Le délai pour conclure est fixé au 15/07/2024. Pièces n° 1 à 37 communiquées le 03/03/2024.
### h18-023
Studio Legale Martelli & Associati

Oggetto: ricorso per decreto ingiuntivo – sig. Nicola Sabatini

Il sig. Nicola Sabatini, nato il [[DATE_OF_BIRTH|3 aprile 1967]] a Palermo, residente in via Dalmazia 22, 90141 Palermo, tel. [[PHONE|@@phone:a023:IT:f:natl@@]], PEC [[EMAIL|nicola.sabatini@pec.it]], vanta un credito di 14.380,00 € per fatture n. 18/2023 e 27/2023. Udienza fissata per il 15/10/2024 ore 9:30, R.G. n. 4412/2023.
### h18-024
Fattura n. 2024/0391 del 14/03/2024

Cliente: Tipografia Serena S.r.l. – P.IVA IT04812760157
Descrizione: 2.500 brochure A4 quadricromia, 1 bozza, consegna entro il 29/03/2024
Imponibile 3.000,00 € – IVA 22% 660,00 € – Totale 3.660,00 €
Pagamento: bonifico a 30 gg d.f.f.m., SWIFT UNCRITMMXXX, causale "FT 2024/0391".
### h18-025
Inscripción – Campamento urbano de verano 2024

Alumno/a: Lucía Ortega Prieto
Fecha de nacimiento: [[DATE_OF_BIRTH|2011-07-23]] (12 años)
Madre/padre o tutor: Beatriz Prieto – móvil [[PHONE|@@phone:a025:ES:m:plain@@]], correo [[EMAIL|beatriz.prieto+campamento@gmail.com]]
Pago con tarjeta: [[CREDIT_CARD|@@card:a025:visa:dashed@@]], caducidad 08/27, CVV ***
Turno: del 1 al 15 de julio, de 8:00 a 14:00. Precio: 320 € (descuento hermanos 10 %).
### h18-026
Recordatorio: su cita en la Clínica Dental Arganzuela es el 14-03-2024 a las 16:30 con la Dra. Molina (revisión y limpieza, 40 min). Número de referencia 4471-2290. Si necesita cambiarla, responda CAMBIAR a este mensaje antes de 24 h. Dirección: C/ de Méndez Álvaro 56, 28045 Madrid. Importe estimado: 45 €.
### h18-027
Personeelsdossier – wijziging gegevens

Medewerker: Joris Hoekstra, personeelsnummer 20931
Geboortedatum: [[DATE_OF_BIRTH|11-05-1988]]
Nieuw rekeningnummer: [[IBAN|@@iban:a027:NL@@]]
Telefoon (tijdelijk gedetacheerd in de VS): [[PHONE|@@phone:a027:US:m:us001@@]]
Ingangsdatum wijziging: 01-06-2024
Leaseauto: kenteken GX-412-K, contract 2022-0871, einddatum 30-09-2026
### h18-028
Uitslag bloedonderzoek – afnamedatum 14-03-2024 08:12, labnummer 24-031477. Hb 8,6 mmol/L (ref. 8,5–11,0), leukocyten 6,2 × 10⁹/L, glucose nuchter 5,4 mmol/L, LDL 3,1 mmol/L, eGFR 84 ml/min/1,73 m². Leeftijd patiënt: 47 jaar. Controle over 6 maanden, graag afspraak maken via de balie (route 71).
### h18-029
Please fill in the motor insurance claim form with these details:

Policyholder: Gwendolyn Harcourt-Reyes
Date of birth: [[DATE_OF_BIRTH|27th of November 1969]]
Policy number: HX-5582-0912
Vehicle registration: LK19 XPD, 2019 Toyota Corolla, 41,230 miles
Incident date: 14/02/2024, approx. 17:20, Junction 9 of the M4
Phone: [[PHONE|@@phone:a029:GB:m:intl0@@]]
Email: [[EMAIL|g.harcourtreyes@btinternet.com]]
Other party's insurer reference: AVX/2024/118832
Repair estimate: £2,340 incl. VAT
### h18-030
Explain what the BIC DEUTDEFFXXX tells me and how the value date works for a SEPA transfer. I sent €12,450.00 on 2024-03-14 at 15:05 with the reference 2024/INV/0093, and the beneficiary says it arrived on 2024-03-18. Was that a normal delay, given the 15:00 cut-off and a weekend in between?
### h18-031
hey can you help me write ufw rules? I want to allow SSH (port 2222) only from my home IP [[IP_ADDRESS|86.147.203.18]] and from our office range 185.44.12.0/24, and deny everything else. The server also has an IPv6 address, [[IP_ADDRESS|2606:4700:3034:0000:0000:0000:6815:1a2b]], which should get the same rules. It's Ubuntu 22.04 with ufw 0.36.1.
### h18-032
My Raspberry Pi web app works at http://127.0.0.1:8080 but not from other devices even though I bind to 0.0.0.0. The LAN is 192.168.1.0/24, firewall is nftables 1.0.6, Python 3.11.2, Flask 3.0.2, kernel 6.1.0-rpi7-rpi-v8. Port 8080 is open according to `ss -tlnp`. What am I missing?
### h18-033
Mietvertrag – Anlage 1 (Mieterdaten)

Mieter: Konstantin Baumgartl, geboren am [[DATE_OF_BIRTH|22.01.1976]]
E-Mail: [[EMAIL|k.baumgartl@web.de]] · Mobil: [[PHONE|@@phone:a033:DE:m:intl@@]]
Mietbeginn: 01.08.2024, Wohnung Nr. 4.12 (3. OG links), 78,4 m²
Kaltmiete 1.180,00 €, Nebenkostenvorauszahlung 240,00 €
Kaution 2.400,00 € per Überweisung von IBAN [[IBAN|@@iban:a033:DE@@]]
Stellplatz Nr. 17, Kennzeichen M-KL 4821
### h18-034
Stellenausschreibung – Kennziffer 2024-HR-117

Wir suchen zum 01.09.2024 eine/n Sachbearbeiter/in Lohnbuchhaltung (m/w/d) in Vollzeit (39 Std./Woche). Vergütung: 52.000–58.000 € brutto p.a., 30 Urlaubstage, Jobticket. Bewerbungsfrist: 30.04.2024. Vorstellungsgespräche finden in KW 19 statt (06.–10.05.2024). Bitte laden Sie Ihre Unterlagen über unser Bewerberportal hoch.
### h18-035
Buongiorno, ho ricevuto un SMS che sembrava della banca e ho inserito i dati della carta: [[CREDIT_CARD|@@card:a035:mc@@]], scadenza 11/26. Vorrei bloccarla subito. Ho anche scritto la password dell'home banking, che era [[SECRET|Tramonto_2019!]], quindi va cambiata. Il mio numero è [[PHONE|@@phone:a035:IT:m:intl@@]] e la mia email è [[EMAIL|elena.cortesi@alice.it]]. Numero pratica 00918273, filiale 0412.
### h18-036
Polizza RC auto n. 7731204 – targa GH 412 KX – scadenza 14/03/2025. Premio annuo 612,40 €, classe di merito CU 1, massimale 6.450.000 €. Guida esperta (conducente con almeno 25 anni), patente cat. B n. U17H482917W rilasciata il 12/05/2010. Sinistri negli ultimi 5 anni: 0. Rinnovo tacito, disdetta entro 30 giorni dalla scadenza.
### h18-037
Informe de alta – Servicio de Cardiología

Paciente: Ramón Echevarría Sáez
Fecha de nacimiento: [[DATE_OF_BIRTH|05-12-1958]] (65 años)
NHC: 7741203 · Cama 412-B
Ingreso: 03-03-2024 · Alta: 09-03-2024
Diagnóstico: fibrilación auricular paroxística. Tratamiento: apixabán 5 mg cada 12 h.
Contacto familiar (hija, reside en Francia): [[PHONE|@@phone:a037:FR:m:idd@@]]
Próxima revisión: 12-04-2024 a las 10:40, consulta 7.
### h18-038
Mi router da el error 0x80070005 al actualizar. La versión de firmware es 3.10.2.144 (compilación 2023-11-07), el modelo es AX3000 rev. 2, número de serie 22A4100937. Lo he reiniciado a las 21:15 y la luz WAN sigue naranja. El contrato de fibra es de 600 Mb simétricos, referencia de cliente 0047731902. ¿Qué puedo probar antes de llamar al soporte?
### h18-039
Can you translate this into French?

"Dear Mr Okafor, your refund of €215.40 has been sent to the account [[IBAN|@@iban:a039:GB:spaced@@]] (reference RF-20240311-88) and should arrive within 3–5 working days. If you have any questions, call us on [[PHONE|@@phone:a039:GB:f:intl@@]] or write to [[EMAIL|refunds@help.travelnest.co.uk]]. Your booking from 14/03/2024 to 18/03/2024 (booking no. TN-449102) has been cancelled free of charge."
### h18-040
Pakket met trackingnummer 3SKLM0074491285 wordt bezorgd op 14-03-2024 tussen 14:00 en 16:30. Bezorgadres postcode 1012 AB. Gewicht 2,4 kg, afmetingen 40 × 30 × 20 cm. Niet thuis? Het pakket gaat naar servicepunt 20417 en blijft daar 7 dagen liggen. Ordernummer 8800412937.
### h18-041
Please update my phone number to [[PHONE|@@phone:b041:US:m:intldash@@]] and remove the old one from my profile.
### h18-042
Please update my shipping preference to express delivery; order 4512-7789 should then arrive by Thursday.
### h18-043
My credit card [[CREDIT_CARD|@@card:b043:visa:spaced@@]] has been lost, please block it and send a replacement.
### h18-044
The nightly job failed on build 10.0.19045.3570; please rerun it after patch KB5035845 is applied.
### h18-045
Send the report to [[EMAIL|marcus.ivey@northgate-analytics.com]] and cc [[EMAIL|priya.sundaram@ops.northgate-analytics.com]] before Friday noon.
### h18-046
The invoice dated 2024-03-14 totals $1,204.50; call extension 4412 if any line item looks wrong.
### h18-047
His social is [[US_SSN|@@ssn:b047@@]] and he was born on [[DATE_OF_BIRTH|June 2, 1961]].
### h18-048
Ship it to ZIP 94107 and send me the tracking number 1Z7V9W210344175528 once it leaves the warehouse.
### h18-049
Connect to [[IP_ADDRESS|52.14.88.201]]:8443 using the API key [[SECRET|@@hex:b049:32@@]] and run the export.
### h18-050
Please order ISBN 978-0-306-40615-7 (ISBN-10 0-306-40615-2) for the library; it goes on shelf 12-B.
### h18-051
Ich wurde am [[DATE_OF_BIRTH|12.07.1994]] geboren und meine IBAN lautet [[IBAN|@@iban:b051:AT:spaced@@]].
### h18-052
Request 3f2b8c1e-9a4d-4e7b-b6c1-2d8f0a9e7c35 timed out after 30 s on node worker-07.
### h18-053
You can reach me at [[PHONE|@@phone:b053:US:f:natl@@]] after 5 pm or by email at [[EMAIL|dana.whitcombe@hey.com]].
### h18-054
Upgrade every agent to version 4.12.0.1 (released 2024-02-29) before the 17:00 maintenance window.
### h18-055
Por favor, transfiera la fianza a la cuenta [[IBAN|@@iban:b055:ES:spaced@@]] e indique el pedido 4512-7789 como concepto.
### h18-056
My card ending in 4417 was declined at 14:32 today; the merchant ID on the receipt is 700482913.
### h18-057
The server at [[IP_ADDRESS|2a01:4f8:c17:2b9e::1f3]] rejected the login for admin even though the password is [[SECRET|Qv8#tLm2!rXe]].
### h18-058
I'm turning 40 this year, so let's plan the party for 06/15 at 7 pm and book a table for 12.
### h18-059
What is the billing address for card [[CREDIT_CARD|@@card:b059:amex@@]]? I think it expires in 09/26.
### h18-060
Please update the password policy: minimum 12 characters, one symbol, rotation every 90 days, no reuse of the last 5.
### h18-061
Her date of birth is [[DATE_OF_BIRTH|1979-10-30]] and her SSN is [[US_SSN|@@ssn:b061:spaced@@]].
### h18-062
Send the report to the compliance team and cc legal before 2024-04-01; the file reference is CMP-2291.
### h18-063
Call me on [[PHONE|@@phone:b063:GB:m:intl@@]] or on my landline [[PHONE|@@phone:b063b:GB:f:natl@@]] in the evening.
### h18-064
Connect to the staging host using the key stored in Vault under secret/data/staging/ssh-deploy.
### h18-065
Mi contraseña es [[SECRET|girasol.Azul.77]], no se la digas a nadie.
### h18-066
His employee number is 448-21-90 and his desk extension is 4412.
### h18-067
Forward the invoice to [[EMAIL|billing+q2@accounts.kestrelworks.io]]; the card on file is [[CREDIT_CARD|@@card:b067:mc:dashed@@]].
### h18-068
The order total was $3,141.59, paid on 03/14/2024 via PayPal, transaction 8VJ27716XK0419052.
### h18-069
The attacker logged in from [[IP_ADDRESS|45.133.172.9]] and replayed the token [[JWT|@@jwt:b069:HS256@@]].
### h18-070
Compare the SHA-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 with the checksum in the v2.7.1 release notes.
### h18-071
```python
import boto3

# TODO move to env before merging
AWS_ACCESS_KEY_ID = "[[SECRET|@@akia:c071@@]]"
AWS_SECRET_ACCESS_KEY = "[[SECRET|@@awssecret:c071@@]]"

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id=AWS_ACCESS_KEY_ID,
    aws_secret_access_key=AWS_SECRET_ACCESS_KEY,
)
s3.upload_file("report.csv", "acme-exports-prod", "2024/03/report.csv")
```
### h18-072
```python
import hashlib
import os
import uuid

API_KEY = os.environ["OPENAI_API_KEY"]
STRIPE_KEY = os.getenv("STRIPE_SECRET_KEY", "")
RUN_ID = uuid.uuid4()  # e.g. 9c1d4e2a-7b3f-4f61-a0d8-5e2b91c7f403


def fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


print(f"run {RUN_ID}: using key {fingerprint(API_KEY)}")  # -> 4f9a1c03b7e2
```
### h18-073
```dotenv
# .env (production)
NODE_ENV=production
PORT=3000
DATABASE_URL=[[URL_CREDENTIALS|postgresql://billing_svc:Qx7%21mR2vTz@10.20.4.17:5432/billing]]
STRIPE_SECRET_KEY=[[SECRET|@@sklive:c073@@]]
SENDGRID_API_KEY=[[SECRET|@@sg:c073@@]]
INTERNAL_SERVICE_JWT=[[JWT|@@jwt:c073:HS256@@]]
SESSION_TTL_SECONDS=86400
LOG_LEVEL=info
```
### h18-074
```dotenv
# .env.example — copy to .env and fill in
API_KEY=<YOUR_API_KEY>
DB_USER=app
DB_PASSWORD=changeme
SECRET_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app
REDIS_URL=redis://localhost:6379/0
SMTP_PASSWORD=
```
### h18-075
```javascript
// sms.js
const twilio = require("twilio");

const client = twilio("AC@@twilio:c075sid@@", "[[SECRET|@@twilio:c075tok@@]]");

async function sendCode(to, code) {
  return client.messages.create({
    from: "[[PHONE|@@phone:c075:US:m:e164@@]]",
    to,
    body: `Your verification code is ${code}`,
  });
}

module.exports = { sendCode };
```
### h18-076
```javascript
// auth.test.js — fake credentials, used only against the in-memory mock
const FAKE_TOKEN = "fake-token-for-tests";
const FAKE_USER = { username: "test-user", password: "fake-password" };

test("rejects an expired session", async () => {
  const res = await login(FAKE_USER.username, FAKE_USER.password);
  expect(res.status).toBe(401);
  expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
  expect(mockStore.get(FAKE_TOKEN)).toBeUndefined();
});
```
### h18-077
```go
package store

import (
	"database/sql"

	_ "github.com/go-sql-driver/mysql"
)

var jwtSigningKey = []byte("[[SECRET|@@urlsafe:c077:43@@]]")

func Open() (*sql.DB, error) {
	return sql.Open("mysql", "shop:[[SECRET|Lkd93!vQpz7W]]@tcp([[IP_ADDRESS|172.18.0.5]]:3306)/shop?parseTime=true")
}
```
### h18-078
```go
func newClient() (*github.Client, error) {
	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		return nil, errors.New("GITHUB_TOKEN is not set")
	}
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})
	return github.NewClient(oauth2.NewClient(context.Background(), ts)), nil
}

const userAgent = "release-bot/1.4.2 (+commit 4e1f9a7c2b)"
```
### h18-079
```java
public final class LedgerDb {
    private static final String URL = "jdbc:postgresql://[[IP_ADDRESS|10.0.12.40]]:5432/ledger";
    private static final String USER = "ledger_rw";
    private static final String PASSWORD = "[[SECRET|n8Rw-Vq4s-Kp2x]]";
    private static final String REPORTS_API_KEY = "[[SECRET|@@alnum:c079:40@@]]";

    public static Connection open() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }
}
```
### h18-080
```java
@Configuration
public class DataSourceConfig {
    @Value("${spring.datasource.url}")      // jdbc:postgresql://localhost:5432/app
    private String url;

    @Value("${spring.datasource.password}")
    private String dbPassword;

    private final String apiKey = System.getenv("REPORTS_API_KEY");
}
```
### h18-081
```ruby
# config/initializers/stripe.rb
Stripe.api_key = '[[SECRET|@@sklive:c081@@]]'

# config/environments/production.rb
config.action_mailer.smtp_settings = {
  address: 'smtp.sendgrid.net',
  port: 587,
  user_name: 'apikey',
  password: '[[SECRET|@@sg:c081@@]]',
  authentication: :plain
}
```
### h18-082
```yaml
name: publish
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm ci && npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
      - run: docker pull ghcr.io/acme/builder@sha256:@@sha:c082:64@@
```
### h18-083
```php
<?php
// wp-config.php (copied from the live server)
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp_admin');
define('DB_PASSWORD', '[[SECRET|Hy7!pQ2x_Rt9vL]]');
define('DB_HOST', '[[IP_ADDRESS|192.168.10.25]]');
define('AUTH_KEY', '[[SECRET|@@salt:c083a@@]]');
define('SECURE_AUTH_KEY', '[[SECRET|@@salt:c083b@@]]');
$table_prefix = 'wp_';
```
### h18-084
```hcl
variable "db_password" {
  type      = string
  sensitive = true
}

resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_db_instance" "main" {
  engine            = "postgres"
  instance_class    = "db.t3.medium"
  username          = "app"
  password          = random_password.db.result
  kms_key_id        = "arn:aws:kms:eu-west-1:123456789012:key/@@uuid:c084@@"
}
```
### h18-085
```json
{
  "ConnectionStrings": {
    "Default": "Server=[[IP_ADDRESS|10.1.2.30]];Database=Orders;User Id=orders_app;Password=[[SECRET|Tr0ub4dor&3x!]];TrustServerCertificate=True"
  },
  "Jwt": {
    "Issuer": "orders-api",
    "Key": "[[SECRET|@@b64:c085:48@@]]",
    "ExpiresMinutes": 60
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
```
### h18-086
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders-api
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: api
          image: registry.acme.internal/orders-api@sha256:@@sha:c086:64@@
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: orders-db
                  key: password
            - name: LOG_LEVEL
              value: info
```
### h18-087
```bash
# reproduce the 403 from the ticket
curl -s https://api.parcelhub.io/v2/shipments \
  -H "Authorization: Bearer [[JWT|@@jwt:c087:RS256@@]]"

curl -u deploy:[[SECRET|b7Hq!2mZx9Lw]] https://ci.parcelhub.io/job/release/build

curl -O [[URL_CREDENTIALS|https://mirror:Pz4uKc8sWq@files.parcelhub.io/dumps/2024-03-14.sql.gz]]
```
### h18-088
```text
# ~/.ssh/authorized_keys on build-01
@@sshpub:c088@@ deploy@build-01

# ca.pem (public CA certificate, safe to commit)
@@cert:c088@@
```
### h18-089
```yaml
# .gitlab-ci.yml
variables:
  NPM_TOKEN: "[[SECRET|@@npm:c089@@]]"

build:
  image: node:20
  script:
    - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
    - git clone [[URL_CREDENTIALS|https://oauth2:@@glpat:c089@@@gitlab.com/acme/shared-ui.git]]
    - docker login -u ci-bot -p [[SECRET|@@dckr:c089@@]]
    - npm ci && npm run build
```
### h18-090
```bash
$ aws configure
AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Default region name [None]: us-west-2
Default output format [None]: json
```
The values above are the example keys from the AWS documentation; Stripe's docs use `sk_test_4eC39HqLyjWDarjtT1zdp7dc` the same way.
### h18-091
```hcl
provider "aws" {
  region     = "us-east-1"
  access_key = "[[SECRET|@@akia:c091@@]]"
  secret_key = "[[SECRET|@@awssecret:c091@@]]"
}

resource "aws_db_instance" "legacy" {
  identifier     = "legacy-mysql"
  engine         = "mysql"
  instance_class = "db.t3.small"
  username       = "admin"
  password       = "[[SECRET|9vK!e2Rm#Lq7]]"
}
```
### h18-092
```sql
-- seed.sql: local development users (bcrypt hashes, cost 12)
INSERT INTO users (username, role, password_hash, created_at) VALUES
  ('admin', 'owner', '@@bcrypt:c092a@@', '2024-03-14 09:00:00'),
  ('viewer', 'read', '@@bcrypt:c092b@@', '2024-03-14 09:00:00');
```
### h18-093
```yaml
apiVersion: v1
kind: Secret
metadata:
  name: notifier
  namespace: prod
type: Opaque
stringData:
  DB_PASSWORD: "[[SECRET|Wq3$zN8!kd2R]]"
  REDIS_URL: "[[URL_CREDENTIALS|redis://:Fh29xLmQ7vTe@10.96.14.22:6379/0]]"
  SLACK_WEBHOOK_URL: "[[SECRET|@@slackhook:c093@@]]"
```
### h18-094
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  annotations:
    checksum/config: @@sha:c094:64@@
data:
  DEFAULT_PREFS: eyJ0aGVtZSI6ImRhcmsiLCJsYW5nIjoibmwiLCJwYWdlU2l6ZSI6MjV9
binaryData:
  motd.txt: V2VsY29tZSB0byB0aGUgc3RhZ2luZyBjbHVzdGVyIQo=
```
### h18-095
why does ssh say "UNPROTECTED PRIVATE KEY FILE"? I copied my key to the new laptop and `ssh deploy@[[IP_ADDRESS|94.130.66.201]]` fails. here is the file:

```
[[SECRET|@@pem:c095:ssh@@]]
```
### h18-096
```bash
# call the API with your own credentials
export API_TOKEN="<paste-your-token-here>"
curl -H "Authorization: Bearer $API_TOKEN" https://api.parcelhub.io/v2/shipments
curl -u "$CI_USER:$CI_PASSWORD" https://ci.parcelhub.io/job/release/build
curl "https://api.parcelhub.io/v2/rates?api_key=YOUR_API_KEY&zip=94107"
```
### h18-097
```ini
; monitoring.ini
[database]
host = [[IP_ADDRESS|10.40.2.11]]
port = 5432
user = grafana_ro
password = [[SECRET|Zm9!tQ4wRk2p]]

[smtp]
user = [[EMAIL|alerts@mon.fjordline-tech.no]]
password = [[SECRET|@@alnum:c097:16@@]]

[github]
token = [[SECRET|@@ghp:c097@@]]

[analytics]
service_token = [[JWT|@@jwt:c097:HS256@@]]
```
### h18-098
```ini
; settings.template.ini — values are injected at deploy time
[database]
host = ${DB_HOST}
password = ${DB_PASSWORD}

[api]
key = REPLACE_ME
secret = <set-in-vault>
token = ********
```
```xml
<appSettings>
  <add key="ApiKey" value="#{ApiKey}#" />
  <add key="Environment" value="staging" />
</appSettings>
```
### h18-099
```xml
<!-- ~/.m2/settings.xml -->
<settings>
  <servers>
    <server>
      <id>nexus-releases</id>
      <username>ci-deployer</username>
      <password>[[SECRET|Kx8#vB2qLm5!]]</password>
    </server>
  </servers>
  <mirrors>
    <mirror>
      <id>internal</id>
      <url>[[URL_CREDENTIALS|https://ci-deployer:Kx8%23vB2qLm5%21@nexus.corp.lanwave.net/repository/maven-public/]]</url>
      <mirrorOf>*</mirrorOf>
    </mirror>
  </mirrors>
</settings>
```
### h18-100
```csharp
var smtpPassword = Environment.GetEnvironmentVariable("SMTP_PASSWORD")
    ?? throw new InvalidOperationException("SMTP_PASSWORD missing");
```
```php
$pdo = new PDO(getenv('DB_DSN'), getenv('DB_USER'), getenv('DB_PASS'));
```
```ruby
Rails.application.config.secret_key_base = ENV.fetch("SECRET_KEY_BASE")
```
Commits touched: @@sha:c100a:40@@, @@sha:c100b:40@@ (signed with key fingerprint SHA256:@@alnum:c100:43@@).
