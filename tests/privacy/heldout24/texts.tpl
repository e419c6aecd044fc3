### h24-001
Kannst du meinen Lebenslauf auf eine Seite kürzen? Die Stationen vor 2015 können raus.

LEBENSLAUF

Persönliche Daten
Name: Johanna Brettschneider
Anschrift: Lütticher Str. 41, 50674 Köln
Tel.: [[PHONE|@@phone:p001:DE:m:intl0@@]]
E-Mail: [[EMAIL|j.brettschneider@posteo-mail.de]]
Geburtsdatum/-ort: [[DATE_OF_BIRTH|14.03.1990]] in Köln
Familienstand: ledig

Berufserfahrung
03/2019 – heute    Senior Controllerin, Rheinhafen Logistik GmbH, Köln
08/2015 – 02/2019  Controllerin, Vossberg Chemie AG, Leverkusen
09/2012 – 07/2015  Werkstudentin Finanzen, Kessel & Nolte KG

Ausbildung
2010 – 2015  B.Sc./M.Sc. BWL, Universität zu Köln (Abschlussnote 1,7)
2010         Abitur, Gymnasium Kreuzgasse (Note 1,9)
### h24-002
Bitte formuliere die Stichpunkte in meinem Lebenslauf aktiver und streiche Füllwörter:

Berufserfahrung
04/2021 – heute | Backend-Entwicklerin, Fernwald Software GmbH, Leipzig
- Migration von Java 11 auf Java 17 und Spring Boot 3.2 für 14 Microservices
- Einführung von Kubernetes 1.29 (EKS), Helm-Charts, Kosten −23 % pro Monat
- Betreuung von 2 Werkstudierenden, Code-Reviews

10/2017 – 03/2021 | Softwareentwicklerin, Datenwerk Sachsen AG
- Wartung des Abrechnungssystems (ca. 1,2 Mio. Buchungen/Tag)
- Reduzierung der Batch-Laufzeit von 4:10 h auf 1:35 h

Zertifikate: AWS Certified Solutions Architect – Associate (Validierungsnr. 7QKD4M2L1BE41S3P), Oracle Certified Professional Java SE 17 (2022)
Studium: 2013–2017 B.Sc. Informatik, HTWK Leipzig, Note 1,8, Bachelorarbeit "Lastverteilung in Event-Systemen"
Gehaltsvorstellung: 72.000 € brutto p. a., Kündigungsfrist 3 Monate zum Quartalsende
### h24-003
Peux-tu traduire mon CV en anglais ? Garde la mise en page.

CURRICULUM VITAE
Camille Aubertin
12 rue Sala, 69002 Lyon
Tél : [[PHONE|@@phone:p003:FR:m:dots@@]]
Courriel : [[EMAIL|camille.aubertin@laposte-mail.fr]]
Née le [[DATE_OF_BIRTH|22 mars 1992]] à Lyon – Permis B

EXPÉRIENCE
Depuis 09/2020 : Chargée de recrutement, Groupe Vallon Santé (Lyon)
2017 – 2020 : Assistante RH, Tissages Berthoud (Villeurbanne)

FORMATION
2015 – 2017 : Master 2 GRH, IAE Lyon 3 (mention Bien)
2012 – 2015 : Licence AES, Université Lumière Lyon 2
### h24-004
Corrige les fautes de ma lettre de motivation, s'il te plaît :

Madame, Monsieur,
Actuellement chargé d'études statistiques chez un assureur mutualiste depuis 2019, je souhaite rejoindre votre équipe Data (offre n° 2024-DS-0417). Titulaire d'un BAC+5 en statistique (ENSAI, promotion 2016), j'ai piloté de 2020 à 2023 la refonte du modèle de tarification habitation (3,2 millions de contrats).
Ma rémunération actuelle est de 47 k€ bruts annuels sur 13 mois ; mon préavis est de 3 mois, négociable à 2 mois. Je réside à Rennes (35000) et suis mobile sur Nantes.
Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.
### h24-005
Can you tighten the summary of my résumé? It's in Markdown:

# Tomasz Whitfield
Product Designer · Manchester, UK
📞 [[PHONE|@@phone:p005:GB:m:intl@@]] · ✉ [[EMAIL|tom.whitfield.design@fastmail.co.uk]] · linkedin.com/in/tomwhitfield-design · tomwhitfield.design

## Summary
Product designer with 8+ years of experience across fintech and healthtech. I love working with engineers and I am passionate about accessibility and design systems and measurable outcomes.

## Experience
**Lead Product Designer**, Northwind Health — 06/2021 – present
**Product Designer**, Ledgerly — 2017–2021
### h24-006
Which of these skills should I cut from my CV? Recruiters say it's too long.

## Skills
- Languages: Python 3.11, TypeScript 5.4, Go 1.22, Java 17, SQL
- Infra: Kubernetes 1.29, Terraform 1.7, Docker 25, PostgreSQL 16, Redis 7.2
- Certifications: AWS Certified DevOps Engineer – Professional (2023, validation number 4XWPM1S2J2E1Q9KT), CKA (certificate ID LF-7gk29sh3q1), PMP #3318842

## Publications
- Okafor, R. and Lindqvist, M. (2021). "Adaptive sharding for time-series stores." Proc. VLDB 14(9), 1802–1814. doi:10.14778/3461535.3461548
- ORCID: 0000-0002-4417-2299

## Projects
- github.com/rokafor/tsdb-shard-sim (1.2k stars)
### h24-007
This is text from my PDF resume but the layout broke when I copied it. Can you put it back in order?

MARISOL   QUINTANA-REYES                         Oakland, CA 94611
Data Analyst                  [[PHONE|@@phone:p007:US:f:national:510@@]]
                    [[EMAIL|marisol.qreyes@protonmail.com]]
EXPERIENCE                 SKILLS
Data Analyst II            SQL, dbt, Looker,
Bayline Transit Authority  Python (pandas),
Aug 2020 – Present         Tableau
• Built ridership dashboards EDUCATION
  used by 40+ managers     B.A. Economics, UC Davis
• Cut report latency       2014 – 2018, GPA 3.7
  from 6 h to 20 min
### h24-008
Another broken PDF copy. Please rebuild this education/experience block:

EDUCATION                          AWARDS
M.S. Computer Science              Dean's List (6
Georgia Institute of Technology    semesters)
2016 – 2018 | GPA 3.92/4.00        ACM ICPC Regional
B.S. Mathematics                   2015, 3rd place
Univ. of Florida 2012 – 2016
EXPERIENCE
Software Engineer III, Corvel Payments   Jan 2021 – Present
Atlanta, GA 30308 • Team of 7 • $2.4M annual savings
Software Engineer, Peachtree Data (Req. 21-0834) 2018 – 2020
### h24-009
Please convert this Europass CV into a one-page summary in English.

PERSONAL INFORMATION
Name: Inês Carvalho Sampaio
Address: Rua do Almada 214, 4050-032 Porto (Portugal)
Telephone: [[PHONE|@@phone:p009:PT:m:paren@@]]
Email: [[EMAIL|ines.sampaio@sapo-correio.pt]]
Date of birth: [[DATE_OF_BIRTH|14 March 1990]]
Nationality: Portuguese

WORK EXPERIENCE
01/2019 – Present  Supply Chain Planner, Ferragens do Norte S.A.
09/2014 – 12/2018  Logistics Analyst, Porto Marítimo Lda.

EDUCATION AND TRAINING
2009 – 2014  Integrated Master in Industrial Engineering, FEUP (EQF level 7), final grade 16/20
### h24-010
Is this the right way to fill the Europass language grid?

MOTHER TONGUE(S): Portuguese
OTHER LANGUAGE(S):
              UNDERSTANDING          SPEAKING                 WRITING
              Listening  Reading     Interaction  Production
