### h12-001
Subject: Locked out of the payroll portal

Hi IT,

Since this morning the payroll portal says my account is locked. My current password is [[SECRET|Tulip!Harbor42]] — I changed it last Friday so it should still be valid. Can you please reset it and send the temporary one to my private address [[EMAIL|marisol.quenby@fernwick-mail.net]]? I'm working from home today, you can also call me on [[PHONE|@@phone:a1:GB:m:intl@@]].

Employee no. 40817, cost centre 3120.

Thanks,
Marisol
### h12-002
Please check this invoice for errors before I send it to the client:

INVOICE #INV-2025-04417
Date: 2025-03-14        Due: 2025-04-13
Customer no.: C-0092731
PO reference: 4500187362

Qty  Item                                    Unit      Total
 12  Ergonomic office chair, model EC-220    189.00   2,268.00
  4  Height-adjustable desk 160x80           412.50   1,650.00
  1  Delivery & assembly (zone 3)            145.00     145.00

Subtotal 4,063.00 EUR | VAT 19% 771.97 | Total 4,834.97 EUR
Payment terms: 30 days net. Order numbers 7718820391 and 7718820402 shipped in two parcels.
### h12-003
Kannst du diese Personalnotiz kürzer formulieren?

Neueinstellung Lagerlogistik, Start 01.04.2025. Herr Tobias Wendeler, geb. [[DATE_OF_BIRTH|14.03.1987]], Personalnummer 20391. Gehalt bitte auf [[IBAN|@@iban:a3:DE:spaced@@]] überweisen. Erreichbar unter [[PHONE|@@phone:a3:DE:m:intl@@]]. Probezeit 6 Monate, Urlaubsanspruch 28 Tage, Schuhgröße für Sicherheitsschuhe 44.
### h12-004
Fahrplan Linie 47 (Mo–Fr), gültig ab 09.12.2024

Haltestelle            06:12  06:42  07:12  07:32  07:52
Hauptbahnhof           06:15  06:45  07:15  07:35  07:55
Rathausplatz           06:19  06:49  07:19  07:39  07:59
Klinikum Nord          06:27  06:57  07:27  07:47  08:07
Gewerbegebiet Ost      06:35  07:05  07:35  07:55  08:15

Service-Hotline siehe Aushang. Fahrradmitnahme werktags 06:00–09:00 nicht möglich. Linien-ID 0470-2024-12.
### h12-005
why does git still ask me for credentials? here's my ~/.netrc

machine api.heroku.com
  login [[EMAIL|ops@lanternbay.io]]
  password [[SECRET|@@uuid:herokutok@@]]
machine git.heroku.com
  login [[EMAIL|ops@lanternbay.io]]
  password [[SECRET|@@uuid:herokutok@@]]
machine github.com
  login lanternbay-ci
  password [[SECRET|@@ghp:a5@@]]

permissions are -rw-r--r-- if that matters
### h12-006
Traduis cette recette en anglais s'il te plaît :

Clafoutis aux cerises (6 personnes)
- 500 g de cerises dénoyautées
- 3 œufs, 100 g de sucre, 1 sachet de sucre vanillé
- 80 g de farine, 25 cl de lait entier, 10 cl de crème
- 20 g de beurre pour le moule

Préchauffer le four à 180 °C (th. 6). Fouetter les œufs avec le sucre, ajouter la farine puis le lait et la crème. Beurrer un moule de 26 cm, y répartir les cerises, verser la pâte. Cuire 35 à 40 minutes. Servir tiède.
### h12-007
Our deploy script can't find the right profile. This is ~/.aws/credentials on the build box:

[default]
aws_access_key_id = [[SECRET|@@akia:a7@@]]
aws_secret_access_key = [[SECRET|@@awssecret:a7@@]]
region = eu-central-1

[sandbox]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

The sandbox one is just copied from the docs, I think that's the problem?
### h12-008
この配送通知を英語にしてください。

ご注文ありがとうございます。ご注文番号 250314-0087261 の商品を本日発送いたしました。
配送業者：ヤマト運輸
お問い合わせ伝票番号：4682-3391-0725
お届け予定日：3月17日（月）午前中
商品：ステンレス電気ケトル 1.0L ×1、フィルター ×2
合計金額：¥8,470（税込）
※不在の場合は不在票に記載の番号へご連絡ください。
### h12-009
Resume este chat de atención al cliente para el informe:

Cliente: Hola, quiero pagar la factura pendiente con otra tarjeta porque la anterior caducó.
Agente: Claro, ¿me indica el número?
Cliente: Es [[CREDIT_CARD|@@card:a9:visa:spaced@@]], caduca 08/28.
Agente: Gracias. ¿Un teléfono de contacto por si falla el cargo?
Cliente: [[PHONE|@@phone:a9:ES:m:intl@@]], o por correo a [[EMAIL|ines.barrutia@correo-olmedo.es]]
Agente: Perfecto, el pedido 88-20417 queda pagado. Referencia de la operación: OP7731920.
### h12-010
Can you categorise these transactions from my statement?

Card: Visa Debit •••• 4417
03/02  GROCER KING #118          -54.21
03/03  TFL TRAVEL CH             -8.10
03/05  SALARY ACME LTD        +2,310.00
03/07  NETFLIX.COM               -10.99
03/09  AMZN Mktp UK*RT4KQ9       -23.49
03/11  ATM WITHDRAWAL 0931       -60.00
Closing balance: 3,118.76
Account number ending 0284, sort code shown on paper statement only.
### h12-011
请帮我把这条客户备注整理成正式的格式：

客户张女士来电，要求修改账户联系方式。新手机号 [[PHONE|@@phone:a11:CN:m:intl@@]]，邮箱 [[EMAIL|zhang.lanxi@mingshan-trade.cn]]。核对身份时客户提供出生日期 [[DATE_OF_BIRTH|1979年5月3日]]。已于 2025年3月12日 完成变更，工单号 SR-20250312-0419。
### h12-012
把下面的产品规格表翻译成英文：

型号：KX-3200 空气净化器
适用面积：28–48 ㎡
CADR（颗粒物）：420 m³/h
噪音：22–54 dB(A)
额定功率：45 W，电压 220 V~ 50 Hz
滤网型号：KX-F32（建议 6–8 个月更换）
尺寸：360 × 240 × 620 mm，净重 7.4 kg
产品编码：6923450612874
### h12-013
Please turn this intake note into a referral letter.

Patient: Harold Ebbington, DOB [[DATE_OF_BIRTH|07/22/1964]], SSN [[US_SSN|@@ssn:a13@@]]. Insurance member ID WQX-448120-07. Presenting with recurring lower back pain for ~6 weeks, worse in the mornings. BP 132/84, HR 71. Prior MRI 2023 unremarkable. Best number to reach him: [[PHONE|@@phone:a13:US:m:national@@]]; his daughter handles scheduling at [[EMAIL|c.ebbington.family@brightpost.org]]. Follow-up booked for 04/02/2025 at 10:30.
### h12-014
Can you explain these blood test results in plain language?

Test                Result     Reference range
Haemoglobin         13.8 g/dL  13.0–17.0
WBC                 6.2 ×10⁹/L 4.0–11.0
Platelets           241 ×10⁹/L 150–400
Fasting glucose     5.9 mmol/L 3.9–5.5   H
HbA1c               41 mmol/mol 20–41
LDL cholesterol     3.4 mmol/L <3.0      H
TSH                 2.15 mIU/L 0.4–4.0
Sample ID 2503-118820, collected 11.03.2025 08:05.
### h12-015
kubectl keeps saying Unauthorized with this kubeconfig, what's wrong?

apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKY201bGRHVnpNQjRYRFRJMU1ETXhNVEE1TURBd01Gb1hEVE0xTURNd09UQTVNREF3TUZvd0ZURVRNQkVHQTFVRQpBeE1LYTNWaVpYSnVaWFJsY3pDQ0FTSXdEUVlKS29aSWh2Y05BUUVCQlFBRGdnRVBBRENDQVFvQ2dnRUJBTHBGCg==
    server: https://[[IP_ADDRESS|34.118.201.77]]:6443
  name: prod-eu
contexts:
- context:
    cluster: prod-eu
    user: deployer
    namespace: billing
  name: prod-eu
current-context: prod-eu
users:
- name: deployer
  user:
    token: [[JWT|@@jwt:kube:RS256@@]]
### h12-016
다음 회의 일정을 영어로 번역해 주세요.

3월 셋째 주 주간 회의 일정
- 3월 17일(월) 10:00–11:00 경영지원팀 주간회의 (본관 7층 702호)
- 3월 18일(화) 14:00–15:30 신제품 출시 점검 (B동 3층 대회의실)
- 3월 20일(목) 09:30–10:00 안전교육 (온라인, 회의 ID는 사내 게시판 참조)
- 3월 21일(금) 16:00–17:00 월간 실적 보고
참석 인원: 약 25명, 예산 코드 2025-OP-114
### h12-017
Here is my Postman collection export, why does the second request fail with 401?

