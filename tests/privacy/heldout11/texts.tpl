### h11-001
Can you rewrite this reply to a customer so it sounds warmer? Keep all the numbers exactly as they are.

"Dear customer, thank you for contacting Lindqvist Home. We have checked invoice INV-2025-004187 for order 114-7730921-5518806 (customer no. 5530 2291). The amount of $1,284.50 was charged once on 12 May; the second line you see on your statement is a pre-authorisation hold of $1,284.50 that your bank will release within 5–7 business days. Your replacement hinge kit (SKU HK-220-BLK, qty 2) ships from warehouse 14 on 19 May with carrier reference 9400 1118 9922 3346 5120 47. If you have further questions, reply to this e-mail quoting case 00873316."
### h11-002
I work in support. Summarise this customer message in 2 bullet points for the ticket and draft a short reply:

> Hello, this is the third time I'm writing. The blender I bought (order #BX-558203) stopped working after 9 days. I already sent the photos. Nobody called me back although I left my number twice. Please call me on [[PHONE|@@phone:gb1:GB:m:intl@@]] between 9 and 12, or write to [[EMAIL|moira.tennant58@outlook.com]]. I paid with my card ending 4471 and I want a refund, not a voucher.
> Moira
### h11-003
Bitte formuliere diesen Terminbrief kürzer und freundlicher, Patientendaten bitte drin lassen:

Sehr geehrte Frau Albrecht,
wir bestätigen Ihren Termin zur Magnetresonanztomographie (Knie links) am Dienstag, 17.06.2025 um 08:40 Uhr in der Radiologie am Schlossgarten, Ebene 2, Raum 2.14.
Patientin: Renate Albrecht, geb. [[DATE_OF_BIRTH|14.03.1968]]
Krankenkasse: AOK Baden-Württemberg, Versichertennr. K204418836
Rückrufnummer laut Überweisung: [[PHONE|@@phone:de1:DE:m:nat@@]]
Bitte bringen Sie Ihre Versichertenkarte, die Überweisung (Auftragsnr. 25-118342) und ggf. Vorbefunde mit. Nüchternheit ist nicht erforderlich. Bei Verhinderung sagen Sie bitte mindestens 24 Stunden vorher ab.
### h11-004
Peux-tu me faire un tableau lisible de ces horaires ? Je dois choisir entre deux trains pour vendredi.

TER 866017  Lyon Part-Dieu 07:04 → Grenoble 08:32  voie 5  (arrêts : Bourgoin 07:31, La Tour-du-Pin 07:44, Voiron 08:12)
TGV INOUI 6913  Lyon Part-Dieu 07:30 → Marseille St-Charles 09:12  voiture 14 place 082
TER 17649  Lyon Perrache 08:15 → Saint-Étienne Châteaucreux 09:05  quai B
Retour : TER 866046 Grenoble 18:28 → Lyon Part-Dieu 19:56, correspondance 12 min.
Tarif Carte Avantage : 23,40 € aller, 19,90 € retour. Réservation n° QZ7KLM (pas encore payée).
### h11-005
Chargeback note for the file — please turn it into a clean summary for the dispute team (keep the card number, the acquirer needs it):

Case CB-2025-11873 | reason code 10.4 (Other Fraud – Card-Absent Environment)
Cardholder called 03/06, says she never ordered from "NORDIC GEAR OUTLET". Verified identity with DOB [[DATE_OF_BIRTH|1987-11-02]] and last 4 of phone.
Card: [[CREDIT_CARD|@@card:visa5:visa:spaced@@]] exp 08/28
Txn 02/06 EUR 389.00, ARN 74987505153271460128843, auth code 0A7731
Merchant descriptor NORDICGEAR*ONLINE, MCC 5941
Provisional credit issued 04/06. Docs requested from acquirer, due 21 days.
### h11-006
My boto3 script keeps using the wrong account. Here's my ~/.aws/credentials — which profile does it pick if I don't pass profile_name?

[default]
aws_access_key_id = [[SECRET|@@akia:aws6a@@]]
aws_secret_access_key = [[SECRET|@@awssecret:aws6a@@]]
region = eu-north-1

[finance-prod]
aws_access_key_id = [[SECRET|@@akia:aws6b@@]]
aws_secret_access_key = [[SECRET|@@awssecret:aws6b@@]]

[sso-sandbox]
sso_session = corp
sso_account_id = 481920337615
sso_role_name = ReadOnly
### h11-007
Can you scale this recipe from 4 to 10 people and convert to grams?

Lemon ricotta cake (23 cm tin)
- 250 g ricotta, drained 30 min
- 3 eggs (size L)
- 150 g caster sugar
- zest of 2 lemons + 3 tbsp juice
- 1¼ cups all-purpose flour
- 2 tsp baking powder
- ½ cup melted butter
Oven 175 °C (fan 160 °C), bake 40–45 min until a skewer comes out clean. Rest 15 min in the tin. Serves 4 generously; 380 kcal per slice if cut in 8.
### h11-008
Hola, ayúdame a revisar esta solicitud de alquiler antes de enviarla a la inmobiliaria, ¿falta algo?

Solicitante: Daniel Ferreiro Conde
Fecha de nacimiento: [[DATE_OF_BIRTH|3 de septiembre de 1991]]
Teléfono: [[PHONE|@@phone:es1:ES:m:nat@@]]
Correo: [[EMAIL|dferreiro.conde@gmail.com]]
Situación laboral: contrato indefinido desde 2019, neto mensual 2.340 €
Piso: C/ Marqués de Larios 14, 3.º B — alquiler 1.050 €/mes, fianza 2 meses
Cuenta para la domiciliación del alquiler: [[IBAN|@@iban:es1:ES:spaced@@]]
Aval: no. Mascotas: un gato.
### h11-009
この製品仕様を英語の箇条書きにしてください。

製品名：コードレススティック掃除機 CL-7730S
型番：CL-7730S-W（ホワイト）／CL-7730S-N（ネイビー）
JANコード：4549980417255
定格電圧：DC 21.6V、バッテリー容量 2,500mAh
連続使用時間：約40分（標準モード）、約12分（強モード）
充電時間：約3.5時間
質量：1.45kg（本体のみ）
外形寸法：幅250×奥行220×高さ1,080mm
保証期間：お買い上げ日から1年間（バッテリーは6か月）
### h11-010
Kun je dit groepsgesprek samenvatten voor het nieuwe huisgenootje? Alleen de praktische info.

[02-06-2025 19:12] Sanne: Welkom Joris!! 🎉
[02-06-2025 19:13] Sanne: wifi is "Lindenhof-5G", wachtwoord [[SECRET|Kaasschaaf!2024]]
[02-06-2025 19:14] Bram: vuilnis: groen op dinsdag, grijs om de week op donderdag
[02-06-2025 19:15] Bram: en de huisbaas heet Van Dijk, bel hem alleen bij lekkage: [[PHONE|@@phone:nl1:NL:m:nat@@]]
[02-06-2025 19:17] Sanne: huur 615 euro per persoon vóór de 1e, Tikkie komt van mij
[02-06-2025 19:18] Joris: top, dank jullie!
### h11-011
Scrivimi un breve articolo per il sito della società con i risultati della giornata:

Campionato Amatori UISP – Girone C, 18ª giornata
Polisportiva Valdera – Atletico San Miniato 2-1 (Berti 23', Lotti 67'; Mancini 81')
Real Cascina – Pontedera Vecchie Glorie 0-0
Sporting Fornacette – Virtus Bientina 3-4
Classifica: Valdera 38, Bientina 35, San Miniato 31, Fornacette 27, Cascina 22, Pontedera 19
Prossimo turno sabato 15/03 ore 15:00, campo comunale via Tosco Romagnola 1187.
### h11-012
Why does `pip install` from our internal index still ask for a password? This is my ~/.netrc (chmod 600):

machine pypi.int.halvorsen-logistics.no
  login ci-reader
  password [[SECRET|@@pw:netrc12:18@@]]
machine api.github.com
  login halvorsen-bot
  password [[SECRET|@@ghp:netrc12@@]]

and pip.conf has index-url = https://pypi.int.halvorsen-logistics.no/simple/
### h11-013
Write a short, friendly intranet post reminding staff how password resets work. Points to include: the service desk will never ask for your password by phone, chat or e-mail; resets are done via the self-service portal after MFA; temporary passwords expire after 24 hours and must be changed at first login; never write your password on a sticky note or share it with a colleague, even your manager; report suspicious calls to security on extension 4400.
### h11-014
hi, can you help me write this to IT so they understand?? they keep closing my ticket

"hello IT, I am locked out of my laptop since Monday. my password is [[SECRET|Tulip-Summer2025]] and it worked last week, I did not change it. I also tried the old one [[SECRET|Tulip-Spring2025]]. The screen says 'account locked, contact administrator'. I am in the Accounts Payable team, desk 3.12. Please call my mobile [[PHONE|@@phone:us1:US:m:nat@@]] because I cannot log in to Teams. Thank you, Gloria"
### h11-015
What's causing the humidity spikes? Log from the greenhouse sensor:

ts,node,temp_c,rh_pct,co2_ppm,lux
2025-05-11T05:00:00Z,gh-03,14.2,81.5,612,0
2025-05-11T06:00:00Z,gh-03,14.9,83.1,598,1240
2025-05-11T07:00:00Z,gh-03,17.6,92.4,571,8830
2025-05-11T08:00:00Z,gh-03,21.3,88.0,540,21410
2025-05-11T09:00:00Z,gh-03,24.8,74.6,505,35925
2025-05-11T10:00:00Z,gh-03,26.1,66.2,489,41870
firmware 2.14.3, battery 3.61 V, rssi -71 dBm, uptime 1209633 s
### h11-016
Przetłumacz ten formularz na angielski dla działu kadr w centrali (zostaw dane bez zmian):

{
  "formularz": "dane_nowego_pracownika",
  "imie_nazwisko": "Katarzyna Wróblewska",
  "data_urodzenia": "[[DATE_OF_BIRTH|1994-07-21]]",
  "telefon": "[[PHONE|@@phone:pl1:PL:m:intl@@]]",
  "email_prywatny": "[[EMAIL|k.wroblewska94@wp.pl]]",
  "rachunek_do_wynagrodzenia": "[[IBAN|@@iban:pl1:PL@@]]",
  "stanowisko": "Specjalistka ds. logistyki",
  "data_rozpoczecia": "2025-07-01",
  "wymiar_etatu": "1/1"
}
### h11-017
Please format these citations consistently in OSCOLA style for my dissertation:

- Case C-311/18 Data Protection Commissioner v Facebook Ireland and Schrems, ECLI:EU:C:2020:559
- Regulation (EU) 2016/679, art 6(1)(f) and recital 47
- Donoghue v Stevenson [1932] AC 562 (HL)
- 42 U.S.C. § 1983 (2018)
- Carpenter v. United States, 585 U.S. 296 (2018), 138 S. Ct. 2206
- BVerfG, Urteil vom 15.12.1983 – 1 BvR 209/83, BVerfGE 65, 1
### h11-018
docker pull from our Harbor suddenly says "unauthorized". Here's ~/.docker/config.json, is the auth entry broken?

{
  "auths": {
    "harbor.tallinn-freight.ee": {
      "auth": "[[SECRET|@@basic:dock18:robot__ci_pull@@]]"
    },
    "https://index.docker.io/v1/": {},
    "ghcr.io": {
      "auth": "[[SECRET|@@basic:dock18g:tfreight_ci@@]]"
    }
  },
  "credsStore": "desktop",
  "currentContext": "default"
}
### h11-019
帮我把这条物流通知翻译成英文，发给海外客户：

尊敬的客户，您好！您的订单（订单号：DD202505170388142）已于2025年5月18日14:32由顺丰速运揽收，运单号：SF1496287730451。预计5月21日前送达。包裹重量：3.2kg，共2件。如需修改派送时间，请在顺丰官方小程序中输入运单号操作。感谢您的支持！
### h11-020
ترجم هذه الرسالة إلى الإنجليزية لإرسالها إلى الصيدلية:

مرحباً، أرجو تجهيز إعادة صرف الوصفة الطبية الخاصة بوالدي (ميتفورمين 850 ملغ، علبتان، وأملوديبين 5 ملغ).
اسم المريض: عبد الله الحارثي
تاريخ الميلاد: [[DATE_OF_BIRTH|1952/04/09]]
رقم الوصفة: RX-88104-2
سأستلمها يوم الخميس بعد الساعة الخامسة. للتواصل: [[PHONE|@@phone:ae1:AE:m:intl@@]]
شكراً لكم.
### h11-021
Can you explain the three charges I don't recognise on this statement? Account Current ****3381.

Date     Description                              Out       In        Balance
01/05    Opening balance                                              1,942.17
02/05    CARD •••• 9042 TESCO STORES 2291         46.80               1,895.37
03/05    DD  OCTOPUS ENERGY  ref 77120488         112.00              1,783.37
06/05    FPI  PAYROLL MAY                                   2,310.55  4,093.92
09/05    CARD •••• 9042 AMZN Mktp UK*2K4QW19      23.99               4,069.93
11/05    SO  to DE** **** **** **** **47 12       250.00              3,819.93
14/05    CARD •••• 9042 PAYPAL *STEAMGAMES        59.99               3,759.94
Sort code ending 04, statement no. 061, page 1 of 2.
### h11-022
Teams chat export from our marketing channel – can you turn the useful bits into a short "how to access our tools" page (I'll move the passwords into 1Password afterwards)?

[Mon 10:02] Priya Nair: who has the Canva login again?
[Mon 10:04] Tom Ebers: shared one is [[EMAIL|marketing.brightfield@gmail.com]] / [[SECRET|Brightf!eld#Canva88]]
[Mon 10:04] Tom Ebers: 2FA codes go to the team phone in the cupboard
[Mon 10:06] Priya Nair: and Mailchimp?
[Mon 10:07] Tom Ebers: same email, pw [[SECRET|Chimp-Banana-4417]], please don't change it without telling me
[Mon 10:09] Lea Ortmann: the Buffer account is on my personal email, I'll add you as editor instead
[Mon 10:10] Priya Nair: 👍
### h11-023
Kan du skriva om det här brevet till vårdnadshavare så det blir tydligare och kortare?

Hej! Den 12 september åker årskurs 5 på studiebesök till Naturhistoriska riksmuseet. Vi samlas på skolgården kl. 08.15 och är tillbaka ca 14.30. Eleverna behöver ta med matsäck, vattenflaska och kläder efter väder. Kostnaden för bussen är 120 kr per elev; betala senast 5 september till skolans bankgiro 5050-1055 och skriv elevens namn och klass (t.ex. 5B) i meddelandefältet. Om ditt barn har allergier eller behöver medicin under dagen, meddela klassläraren via Unikum senast 8 september. Vid frågor, ring skolexpeditionen under kontorstid.
### h11-024
Our Postman collection stopped working after I exported it from my laptop and imported it on the new one. Here's the export (trimmed) – why do I get 401 on "List shipments"?

{
  "info": {"_postman_id": "@@uuid:pm24@@", "name": "Shipments API v2",
           "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}", "type": "string"}]},
  "item": [{"name": "List shipments", "request": {"method": "GET",
            "header": [{"key": "X-Api-Key", "value": "[[SECRET|@@hex:pm24key:40@@]]"}],
            "url": "{{baseUrl}}/v2/shipments?status=in_transit"}}],
  "variable": [
    {"key": "baseUrl", "value": "https://api.fjordlane.io"},
    {"key": "access_token", "value": "[[JWT|@@jwt:pm24:RS256@@]]"}
  ]
}
### h11-025
이 관리비 고지서 내용을 항목별로 정리해서 지난달과 비교해 주세요.

2025년 5월분 관리비 고지서 (세대: 103동 1502호, 고객번호 20418-0337)
일반관리비 68,420원 / 청소비 21,300원 / 경비비 45,900원 / 승강기유지비 6,780원
전기료(세대) 54,210원 / 수도료 23,650원 / 난방비 38,900원 / 장기수선충당금 17,400원
당월 합계 276,560원 (전월 301,240원)
납부기한 2025.06.25, 가상계좌 입금 또는 자동이체. 연체 시 연 12% 가산.
### h11-026
Organize este relato de um novo cliente em tópicos para a ficha de atendimento do escritório:

"Meu nome é Luciana Prado, nasci em [[DATE_OF_BIRTH|17/02/1979]]. Trabalhei 6 anos numa rede de farmácias e fui demitida em março sem receber as horas extras nem o FGTS de 2023. Tenho os holerites e prints das conversas com a gerente. Meu celular e WhatsApp é [[PHONE|@@phone:br1:BR:m:nat@@]] e meu e-mail [[EMAIL|lu.prado79@hotmail.com]]. Prefiro contato à tarde. O processo seria na Vara do Trabalho de Campinas."
### h11-027
Please rewrite this booking confirmation as a short, friendly text the agent can send to the family:

BOOKING REF: K7QZ2M  |  Status: Ticketed
Flights: QF 1 SYD–SIN–LHR 14 DEC 2025 dep 16:05, arr 06:25 (+1)
Passengers: Mr Aaron Whitlock / Mrs Jun Whitlock / Inf Elsie Whitlock (DOB [[DATE_OF_BIRTH|03 MAR 2025]], on lap)
Frequent flyer QF 1928 4471 (Aaron)
Contact: [[PHONE|@@phone:au1:AU:m:intl@@]] / [[EMAIL|aaron.whitlock@bigpond.com]]
Paid: AUD 6,842.30 by Visa ending 0312
Baggage: 2 x 23 kg per adult, 1 x 10 kg + stroller for infant. Seats 41A/41B/bassinet row 41.
### h11-028
My daughter's maths homework – can you check her answers and explain the ones she got wrong?

1) Write 7 305 812 946 in words. → seven billion three hundred five million eight hundred twelve thousand nine hundred forty-six
2) Round 48 917 633 to the nearest hundred thousand. → 48 900 000
3) 3 416 × 2 087 = 7 129 192
4) 98 765 432 ÷ 8 = 12 345 679
5) Which is larger: 0.30250 or 0.3205? → 0.30250
6) Population of the town in 2024 was 1 204 889; in 2014 it was 1 187 052. Difference? → 17 837
### h11-029
kubectl says "error: You must be logged in to the server (Unauthorized)" for the ci context but admin works. Kubeconfig below, what's wrong?