English       C1         C1          B2           B2          C1
Spanish       B2         C1          B1           B1          B1
Certificates: Cambridge C1 Advanced (2019, score 191), DELE B2 (2016)
Digital skills: SAP MM/PP (S/4HANA 2021), Power BI, Excel (VBA)
Driving licence: B
Work experience: 09/2014 – 12/2018 and 01/2019 – present; notice period 60 days.
### h24-011
¿Me ayudas a mejorar mi CV? Es para una oferta de administrativo contable.

DATOS PERSONALES
Nombre: Rocío Villaverde Ortuño
DNI: 48291736-Q
Fecha de nacimiento: [[DATE_OF_BIRTH|03/07/1991]]
Teléfono: [[PHONE|@@phone:p011:ES:m:national@@]]
Correo electrónico: [[EMAIL|rocio.villaverde91@correo-mail.es]]
Domicilio: C/ Alfonso X 18, 3.º B, 30008 Murcia

EXPERIENCIA
2018 – actualidad: Auxiliar contable, Conservas del Segura S.L.
2015 – 2018: Administrativa, Gestoría Palazón
### h24-012
Redacta de forma más profesional este apartado de mi currículum:

EXPERIENCIA LABORAL
Mar. 2019 – Actualidad · Técnico de nóminas · Grupo Alcázar (Sevilla)
  Gestión de 350 nóminas mensuales, seguros sociales y modelo 111/190
Sep. 2016 – Feb. 2019 · Administrativo · Asesoría Giralda
FORMACIÓN
2012 – 2016 · Grado en Relaciones Laborales, Universidad de Sevilla (nota media 8,2)
Máster en Prevención de Riesgos Laborales (60 ECTS), 2017
Salario actual: 28.500 € brutos anuales en 14 pagas. Disponibilidad: 15 días. CP 41004.
### h24-013
Pode revisar meu currículo? Quero enviar para uma vaga de analista de dados.

CURRÍCULO
Letícia Moraes Guimarães
Data de nascimento: [[DATE_OF_BIRTH|21/09/1994]]
Celular/WhatsApp: [[PHONE|@@phone:p013:BR:m:national@@]]
E-mail: [[EMAIL|leticia.mguimaraes@uol-mail.com.br]]
Endereço: Rua Augusta, 1508, apto 72 – São Paulo/SP – CEP 01304-001

EXPERIÊNCIA
02/2021 – atual: Analista de BI Jr., Rede Paulista de Farmácias
2019 – 2021: Estagiária de Dados, Banco Cerrado
### h24-014
Melhore o resumo profissional abaixo, por favor:

OBJETIVO: Analista de Dados Pleno
FORMAÇÃO: Bacharelado em Estatística – UNICAMP (2012–2016), CR 8,7
CURSOS: Python para Análise de Dados (40 h, 2020); Power BI (24 h, 2021)
EXPERIÊNCIA: 2017–2024 na Cooperativa Agrícola Vale Verde, com redução de 18% no custo de estoque
IDIOMAS: Inglês avançado (TOEFL iBT 101), espanhol intermediário
PRETENSÃO SALARIAL: R$ 9.500,00 (CLT) – disponibilidade imediata – CEP 13083-970
### h24-015
Mi sistemi il CV in formato europeo? Te lo incollo:

Francesca Lombardi
Nata a Bari il [[DATE_OF_BIRTH|5 giugno 1993]]
Cell. [[PHONE|@@phone:p015:IT:m:national@@]]
Email: [[EMAIL|francesca.lombardi93@libero-posta.it]]
Via Sparano da Bari 102, 70121 Bari

ESPERIENZE
2020 – oggi: HR Business Partner, Adriatica Meccanica S.p.A.
2017 – 2020: Recruiter junior, Puglia Lavoro S.r.l.

Autorizzo il trattamento dei dati personali ai sensi del D.Lgs. 196/2003 e del Regolamento UE 2016/679.
### h24-016
Puoi rendere più incisiva questa sezione del mio curriculum?

ISTRUZIONE
2011 – 2016  Laurea magistrale in Ingegneria Gestionale, Politecnico di Milano, voto 110/110 e lode
ESPERIENZE
dal 2017 al 2021  Consulente junior, Brera Advisory (Milano, CAP 20121)
dal 2021  Project manager, Lariana Impianti S.r.l.
RAL attuale 38.000 €, preavviso 45 giorni. Certificazione PMP n. 2973315 (2022).
Autorizzo il trattamento dei dati personali ai sensi del Regolamento UE 2016/679.
### h24-017
Kun je mijn cv nalopen op taalfouten?

Persoonlijke gegevens
Naam: Sanne de Wijs-Koopmans
Adres: Biltstraat 122, 3572 BK Utrecht
Geboortedatum: [[DATE_OF_BIRTH|12-08-1989]]
Mobiel: [[PHONE|@@phone:p017:NL:m:national@@]]
E-mail: [[EMAIL|sanne.dewijs@ziggo-post.nl]]

Werkervaring
2019 – heden  Teamleider klantenservice, Domstad Energie B.V.
2013 – 2019   Medewerker klantenservice, Utrechtse Woonbond
### h24-018
Maak deze werkervaring korter en krachtiger:

Werkervaring
mei 2020 – heden   Accountmanager, Houtman Bouwmaterialen B.V. (Zwolle, 8011 AB)
                   Omzetgroei van € 1,8 mln naar € 2,6 mln in 3 jaar
2016 – 2020        Binnendienstmedewerker, Friesland Tegel
Opleiding          HBO Commerciële Economie, Windesheim (2012–2016)
Salarisindicatie   € 4.250 bruto per maand + 8% vakantiegeld; opzegtermijn 1 maand
### h24-019
Przetłumacz moje CV na angielski:

Dane osobowe
Imię i nazwisko: Katarzyna Wróblewska
Data urodzenia: [[DATE_OF_BIRTH|04.02.1995]]
Tel. [[PHONE|@@phone:p019:PL:m:national@@]]
E-mail: [[EMAIL|k.wroblewska95@onet-poczta.pl]]
Adres: ul. Piotrkowska 87/12, 90-423 Łódź

Doświadczenie zawodowe
2019 – obecnie: Specjalistka ds. kadr i płac, Łódzkie Zakłady Tekstylne
2017 – 2019: Asystentka działu HR, Centrum Usług Wspólnych Bałtyk

Wyrażam zgodę na przetwarzanie moich danych osobowych dla potrzeb procesu rekrutacji (RODO).
### h24-020
Popraw styl tej sekcji CV:

Doświadczenie
03.2018 – 06.2022  Księgowa, Biuro Rachunkowe Wisła sp. z o.o., Kraków 30-001
07.2022 – obecnie  Starsza księgowa, Mazowiecka Spółdzielnia Mleczarska
Wykształcenie: 2013–2018 Uniwersytet Ekonomiczny w Krakowie, ocena końcowa 4,5
Oczekiwania finansowe: 12 000 zł brutto/mies. (umowa o pracę), okres wypowiedzenia 3 miesiące
Certyfikat: ACCA, numer członkowski 3310827
### h24-021
この履歴書の自己PRを300字程度にまとめてください。

履歴書
氏名　高橋 美咲
生年月日　[[DATE_OF_BIRTH|平成4年5月17日]]生（満32歳）
現住所　〒150-0002 東京都渋谷区渋谷2-21-1
電話　[[PHONE|@@phone:p021:JP:m:national@@]]
メール　[[EMAIL|misaki.takahashi@kumo-mail.jp]]

学歴・職歴
平成27年3月　早稲田大学 商学部 卒業
平成27年4月　株式会社ミナト商事 入社（法人営業部）
令和3年10月　株式会社ソラリス 入社（カスタマーサクセス）現在に至る
### h24-022
職務経歴書の下記部分を、もっと成果が伝わる表現に直してください。