{
  "info": {"name": "Orders API", "_postman_id": "@@uuid:pm17@@",
           "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "[[JWT|@@jwt:pm17@@]]", "type": "string"}]},
  "item": [
    {"name": "List orders", "request": {"method": "GET", "url": "{{baseUrl}}/v2/orders?page=1"}},
    {"name": "Create order", "request": {"method": "POST", "url": "{{baseUrl}}/v2/orders",
      "auth": {"type": "apikey", "apikey": [{"key": "value", "value": "{{apiKey}}"}, {"key": "key", "value": "X-Api-Key"}]},
      "body": {"mode": "raw", "raw": "{\"sku\": \"TB-4410\", \"qty\": 2}"}}}
  ],
  "variable": [
    {"key": "baseUrl", "value": "https://orders.pinecrest-retail.com"},
    {"key": "apiKey", "value": "[[SECRET|@@hex:pm17key:40@@]]"}
  ]
}
### h12-018
Rewrite this paragraph from our staff handbook so it is friendlier:

"Passwords must be at least 14 characters long and must not contain your name, username or the company name. Passwords expire after 180 days unless multi-factor authentication is enabled. Never share your password by e-mail, chat or phone — the IT helpdesk will never ask for it. If you suspect that your password has been compromised, change it immediately via the self-service portal and report the incident to security. Password managers approved by IT may be used."
### h12-019
Can you spot why this INSERT fails on the `customers` table?

INSERT INTO customers (id, full_name, email, phone, birth_date, loyalty_tier, created_at) VALUES
  (10231, 'Ada Kettleworth', '[[EMAIL|ada.kettleworth@quillmere.co.uk]]', '[[PHONE|@@phone:a19a:GB:m:e164@@]]', '[[DATE_OF_BIRTH|1991-06-30]]', 'gold', '2025-03-01 09:14:22'),
  (10232, 'Ruben Oyelaran', '[[EMAIL|r.oyelaran@harthollow.com]]', '[[PHONE|@@phone:a19b:NG:m:e164@@]]', '[[DATE_OF_BIRTH|1985-12-09]]', 'silver', '2025-03-01 09:15:07'),
  (10233, 'Lotte Vinkenoog', '[[EMAIL|lotte.v@bremstraat-post.nl]]', NULL, '[[DATE_OF_BIRTH|2001-02-28]]', 'basic_plus_legacy', '2025-03-01 09:16:40');

Error: ERROR 1406 (22001): Data too long for column 'loyalty_tier' at row 3
### h12-020
Please improve the wording of this email template; keep the placeholders exactly as they are.

Subject: Your {{product_name}} trial ends in {{days_left}} days

Hi {{first_name}},

Your trial for the account {{email}} ends on {{trial_end_date}}. To keep your projects, add a payment method in Settings → Billing. Developers can keep using the API by replacing <API_KEY> in their requests with a production key from the dashboard.

Questions? Reply to this message or call {{support_phone}}.

— The {{company_name}} team
### h12-021
Переведи на английский, это переписка из чата поддержки:

Клиент: Здравствуйте, не могу войти в личный кабинет интернет-магазина.
Оператор: Подскажите, пожалуйста, логин или номер телефона.
Клиент: Телефон [[PHONE|@@phone:a21:RU:m:intl@@]]. Пароль вроде [[SECRET|Маргарита_1990!]], но он не подходит.
Оператор: Пароль сообщать не нужно, я отправлю ссылку для сброса. Заказ № 4471-0029 сохранён.
### h12-022
Составь короткое уведомление для клиента по этим данным:

Отправление: посылка 1-го класса
Трек-номер: 80094281733560
Вес: 2,35 кг, объявленная ценность 4 500 ₽
Отделение получения: 630099, ул. Лесная, 12
Срок хранения: до 28.03.2025
Номер заказа: ЗК-2025-031577
### h12-023
ترجم هذه الرسالة من العميل إلى الإنجليزية:

السلام عليكم، أرجو تحويل مبلغ الاسترداد الخاص بالطلب رقم 55120934 إلى حسابي البنكي الجديد:
رقم الآيبان: [[IBAN|@@iban:a23:AE@@]]
اسم البنك: بنك الإمارات للتجارة
للتواصل: [[PHONE|@@phone:a23:AE:m:intl@@]]
شكراً لكم، سلمى الحارثي
### h12-024
ساعدني في تنسيق جدول مواعيد العيادة:

الأحد: ٩:٠٠ صباحاً – ١:٠٠ ظهراً، د. كريم (أسنان)
الاثنين: ٤:٠٠ – ٨:٠٠ مساءً، د. ليلى (أطفال)
الثلاثاء: ٩:٠٠ صباحاً – ٢:٠٠ ظهراً، د. كريم
الأربعاء: مغلق
الخميس: ٥:٠٠ – ٩:٠٠ مساءً، د. ليلى
رسوم الكشف: 150 درهم، المراجعة خلال 14 يوماً مجانية.
### h12-025
इस HR नोट को अंग्रेज़ी में अनुवाद करें:

नई कर्मचारी: प्रिया सहगल, जन्मतिथि [[DATE_OF_BIRTH|12/08/1991]], कर्मचारी कोड EMP-7712।
मोबाइल: [[PHONE|@@phone:a25:IN:m:intl@@]], ईमेल: [[EMAIL|priya.sehgal.work@kumudpost.in]]
विभाग: लेखा, जॉइनिंग तिथि 03/03/2025, वेतन ग्रेड B2। PAN की प्रति फ़ाइल में लगी है।
### h12-026
इस बिल का सार बताइए:

टैक्स इनवॉइस संख्या: GST/24-25/01873
दिनांक: 10/03/2025
GSTIN: 27AAECS1234F1Z5
1. स्टील अलमारी (मॉडल SA-4) — 2 × ₹14,500 = ₹29,000
2. डिलीवरी शुल्क — ₹1,200
CGST 9%: ₹2,718 | SGST 9%: ₹2,718
कुल राशि: ₹35,636 (पैंतीस हज़ार छह सौ छत्तीस रुपये)
ऑर्डर संख्या 100482913, HSN कोड 9403
### h12-027
The agent produced these tool calls, is the argument format right?

[
  {"tool": "crm.update_contact", "arguments": {"contact_id": "ct_88213", "email": "[[EMAIL|yusuf.demirel@ardenvale.com.tr]]",
   "phone": "[[PHONE|@@phone:a27:TR:m:e164@@]]", "note": "prefers WhatsApp"}},
  {"tool": "helpdesk.create_ticket", "arguments": {"subject": "Refund not received", "priority": "high",
   "body": "Customer says refund for order 30028817 (₺1.249,90) has not arrived after 10 days."}},
  {"tool": "mail.send", "arguments": {"to": ["[[EMAIL|yusuf.demirel@ardenvale.com.tr]]"], "template": "refund_status_v2"}}
]
### h12-028
Why does the model keep calling search_flights twice? Tool-call log:

{"id": "call_01", "name": "search_flights", "arguments": {"origin": "LHR", "destination": "NRT", "date": "2025-05-14", "cabin": "economy", "passengers": 2}}
{"id": "call_02", "name": "search_flights", "arguments": {"origin": "LHR", "destination": "HND", "date": "2025-05-14", "cabin": "economy", "passengers": 2}}
{"id": "call_03", "name": "get_weather", "arguments": {"city": "Tokyo", "units": "metric", "days": 5}}
{"id": "call_04", "name": "currency_convert", "arguments": {"amount": 1850, "from": "GBP", "to": "JPY"}}
Result of call_01: flights BA5, JL42; fares 1,212.40 and 1,098.70 GBP.
### h12-029
Resuma esta anotação do atendimento do banco:

Cliente Rogério Tavares ligou relatando compra não reconhecida de R$ 2.349,90 no cartão [[CREDIT_CARD|@@card:a29:mc@@]]. Cartão bloqueado e reemissão solicitada (protocolo 2025031100488). CPF conferido. Telefone para retorno: [[PHONE|@@phone:a29:BR:m:intl@@]]. Prazo para análise da contestação: 10 dias úteis.
### h12-030
Transforme este cronograma de obra em uma tabela:

Semana 1 (03/03–07/03): demolição e retirada de entulho
Semana 2 (10/03–14/03): instalações hidráulicas e elétricas
Semana 3 (17/03–21/03): contrapiso e impermeabilização
Semana 4 (24/03–28/03): revestimento cerâmico, 42 m²
Semana 5 (31/03–04/04): pintura e acabamentos
Orçamento aprovado: R$ 48.700,00 — contrato nº 118/2025, ART 2820250031166
### h12-031
Can you summarise this thread and draft a reply from me (Grace)?

From: Owen Tallis <[[EMAIL|owen.tallis@brackenridge-law.co.uk]]>
Sent: 12 March 2025 16:02
To: Grace Penhallow <[[EMAIL|g.penhallow@sorrelgate.com]]>
Subject: RE: Lease renewal – Unit 4, Millbrook Trading Estate

Grace, the landlord accepts the 3% uplift but wants the break clause moved to year 4. Could you confirm by Friday? Our ref: BRL/4471/OT.

Kind regards,
Owen Tallis | Associate
Brackenridge Law LLP, 22 Fenton Row, Leeds
T: [[PHONE|@@phone:a31a:GB:f:national@@]]  M: [[PHONE|@@phone:a31b:GB:m:intl@@]]

-----Original Message-----
From: Grace Penhallow
Sent: 10 March 2025 09:40
Owen, attached our comments on draft v3. Invoice 2025-0311 for the survey is also attached.
Grace Penhallow, Facilities Manager, Sorrelgate Ltd | [[PHONE|@@phone:a31c:GB:m:intl@@]]
### h12-032
Traduci in inglese questa scheda tecnica:

Lavastoviglie da incasso LX-6045
Capacità: 14 coperti
Classe energetica: C — consumo 75 kWh/100 cicli
Consumo acqua: 9,5 l per ciclo ECO
Rumorosità: 42 dB(A)
Dimensioni (A×L×P): 815–875 × 598 × 550 mm
Programmi: 8, partenza ritardata 1–24 h
Codice articolo 911 536 284, garanzia 24 mesi
### h12-033
Please convert this TSV to a markdown table and sort by start date.

name	email	phone	date_of_birth	iban	start_date
Femke Harmsen	[[EMAIL|femke.harmsen@tulpwerk.nl]]	[[PHONE|@@phone:a33a:NL:m:intl@@]]	[[DATE_OF_BIRTH|1993-09-17]]	[[IBAN|@@iban:a33a:NL@@]]	2025-04-01
Joost Brugman	[[EMAIL|j.brugman@tulpwerk.nl]]	[[PHONE|@@phone:a33b:NL:m:intl@@]]	[[DATE_OF_BIRTH|1980-01-05]]	[[IBAN|@@iban:a33b:NL@@]]	2025-03-15
Saskia de Roo	[[EMAIL|saskia.deroo@tulpwerk.nl]]	[[PHONE|@@phone:a33c:NL:m:intl@@]]	[[DATE_OF_BIRTH|1997-07-28]]	[[IBAN|@@iban:a33c:NL@@]]	2025-05-06
### h12-034
Find duplicate SKUs in this export:

sku	description	ean	qty	location
TB-4410	Travel mug 350 ml	4006381333931	120	A-03-2
TB-4411	Travel mug 500 ml	4006381333948	85	A-03-3
KT-2002	Kettle 1.7 l steel	4012345000016	40	B-11-1
TB-4410	Travel mug 350 ml	4006381333931	12	R-01-0
LN-0750	Lunch box 750 ml	4260123456788	210	A-07-4
### h12-035
The webhook received this form submission but the CRM rejected it. Which field is invalid?

{
  "form_id": "loan-application-v3",
  "submitted_at": "2025-03-11T14:22:09Z",
  "fields": {
    "full_name": "Dwayne Castellow",
    "email": "[[EMAIL|dwayne.castellow@ridgeport-mail.com]]",
    "phone": "[[PHONE|@@phone:a35:US:m:e164@@]]",
    "date_of_birth": "[[DATE_OF_BIRTH|1988-11-02]]",
    "ssn": "[[US_SSN|@@ssn:a35@@]]",
    "annual_income": "72000",
    "loan_amount": 15000,
    "consent_credit_check": true
  },
  "client_ip": "[[IP_ADDRESS|73.162.48.209]]",
  "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/132.0.0.0 Safari/537.36"
}
### h12-036
Review this JSON schema for our signup form:

{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Signup",
  "type": "object",
  "required": ["email", "password"],
  "properties": {
    "email": {"type": "string", "format": "email", "maxLength": 254},
    "password": {"type": "string", "minLength": 12, "writeOnly": true},
    "phone": {"type": "string", "pattern": "^\\+[1-9]\\d{6,14}$"},
    "birth_date": {"type": "string", "format": "date"},
    "marketing_opt_in": {"type": "boolean", "default": false}
  }
}
### h12-037
Przetłumacz na angielski zgłoszenie do helpdesku:

Dzień dobry, nie mogę zalogować się do systemu fakturowego. Moje hasło to [[SECRET|Kasztan#2024wiosna]], proszę o reset. Przy okazji proszę zaktualizować numer rachunku do wypłat na [[IBAN|@@iban:a37:PL:spaced@@]]. Kontakt: [[PHONE|@@phone:a37:PL:m:intl@@]]. Numer zgłoszenia poprzedniego: HD-118204.
### h12-038
Sprawdź tę fakturę:

Faktura VAT nr FV/2025/03/0214
Data wystawienia: 11.03.2025, termin płatności: 25.03.2025
NIP sprzedawcy: 525-000-12-34
1. Toner do drukarki TN-2420, 3 szt. × 189,00 zł = 567,00 zł
2. Papier A4 80 g, 10 ryz × 21,90 zł = 219,00 zł
Razem netto: 786,00 zł, VAT 23%: 180,78 zł, brutto: 966,78 zł
Numer zamówienia: ZAM-77120, przesyłka kurierska nr 6200144827731
### h12-039
This worker crashes on startup, here's the config module:

import os

DATABASE_URL = "[[URL_CREDENTIALS|postgresql://billing_app:Qv7-rain-Harbour-19@10.40.3.14:5432/billing]]"
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
STRIPE_SECRET_KEY = "[[SECRET|@@sklive:a39@@]]"
STRIPE_WEBHOOK_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
SENTRY_ENVIRONMENT = "production"
WORKER_CONCURRENCY = 8
RETRY_BACKOFF = [5, 30, 120, 600]
### h12-040
Bu kargo bildirimini kısaltır mısın?

Sayın müşterimiz, 1028374 numaralı siparişiniz kargoya verilmiştir.
Kargo firması: Yurtiçi Kargo
Gönderi takip numarası: 308719264415
Tahmini teslim: 14 Mart 2025, Cuma
Paket: 2 koli, toplam 6,4 kg
Ödeme: Kapıda ödeme yok, tutar 1.849,00 TL kartla tahsil edilmiştir (**** 9012).
### h12-041
Bu müşteri mesajını İngilizceye çevir:

Merhaba, iade tutarını aşağıdaki hesaba yatırabilir misiniz?
IBAN: [[IBAN|@@iban:a41:TR:spaced@@]]
Hesap sahibi: Elif Karaosmanoğlu
Sipariş no: 7730195, iade tutarı 649,90 TL.
Bana [[PHONE|@@phone:a41:TR:m:intl@@]] numarasından veya [[EMAIL|elif.karaosmanoglu@posta-lale.com.tr]] adresinden ulaşabilirsiniz.
### h12-042
Μετάφρασε στα αγγλικά το πρόγραμμα δρομολογίων:

Πειραιάς – Νάξος (καθημερινά)
Αναχώρηση 07:25, άφιξη 12:10 — πλοίο «Blue Star Delos»
Αναχώρηση 17:30, άφιξη 21:45 — ταχύπλοο
Τιμή εισιτηρίου: οικονομική θέση 42,00 €, καμπίνα 98,00 €
Κωδικός κράτησης ομάδας: GRP-2025-0471
Η επιβίβαση κλείνει 20 λεπτά πριν την αναχώρηση.
### h12-043
Переклади англійською цю кадрову довідку:

Працівниця: Оксана Мельничук, дата народження [[DATE_OF_BIRTH|03.02.1990]], табельний номер 5521.
Посада: бухгалтер, дата прийняття 17.02.2025.
Телефон: [[PHONE|@@phone:a43:UA:m:intl@@]], e-mail: [[EMAIL|o.melnychuk@dnipro-rakhunky.com.ua]]
Відпустка: 24 календарні дні, залишок 11 днів.
### h12-044
תתרגם לאנגלית את הודעת המשלוח:

שלום, ההזמנה שלך מספר 600172944 נשלחה היום.
מספר מעקב: IL4412098837
חברת שליחויות: שליח עד הבית
מועד מסירה משוער: יום ה׳, 13 במרץ, בין 09:00 ל-13:00
תכולה: 3 פריטים, סכום ששולם: 349.90 ₪
שעות פעילות שירות הלקוחות: א׳–ה׳ 08:00–18:00
### h12-045
ช่วยแปลข้อความลูกค้านี้เป็นภาษาอังกฤษ:

สวัสดีค่ะ สั่งสินค้าหมายเลข 8830412 ไปเมื่อวันที่ 5 มีนาคม แต่ยังไม่ได้รับของเลยค่ะ
รบกวนติดต่อกลับที่เบอร์ [[PHONE|@@phone:a45:TH:m:intl@@]] หรืออีเมล [[EMAIL|naree.sukjai@ploymail.co.th]]
ขอบคุณค่ะ นารี
### h12-046
ช่วยแปลสูตรอาหารนี้เป็นภาษาอังกฤษ:

ต้มข่าไก่ (สำหรับ 4 คน)
- อกไก่ 300 กรัม หั่นชิ้นพอดีคำ
- กะทิ 400 มล. น้ำซุป 200 มล.
- ข่า 8 แว่น ตะไคร้ 2 ต้น ใบมะกรูด 5 ใบ
- เห็ดฟาง 150 กรัม พริกขี้หนู 5 เม็ด
- น้ำปลา 2 ช้อนโต๊ะ น้ำมะนาว 3 ช้อนโต๊ะ
ต้มกะทิกับน้ำซุปและสมุนไพรประมาณ 5 นาที ใส่ไก่และเห็ด ต้มต่อ 10 นาที ปรุงรสแล้วยกลง
### h12-047
Summarise this Slack export for the incident report:

[09:02] Priya: vpn is down for the whole Lisbon office
[09:05] Dana: gateway at [[IP_ADDRESS|172.20.14.31]] is rejecting logins since the 08:50 cert rotation
[09:11] Dana: I set a temporary shared account, user vpn-lisbon, password [[SECRET|Wint3r-Lantern-88]] — please delete this message after use
[09:14] Marco: works for me, client 5.1.3.206 on macOS 15.3
[09:31] Dana: rolled back to cert serial 4F:2A:91:0C, all good now. ticket INC-20931
### h12-048
Can you turn this deploy chat into release notes?

[14:00] Sven: tagging v2.14.0 now, build #8812
[14:06] Mei: migrations 0142 and 0143 ran in 3.2 s on staging
[14:12] Sven: canary at 10%, p95 latency 182 ms vs 176 ms baseline
[14:30] Mei: error rate 0.03%, promoting to 100%
[14:41] Sven: done. Next release window Thursday 14:00 UTC. Rollback image tag 2.13.4-r2.
### h12-049
このヘルプデスク依頼を英語に翻訳してください。

お疲れさまです。経理部の田村です。
勤怠システムにログインできなくなりました。パスワードは [[SECRET|sakura_Kaede77]] のはずですが、エラーになります。リセットをお願いします。
連絡先：[[PHONE|@@phone:a49:JP:m:national@@]]（携帯）、メール [[EMAIL|tamura.k@hoshizora-shoji.co.jp]]
社員番号 071245
### h12-050
この健康診断の結果をわかりやすく説明してください。

身長 171.2 cm、体重 68.5 kg、BMI 23.4
血圧 128/82 mmHg
AST 24 U/L、ALT 31 U/L、γ-GTP 58 U/L（基準 ≤50）
LDLコレステロール 142 mg/dL（基準 60–139）
HbA1c 5.6%
受診日 2025年3月6日、受付番号 0306-1184
### h12-051
Draft a short case summary from these banking admin notes:

- Customer requested SWIFT payment of GBP 4,200 to supplier account [[IBAN|@@iban:a51:GB@@]] (BIC on file).
- Verified identity via callback to [[PHONE|@@phone:a51:US:m:intl@@]], number on file since 2019.
- Customer also asked to remove old card ending 4417 and add Amex [[CREDIT_CARD|@@card:a51:amex:spaced@@]] as backup.
- Reference CASE-7720194; SLA 2 business days. Statement cycle date 25th.
### h12-052
Summarise this spec sheet for a product page:

NebulaLink AX3000 mesh router
Wi-Fi 6, dual band: 574 Mbps (2.4 GHz) + 2402 Mbps (5 GHz)
Ports: 1 × 2.5 GbE WAN, 3 × 1 GbE LAN, 1 × USB 3.0
Processor: quad-core 1.3 GHz, 512 MB RAM, 128 MB flash
Power: 12 V / 2 A, typical consumption 9.8 W
Dimensions: 110 × 110 × 185 mm, weight 540 g
Firmware 1.4.2.118, model no. NL-AX3000-EU, warranty 3 years
### h12-053
This curl call returns 403 from the gateway, any idea?

curl -X POST https://api.quillmere-analytics.io/v1/reports \
  -H "Authorization: Bearer [[JWT|@@jwt:a53@@]]" \
  -H "x-api-key: [[SECRET|@@anthropic:a53@@]]" \
  -H "X-Request-Id: @@uuid:a53req@@" \
  -H "Content-Type: application/json" \
  -d '{"range": "2025-02-01/2025-02-28", "group_by": "region"}'

Response: {"error": "forbidden", "trace": "7c1e9a02b4"}
### h12-054
Organiza este horario de clases en una tabla:

Lunes: Matemáticas 8:00–9:30 (aula 12), Inglés 10:00–11:00
Martes: Biología 8:00–9:30 (laboratorio 2), Historia 11:30–13:00
Miércoles: Educación física 9:00–10:30, Química 12:00–13:30
Jueves: Matemáticas 8:00–9:30, Literatura 10:00–11:30
Viernes: Tutoría 9:00–10:00, Taller de robótica 10:30–12:30
Curso 2024/2025, grupo 3.º B, código de centro 28041137
### h12-055
Peux-tu reformuler ce mail pour qu'il soit plus professionnel ?

Bonjour Mme Lefort,
Suite à mon déménagement je change de banque, voici mon nouveau RIB pour les remboursements de frais : [[IBAN|@@iban:a55:FR:spaced@@]]. Mon nouveau numéro est le [[PHONE|@@phone:a55:FR:m:intl@@]].
Merci de mettre à jour mon dossier (matricule 33817).
Cordialement,
Julien Marceau
[[EMAIL|julien.marceau@courriel-ardoise.fr]]
### h12-056
Dịch lịch trình này sang tiếng Anh giúp tôi:

Ngày 1 (15/4): bay VN213 Hà Nội – TP.HCM, khởi hành 07:00, nhận phòng khách sạn lúc 14:00
Ngày 2 (16/4): tham quan địa đạo Củ Chi, xe đón 08:00
Ngày 3 (17/4): du thuyền sông Sài Gòn, 18:30–21:00
Ngày 4 (18/4): bay VN240 về Hà Nội, 16:00
Chi phí dự kiến: 12.500.000 VND/người, mã đoàn HN-2504-17
### h12-057
다음 상담 기록을 요약해 주세요.

고객명: 박서연
문의: 3월 8일 주문(주문번호 20250308-55123) 제품 불량으로 교환 요청
연락처: [[PHONE|@@phone:a57:KR:m:national@@]], 이메일 [[EMAIL|seoyeon.park@hanbit-mail.co.kr]]
처리: 회수 접수 완료, 회수 송장 번호 6829 1047 3310, 교환품 3월 14일 발송 예정
### h12-058
Is this .env.example good enough for new developers?

# copy to .env and fill in real values — never commit .env
DATABASE_URL=postgres://<user>:<password>@<host>:5432/<db>
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
OPENAI_API_KEY=<API_KEY>
SMTP_PASSWORD=${SMTP_PASSWORD}
JWT_SIGNING_KEY=change-me
SESSION_TTL_SECONDS=3600
ALLOWED_ORIGINS=https://app.localhost:5173
### h12-059
CI log from the release job, the push step fails. What's wrong?

+ echo "building 3.8.1"
building 3.8.1
+ docker login -u lanternbay-ci -p [[SECRET|@@dckr:a59@@]] registry-1.docker.io
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
+ git clone [[URL_CREDENTIALS|https://lanternbay-ci:@@ghp:a59@@@github.com/lanternbay/release-tools.git]]
Cloning into 'release-tools'...
+ mysql -h [[IP_ADDRESS|10.12.8.40]] -u release -p[[SECRET|Tern&Kelp2025]] -e 'SELECT version FROM schema_migrations ORDER BY 1 DESC LIMIT 1'
ERROR 1045 (28000): Access denied for user 'release'@'10.12.8.%'
### h12-060
Help me reconcile this bank export against our invoices:

Date	Description	Counterparty IBAN	Amount EUR
03.03.2025	SEPA CT RE-2025-0118	DE** **** **** **** **34 12	+1,180.00
05.03.2025	SEPA DD Stadtwerke	DE** **** **** **** **77 09	-214.60
07.03.2025	SEPA CT RE-2025-0121	NL** **** **** **52 3	+2,450.00
10.03.2025	Card payment (Visa ••••1881)	—	-89.90
Mandate ref. MR-0042-2291, creditor ID shown on original export only.