apiVersion: v1
kind: Config
clusters:
- name: prod-eu
  cluster:
    server: https://[[IP_ADDRESS|10.40.2.15]]:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM@@b64:kc29ca:450@@
users:
- name: admin
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM@@b64:kc29crt:450@@
    client-key-data: [[SECRET|LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF@@b64:kc29key:1200@@]]
- name: ci
  user:
    token: [[JWT|@@jwt:kc29:RS256@@]]
contexts:
- name: admin@prod-eu
  context: {cluster: prod-eu, user: admin}
- name: ci@prod-eu
  context: {cluster: prod-eu, user: ci, namespace: deploy}
current-context: ci@prod-eu
### h11-030
Can you check this packing list against the booking and tell me if the weights add up?

Bill of lading: HLCUHAM250512873   Vessel: CAPE NORVIK V.2519E   POL Hamburg → POD Montreal
Container MSKU 493820-5 (40' HC), seal ML-0982431
Line 1  HS 8421.39  Air filtration units, 24 crates   gross 4,812 kg  net 4,405 kg  38.4 cbm
Line 2  HS 8414.59  Inline fans, 12 pallets           gross 2,930 kg  net 2,611 kg  21.0 cbm
Line 3  HS 7326.90  Mounting brackets, 6 pallets      gross 1,205 kg  net 1,140 kg   7.2 cbm
Total declared gross 8,947 kg, VGM 12,727 kg (tare 3,780 kg). Booking no. 25HAM0471932, ETA 02.07.2025.
### h11-031
Bu müşteri mesajına kibar bir cevap yazar mısın? İadeyi onayladık, 3-5 iş günü içinde yatacak.

"Merhaba, 2 hafta önce mağazanızdan aldığım kahve makinesi (sipariş no 7729104583) arızalı çıktı, kargoyla geri gönderdim, takip no 1739284471. Kredi kartıma iade yapılamıyormuş, kart iptal oldu. Lütfen iadeyi şu hesaba yapın: [[IBAN|@@iban:tr1:TR:spaced@@]] (Ziraat, alıcı Emre Kalkan). Sorun olursa [[PHONE|@@phone:tr1:TR:m:nat@@]] numarasından bana ulaşabilirsiniz."
### h11-032
Jenkins job fails at the upload step. Console output:

Started by user Nadia Koller
[Pipeline] withCredentials
Masking supported pattern matches of $NEXUS_PW
[Pipeline] sh
+ ./gradlew publish -PnexusUser=ci-publisher -PnexusPassword=****
> Task :publish FAILED
[Pipeline] sh
+ echo 'retrying with the old account'
+ curl -sS -u deploy-legacy:[[SECRET|@@pw:jen32:16@@]] --upload-file build/libs/orders-4.8.2.jar https://nexus.corp.brandtwerke.de/repository/releases/de/brandt/orders/4.8.2/orders-4.8.2.jar
curl: (22) The requested URL returned error: 403
[Pipeline] }
Finished: FAILURE
### h11-033
Can you explain these blood test results in plain language? The doctor only said "mostly fine".

Haemoglobin 13.1 g/dL (ref 12.0–15.5)
Ferritin 18 µg/L (ref 30–400) LOW
MCV 81 fL (ref 80–100)
Vitamin B12 412 ng/L (ref 180–914)
TSH 2.84 mU/L (ref 0.27–4.20)
HbA1c 38 mmol/mol (5.6 %)
Total cholesterol 5.4 mmol/L, LDL 3.3, HDL 1.6, triglycerides 1.1
eGFR >90 mL/min/1.73m²
Sample ID 25-0611-04418, received 11/06/2025 08:52.
### h11-034
Переведи на английский, это для нового коллеги из головного офиса:

Привет! Доступ к общему ящику отдела закупок: логин [[EMAIL|zakupki@severtrade.ru]], пароль [[SECRET|Zakup2025$Sever]]. Пароль не меняй, им пользуются ещё три человека. Если Outlook попросит код подтверждения — напиши Ольге в Telegram, телефон у неё привязан. Рабочие часы отдела с 9:00 до 18:00 по Москве.
### h11-035
इस सूचना को अंग्रेज़ी में अनुवाद करें और अभिभावकों के व्हाट्सऐप ग्रुप के लिए छोटा संदेश बनाएँ:

सूचना – कक्षा 6 से 8
प्रिय अभिभावकगण, दूसरी तिमाही का शुल्क ₹14,850 (ट्यूशन ₹12,600 + कंप्यूटर लैब ₹1,450 + खेल ₹800) 15 जुलाई 2025 तक जमा करना अनिवार्य है। विलंब शुल्क ₹50 प्रतिदिन लगेगा। अभिभावक-शिक्षक बैठक शनिवार, 19 जुलाई को सुबह 9:30 से 12:30 तक होगी। कृपया विद्यार्थी की डायरी में हस्ताक्षर करें। स्कूल बस रूट 7 का नया समय 7:05 बजे होगा।
– प्रधानाचार्य
### h11-036
This is part of a dump from the old shop database. Can you write the CREATE TABLE statement it implies, with sensible types and constraints?

INSERT INTO customers (id, email, phone, birth_date, newsletter, created_at) VALUES
(10441, '[[EMAIL|jana.hollis@fastmail.com]]', '[[PHONE|@@phone:us36a:US:m:e164@@]]', '[[DATE_OF_BIRTH|1983-05-30]]', 1, '2021-03-14 09:22:51'),
(10442, '[[EMAIL|okonkwo.chidi@yahoo.com]]', '[[PHONE|@@phone:ng36:NG:m:e164@@]]', '[[DATE_OF_BIRTH|1990-12-08]]', 0, '2021-03-14 11:05:10'),
(10443, '[[EMAIL|r.sandoval@protonmail.com]]', NULL, '[[DATE_OF_BIRTH|1975-01-19]]', 1, '2021-03-15 17:40:02'),
(10444, 'deleted-10444@invalid', NULL, NULL, 0, '2021-03-16 08:00:00');
### h11-037
Draft a one-page data-handling guideline for our support team. Rules: never paste full card numbers, IBANs or passwords into tickets or AI tools; use the masked form (**** **** **** 1234, DE** **** **** **** **12 34); customer contact details go only into the CRM fields; in macros use placeholders such as {{customer.email}}, {{customer.phone}} and {{order.id}}; API keys are referenced as <API_KEY> and live in the vault; if a customer sends a password, tell them to change it and delete the message. Example of a correctly redacted note: "Customer XXXX called about order 12345, card ending XXXX, callback requested."
### h11-038
Kan du förenkla den här texten till vårt välkomstmejl för nya medlemmar i föreningen?