■職務経歴
2016年4月～2020年3月　株式会社北斗システム（従業員数 約1,200名）
　・金融機関向け勘定系システムの保守（Java 8 → Java 17 移行）
　・障害対応件数を年間42件から17件に削減
2020年4月～現在　株式会社アオバデータ
■資格
基本情報技術者（2017年）、TOEIC 860点（2023年12月）
■希望年収　600万円（現年収 540万円）、入社可能時期：内定後2か月
### h24-023
Can you make this cover letter sound less generic? Here's the full thing including the header.

Daniel Oyelaran
[[PHONE|@@phone:p023:GB:m:national@@]] | [[EMAIL|d.oyelaran@btinternet-mail.co.uk]]
Leeds LS6 2QF

Hiring Team, Aldgate Mutual
Re: Claims Operations Manager (ref. AM-CO-2291)
Sent to: [[EMAIL|careers@aldgatemutual.co.uk]]

Dear Hiring Team,
I am writing to apply for the Claims Operations Manager role. Over the last six years at Pennine Insurance I have led a team of 14 handlers and reduced average claim cycle time from 21 to 12 days...
### h24-024
Please shorten this cover letter to 200 words without losing the numbers.

Dear Ms Achterberg,
I am applying for the Senior Payroll Specialist position (requisition REQ-20431) advertised on 3 March. Since 2018 I have run fortnightly payroll for 2,300 employees across four entities, cut off-cycle payments by 37% and led the 2022 migration to a new payroll engine (go-live 01/07/2022, zero missed payments).
My current base salary is £46,500 with a 5% bonus; I would be looking for £52,000–£55,000. My notice period is two months. I hold the CIPP Diploma in Payroll Management (2020).
Kind regards,
Aisling Moran
### h24-025
I downloaded my LinkedIn data archive. What do these files tell LinkedIn about me?

Email Addresses.csv
Email Address,Confirmed,Primary,Updated On
[[EMAIL|rahul.venkataraman@outlook-mail.in]],Yes,Yes,3/14/19, 9:21 AM
[[EMAIL|rahul.v@tessellate-analytics.com]],Yes,No,6/2/22, 4:05 PM

PhoneNumbers.csv
Extension,Number,Type
,[[PHONE|@@phone:p025:IN:m:e164@@]],Mobile

Registration.csv
Registered At,Registration Ip,Subscription Types
2/11/11, 7:48 PM,[[IP_ADDRESS|117.214.86.39]],Basic
### h24-026
Here's the Positions.csv from my LinkedIn export. Can you turn it into CV bullet points?

Company Name,Title,Description,Location,Started On,Finished On
Tessellate Analytics,Senior Data Scientist,"Churn models for 11 telecom clients, uplift +6.2%","Bengaluru, Karnataka, India",Jun 2022,
Marigold Retail,Data Scientist,"Demand forecasting for 1,450 stores","Chennai, Tamil Nadu, India",Jul 2018,May 2022
Indus Fintech,Analyst,"Credit scorecards (Gini 0.61)","Mumbai, Maharashtra, India",Aug 2015,Jun 2018

Skills.csv: Python; SQL; PySpark 3.5; scikit-learn 1.4; Causal Inference
Endorsement_Received_Info.csv: 214 endorsements, latest 12/2024
### h24-027
Our ATS export has duplicates. Can you find candidates who applied twice? (CSV from Greenhouse)

Candidate ID,Application ID,First Name,Last Name,Email,Phone,Job,Stage,Applied At
48213307,91044128,Hannah,Lindqvist,[[EMAIL|hannah.lindqvist@gmail-box.se]],[[PHONE|@@phone:p027a:SE:m:intl@@]],Backend Engineer (R-1187),Phone Screen,2025-02-03
48213391,91044190,Oluwaseun,Adebayo,[[EMAIL|seun.adebayo@yahoo-mail.co.uk]],[[PHONE|@@phone:p027b:GB:m:e164@@]],Backend Engineer (R-1187),Application Review,2025-02-03
48219954,91051377,Hannah,Lindqvist,[[EMAIL|hannah.lindqvist@gmail-box.se]],[[PHONE|@@phone:p027a:SE:m:intl@@]],Platform Engineer (R-1192),Application Review,2025-02-07
48220140,91051402,Mateo,Ferrer,[[EMAIL|mferrer.dev@proton-mail.es]],,Platform Engineer (R-1192),Rejected,2025-02-07
### h24-028
Can you compute time-to-hire per requisition from this ATS report?

Requisition,Department,Opened,Filled,Applications,Phone Screens,Onsites,Offers,Accepted
R-1187,Engineering,2024-11-04,2025-02-21,412,38,9,2,1
R-1192,Engineering,2024-11-18,,287,21,6,1,0
R-1203,Finance,2024-12-02,2025-01-30,96,14,4,1,1
R-1210,People,2025-01-06,2025-03-12,158,17,5,2,1
Source of hire (accepted): referral 2, job board 1; offer acceptance rate 60%
### h24-029
Why does this Lever API call return 401? I'm pulling one opportunity to check the contact fields.

$ curl -s -u [[SECRET|@@alnum:s029:40@@]]: "https://api.lever.co/v1/opportunities/2f1c9d55-6a0e-4c3b-9a61-0d7e5b84c210"
{
  "data": {
    "id": "2f1c9d55-6a0e-4c3b-9a61-0d7e5b84c210",
    "name": "Amara Nwachukwu",
    "emails": ["[[EMAIL|amara.nwachukwu@gmail-box.com]]"],
    "phones": [{"type": "mobile", "value": "[[PHONE|@@phone:p029:NG:m:intl@@]]"}],
    "stage": "offer",
    "createdAt": 1736939412000
  }
}
(that was last week — today the same command gives {"code":"Unauthorized"})
### h24-030
Explain what these fields mean in the Lever opportunity JSON:

{
  "id": "8b3e41aa-02f7-4d0e-bb6d-9c4f7e1d6a20",
  "stage": "a1f9c2d4-7e55-4b10-9f3a-2d8b6c0e7f41",
  "origin": "sourced",
  "sources": ["LinkedIn"],
  "tags": ["Backend", "Berlin", "Visa needed"],
  "createdAt": 1736939412000,
  "lastInteractionAt": 1738152011000,
  "archived": null,
  "applications": ["c7d2a6e1-55f0-4b8e-a3c9-1e0f8d7b2a64"],
  "emails": [],
  "phones": []
}
### h24-031
Turn my screening call notes into a summary for the hiring manager:

Candidate: Priya Raghunathan — Senior QA Engineer (Req 4471)
Called on [[PHONE|@@phone:p031:IN:m:dash@@]] at 11:30 IST. Alt email [[EMAIL|priya.r.qa@rediff-mail.in]].
- 7.5 yrs, Selenium/Playwright, some k6
- Current CTC 18 LPA, expected 24 LPA; notice 60 days (buyout possible)
- DOB [[DATE_OF_BIRTH|11/02/1994]] (needed for the BGV form)
- Prefers hybrid, Pune
### h24-032
Summarise these recruiter notes into three bullet points:

Req #4471 Senior QA Engineer — screen 2025-03-11, 30 min
- Exp 8 yrs (2017–2025), last 3 at a payments company, ISTQB Advanced (cert no. 21-ATM-00417)
- Current CTC 21 LPA, expects 27 LPA; notice 90 days, cannot buy out
- Rating 3/5, schedule tech round week 12
- Location: Hyderabad 500081, open to Pune
### h24-033
Please write up this interview debrief for the hiring committee. Also confirm the rescheduled details are right:

Candidate: Eleanor Pryce — Staff Engineer loop, panel 2 of 3
Note from coordinator: her mobile is [[PHONE|@@phone:p033:GB:m:national@@]] if the Teams link fails.
Microsoft Teams meeting — Meeting ID: 394 218 556 071 — Passcode: [[SECRET|Hq7Rt2pX]]
System design: strong; whiteboard took 45 min, handled 10k rps estimate well.
Coding: solid, finished both parts in 38 min.
Recommendation: Hire (3.5/4).
### h24-034
Help me write clearer interview feedback from this scorecard:

Candidate ID 77120 — Senior Data Engineer — Loop 2025-02-27
Scores (1–4): SQL 4, Spark 3, System design 3, Communication 4, Values 3
Notes: used Python 3.11 + Airflow 2.8 in the exercise; optimised join from 14 min to 2 min
Overall: Strong hire. Level recommendation L5 (band €88k–€102k).
Next step: reference checks; target start date 2025-05-01.
### h24-035
Can you check the tone of this reference letter before I send it?

To whom it may concern,

I managed Luis Bermúdez at Cascadia Freight from March 2019 to August 2023, where he was a dispatcher and later shift lead for a team of nine. He consistently met our 98.5% on-time target and trained 20+ new hires.

I recommend him without reservation. Please feel free to contact me at [[PHONE|@@phone:p035:US:m:national:206@@]] or [[EMAIL|gwen.halvorsen@cascadiafreight.com]].

Gwen Halvorsen
Operations Director, Cascadia Freight
### h24-036
Rewrite this employment verification letter in plainer English:

This is to confirm that Mr Karim Haddad (employee no. 004417) was employed by Solent Marine Services Ltd from 04/03/2019 to 31/08/2022 as Senior Estimator. His final base salary was £48,250 per annum. He left voluntarily and is eligible for rehire. This letter is issued at the employee's request on 12 March 2025 and may not be used for any other purpose.
### h24-037
Ich fülle den Personalfragebogen für den neuen Job aus. Ist das so vollständig?

Personalfragebogen – Eintritt 01.04.2025
Name: Felix Ahrendt
Geburtsdatum: [[DATE_OF_BIRTH|09.11.1986]]
Steuer-ID: 47 036 892 815
Steuerklasse: 3, Kinderfreibeträge: 1,0
Bankverbindung (Gehalt): IBAN [[IBAN|@@iban:i037:DE:spaced@@]], BIC GENODEF1S02
Handy: [[PHONE|@@phone:p037a:DE:m:national@@]]
Private E-Mail: [[EMAIL|felix.ahrendt@gmx-post.de]]
Notfallkontakt: Miriam Ahrendt (Ehefrau), [[PHONE|@@phone:p037b:DE:m:intl@@]]
Krankenkasse: TK
### h24-038
Was bedeuten diese Felder in unserer Onboarding-Checkliste?

Onboarding-Checkliste (Personalnummer 100842, Eintritt 01.04.2025)
[x] Arbeitsvertrag unterschrieben (Version 3.2, 17.02.2025)
[ ] Bankverbindung: bitte im Self-Service eintragen (wird nicht per E-Mail angenommen)
[ ] Steuerklasse und Kinderfreibeträge (z. B. 0,5 / 1,0)
[ ] Sozialversicherungsausweis – Kopie
[ ] Laptop (Inventarnr. IT-2025-0331), Badge Nr. 7710
Probezeit 6 Monate, Urlaub 30 Tage, Gehalt 64.000 € p. a. in 12 Raten, Zahlung zum 28. des Monats.
### h24-039
I'm helping my dad with his new-hire paperwork. Can you check the I-9 and direct deposit info before he submits it?

Section 1 (employee):
Name: Raymond T. Okafor
Date of Birth: [[DATE_OF_BIRTH|06/22/1961]]
U.S. Social Security Number: [[US_SSN|@@ssn:s039@@]]
Email: [[EMAIL|ray.okafor61@att-mail.net]]   Phone: [[PHONE|@@phone:p039a:US:f:national:312@@]]
Citizenship: A citizen of the United States

Direct deposit: routing 021000021, account ending 8841, checking, 100%
Emergency contact: Denise Okafor (daughter) [[PHONE|@@phone:p039b:US:m:national:312@@]]
### h24-040
Can you explain the W-4 steps for a new hire with two kids?

Form W-4 (2025) – Employee's Withholding Certificate
Step 1(c): Married filing jointly
Step 2: leave blank (spouse does not work)
Step 3: 2 qualifying children under 17 × $2,000 = $4,000; other dependents $0
Step 4(a): other income $0; 4(b): deductions $0; 4(c): extra withholding $25 per pay period
Employee SSN field on our portal shows XXX-XX-4821 (masked); pay frequency biweekly (26 periods), first pay date 04/18/2025.
### h24-041
Summarise this background check report for the hiring manager in two sentences, please.

CLEARPATH SCREENING — Report #CPS-2025-0418-7731 (Package: Standard Plus)
Subject: Marcus Delaney Whitcombe
SSN trace: [[US_SSN|@@ssn:s041@@]] — issued AZ, 1998–2000
DOB: [[DATE_OF_BIRTH|03/09/1984]] (verified)
Phone on application: [[PHONE|@@phone:p041:US:m:national:602@@]]
Address history: 3 addresses, 7 years (Phoenix AZ 85016; Tempe AZ 85281; Denver CO 80205)
County criminal (Maricopa, Denver): Clear
Employment verification: Sonoran Solar 06/2017 – 11/2024 — Verified, title matches
Education: B.S. Electrical Engineering, ASU, 2006 — Verified
### h24-042
What does "consider" mean in this background check summary?

Order 5582910 — Package: Standard Plus — Turnaround 4 business days
SSN trace: ***-**-6612 — name and DOB match records on file
County criminal (Cook County, IL): Consider — see adjudication matrix rule 4.2
Motor vehicle report: 1 minor violation (2021)
Employment: 2 of 2 verified (2016–2019, 2019–2024)
Adverse action pre-notice due under FCRA §604(b)(3); waiting period 5 business days.
### h24-043
Can you reply to this immigration lawyer for me in a friendly way, confirming the details?

From: Beatriz Solano <[[EMAIL|bsolano@solano-immigration-law.com]]>
To: [[EMAIL|arjun.mehta.dev@icloud-mail.com]]
Subject: H-1B transfer — documents needed

Hi Arjun,
To prepare the H-1B transfer petition for your new employer, please confirm:
- Full name as in passport: Arjun Prakash Mehta (passport no. on file)
- Date of birth: [[DATE_OF_BIRTH|2 January 1988]]
- Best number for a call this week: [[PHONE|@@phone:p043:US:m:intl:415@@]]
Also send the last three pay stubs and your I-797 approval notice.
Best, Beatriz
### h24-044
Explain this H-1B timeline to me like I'm new to it:

Receipt number: EAC2490123456 (Form I-129, filed 2024-04-02)
LCA certified: I-200-24082-117306, SOC 15-1252, prevailing wage level II $118,934/yr
Premium processing requested 2024-04-02, RFE issued 2024-04-19, response sent 2024-05-30
Approval: 2024-06-14, valid 2024-10-01 to 2027-09-30
Priority date (EB-2 PERM, separate case): 2023-11-17
### h24-045
Can you turn this thread into one clean confirmation email to the candidate?

Recruiter: Onsite for Yusuf Demir is Tue 10:00–15:00. Zoom for the remote panel: https://us06web.zoom.us/j/83410275519?pwd=[[SECRET|@@urlsafe:s045a:32@@.1]]  Passcode: [[SECRET|518204]]
Coordinator: his mobile for the day is [[PHONE|@@phone:p045a:TR:m:intl@@]]; reception is [[PHONE|@@phone:p045b:DE:f:intl@@]].
Coordinator: use the team travel card [[CREDIT_CARD|@@card:c045:visa:spaced@@]] exp 09/27 for his train ticket, receipt to [[EMAIL|recruiting-ops@veltrano.de]].
Recruiter: 👍 Room 3.14, badge at reception.
### h24-046
Rewrite this scheduling message so it's clearer about time zones:

Hi Yusuf, thanks for confirming! Your panel interview is on Tuesday 18 March, 10:00–11:30 CET (09:00 GMT / 12:00 TRT). Join via Zoom, meeting ID 834 1027 5519 — the passcode will come in the calendar invite. Please allow 15 min before for the tech check. Round 2 is the case study (60 min, shared 48 h in advance). Application no. APP-2025-118204.
### h24-047
Can you pivot this HR export by department and flag anyone missing a personal email?

employee_id,name,department,date_of_birth,personal_email,mobile,iban
E-10421,Lotte Vermeulen,Finance,[[DATE_OF_BIRTH|1987-05-30]],[[EMAIL|lotte.vermeulen@kpnmail-box.nl]],[[PHONE|@@phone:p047a:NL:m:e164@@]],[[IBAN|@@iban:i047a:NL@@]]
E-10422,Jonas Behrendt,Engineering,[[DATE_OF_BIRTH|1992-11-08]],,[[PHONE|@@phone:p047b:DE:m:e164@@]],[[IBAN|@@iban:i047b:DE@@]]
E-10430,Ana-Maria Costache,Engineering,[[DATE_OF_BIRTH|1995-01-17]],[[EMAIL|anamaria.costache@yahoo-posta.ro]],,[[IBAN|@@iban:i047c:NL@@]]
E-10431,Pieter Smits,Sales,[[DATE_OF_BIRTH|1979-09-02]],[[EMAIL|p.smits1979@hetnet-mail.nl]],[[PHONE|@@phone:p047c:NL:m:e164@@]],
### h24-048
Can you chart headcount and average salary by department from this export?

employee_id,department,cost_center,fte,hire_date,grade,base_salary_eur,manager_id
E-10421,Finance,CC-4100,1.0,2019-03-01,G7,71500,E-10017
E-10422,Engineering,CC-5200,1.0,2021-06-14,G8,88000,E-10102
E-10430,Engineering,CC-5200,0.8,2023-09-01,G6,54400,E-10102
E-10431,Sales,CC-6300,1.0,2015-01-05,G9,97250,E-10055
E-10440,People,CC-3100,0.6,2024-02-19,G5,31800,E-10011
### h24-049
Our ATS → HRIS sync script is failing on the SFTP step. Here's the config (I know, secrets in the file, we'll move them):

# sync_config.yaml
greenhouse:
  harvest_api_key: "[[SECRET|@@hex:s049a:32@@]]"
  on_behalf_of_user_id: 4480127
hris_sftp:
  url: "[[URL_CREDENTIALS|sftp://hris_import:Kv9mPz2wQx4T@files.payroll-partner.eu:22/inbound]]"
  fallback_host: [[IP_ADDRESS|85.214.132.77]]
notify:
  slack_webhook: "[[SECRET|@@slackhook:s049b@@]]"
schedule: "*/30 * * * *"
### h24-050
Review this sync config — is it OK to commit now?

# sync_config.yaml
greenhouse:
  harvest_api_key: "${GREENHOUSE_HARVEST_KEY}"
  on_behalf_of_user_id: 4480127
hris_sftp:
  host: files.payroll-partner.eu
  port: 22
  username: hris_import
  private_key_path: /run/secrets/hris_sftp_key
notify:
  slack_webhook_secret_ref: {name: ats-sync, key: slack-webhook}
schedule: "*/30 * * * *"
### h24-051
Candidates say the upload on our careers portal fails. What's going on in these logs?

2025-03-12T09:14:02.118Z INFO  upload.start application=APP-2025-104417 file=CV_Schneider.pdf size=2.4MB client=[[IP_ADDRESS|91.64.203.18]]
2025-03-12T09:14:02.119Z DEBUG auth header="Bearer [[JWT|@@jwt:j051:RS256@@]]"
2025-03-12T09:14:03.540Z ERROR upload.fail application=APP-2025-104417 reason=clamav_timeout scanner=[[IP_ADDRESS|10.42.7.15]]:3310 elapsed_ms=1421
2025-03-12T09:14:03.541Z WARN  notify candidate=[[EMAIL|l.schneider.bewerbung@web-post.de]] template=upload_failed_v2
### h24-052
Is this log showing a real problem or just noise?

2025-03-12T10:02:44.901Z INFO  upload.start application=APP-2025-104502 file=Lebenslauf.pdf size=1.1MB request_id=5b0c3f1e-9a7d-4c22-8e61-3f9d0a4b7c15
2025-03-12T10:02:45.233Z INFO  scan.ok engine=clamav 1.3.1 signatures=27541 elapsed_ms=332 upstream=127.0.0.1:3310
2025-03-12T10:02:45.240Z INFO  parse.ok pages=2 words=612 language=de
2025-03-12T10:02:45.901Z WARN  ats.push retry=1 status=429 retry_after=2 job=R-1192
2025-03-12T10:02:48.014Z INFO  ats.push ok candidate_id=48231177 application_id=91066310
### h24-053
Can you translate this welcome e-mail into Spanish for our new hire in Madrid?

Subject: Welcome to Brightwater Labs, Álvaro!