"Medlemsavgiften (450 kr/år) dras via autogiro den 28 januari. Du har lämnat följande uppgifter i ansökan:
Kontonummer för autogiro: [[IBAN|@@iban:se1:SE@@]]
Mobil: [[PHONE|@@phone:se1:SE:m:nat@@]]
E-post: [[EMAIL|ingrid.falk@telia.com]]
Kontrollera att uppgifterna stämmer. Medgivandet kan återkallas när som helst genom att kontakta kansliet eller din bank."
### h11-039
Διόρθωσε τα ελληνικά σε αυτό το κείμενο για τη σελίδα επιστροφών του e-shop μας:

Πολιτική επιστροφών
Μπορείτε να επιστρέψετε οποιοδήποτε προϊόν εντός 14 ημερών από την παραλαβή, στην αρχική του συσκευασία. Συμπληρώστε τη φόρμα επιστροφής με τον αριθμό παραγγελίας (π.χ. GR-2025-008812) και θα λάβετε κωδικό επιστροφής RMA. Τα μεταφορικά επιστροφής (3,50 €) βαρύνουν τον πελάτη, εκτός αν το προϊόν είναι ελαττωματικό. Η επιστροφή χρημάτων γίνεται εντός 5–10 εργάσιμων με τον ίδιο τρόπο πληρωμής. Προϊόντα προσωπικής υγιεινής δεν επιστρέφονται.
### h11-040
The agent crashed after these two tool calls. The CRM accepted the first one; the SMS call returned 422. What's wrong with the arguments?

{"tool": "crm.update_contact", "arguments": {"contact_id": "CT-0093812", "email": "[[EMAIL|h.mbeki@capefresh.co.za]]", "phone": "[[PHONE|@@phone:za40:ZA:m:e164@@]]", "date_of_birth": "[[DATE_OF_BIRTH|1969-08-14]]", "consent_sms": true}}
{"tool": "sms.send", "arguments": {"to": "[[PHONE|071 192 2032]]", "template": "appointment_reminder", "vars": {"date": "2025-06-20", "time": "10:30", "branch": "Claremont"}}}
### h11-041
Help me write a ticket to IT that they will actually understand. I'm not technical.

The big printer on the 2nd floor (the one next to the kitchen, label says HP Color LaserJet Pro M479fdw, asset tag IT-004821, serial VNB3K41927) shows "49.4C02 Error – turn off then on". I did that 3 times. It prints the first page and then stops. Other people have the same problem since the update on Tuesday. Toner is 40 %, paper tray 2 is full. We need it for the payroll printouts on Thursday.
### h11-042
Can you summarise this thread and tell me whether I should send the payment today?

From: [[EMAIL|accounts@corriganjoinery.ie]]
To: [[EMAIL|j.beaumont@beaumontdesign.co.uk]]
Subject: RE: Invoice 2025-118 – kitchen fit-out, balance

Hi Julien,
Apologies, our bank changed. Please pay the balance of €8,450.00 to the new account:
IBAN: [[IBAN|@@iban:ie1:IE:spaced@@]]
BIC: AIBKIE2D
Reference: 2025-118
Kind regards,
Siobhán Corrigan
Corrigan Joinery Ltd | VAT IE 3312887KH
Tel: [[PHONE|@@phone:ie1:IE:f:intl@@]] | Mob: [[PHONE|@@phone:ie2:IE:m:intl@@]]

> On 4 Jun 2025, at 09:12, Julien Beaumont <[[EMAIL|j.beaumont@beaumontdesign.co.uk]]> wrote:
> Hi Siobhán, the client has signed off. Can you resend the invoice with the balance due?
> Julien | [[PHONE|@@phone:gb42:GB:m:intl@@]]
### h11-043
Bitte prüfe diese Handwerkerrechnung auf Rechenfehler:

Rechnung Nr. 2025-0417 vom 06.05.2025 – Kundennr. 10883
Leistung: Austausch Heizkörperventile, Wohnung 2. OG links
3 × Thermostatventil Danfoss RA-N 15, Art.-Nr. 013G0014, à 38,90 € = 116,70 €
3 × Thermostatkopf RAW 5115, Art.-Nr. 013G5115, à 24,50 € = 73,50 €
Arbeitszeit 2,5 Std. à 64,00 € = 160,00 €
Anfahrt pauschal 35,00 €
Netto 385,20 €, zzgl. 19 % MwSt. 73,19 €, Gesamt 458,39 €
Zahlbar innerhalb 14 Tagen ohne Abzug. USt-IdNr. DE298471553, Steuernr. 143/218/40917.
### h11-044
git keeps pushing as the wrong user. `cat ~/.git-credentials` gives:

[[URL_CREDENTIALS|https://mkovacs:@@ghp:gc44@@@github.com]]
[[URL_CREDENTIALS|https://oauth2:@@glpat:gc44@@@gitlab.hollerbach-it.at]]

and `git config --global credential.helper` says `store`. The repo remote is https://github.com/hollerbach-it/ticketing.git. How do I make it use the work account only for that org?
### h11-045
Proofread this section of our public API docs:

## Webhook payload example
When a customer updates their profile we POST the following JSON to your endpoint:

    {"event": "customer.updated", "id": "evt_01HZX4T8K2", "data": {"email": "jane.doe@example.com", "phone": "+1-555-0100", "name": "Jane Doe"}}

Verify the `X-Signature` header with your signing secret (shown once in the dashboard, never in the payload). Respond with HTTP 2xx within 5 s; otherwise we retry with exponential back-off (1 min, 5 min, 30 min, 2 h, 12 h).
### h11-046
Peux-tu rédiger un courrier de déclaration de sinistre à partir de ces notes ?

Assuré : M. Thierry Vasseur, né le [[DATE_OF_BIRTH|22/10/1970]]
Contrat auto n° 4418207731 – véhicule Peugeot 308 immatriculé GH-415-TK
Sinistre : accrochage sur le parking du centre commercial le 02/06/2025 vers 17h30, tiers identifié (constat amiable signé).
Dégâts : pare-choc arrière et feu gauche, devis garage 1 284,60 € TTC.
Téléphone fixe : [[PHONE|@@phone:fr1:FR:f:nat@@]] – courriel : [[EMAIL|t.vasseur@orange.fr]]
RIB pour l'indemnisation : [[IBAN|@@iban:fr1:FR:spaced@@]]
### h11-047
Turn this datasheet into a comparison table with the previous model (AX3000):

Model: NetVista AX5400 Mesh (NV-AX54-2P)
Wi-Fi: 802.11ax dual-band, 574 + 4804 Mbps, 4×4 MU-MIMO
Ports: 1 × 2.5 GbE WAN, 3 × 1 GbE LAN, 1 × USB 3.0
CPU: quad-core 1.7 GHz, RAM 512 MB, flash 256 MB
MAC prefix: XX:XX:XX (per unit label), FCC ID 2AXJ4-NVAX54
Power: 12 V ⎓ 2.5 A, typical 14.8 W
Dimensions: 110 × 110 × 185 mm, 560 g
Firmware at launch 1.0.3 build 20250311; EAN 7350132440918
### h11-048
Our React Native app crashes on launch in release builds only. This is the .env.production we ship with react-native-config — is something in here wrong?

API_BASE_URL=https://api.hytta-booking.no/v3
GOOGLE_MAPS_API_KEY=[[SECRET|@@aiza:rn48@@]]
SENTRY_DSN=https://3f1c9a0e5b7d4e2a8c6b1d0f9e8a7b6c@o452211.ingest.sentry.io/5520934
STRIPE_PUBLISHABLE_KEY=pk_live_51@@alnum:rn48pk:97@@
BACKEND_ADMIN_TOKEN=[[SECRET|@@hex:rn48adm:48@@]]
FEATURE_FLAGS=maps,payments,offline
ONESIGNAL_APP_ID=@@uuid:rn48os@@
### h11-049
Tolong rangkum obrolan grup keluarga ini jadi jadwal perjalanan yang rapi:

[14/06/25 20.01] Rina: Tiket sudah dibeli ya, GA 404 CGK–DPS Jumat 27 Juni jam 06.10
[14/06/25 20.03] Bayu: pulangnya QZ 7513 Minggu 29 Juni jam 18.45
[14/06/25 20.05] Rina: hotel check-in jam 14.00, kode booking 7719204381
[14/06/25 20.06] Mama: jangan lupa bawa obat dan payung
[14/06/25 20.09] Bayu: sewa mobil 2 hari Rp 950.000, ambil di bandara
[14/06/25 20.10] Rina: total patungan Rp 2.375.000 per orang 🙏
### h11-050
Clean up this call transcript for the fraud case notes (remove the filler words, keep everything the caller said):

AGENT: Thanks for calling, can I have the card number please?
CALLER: Yeah it's uh [[CREDIT_CARD|@@card:mc50:mc:spaced@@]].
AGENT: And for security, your date of birth?
CALLER: [[DATE_OF_BIRTH|July 4th, 1961]].
AGENT: And the last four of your social?
CALLER: Oh, you want the whole thing? It's [[US_SSN|@@ssn:ssn50@@]].
AGENT: Only the last four was needed, but okay. What's the best callback number?
CALLER: [[PHONE|@@phone:us50:US:m:nat@@]], that's my cell.
AGENT: I see two charges at a gas station in Tulsa, $84.12 and $96.40, reference 5512 0087. Were those you?
CALLER: No, I was home all weekend.
### h11-051
この議事録を要約して、決定事項と宿題を分けてください。

第14回 業務改善委員会（2025年6月10日 15:00〜16:10、会議室B）
1. 経費精算システムの入れ替え：見積3社比較、A社 年額1,980,000円、B社 2,340,000円。A社で稟議（稟議番号 R-2025-0612）。
2. 紙の申請書の削減：月間約1,200枚 → 年度末までに300枚以下を目標。
3. 在宅勤務手当：月3,000円を継続、10月に再検討。
次回：7月8日（火）15:00。
### h11-052
Mi sistemi questa mail di benvenuto per il nuovo assunto? Deve partire dall'ufficio personale.

"Caro Matteo, benvenuto in Ferraris Logistica! Ti confermiamo l'inizio il 1° luglio alle 8:30 presso la sede di Piacenza. Dai documenti ricevuti risulti nato il [[DATE_OF_BIRTH|5 maggio 1988]] a Cremona: se ci sono errori segnalacelo, perché li useremo per l'iscrizione all'INAIL. Il badge sarà pronto il primo giorno. Per qualsiasi dubbio scrivi a [[EMAIL|personale@ferrarislogistica.it]] o chiama la collega Giulia al [[PHONE|@@phone:it1:IT:m:nat@@]]."
### h11-053
Write a short news item for our running club site from these results:

Riverside 10K – Sunday 8 June 2025, 412 finishers, 18 °C, light wind
1. bib 1048 – 31:42 (club record, previous 32:05 in 2019)
2. bib 2211 – 32:18
3. bib 0937 – 33:01
First woman: bib 3120 – 36:27 (3rd in W40)
Club members: 14 ran, median 47:55, 5 personal bests.
Next race: Harbour Half, 13.1 mi, 21 September, entries close 31 August (£28 affiliated / £30 unaffiliated).
### h11-054
Insomnia can't reach the staging API since yesterday. Here's my exported environment (Insomnia v4 YAML). Is the basic auth block right?

_type: export
__export_format: 4
resources:
  - _id: env_8c1f0e
    _type: environment
    name: staging
    data:
      base_url: https://staging.kronvall-pay.se
      basic_user: qa-runner
      basic_password: [[SECRET|@@pw:ins54:20@@]]
      gh_token: [[SECRET|@@ghpat:ins54@@]]
  - _id: req_41aa02
    _type: request
    url: "{{ _.base_url }}/v1/payouts"
    authentication: {type: basic, username: "{{ _.basic_user }}", password: "{{ _.basic_password }}"}
### h11-055
Convert this delivery plan (tab separated) into a driver-friendly table for tomorrow:

route	vehicle	stop	window	parcels	weight_kg
R-14	KL-4471	Depot Nord	06:00-06:30	0	0
R-14	KL-4471	Bäckerei Ost, Hof 2	06:45-07:15	12	38.5
R-14	KL-4471	Apotheke Markt	07:20-07:40	4	6.2
R-14	KL-4471	Baumarkt Süd, Rampe 3	08:10-09:00	27	412.0
R-15	KL-9020	Depot Nord	06:00-06:30	0	0
R-15	KL-9020	Klinikum Haus C	07:00-07:30	9	21.7
### h11-056
Viết giúp mình câu trả lời lịch sự cho khách trên Shopee, xác nhận đổi size và hẹn giao lại:

Khách: "Shop ơi, mình đặt áo khoác size M (mã đơn 250614KQ7H2V) nhưng mặc chật quá, đổi sang size L được không? Mình ở 27 ngõ 84 Trần Quang Diệu, Đống Đa. Shipper gọi số [[PHONE|@@phone:vn1:VN:m:nat@@]] giúp mình nhé, giờ hành chính mình hay bận."
### h11-057
ช่วยแปลงสูตรนี้เป็นภาษาอังกฤษ และปรับเป็น 6 ที่:

ต้มยำกุ้งน้ำข้น (สำหรับ 2 ที่)
- กุ้งแม่น้ำ 300 กรัม
- น้ำสต๊อก 500 มล.
- ข่า 5 แว่น, ตะไคร้ 2 ต้น, ใบมะกรูด 4 ใบ
- เห็ดฟาง 150 กรัม
- น้ำพริกเผา 1 ช้อนโต๊ะ, นมข้นจืด 3 ช้อนโต๊ะ
- น้ำปลา 2 ช้อนโต๊ะ, น้ำมะนาว 2–3 ช้อนโต๊ะ, พริกขี้หนู 5 เม็ด
ต้มน้ำสต๊อกกับสมุนไพร 5 นาที ใส่เห็ดและกุ้ง ปรุงรส แล้วปิดไฟก่อนใส่น้ำมะนาว
### h11-058
Can you turn this enrolment table into a welcome letter to the family? (Grade 3 intake, September 2025)

| Field | Value |
|---|---|
| Student | Noah Tremblay-Singh |
| Date of birth | [[DATE_OF_BIRTH|2017-02-11]] |
| Homeroom | 3B (Ms. Okafor) |
| Parent/guardian 1 | Amrita Singh – [[PHONE|@@phone:ca1:CA:m:nat@@]] – [[EMAIL|amrita.singh.home@gmail.com]] |
| Parent/guardian 2 | Luc Tremblay – [[PHONE|@@phone:ca2:CA:m:nat@@]] |
| Emergency contact | Harjit Singh (grandfather) – [[PHONE|@@phone:ca3:CA:f:intl@@]] |
| Allergies | tree nuts (EpiPen in office) |
| Bus | route 12, stop Maple & 4th |
### h11-059
תקן את הניסוח של ההודעה הזו לדיירים ותעשה אותה קצרה יותר:

שלום לכל הדיירים,
ביום שלישי 24.6 תתבצע עבודת תחזוקה שנתית במעלית בבניין, בין השעות 9:00 ל-13:00. במהלך העבודה המעלית לא תפעל. דיירים שזקוקים לעזרה בהעלאת קניות או ציוד מתבקשים לפנות לוועד הבית מראש. דמי הוועד לחודש יולי: 180 ₪ לדירה, תשלום עד ה-10 לחודש. תודה על הסבלנות,
ועד הבית, רחוב הנביאים 41
### h11-060
Lav et kort resumé af denne KYC-note til sagsmappen (på engelsk):

Kunde: Mette Kjærgaard, privatkunde siden 2016
Fødselsdato: [[DATE_OF_BIRTH|09.12.1984]]
Anledning: indgående overførsel på 412.000 kr. fra udlandet (arv), kilde dokumenteret med skifteretsattest.
Modtagerkonto: [[IBAN|@@iban:dk1:DK@@]]
Kunden kontaktet på [[PHONE|@@phone:dk1:DK:m:nat@@]] den 11/06 kl. 14.20; bekræftede oplysningerne.
Risikovurdering: lav. Ingen PEP-match, ingen sanktionsmatch.
### h11-061
Make this into a neat A5 sign for the meeting room, please:

Guest Wi-Fi: Orchardside-Guest
Password: [[SECRET|Apricot-Lantern-62]]
(Staff Wi-Fi is Orchardside-Corp, log in with your normal account.)
Printer in this room: "MR-Blue", if it doesn't appear add it manually by IP [[IP_ADDRESS|10.0.8.23]]
Screen sharing: press the button on the table, code shown on the TV.
Problems? IT helpdesk ext. 2250, Mon–Fri 8–17.
### h11-062
Revisa esta factura y dime si el IVA está bien calculado:

FACTURA N.º F-2025/00391 — Fecha: 09/06/2025
Cliente n.º 40127 — Pedido n.º PV-88213
Emisor: Suministros Gráficos Levante S.L., CIF B46712208
Concepto                                   Uds.   Precio    Importe
Papel estucado 150 g SRA3 (caja 250)       12     38,40     460,80
Tóner Konica TN-328K                       3      96,00     288,00
Encuadernación wire-o 1/4" (caja 100)      2      22,75      45,50
Base imponible 794,30 € — IVA 21 % 166,80 € — Total 961,10 €
Forma de pago: transferencia a 30 días.
### h11-063
Pode pôr este texto num português mais formal? É para o e-mail de confirmação da inscrição no ginásio.

"Olá Rui, a tua inscrição ficou feita. A mensalidade de 34,90 € vai ser cobrada por débito direto no dia 1 de cada mês na conta [[IBAN|@@iban:pt1:PT:spaced@@]] (referência da autorização ADD-2025-04418). Confirmámos o teu contacto [[PHONE|@@phone:pt1:PT:m:nat@@]] e o e-mail [[EMAIL|rui.amaral.fit@sapo.pt]]. A primeira avaliação física é na terça às 19h."
### h11-064
Please turn this into a simple daily medication chart for my dad's fridge:

- Metformin 500 mg: 1 tablet with breakfast and 1 with dinner
- Ramipril 5 mg: 1 capsule in the morning
- Atorvastatin 20 mg: 1 tablet at bedtime
- Aspirin 75 mg: 1 tablet after breakfast
- Vitamin D 1000 IU: 1 daily, any time
Pharmacy repeat prescription every 28 days, next collection 3 July. Blood pressure target below 140/90; check sugar 2× a week (target 4–7 mmol/L before meals).
### h11-065
This nightly sync from Shopify to Mailchimp stopped adding new customers. Can you spot the bug?

import requests

SHOP = "bergfeld-tees.myshopify.com"
SHOPIFY_TOKEN = "[[SECRET|@@shpat:sh65@@]]"
MC_KEY = "[[SECRET|@@mailchimp:mc65@@]]"
MC_LIST = "a81f3c2d90"

def new_customers(since):
    r = requests.get(f"https://{SHOP}/admin/api/2024-07/customers.json",
                     headers={"X-Shopify-Access-Token": SHOPIFY_TOKEN},
                     params={"created_at_min": since, "limit": 250})
    return r.json()["customers"]

def subscribe(c):
    dc = MC_KEY.split("-")[1]
    requests.post(f"https://{dc}.api.mailchimp.com/3.0/lists/{MC_LIST}/members",
                  auth=("anystring", MC_KEY), json={"email_address": c["email"], "status": "subscribed"})
### h11-066
Why is this Jenkins build slow? Console output (credentials are masked by Jenkins):

Started by timer
Running on agent-linux-07 in /var/lib/jenkins/workspace/billing-nightly
[Pipeline] withCredentials
Masking supported pattern matches of $DB_PASSWORD or $SONAR_TOKEN
+ ./mvnw -B verify -Ddb.password=**** -Dsonar.token=****
[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/postgresql/postgresql/42.7.3/postgresql-42.7.3.pom
[INFO] Tests run: 1482, Failures: 0, Errors: 0, Skipped: 14, Time elapsed: 612.447 s
[INFO] BUILD SUCCESS
[INFO] Total time:  17:48 min
Finished: SUCCESS
### h11-067
Please tidy up this referral letter and correct the grammar; keep the patient details:

Dear Dr Rahman,
Re: Mr Keith Ainsworth, DOB [[DATE_OF_BIRTH|19/08/1949]], NHS no. 485 777 3456
I would be grateful if you could see this gentleman who has had a 3-month history of exertional chest tightness, worse on hills. ECG today shows sinus rhythm 72 bpm, no acute changes. BP 148/86. He is on amlodipine 5 mg and simvastatin 40 mg. He lives alone and prefers contact via his landline [[PHONE|@@phone:gb67:GB:f:nat@@]] (daughter also happy to be contacted).
Yours sincerely,
Dr H. Whitfield, Moorside Surgery
### h11-068
Зроби з цього розкладу зручну таблицю для батьків:

Розклад автобуса до ліцею (з 1 вересня)
Маршрут 12: Садова 06:55 → Центральна площа 07:10 → Ліцей №3 07:25
Маршрут 12А: Лісова 07:05 → Ринок 07:18 → Ліцей №3 07:32
Зворотні рейси: 13:40, 14:35, 15:50 (у п'ятницю останній о 15:10)
Вартість проїзду 15 грн, для учнів з проїзним — безкоштовно. Проїзний на місяць — 240 грн.
### h11-069
I want our shop to post new orders to a Telegram group. The bot never sends anything – what's wrong?

import os, requests

BOT_TOKEN = "[[SECRET|@@telegram:tg69@@]]"
CHAT_ID = -1002187734410

def notify(order):
    text = f"🛒 New order #{order['number']}: {order['total']} EUR, {len(order['items'])} items"
    requests.get(f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage", params={"chat_id": CHAT_ID, "text": text})

notify({"number": 10482, "total": "86.40", "items": [1, 2]})
### h11-070
Voisitko kääntää tämän laskun englanniksi tilitoimistoa varten?

LASKU 2025-0622
Päiväys 12.06.2025, eräpäivä 26.06.2025
Asiakasnumero 7714
Viitenumero 12345 67890 16
Vuokra kesäkuu, toimitila B 14 (62 m²)  980,00 €
Sähkö 5/2025 (mittari 4411-08)  74,35 €
Yhteensä 1 054,35 €, alv 0 % (vuokra, AVL 27 §)
Huomautusaika 8 päivää, viivästyskorko korkolain mukaan.
### h11-071
Fix the column alignment of this payroll export and sort it by start date:

emp_id	name	ssn	dob	start_date	state
E-2201	Marcus Reilly	[[US_SSN|@@ssn:ssn71a@@]]	[[DATE_OF_BIRTH|1988-03-17]]	2024-11-04	OH
E-2202	Dana Whitcombe	[[US_SSN|@@ssn:ssn71b@@]]	[[DATE_OF_BIRTH|1995-09-02]]	2025-01-13	KY
E-2203	Luis Ocampo	[[US_SSN|@@ssn:ssn71c@@]]	[[DATE_OF_BIRTH|1979-12-28]]	2023-06-19	OH
### h11-072
请把下面这段内部规定改写得更简洁，用于员工培训幻灯片：

《客户信息处理规范》第三条：员工不得在工单、即时通讯工具或外部AI服务中粘贴客户的完整身份证号、银行卡号、手机号或密码。确需引用时，应使用脱敏格式，例如手机号写作 138****5678，银行卡号只保留后四位。系统中的接口密钥统一存放在密钥管理平台，代码和文档中只允许出现占位符 {API_KEY}。违反本规定的，按公司信息安全管理办法处理。
### h11-073
Kan du sjekke at denne meldingen til den nye leietakeren er tydelig?

"Hei Sigrid! Kontrakten er signert. Depositum på 27 000 kr settes inn på egen depositumskonto i DNB, kontonummer i IBAN-format: [[IBAN|@@iban:no1:NO@@]]. Husleie 9 000 kr betales innen den 1. hver måned. Nøkler kan hentes lørdag kl. 12. Ring meg på [[PHONE|@@phone:no1:NO:m:nat@@]] hvis noe er uklart. Hilsen Geir"
### h11-074
Rewrite this dispatch e-mail so it sounds less robotic:

"Your order 3001-48872 has been dispatched. Items: 1 × trail running shoe (size EU 42, colour Ember, style TR-611), 2 × merino socks. Tracking number 00340434161094021583 (DPD), expected delivery Thu 19 June between 10:14 and 11:14. Returns are free within 30 days using the QR code on the delivery note. Order total £142.00 incl. VAT, paid by card ending 7781."
### h11-075
Treasury asked me to double-check this outgoing payment instruction before release. Anything inconsistent?

Payment batch PB-0619-07, value date 20/06/2025
1) Beneficiary: Al Noor Trading LLC, Dubai
   IBAN [[IBAN|@@iban:ae1:AE@@]], SWIFT NBADAEAA
   Amount USD 48,200.00, ref PO 7731/25
2) Beneficiary: Rawabi Medical Supplies, Riyadh
   IBAN [[IBAN|@@iban:sa1:SA@@]], SWIFT RJHISARI
   Amount SAR 126,500.00, ref INV-SA-2025-0419
Call-back verification done with the supplier contact on [[PHONE|@@phone:sa1:SA:m:intl@@]] (number from the master data, not from the e-mail).
### h11-076
このカード明細の内容を家計簿用にカテゴリ分けしてください。

ご利用明細（カード番号 ****-****-****-4412）
06/02 セブン-イレブン 新宿三丁目店 ¥648
06/03 JR東日本 モバイルSuica チャージ ¥5,000
06/05 Amazon.co.jp ¥3,278
06/08 ユニクロ ¥7,990
06/11 東京電力エナジーパートナー ¥8,412
06/15 Netflix ¥1,490
ご利用合計 ¥26,818　お支払日 2025年7月10日
### h11-077
이 내용을 영어 이메일로 바꿔 주세요. 해외 본사 인사팀에 보낼 겁니다.

신규 입사자 정보입니다.
성명: 박서연
생년월일: [[DATE_OF_BIRTH|1996년 4월 2일]]
휴대전화: [[PHONE|@@phone:kr1:KR:m:nat@@]]
개인 이메일: [[EMAIL|seoyeon.park96@naver.com]]
입사일: 2025년 7월 1일, 부서: 품질관리팀
노트북과 출입카드는 첫날 오전에 지급 예정입니다.
### h11-078
Schreib mir bitte einen kurzen Hinweistext für unser Intranet zum Thema sichere Passwörter. Inhalt: mindestens 14 Zeichen, lieber eine Passphrase aus vier zufälligen Wörtern als kryptische Kürzel; jedes Konto bekommt ein eigenes Passwort; der Passwortmanager des Unternehmens ist Pflicht; Passwörter werden nie per E-Mail oder Chat verschickt, auch nicht an die IT; im Ticket steht höchstens „Passwort: ********“. Bei Verdacht auf Missbrauch sofort über das Self-Service-Portal zurücksetzen.
### h11-079
Can you help me write a short request to our IT vendor? They need my addresses to allow me through the firewall:

Hi team, since I moved house the remote desktop gateway rejects me. My new home IPv4 according to whatismyip is [[IP_ADDRESS|84.115.203.47]] and my laptop's IPv6 is [[IP_ADDRESS|2a02:8108:1a40:7e00:5d1c:93ab:47e2:10f9]]. Please add both to the allow-list for rdg.koenigshofer-bau.at. My user is k.brunner, ticket #55310. Thanks!
### h11-080
Turn this conference programme into a one-screen overview for the app:

Day 1 – Tue 23 Sept, Hall A
09:00 Registration & coffee
09:45 Keynote: "Cold chain logistics after 2030" (45 min)
10:40 Panel: last-mile delivery in dense cities (Room 1.04)
12:15 Lunch (level 2)
13:30 Workshops W1–W4 (Rooms 2.01, 2.02, 2.07, 2.11; max 30 people each)
15:30 Case study: 1,800 stores, 1 warehouse management system
17:00 Drinks on the terrace
Wi-Fi details are printed on the back of your badge.
### h11-081
Our logistics partner says our SFTP key is "invalid format". This is the key file our old admin left in the shared drive — is it the right type for their server (OpenSSH 7.4)?

[[SECRET|@@pem:k81:ssh@@]]

Their instructions say: user sftp_bergholt, host sftp.nordfreight.dk, port 2222, upload to /inbound/asn/.
### h11-082
Kannst du aus dieser Bücherliste eine Bestellliste mit Gesamtpreis machen? (Klasse 7b, Schuljahr 2025/26)

Deutsch: Deutschbuch 7, Cornelsen, ISBN 978-3-06-062437-9, 26,75 €
Mathematik: Lambacher Schweizer 7, Klett, ISBN 978-3-12-733771-2, 31,50 €
Englisch: Green Line 3, Klett, ISBN 978-3-12-834230-2, 27,95 €
Englisch Workbook: ISBN 978-3-12-834233-3, 13,25 €
Französisch (2. Fremdsprache): Découvertes 2, ISBN 978-3-12-622021-3, 28,50 €
Atlas: Diercke Weltatlas, ISBN 978-3-14-100900-6, 35,95 € (nur falls nicht vorhanden)
### h11-083
After moving the WooCommerce shop to the new server, WordPress shows "Error establishing a database connection". wp-config.php:

define( 'DB_NAME', 'shop_wp' );
define( 'DB_USER', 'shop_wp' );
define( 'DB_PASSWORD', '[[SECRET|@@pw:wp83:22@@]]' );
define( 'DB_HOST', '[[IP_ADDRESS|172.31.22.140]]' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'AUTH_KEY',         '[[SECRET|@@urlsafe:wp83a:64@@]]' );
define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
$table_prefix = 'wp_';
### h11-084
Resume este chat de Telegram en una lista de tareas con responsables:

[10:02] Marta: reunión con el proveedor movida al jueves 19 a las 11:30
[10:05] Iván: vale, llevo el informe de devoluciones de mayo (3,8 % frente a 4,6 % en abril)
[10:06] Marta: Lucía, ¿puedes reservar la sala 2B?
[10:11] Lucía: hecho, reserva n.º 5521
[10:14] Iván: el pedido 7734-B sale el lunes, 42 palés
[10:15] Marta: perfecto, gracias
### h11-085
Our internal "policy assistant" script suddenly returns 401 from one provider but not the other. What's going on?

import anthropic, openai

claude = anthropic.Anthropic(api_key="[[SECRET|@@anthropic:an85@@]]")
gpt = openai.OpenAI(api_key="[[SECRET|@@openai:oa85@@]]")

def ask(q: str) -> str:
    msg = claude.messages.create(model="claude-sonnet-4-20250514", max_tokens=800,
                                 messages=[{"role": "user", "content": q}])
    return msg.content[0].text
### h11-086
Make this product recall notice clearer for our shop window:

VOLUNTARY RECALL – Harvest Valley Organic Tahini 300 g
Affected: lot numbers L25-1042, L25-1043 and L25-1049, best before 14/03/2027 and 21/03/2027, barcode 5 060412 883126.
Reason: possible presence of Salmonella. No other sizes or lots are affected.
If you bought this product, do not eat it. Return it to the store for a full refund; no receipt needed.
Recall reference FSA-PRIN-27-2025.
### h11-087
Bantu balas pesan pembeli ini dengan sopan, bilang paket sudah dikirim ulang:

"Kak, paket saya (invoice INV/20250610/MPL/3817720412) belum sampai padahal status sudah diterima. Tolong dicek ya. Kurir bisa hubungi saya di [[PHONE|@@phone:id1:ID:m:nat@@]], atau kirim bukti pengiriman ke email [[EMAIL|dewi.anggraini88@yahoo.co.id]]. Terima kasih."
### h11-088
Fasse diese Ladung bitte in drei Sätzen zusammen:

Amtsgericht Leipzig – Az. 106 C 2231/24
Ladung zum Termin zur mündlichen Verhandlung am Mittwoch, 09.07.2025, 10:15 Uhr, Saal 214, Bernhard-Göring-Straße 64.
In dem Rechtsstreit Hausverwaltung Südvorstadt GmbH ./. Mieterin wegen Nebenkostenabrechnung 2023 (Streitwert 1.148,60 €).
Das persönliche Erscheinen der Parteien wird angeordnet (§ 141 ZPO). Bringen Sie diese Ladung und einen Lichtbildausweis mit.
### h11-089
Password reset e-mails stopped going out. Here's the relevant part of our .env (Laravel):

MAIL_MAILER=smtp
MAIL_URL=[[URL_CREDENTIALS|smtp://apikey:@@sg:sg89@@@smtp.sendgrid.net:587]]
MAIL_FROM_ADDRESS=[[EMAIL|no-reply@pflegedienst-am-see.de]]
MAIL_FROM_NAME="${APP_NAME}"
SENDGRID_API_KEY=[[SECRET|@@sg:sg89@@]]
QUEUE_CONNECTION=database
### h11-090
اكتب خبراً قصيراً لموقع النادي عن نتائج الجولة:

الدوري الممتاز للشباب – الجولة 22
النادي الأهلي 3 – 1 نادي الشروق
اتحاد المدينة 0 – 0 نادي الوحدة
نادي النجوم 2 – 4 نادي الساحل
الترتيب: الساحل 51 نقطة، الأهلي 49، الوحدة 44، النجوم 38
المباراة القادمة يوم الجمعة 18 أبريل الساعة 19:30 على الملعب البلدي.
### h11-091
Ayúdame a redactar el correo para la aseguradora con estos datos del reembolso:

Asegurada: Fernanda Ruiz Olvera, fecha de nacimiento [[DATE_OF_BIRTH|12/06/1985]]
Póliza de gastos médicos mayores GMM-4471882, siniestro 25-00931
Gastos: consulta de ortopedia $1,800 MXN, resonancia magnética $6,450 MXN, fisioterapia 8 sesiones $5,600 MXN
Adjunto facturas CFDI (folios A-10231, A-10298, B-2210).
Celular: [[PHONE|@@phone:mx1:MX:m:intl@@]], correo: [[EMAIL|fer.ruizolvera@gmail.com]]
### h11-092
Summarise these release notes for the sales team in plain English:

Release 10.4.12.3 (build 88231) – 16 June 2025
- Faster PDF export (median 4.1 s → 1.6 s for 50-page quotes)
- New price-list import supports up to 250,000 rows
- Fixed: discount rounding for amounts above 1,000,000.00
- Fixed: Outlook add-in 3.2.0.118 did not sync contacts created on mobile
- Deprecated: legacy API v1 (removal planned for 11.0.0.0)
Supported browsers: Chrome 126+, Edge 126+, Firefox 127+, Safari 17.4+.
### h11-093
My notebook cell fails with 401 on the second call. Any idea?

import os
from huggingface_hub import InferenceClient
from groq import Groq

hf = InferenceClient(token="[[SECRET|@@hf:hf93@@]]")
groq = Groq(api_key="[[SECRET|@@gsk:gq93@@]]")
os.environ["HF_HOME"] = "/content/hf-cache"

print(hf.text_generation("Bonjour", model="mistralai/Mistral-7B-Instruct-v0.3", max_new_tokens=20))
print(groq.chat.completions.create(model="llama-3.1-8b-instant", messages=[{"role": "user", "content": "hi"}]))
### h11-094
Zrób z tych notatek krótką notatkę służbową:

Spotkanie zespołu sprzedaży, 12.06.2025, 9:00–9:45
- sprzedaż w maju: 1 284 300 zł (plan 1 200 000 zł, wykonanie 107 %)
- najlepszy region: Pomorze (+18 % r/r)
- nowe zamówienie z sieci drogerii: 3 400 szt., dostawa do 30.06
- reklamacje: 14 zgłoszeń, średni czas obsługi 2,3 dnia
Następne spotkanie: 26.06, sala 4.12.
### h11-095
Kannst du das hier höflicher formulieren? Geht an den IT-Support.

"Hallo, seit heute früh komme ich nicht mehr ins SAP. Mein Passwort ist [[SECRET|Rosenkohl#2025!]], das habe ich erst letzte Woche geändert. Die Fehlermeldung sagt ‚Benutzer gesperrt'. Ich brauche das dringend für den Monatsabschluss. Rückruf bitte auf meine Durchwahl 3417 oder mobil [[PHONE|@@phone:at1:AT:m:intl@@]]. Danke, Brigitte"
### h11-096
Please make this exam timetable into a clean table for the notice board:

Year 11 mock exams – week of 10 November
Mon 10/11  09:00–10:45  English Language P1   Sports Hall   (candidates 1001–1186)
Mon 10/11  13:15–14:45  Biology P1            Room S12/S14
Tue 11/11  09:00–10:30  Maths P1 (non-calc)   Sports Hall
Wed 12/11  09:00–10:30  Maths P2 (calc)       Sports Hall
Thu 13/11  09:00–11:00  History P1            Library
Access arrangements: rooms C4 and C5, 25 % extra time.
### h11-097
The helpdesk tool's API returns 403 but the same call works in the browser. I used "Copy as cURL":

curl 'https://support.vikingtrail.com/api/v2/tickets?status=open&page=2' \
  -H 'accept: application/json' \
  -H 'authorization: Bearer [[JWT|@@jwt:cu97:HS256@@]]' \
  -H 'cookie: _ga=GA1.1.1803362217.1748331207; hd_session=[[SECRET|@@hex:cu97s:64@@]]; csrftoken=@@alnum:cu97c:32@@' \
  -H 'user-agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36'
### h11-098
इस ग्राहक की शिकायत का अंग्रेज़ी में सार लिखो और एक विनम्र जवाब का मसौदा बनाओ:

"नमस्ते, मेरा पार्सल (AWB 1490 2231 8874) पिछले 6 दिन से 'Out for delivery' दिखा रहा है लेकिन कोई डिलीवरी बॉय नहीं आया। मैंने दो बार कॉल किया, कोई जवाब नहीं मिला। कृपया मुझे [[PHONE|@@phone:in1:IN:m:nat@@]] पर कॉल करें या [[EMAIL|rakesh.verma.jaipur@rediffmail.com]] पर ईमेल करें। पैकेज में दवाइयाँ हैं, बहुत ज़रूरी है।"
### h11-099
Check this mail-merge template for our direct-debit confirmation letters; the fields should match our CRM export:

Dear «Salutation» «LastName»,
thank you for your SEPA Direct Debit mandate (reference {{mandate_id}}). We will collect {{amount}} EUR from the account {{iban_masked}} (e.g. DE** **** **** **** **34 56) on the {{collection_day}} of each month. Our creditor identifier is {{creditor_id}}. If you have questions, call us on {{hotline}} or write to {{support_email}}.
Sign-off: {{agent_name}}, Customer Accounts
### h11-100
I'm a freelancer. Can you turn this into a proper invoice in English with 0 % VAT (reverse charge)?

From: Aino Lehtinen, UX research, Helsinki – [[EMAIL|aino@lehtinen-ux.fi]], [[PHONE|@@phone:fi1:FI:m:intl@@]]
To: Mosel Data S.à r.l., Luxembourg, VAT LU28471033
Work: 6 usability interviews + report, May 2025, 42 h × 85 € = 3 570 €
Pay to: [[IBAN|@@iban:fi1:FI:spaced@@]] (Nordea, BIC NDEAFIHH)
Their reference for the PO: 4500218834; their payer account shown on the remittance: [[IBAN|@@iban:lu1:LU@@]]
### h11-101
A customer sent this in our shop chat. How should I answer politely that we can't take card numbers in chat, and what should I do with the message?

"hi, the checkout keeps failing so here's my card, can you just charge it for the two lamps? [[CREDIT_CARD|@@card:amex101:amex:spaced@@]], exp 11/27, the code on the front is 4417. billing address same as delivery. thanks!! – Margot"
### h11-102
Ops chat from last night (Teams export). Can you write a short incident summary from it?

[23:41] Henrik Lund: queue workers can't reach redis since the failover
[23:43] Henrik Lund: they still have REDIS_URL=[[URL_CREDENTIALS|redis://:@@alnum:rd102:24@@@10.12.0.7:6379/0]]
[23:44] Ama Boateng: new primary is [[IP_ADDRESS|10.12.0.19]], I'm on it: ssh ops@[[IP_ADDRESS|10.12.0.19]]
[23:52] Ama Boateng: updated the secret, restarted 6 worker pods, backlog 18,420 jobs draining
[00:07] Henrik Lund: backlog at 0, closing the incident INC-2231
### h11-103
Our support agent's tool call was rejected by the ticketing API. Request log:

2025-06-17T08:14:22.530Z INFO  tool_call name=tickets.add_note client_ip=[[IP_ADDRESS|2a01:4f8:c17:3b2a::41]] status=401
args={"ticket_id": 88213, "note": "Customer confirmed delivery address, refund approved", "visibility": "internal",
      "auth": "[[JWT|@@jwt:tc103:ES256@@]]"}
2025-06-17T08:14:22.531Z WARN  token expired (exp=1750147200), refresh not attempted