Your accounts are ready for Monday 7 April:
• Work e-mail: [[EMAIL|alvaro.pizarro@brightwaterlabs.io]]
• Temporary password (change at first login): [[SECRET|Tz4#qLm9!vR2]]
• Office Wi-Fi "BWL-Staff", password: [[SECRET|lemon-harbor-7731-kite]]
If anything doesn't work, call the IT desk on [[PHONE|@@phone:p053:ES:f:intl@@]] (8:00–18:00).
Your buddy is Nuria (Platform team). Laptop asset tag BWL-LT-0917.
### h24-054
Make this first-day e-mail warmer, please:

Welcome aboard! On Monday 7 April please arrive at 09:30 at Paseo de la Castellana 95, floor 12 (28046 Madrid). Your login details will be sent to your phone by SMS on the morning of your first day, and you'll set your own password with the on-screen wizard. Bring your DNI/NIE for the badge (badge no. 4471). Agenda: 10:00 IT setup, 11:30 HR induction (benefits, 23 days holiday), 13:00 lunch with the team, 15:00 1:1 with your manager.
### h24-055
Can you fill in the relocation expense claim from my notes?

Relocation claim — Anjali Sethuraman (employee E-20917), move Dublin → Amsterdam, 02/2025
- Removal company (Van Vliet Verhuizingen), paid with my own card [[CREDIT_CARD|@@card:c055:mc@@]]: €3,840.00
- Temporary housing 30 nights: €2,700.00 (company booked)
- Flights: €212.48
Reimburse to: IBAN [[IBAN|@@iban:i055:NL:spaced@@]] (ING)
Questions to me: [[EMAIL|anjali.sethu@proton-mail.ie]]
### h24-056
Summarise our relocation policy in five bullet points:

Relocation support (policy HR-POL-014, v2.3, effective 01/01/2025)
- Lump sum: €5,000 (L4–L5) or €8,000 (L6+), paid with first salary, grossed up for tax
- Temporary housing up to 30 nights, max €110/night
- Corporate card ending 4417 may be used for removals only with pre-approval
- Clawback: 100% if leaving within 12 months, 50% within 24 months
- Claims within 90 days of the start date; receipts required above €25
### h24-057
Ayúdame a responder a este candidato de forma amable:

Hola, buenas tardes:
Me llamo Joaquín Esparza y quisiera postularme para el puesto de técnico de mantenimiento que vi en su web. Tengo 9 años de experiencia en mantenimiento industrial y curso de PRL de 60 horas. Nací el [[DATE_OF_BIRTH|9 de octubre de 1996]] en Zaragoza y tengo carné de conducir C.
Mi teléfono es el [[PHONE|@@phone:p057:ES:m:national@@]] y mi correo [[EMAIL|joaquin.esparza96@telefonica-correo.es]]. Adjunto el CV.
Un saludo.
### h24-058
Mejora este correo de rechazo, que suena muy frío:

Estimado candidato:
Le agradecemos su interés en la oferta nº 2024-0417 (Técnico de mantenimiento, Zaragoza). Tras revisar las 146 candidaturas recibidas entre el 3 y el 21 de febrero, hemos decidido continuar con otros perfiles. Conservaremos su CV durante 12 meses para futuras vacantes, salvo que nos indique lo contrario.
Atentamente,
Departamento de Selección
### h24-059
This is a WhatsApp export with a candidate. Can you summarise what was agreed?

[11/03/2025, 09:12] Recruiter (Ciara): Hi Niamh, is now a good time for a quick call?
[11/03/2025, 09:15] Niamh: In a meeting till 10, can you ring me on [[PHONE|@@phone:p059a:IE:m:national@@]] after that? My work phone is [[PHONE|@@phone:p059b:GB:m:intl@@]] but I'd rather not use it 😅
[11/03/2025, 10:41] Recruiter (Ciara): Great chat! Summary: salary expectation €68–72k, notice 1 month, can start 14/04.
[11/03/2025, 10:43] Niamh: Perfect, thanks!
### h24-060
Summarise this chat with a candidate:

[12/03/2025, 14:02] Recruiter (Ciara): Hi Tadhg, confirming the call at 14:30 today, I'll ring the number on your application.
[12/03/2025, 14:03] Tadhg: 👍
[12/03/2025, 15:10] Recruiter (Ciara): Thanks! So: €58k base + 10% bonus, 25 days leave, 3 days in office (Dublin 2).
[12/03/2025, 15:12] Tadhg: Can we do 4/1 hybrid instead of 3/2? Notice period is 6 weeks.
[12/03/2025, 15:20] Recruiter (Ciara): Will check with the hiring manager and revert by 14/03.
### h24-061
Vérifie que ce mail au service paie est clair :

Bonjour,
Suite à mon embauche au 1er avril, voici les informations demandées pour la paie :
- RIB : IBAN [[IBAN|@@iban:i061:FR:spaced@@]] – BIC CCBPFRPPLYO
- Date de naissance : [[DATE_OF_BIRTH|03/05/1987]]
- N° de sécurité sociale : 2 87 05 69 123 456 87
- Téléphone : [[PHONE|@@phone:p061:FR:m:national@@]]
Merci de me confirmer la bonne réception.
Cordialement, Élodie Marchetti
### h24-062
Explique-moi les lignes de ce bulletin de paie :

Bulletin de paie – Période du 01/03/2025 au 31/03/2025 – Matricule 004417
Salaire de base 151,67 h × 21,5300 = 3 265,45 €
Prime d'ancienneté 3 % = 97,96 €
CSG déductible 2 995,77 × 6,80 % = 203,71 €
Retraite complémentaire T1 3 363,41 × 4,01 % = 134,87 €
Net à payer avant impôt : 2 612,34 € – Prélèvement à la source (taux 7,5 %) : 195,93 €
Convention collective : IDCC 1486 (Syntec), coefficient 130, position 2.2
### h24-063
この面接日程調整メールを丁寧な表現に直してください。

件名：一次面接の日程について
中村 健太 様
応募ID：RC-2025-00417（バックエンドエンジニア）
一次面接を3月18日（火）14:00～15:00で確定しました。当日つながらない場合は、ご登録の携帯 [[PHONE|@@phone:p063:JP:m:national@@]] にお電話します。
ご不明点は採用担当 [[EMAIL|saiyo@hoshizora-tech.co.jp]] まで。
候補者様の連絡先メール：[[EMAIL|kenta.nakamura.dev@kumo-mail.jp]]
### h24-064
この面接案内を英語に翻訳してください。

件名：二次面接のご案内
応募ID：RC-2025-00388（データエンジニア）
候補日：3月21日（金）10:00～11:00／3月24日（月）16:00～17:00
所要時間：60分（技術面接40分、質疑応答20分）
会場：本社8階 会議室B（〒105-0011）またはオンライン（URLは前日までに送付）
交通費：上限5,000円まで支給
### h24-065
Can you clean up this referral form text before I submit it in Workday?

Employee referral
Referring employee: Sofia Castellanos (E-30144), [[EMAIL|sofia.castellanos@meridianpay.com]]
Candidate: Kwame Asante — Senior Android Engineer (JR-2025-118)
Candidate email: [[EMAIL|kwame.asante.android@gmail-box.com]]
Candidate phone: [[PHONE|@@phone:p065:GH:m:intl@@]]
How do you know them: worked together at Lumen Mobile 2019–2022
### h24-066
Summarise the referral bonus rules for the team newsletter:

Referral bonus (JR-* requisitions only): $3,000 for engineering, $2,000 for all other roles, paid after the new hire completes 90 days. Referrals must be submitted before the candidate applies; duplicates are resolved by timestamp. In 2024 we paid 41 bonuses (total $104,000); median time-to-hire for referrals was 29 days vs 47 days overall. Employees in the hiring chain (manager, panel) are not eligible.
### h24-067
Kannst du meine Notizen zum Referenzgespräch strukturieren?

Referenz für: Stefan Leitner (Bewerbung Teamleitung Lager, Req. 2025-LG-07)
Referenzgeber: Mag. Ulrike Pammer, ehem. Vorgesetzte, Tel. [[PHONE|@@phone:p067:AT:m:national@@]], [[EMAIL|u.pammer@donautrans-logistik.at]]
Gespräch am 10.03.2025, 15 Minuten
- Zusammenarbeit 2018–2023, Team von 12 Personen
- Stärken: Organisation, Ruhe unter Druck; Schwäche: delegiert ungern
- Würde ihn wieder einstellen: ja
### h24-068
Was bedeutet diese Formulierung im Arbeitszeugnis wirklich?

Herr Leitner war vom 01.03.2018 bis 31.08.2023 als Schichtleiter in unserem Zentrallager (Personalnummer 20417) tätig. Er erledigte die ihm übertragenen Aufgaben stets zu unserer vollsten Zufriedenheit. Sein Verhalten gegenüber Vorgesetzten und Kollegen war stets einwandfrei. Herr Leitner verlässt uns auf eigenen Wunsch. Wir bedauern dies und wünschen ihm für die Zukunft alles Gute.
Linz, 31.08.2023
### h24-069
I'm reviewing a take-home submission from a candidate. Is this code OK? (they pasted their whole main.py)

# Take-home: résumé parser — candidate: Dmitri Volkov ([[EMAIL|dmitri.volkov.code@fastmail-box.com]])
import os
from openai import OpenAI

client = OpenAI(api_key="[[SECRET|@@openai:s069@@]]")

def parse_resume(text: str) -> dict:
    prompt = f"Extract name, email, years of experience as JSON:\n{text}"
    r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    return r.choices[0].message.content
### h24-070
Can you tighten the wording of our take-home assignment brief?

Take-home: résumé parser (time box: 3 hours)
- Use Python 3.11+ or Node 20+. Read the API key from the environment (OPENAI_API_KEY); never hard-code it. In .env.example use OPENAI_API_KEY=sk-... as a placeholder.
- Input: 25 anonymised CVs in /samples (PDF and DOCX). Output: JSON with years_of_experience, skills, education (degree, year).
- Grading: correctness 40%, code quality 30%, tests 20%, README 10%.
- Submit as a private repo and invite our reviewer account; deadline 7 days after receipt.
### h24-071
Please polish this offer letter draft before it goes to legal:

Dear Chiamaka,
We are delighted to offer you the position of Senior Product Manager at Harlow & Finch Ltd, starting on 2 June 2025, at an annual base salary of £92,000, plus a 10% target bonus and 25 days' holiday.
We will send the contract to [[EMAIL|chiamaka.eze.pm@outlook-mail.co.uk]] via DocuSign. If you have any questions, your recruiter Tom will call you on [[PHONE|@@phone:p071:GB:m:intl@@]] on Thursday.
Please confirm acceptance by 16 May 2025.
Kind regards,
Helen Marsh, VP Product
### h24-072
Check this offer letter template for missing merge fields:

Dear {{candidate.first_name}},
We are delighted to offer you the position of {{job.title}} at Harlow & Finch Ltd, starting on {{offer.start_date}}, at an annual base salary of {{offer.base_salary}} (band {{job.band}}).
Contact block (sample shown in the template editor):
  Phone: +44 7700 900000
  Email: name@example.com
Please confirm acceptance by {{offer.expiry_date}}. Probation: 6 months; notice period after probation: 3 months.
### h24-073
Our Workable webhook handler crashes on this payload. Which field is null?

{"event":"candidate_created","fired_at":"2025-03-13T08:21:55Z","data":{"id":"3f9c21","job":{"shortcode":"A8C91F2E07","title":"Warehouse Supervisor"},"name":"Georgios Papadakis","email":"[[EMAIL|g.papadakis@otenet-mail.gr]]","phone":"[[PHONE|@@phone:p073:GR:m:intl@@]]","date_of_birth":"[[DATE_OF_BIRTH|1990-07-19]]","address":null,"ip_address":"[[IP_ADDRESS|94.66.221.140]]","resume_url":null,"stage":"applied"}}
### h24-074
Generate a JSON schema for this job posting payload:

{"id":"A8C91F2E07","title":"Warehouse Supervisor","department":"Operations","employment_type":"full_time","location":{"city":"Thessaloniki","zip":"57009","country":"GR","remote":false},"salary":{"min":24000,"max":29000,"currency":"EUR","period":"year"},"requisition":"OPS-2025-031","openings":2,"published_at":"2025-03-01T07:00:00Z","application_count":73}
### h24-075
이력서 자기소개 부분을 영어로 번역해 주세요. 인적사항도 같이 붙여요.

이력서
성명: 박지훈
생년월일: [[DATE_OF_BIRTH|1993.04.21]]
휴대폰: [[PHONE|@@phone:p075:KR:m:national@@]]
이메일: [[EMAIL|jihoon.park93@naver-mail.com]]
주소: 서울특별시 마포구 양화로 45 (04036)
학력: 2012.03 ~ 2018.02 연세대학교 컴퓨터과학과 졸업 (학점 3.9/4.5)
경력: 2018.03 ~ 현재 ㈜한빛소프트웨어 백엔드 개발
### h24-076
자기소개서 문장을 다듬어 주세요.

지원 직무: 데이터 분석가 (공고번호 2025-DA-014)
2019.03 ~ 2022.08 ㈜스마트물류에서 재고 예측 모델을 개발하여 결품률을 12%에서 4%로 낮췄습니다.
학점 4.1/4.5, 토익 905점, SQLD 자격증(2021) 보유.
희망 연봉 5,200만 원, 입사 가능일 2025.05.01.
### h24-077
Turn this Slack message into a proper handover note for the hiring manager:

@marek hey! sharing Ioana's details for the final round since Greenhouse is down:
• Ioana Dumitrescu, Sr. Site Reliability Engineer (R-1203)
• cell [[PHONE|@@phone:p077:RO:m:intl@@]], prefers WhatsApp
• email [[EMAIL|ioana.dumitrescu.sre@yahoo-posta.ro]]
• notice 30 days, comp expectation €95k
https://app.greenhouse.io/people/48230512?application_id=91064481
### h24-078
Rewrite this Slack update as a short status email:

Hiring update wk 11: R-1203 (SRE) offer approved at L6 €96k, candidate deciding by Fri. R-1210 (People Partner) 2 finalists, panels Tue/Wed. R-1192 paused until Q3 budget. Pipeline: 38 active, 9 onsite, 3 offers out. Time-to-fill avg 54 days (target 45).
### h24-079
Can you check my e-mail to HR updating my emergency contacts?

Hi People team,
Please update my emergency contacts in BambooHR:
1) Marco Ricci (partner) – mobile [[PHONE|@@phone:p079a:IT:m:intl@@]]
2) Anna Ricci (mother) – home [[PHONE|@@phone:p079b:IT:f:national@@]]
Also my personal e-mail changed to [[EMAIL|giulia.ferraro.home@tiscali-posta.it]].
Thanks, Giulia (employee 30877)
### h24-080
Make this HR reminder shorter:

Reminder: please review your emergency contacts in BambooHR by 31 March. Go to My Info → Emergency, add at least one contact and mark one as primary. We only use these details in an emergency and never share them outside the People team. Completion so far: 212 of 318 employees (67%). Questions? Use the #ask-people Slack channel.
### h24-081
Help me answer this data deletion request from a former applicant:

From: [[EMAIL|oliver.brandt.mail@t-online-post.de]]
To: [[EMAIL|privacy@kranich-recruiting.de]]
Betreff: Löschung meiner Bewerberdaten (Art. 17 DSGVO)

Sehr geehrte Damen und Herren,
ich habe mich im Mai 2024 als Elektroniker beworben (Bewerbungsnummer BW-2024-05531). Bitte löschen Sie alle meine Daten. Zur Identifizierung: geboren am [[DATE_OF_BIRTH|27.06.1983]].
Mit freundlichen Grüßen, Oliver Brandt
### h24-082
Fasse unsere Löschfristen für Bewerberdaten in einer Tabelle zusammen:

Bewerberdaten werden 6 Monate nach Abschluss des Verfahrens gelöscht (§ 15 Abs. 4 AGG, Art. 17 DSGVO). Mit Einwilligung Aufnahme in den Talentpool für 24 Monate. Bewerbungsnummern haben das Format BW-JJJJ-NNNNN; die Löschung wird im Löschprotokoll (Version 1.4) mit Datum vermerkt. 2024: 1.842 Löschungen, 37 Auskunftsersuchen, durchschnittliche Bearbeitungszeit 9 Tage.
### h24-083
An employee can't log in to the HR portal after SSO. Here's what IT pasted in the ticket — what's wrong?

Ticket HR-IT-7731 — user [[EMAIL|r.kowalczyk@nordlicht-energie.de]]
- temp password set by helpdesk: [[SECRET|Nordlicht!2025-qw]] (user says it is rejected)
- last login attempt from [[IP_ADDRESS|37.201.144.9]] at 08:52 CET
- SAML assertion OK, then portal returns 401. Token from the browser:
  [[JWT|@@jwt:j083:HS256@@]]
- portal log: "token expired (exp < iat + clock skew 300s)"
### h24-084
Explain this HR portal ticket to a non-technical manager:

Ticket HR-IT-7745 — SSO loop on the payslip page
- SAML response status: urn:oasis:names:tc:SAML:2.0:status:Success, InResponseTo id-9f31c2a7b4
- correlation id 1b7e2c90-44a1-4f0e-8c3d-5e6f7a8b9c01, request took 312 ms
- cause: third-party cookies blocked in browser version 123.0.6312.86
- fix: password reset link not needed; allow cookies for the portal domain. Resolved 13/03 09:40.
### h24-085
Can you write my first invoice as a freelance recruiter for this client? My details:

Naledi Dlamini Talent Consulting (sole trader)
VAT no. GB 284 4417 09
Bank: IBAN [[IBAN|@@iban:i085:GB:spaced@@]] (Monzo)
Email: [[EMAIL|naledi@ndtalent-consulting.co.uk]] · Phone: [[PHONE|@@phone:p085:GB:m:intl@@]]
Client: Ashcombe Retail plc, PO 4500187342
Fee: 18% of first-year base (£64,000) for the placement of a Category Manager, start 03/03/2025.
### h24-086
Check the maths on this contractor rate card:

Contractor rate card 2025 (outside IR35 unless stated)
- Senior recruiter: £550/day, 20 days → £11,000/month
- Sourcer: £380/day, 12 days → £4,560
- Recruitment coordinator (inside IR35): £28.50/hour × 150 h → £4,275
Payment terms 30 days; invoices quote PO 4500187342; VAT 20% added where applicable.
### h24-087
Can you reformat this CV to the UK style? It's for a UK job.

CURRICULUM VITAE
Name: Sandeep Kulkarni
DOB: [[DATE_OF_BIRTH|14/03/1990]]
Mob: [[PHONE|@@phone:p087:IN:m:dash@@]]
Email: [[EMAIL|sandeep.kulkarni90@rediff-mail.in]]
Passport No.: available on request
Marital Status: Married
Languages Known: English, Hindi, Marathi
Career Objective: To work in a challenging environment...
### h24-088
Convert this academic table from my CV into a sentence or two:

ACADEMIC QUALIFICATIONS
Qualification | Institute | Year | Score
B.Tech (Mechanical) | VIT Vellore | 2012 | 8.4 CGPA
Class XII (CBSE) | Kendriya Vidyalaya, Pune | 2008 | 91.2%
Class X (CBSE) | Kendriya Vidyalaya, Pune | 2006 | 89.6%
DECLARATION: I hereby declare that the above information is true to the best of my knowledge.
Place: Pune    Date: 02/03/2025
### h24-089
Is it OK to put my age on a CV in Switzerland? Here's my header:

Lukas Brunner
Born 1990 in Zürich · Age: 34 · Swiss citizen
☎ [[PHONE|@@phone:p089:CH:m:intl0@@]] · ✉ [[EMAIL|lukas.brunner@bluewin-mail.ch]]
Software Engineer, 10 years' experience (2014–2024), EPFL MSc 2014 (GPA 5.4/6)
### h24-090
Should I remove these personal details from my CV for the US market?

Header (current):
  Ingrid Sæther — Born 1988 — Age: 36 — Norwegian, married, 2 children
  Photo: yes (2024)
Experience: 2011–2024 in offshore energy; last role: Lead HSE Advisor (2019–2024), salary NOK 1,050,000
Education: NTNU MSc 2011, grade B
### h24-091
We collected these contacts at the job fair. Can you normalise the phone numbers to E.164?

Name	Role interest	Phone	Email
Amélie Fortin	Data intern	[[PHONE|@@phone:p091a:FR:m:national@@]]	[[EMAIL|amelie.fortin@etu-univ-mail.fr]]
Jakub Nowak	Backend	[[PHONE|@@phone:p091b:PL:m:intl@@]]	[[EMAIL|jakub.nowak.dev@wp-poczta.pl]]
Sara Lindberg	Design	[[PHONE|@@phone:p091c:SE:m:national@@]]	[[EMAIL|sara.lindberg@student-mail.se]]
### h24-092
Make a summary table of our job fair results:

Fair	Date	Booth	Visitors	CVs collected	Follow-ups	Reqs
VivaTech Paris	12/06/2024	F-41	318	74	22	R-1187, R-1192
Warsaw IT Days	04/10/2024	B-07	205	51	17	R-1203
Stockholm Tech Fair	21/11/2024	C-112	164	39	9	R-1210
Cost per CV: €41.20 (budget €6,800 total)
### h24-093
Why does this SuccessFactors API response fail our validation? We expect dateOfBirth as ISO.

{"d":{"results":[{"personIdExternal":"100417","dateOfBirth":"[[DATE_OF_BIRTH|1979-12-03]]","nationalIdNav":{"results":[{"country":"USA","cardType":"SSN","nationalId":"[[US_SSN|@@ssn:s093@@]]","isPrimary":true}]},"emailNav":{"results":[{"emailAddress":"[[EMAIL|d.moreno.home@sbcglobal-mail.net]]","emailType":"personal"}]},"phoneNav":{"results":[{"phoneNumber":"[[PHONE|@@phone:p093:US:m:national:214@@]]","phoneType":"cell"}]}}]}}
### h24-094
Explain the /Date(...)/ format in this SuccessFactors response:

{"d":{"results":[{"userId":"100417","positionCode":"POS-30221","startDate":"/Date(1711929600000)/","endDate":"/Date(253402214400000)/","jobCode":"ENG-L5","fte":"1.0","standardHours":"40","payGrade":"G8","company":"US01","costCenter":"5200-ENG"}]}}
### h24-095
Our payroll upload to the bank's SFTP times out. Script and file header below:

#!/bin/bash
# upload_payroll.sh — runs on the 25th
sshpass -p '[[SECRET|Pay2025!sftp-uP]]' sftp -oBatchMode=no payroll_up@[[IP_ADDRESS|185.92.220.41]] <<< "put /exports/pain001_202503.xml /in/"

pain001_202503.xml (first rows as CSV for readability):
EndToEndId,Amount,Currency,CreditorIBAN
E2E-202503-0001,4128.55,EUR,[[IBAN|@@iban:i095a:DE@@]]
E2E-202503-0002,3391.02,EUR,[[IBAN|@@iban:i095b:AT@@]]
### h24-096
Explain this payroll run summary to the CFO in plain words:

Payroll run 2025-03 (batch PR-202503-01), cut-off 20/03, payment date 25/03
Headcount paid: 318 (new hires 7, leavers 4)
Gross pay €1,942,118.40; employer social security €398,133.27; net pay €1,201,774.91
Payment file: pain.001.001.09, 318 transactions, control sum 1201774.91
Variance vs February: +2.3% (annual raises effective 01/03)
### h24-097
Ajude-me a responder a esta mensagem de um candidato no LinkedIn:

Olá! Vi a vaga de enfermeiro para a vossa clínica em Braga e gostava muito de me candidatar. Tenho 6 anos de experiência em urgência (2018–2024) e a cédula profissional ativa. O meu telemóvel é o [[PHONE|@@phone:p097:PT:m:national@@]] e o email [[EMAIL|tiago.rebelo.enf@sapo-correio.pt]]. Posso enviar o CV hoje.
Obrigado, Tiago Rebelo
### h24-098
Reescreve esta resposta a um candidato para ficar mais calorosa:

Olá Tiago, obrigado pela mensagem. A vaga de enfermeiro (ref. BRG-ENF-2025-03) continua aberta até 31 de março. Oferecemos contrato sem termo, 35 horas semanais e vencimento base de 1.650 € (14 meses). Pode candidatar-se pelo formulário no nosso site; a primeira entrevista dura cerca de 30 minutos.
### h24-099
Can you check this recruitment agency's invoice against our terms (20%, 90-day guarantee)?

TALENTBRIDGE SEARCH LTD — INVOICE TB-2025-0093
Date: 10/03/2025 · Due: 09/04/2025
Candidate placed: Category Manager (start 03/03/2025), first-year base £64,000
Fee 22% = £14,080.00 + VAT 20% £2,816.00 = £16,896.00
Pay to: IBAN [[IBAN|@@iban:i099:GB@@]]
Queries: [[EMAIL|accounts@talentbridge-search.co.uk]] · [[PHONE|@@phone:p099:GB:f:national@@]] (switchboard)
Company no. 09184417 · VAT GB 318 2291 44
### h24-100
Compare these agency terms with our standard terms:

Agency terms (TalentBridge Search, v2024.2): fee 22% of first-year base salary; rebate 100% if the candidate leaves within 4 weeks, 50% within 8 weeks, 25% within 12 weeks; invoices payable within 30 days of start date.
Our standard: 18–20% of base, 90-day replacement guarantee, payment 45 days, no fees on candidates already in our ATS within the last 12 months (check application numbers in Greenhouse).
