### h9-001
Our API p99 jumped after the deploy. Here are a few lines from the gateway, can you tell me whether the slowness is in the upstream or in our own handler?

2026-11-03T14:22:07.114Z INFO  [pid 48211] req_id=7f3c9a1e-52b4-4d8e-9c1a-0b6e2f4d7a93 method=GET path=/v2/catalog/items?page=14 status=200 upstream=127.0.0.1:8081 dur_ms=38.2 bytes=18422
2026-11-03T14:22:07.391Z INFO  [pid 48211] req_id=c04e81d2-1f7a-4b39-8e25-6d93a0fb1c44 method=POST path=/v2/cart/checkout status=200 upstream=127.0.0.1:8082 dur_ms=1843.7 bytes=912
2026-11-03T14:22:08.002Z WARN  [pid 48214] req_id=0d9b3f67-8a21-4c5e-b7f0-3e1d2c9a8b65 slow upstream: cart-svc took 1791ms (threshold 500ms), retries=0, pool=12/64
2026-11-03T14:22:08.517Z INFO  [pid 48214] req_id=5a7e2c10-93d4-4f6b-a18e-7c2b9d0e4f31 method=GET path=/healthz status=200 dur_ms=0.4
2026-11-03T14:22:09.230Z ERROR [pid 48211] req_id=b81f4e2a-6c07-4d93-9e58-1a2f3b4c5d6e upstream timeout after 2000ms to 127.0.0.1:8082 (attempt 2/3)

Build 4.18.2-rc.3 (commit 9e1c4b7), node v20.11.1, 8 workers, listening on 0.0.0.0:8443.

### h9-002
Subject: Can't log in after changing my phone

Hi support team,

I swapped phones last week and now the authenticator codes don't work, so I'm locked out of my workspace (Acme Cloud, org id 300412). My account email is [[EMAIL|dorian.vasquez.lab@outlook.com]]. Could someone call me to verify my identity? Best number is [[PHONE|@@phone:p002:US:m:intl@@]], I'm on Pacific time and free after 2pm.

Thanks,
Dorian

### h9-003
Why does npm ci keep failing with EINTEGRITY on this lock entry? I didn't touch it.

    "node_modules/ansi-styles": {
      "version": "6.2.1",
      "resolved": "https://registry.npmjs.org/ansi-styles/-/ansi-styles-6.2.1.tgz",
      "integrity": "sha512-bN798gFfQX+viw3R7yrGWRqnrN2oRkEkUjjl4JNn4E8GxxbjtG3FbrEIIY3l8/hrwUwIeCZvi4QuOTP4MErVug==",
      "dev": true,
      "engines": {
        "node": ">=12"
      },
      "funding": {
        "url": "https://github.com/chalk/ansi-styles?sponsor=1"
      }
    },

npm ERR! code EINTEGRITY
npm ERR! sha512-bN798gFfQX+viw3R7yrGWRqnrN2oRkEkUjjl4JNn4E8GxxbjtG3FbrEIIY3l8/hrwUwIeCZvi4QuOTP4MErVug== integrity checksum failed when using sha512: wanted ... but got sha512-Fs2hV1/Nc5gM3/rFv3a8XhbSsaiv1RGp1RQ1dxi8PDJ5ixAjpwJ+mKb6LAGFLAI/SsuBDuDbRBpgnrUqTjmJFA==. (13481 bytes)
npm ERR! A complete log of this run can be found in: /home/runner/.npm/_logs/2026-11-02T09_14_55_310Z-debug-0.log

### h9-004
Personalnotiz – Neueinstellung Lager Mitte

Name: Henrike Adelsberger
Eintritt: 01.02.2027, Probezeit 6 Monate
Geburtsdatum: [[DATE_OF_BIRTH|14.07.1993]]
Bankverbindung für die Gehaltsabrechnung: IBAN [[IBAN|@@iban:i004:DE:spaced@@]]
Telefon privat: [[PHONE|@@phone:p004:DE:m:nat@@]]
Steuerklasse 1, Krankenkasse liegt vor, Arbeitsvertrag unterschrieben am 18.11.2026.

Kannst du mir daraus eine kurze Willkommensmail formulieren? Die Bankdaten bitte natürlich nicht in die Mail übernehmen.

### h9-005
Our release workflow publishes to npm but the job fails with 401. Is the secret reference wrong?

name: release
on:
  push:
    tags: ["v*.*.*"]
jobs:
  publish:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: npm publish --provenance --access public
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
      - name: notify
        run: curl -fsS -X POST -H "Content-Type: application/json" -d '{"text":"released ${{ github.ref_name }}"}' "$SLACK_WEBHOOK_URL"
        env:
          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}

### h9-006
this keeps returning 401 "Incorrect API key provided" even though I just created the key in the dashboard?? what am I doing wrong

```python
from openai import OpenAI

client = OpenAI(api_key="[[SECRET|@@openai:k006@@]]")

resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Summarise the attached changelog in 5 bullets"}],
    temperature=0.2,
)
print(resp.choices[0].message.content)
```

openai==1.54.3, python 3.12.4 on macOS 14.6

### h9-007
Je dois rédiger la politique de mots de passe pour notre PME (45 salariés). Voici ce que j'ai pour l'instant, peux-tu la rendre plus claire et conforme aux recommandations de l'ANSSI ?

- longueur minimale : 12 caractères, 16 pour les comptes administrateurs ;
- pas d'obligation de changer le mot de passe tous les 90 jours, sauf en cas de compromission ;
- interdiction de réutiliser les 5 derniers mots de passe ;
- authentification à deux facteurs obligatoire pour la messagerie et le VPN ;
- le mot de passe ne doit jamais être envoyé par e-mail ni noté sur un post-it ;
- verrouillage du compte après 10 tentatives échouées pendant 15 minutes.

Faut-il aussi imposer des caractères spéciaux ou est-ce dépassé ?

### h9-008
[chat exportado, soporte tienda online]
[10:41] Cliente: hola, el pago me sale rechazado 3 veces
[10:41] Agente Lucía: Hola, lamento las molestias. ¿Me confirmas el correo de la cuenta?
[10:42] Cliente: [[EMAIL|m.ferrando.quiles@gmail.com]]
[10:42] Cliente: y la tarjeta es esta [[CREDIT_CARD|@@card:c008:visa:spaced@@]] caduca 09/29
[10:43] Agente Lucía: Por seguridad no compartas el número completo por chat, ya lo he ocultado en el ticket. El pedido 2026-114873 está retenido por el banco emisor; te recomiendo llamar al número que aparece detrás de la tarjeta.
[10:44] Cliente: vale gracias

Resume esta conversación en dos frases para el informe semanal.

### h9-009
Can you review this Deployment? The pod starts but the app says DATABASE_PASSWORD is empty.

apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing-api
  namespace: payments
  labels:
    app.kubernetes.io/name: billing-api
    app.kubernetes.io/version: "3.7.0"
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: billing-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: billing-api
    spec:
      containers:
        - name: api
          image: ghcr.io/northwind/billing-api@sha256:4f9d1c0b7e3a25c8d6f01b9e7a4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c
          ports:
            - containerPort: 8080
          env:
            - name: DATABASE_HOST
              value: billing-db.payments.svc.cluster.local
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: billing-db-credentials
                  key: passwrod
          resources:
            limits:
              cpu: "500m"
              memory: 512Mi

### h9-010
Getting 403 from our internal admin API when I call it from the jump box, but the same token works from my laptop. Full command:

curl -sv -X PATCH "https://admin.internal.fernhollow.io/api/v3/tenants/8812/limits" \
  -H "Authorization: Bearer [[JWT|@@jwt:j010:RS256@@]]" \
  -H "Content-Type: application/json" \
  -d '{"max_seats": 250, "burst": 40}'

*   Trying [[IP_ADDRESS|172.31.44.209]]:443...
* Connected to admin.internal.fernhollow.io ([[IP_ADDRESS|172.31.44.209]]) port 443
< HTTP/2 403
< x-request-id: 6c1d2f0e-77aa-4e3b-9d1c-52f08e6a9b13
{"error":"source address not in allowlist"}

### h9-011
この請求書の内容を英語に翻訳してください。

請求書番号：INV-2026-004512
発行日：2026年11月28日
お支払期限：2026年12月31日
注文番号：PO-88213-JP
品目：
  1. USB-C ドッキングステーション（型番 DS-7740B） 3台 × 18,480円 = 55,440円
  2. 27インチモニター（型番 MN27-QHD-2） 2台 × 39,800円 = 79,600円
小計：135,040円
消費税（10%）：13,504円
合計：148,544円
配送伝票番号：4418-2290-7315（ヤマト運輸）

### h9-012
Resumo do atendimento para o CRM, por favor deixa mais profissional:

cliente ligou reclamando da cobrança duplicada da mensalidade de outubro (R$ 189,90 duas vezes). já abri o chamado 55120-B no financeiro. ela pediu retorno pelo whats [[PHONE|@@phone:p012:BR:m:intl@@]] ou pelo email [[EMAIL|tatiane.moura.arq@hotmail.com]], de preferência de manhã. prometi estorno em até 7 dias úteis.

### h9-013
What's causing this? It only happens under load.

Exception in thread "pool-3-thread-17" java.util.ConcurrentModificationException
	at java.base/java.util.ArrayList$Itr.checkForComodification(ArrayList.java:1095)
	at java.base/java.util.ArrayList$Itr.next(ArrayList.java:1049)
	at com.tidewater.inventory.StockCache.snapshot(StockCache.java:212)
	at com.tidewater.inventory.ReorderJob.run(ReorderJob.java:88)
	at java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)
	at java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:642)
	at java.base/java.lang.Thread.run(Thread.java:1583)

JVM: OpenJDK 21.0.5+11-LTS, heap 2048m, GC G1, uptime 3d 4h 17m, threads 214 (peak 260)

### h9-014
my docker compose app can't reach postgres, here's my .env — what's wrong with the DATABASE_URL?

APP_ENV=production
APP_PORT=3000
DATABASE_URL=[[URL_CREDENTIALS|postgres://shopapp:Tr0ut-Lantern-58@db:5432/shop?sslmode=disable]]
REDIS_URL=redis://redis:6379/0
STRIPE_SECRET_KEY=[[SECRET|@@stripe:s014@@]]
SENDGRID_API_KEY=[[SECRET|@@sg:g014@@]]
LOG_LEVEL=info

### h9-015
Here's our .env.example — does it document everything a new dev needs?

# Copy to .env and fill in real values. Never commit .env.
APP_ENV=development
APP_PORT=3000
DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev
OPENAI_API_KEY=sk-...
ANTHROPIC_API_KEY=your-anthropic-api-key
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
STRIPE_WEBHOOK_SECRET=whsec_...
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
SENTRY_DSN=
JWT_SECRET=change-me-in-production
SMTP_PASSWORD=<your-smtp-password>

### h9-016
Ciao Marco,

ti scrivo per la VPN del nuovo ufficio di Bologna. Il profilo è già installato sul portatile di Giulia, manca solo l'accesso: utente g.ranieri, password [[SECRET|Portico!Rosso2026]]. Appena la usa la prima volta deve cambiarla, l'ho già impostato sul firewall.

Se ci sono problemi chiamami pure al [[PHONE|@@phone:p016:IT:m:nat@@]], oggi sono in sede fino alle 18.

Puoi correggere il tono di questa mail? Mi sembra troppo brusca.

### h9-017
Is this normal? The pull re-downloads layers every time on the CI runner.

$ docker pull python:3.12-slim-bookworm
3.12-slim-bookworm: Pulling from library/python
2d429b9e73a6: Already exists
94d2a8b3c0e1: Pull complete
7b5f1e6c8d24: Pull complete
c3a9f0d1e7b2: Pull complete
Digest: sha256:a866731a6b71c4a194a845d86e06568725e430ed21821d0c52e4efb385cf6c6f
Status: Downloaded newer image for python:3.12-slim-bookworm
docker.io/library/python:3.12-slim-bookworm

$ docker image ls --digests python
REPOSITORY   TAG                  DIGEST                                                                    IMAGE ID       CREATED       SIZE
python       3.12-slim-bookworm   sha256:a866731a6b71c4a194a845d86e06568725e430ed21821d0c52e4efb385cf6c6f   1f5d3c2b9e07   9 days ago    124MB

### h9-018
Please turn these onboarding notes into a checklist for payroll.

New hire: Terrence Okafor-Lind, Warehouse Supervisor, start date Jan 12, 2027
SSN: [[US_SSN|@@ssn:s018@@]]
DOB: [[DATE_OF_BIRTH|03/22/1988]]
Cell: [[PHONE|@@phone:p018:US:m:nat@@]]
I-9 documents seen: passport card. W-4 filed single. Direct deposit form still missing.
Badge #: 40917, locker 22, shift B (2pm–10:30pm).

### h9-019
Bitte prüf die Rechnung auf Rechenfehler:

Rechnung Nr. 2026-11-0387 vom 27.11.2026
Kundennummer: 100452
Lieferdatum: 25.11.2026

Pos. Art.-Nr.       Bezeichnung                         Menge  Einzelpreis   Gesamt
1    SKU-4471-GR    Edelstahlschrauben M6x30, 100 St.   12     8,90 €        106,80 €
2    SKU-0093-XL    Dübel 8 mm, 200 St.                 4      11,40 €       45,60 €
3    SKU-7720-BK    Akkuschrauber-Bitset 32-tlg.        2      24,95 €       49,90 €
Nettobetrag                                                                  202,30 €
USt. 19 %                                                                    38,44 €
Rechnungsbetrag                                                              240,74 €

Zahlbar innerhalb von 14 Tagen ohne Abzug per Überweisung auf das im Kundenportal hinterlegte Konto; bitte die Rechnungsnummer als Verwendungszweck angeben.

### h9-020
Kun je deze klacht netjes samenvatten voor de teamleider?

"Goedemiddag, ik heb op 14 november een terugbetaling aangevraagd voor order 7731-NL maar nog niks ontvangen. Het bedrag van € 84,95 moet terug naar rekening [[IBAN|@@iban:i020:NL@@]]. U kunt mij bereiken op [[PHONE|@@phone:p020:NL:m:nat@@]] of via mail. Met vriendelijke groet, S. de Wolff-Haring"

### h9-021
Can you interpret this regression output for a non-statistician?

Call:
lm(formula = yield_kg ~ rainfall_mm + soil_ph + fert_kg_ha, data = plots)

Residuals:
    Min      1Q  Median      3Q     Max
-412.61  -96.03    4.87  101.22  388.40

Coefficients:
             Estimate Std. Error t value Pr(>|t|)
(Intercept) 1204.3318   311.4527   3.867 0.000214 ***
rainfall_mm    2.1847     0.4409   4.955 3.72e-06 ***
soil_ph      -48.2906    39.8813  -1.211 0.229310
fert_kg_ha     6.0021     1.1276   5.323 8.10e-07 ***

Residual standard error: 158.7 on 86 degrees of freedom
Multiple R-squared:  0.5413,	Adjusted R-squared:  0.5253
F-statistic: 33.83 on 3 and 86 DF,  p-value: 1.776e-14

### h9-022
terraform plan fails with "InvalidClientTokenId". This is my ~/.aws/credentials, the profile name matches the provider block. Is the key maybe deactivated?

[default]
region = eu-central-1

[ops-staging]
aws_access_key_id = [[SECRET|@@akia:a022@@]]
aws_secret_access_key = [[SECRET|@@awssecret:a022s@@]]
region = eu-west-1
output = json

provider "aws" {
  profile = "ops-staging"
  region  = "eu-west-1"
}

### h9-023
Is this a safe way to load the key? I don't want it in the repo.

```python
import os
import logging

log = logging.getLogger(__name__)

def get_api_key() -> str:
    key = os.environ.get("WEATHER_API_KEY")
    if not key:
        raise RuntimeError("WEATHER_API_KEY is not set; see README section 'Configuration'")
    log.debug("using weather key %s…%s (len=%d)", key[:3], key[-2:], len(key))
    return key
```

And in CI we set it with `gh secret set WEATHER_API_KEY < key.txt`, then delete key.txt.

### h9-024
帮我把这条消息翻译成英文，发给新来的外国同事：

"欢迎加入！办公室的无线网络名称是 Lanting-5G，密码是 [[SECRET|qingshan8826!]]。打印机在三楼东侧，如果连不上可以打我手机 [[PHONE|@@phone:p024:CN:m:nat@@]]。周五下午三点有团队聚餐，记得来。"

### h9-025
Plot these and tell me if sensor B drifts relative to A:

timestamp,sensor_a_c,sensor_b_c,humidity_pct,pressure_hpa
2026-10-01T00:00:00Z,18.42,18.51,61.2,1013.4
2026-10-01T01:00:00Z,18.10,18.23,62.0,1013.1
2026-10-01T02:00:00Z,17.86,18.02,63.5,1012.9
2026-10-01T03:00:00Z,17.55,17.77,64.1,1012.6
2026-10-01T04:00:00Z,17.31,17.58,65.0,1012.4
2026-10-01T05:00:00Z,17.20,17.51,65.8,1012.5
2026-10-01T06:00:00Z,17.64,17.99,64.9,1012.9
2026-10-01T07:00:00Z,18.77,19.16,60.3,1013.2
2026-10-01T08:00:00Z,20.05,20.49,55.7,1013.6

### h9-026
[#platform-help]
Jonas Ekberg  9:14 AM
anyone know why `gh repo clone` asks for a password on the new runner?
Priya Raman  9:16 AM
did you set GH_TOKEN?
Jonas Ekberg  9:17 AM
yeah I exported this one, created it yesterday with repo scope: [[SECRET|@@ghp:g026@@]]
Priya Raman  9:17 AM
jonas you just pasted a live token in a public channel 😬 revoke it now and use the org's fine-grained app instead
Jonas Ekberg  9:18 AM
oops. revoking

Can you write a short, friendly reminder post for the channel about not pasting tokens?

### h9-027
Help me write release notes from this log:

$ git log --oneline v2.3.0..v2.4.0
e4b1c9a (tag: v2.4.0) Bump version to 2.4.0
7d20f3e Merge pull request #1184 from feature/csv-export
a91c6d2 Add CSV export for reports (closes #1102)
3f8e0b7 Fix off-by-one in pagination when page_size=100
c5d27a4 Upgrade pydantic to 2.9.2
0b6f9e1 Drop Python 3.8 support
18ac4d5 Docs: explain rate limits (429 after 600 req/min)
$ git rev-parse HEAD
e4b1c9a7f03d25b6c8e9a0f1d2c3b4a5e6f70819

### h9-028
Добрый день! Помогите составить ответ клиенту.

Клиент: Ковалёва Ирина, заявка №48-117 от 02.12.2026. Пишет, что не может войти в личный кабинет. Она сама прислала свой пароль в письме: [[SECRET|Kovaleva_1990]] — я его, конечно, не использовал. Контакты: [[EMAIL|irina.kovaleva.sochi@yandex.ru]], [[PHONE|@@phone:p028:RU:m:intl@@]].

Нужно вежливо объяснить, что пароли нельзя присылать, и предложить сброс через форму восстановления.

### h9-029
I'm writing integration tests for checkout. Stripe's docs say to use these test cards — can you turn them into a pytest parametrize list?

| Card             | Number              | Behaviour                   |
|------------------|---------------------|-----------------------------|
| Visa             | 4242 4242 4242 4242 | succeeds                    |
| Visa (debit)     | 4000 0566 5566 5556 | succeeds                    |
| Mastercard       | 5555 5555 5555 4444 | succeeds                    |
| Generic decline  | 4000 0000 0000 0002 | card_declined               |
| Insufficient     | 4000 0000 0000 9995 | insufficient_funds          |

Use any future expiry like 12/34 and any CVC. The key in the test env is read from STRIPE_TEST_SECRET_KEY (starts with sk_test_).

### h9-030
Someone is hammering our login endpoint. Last few nginx lines:

[[IP_ADDRESS|185.220.101.47]] - - [04/Dec/2026:22:13:51 +0000] "POST /api/login HTTP/1.1" 401 43 "-" "python-requests/2.32.3"
[[IP_ADDRESS|185.220.101.47]] - - [04/Dec/2026:22:13:51 +0000] "POST /api/login HTTP/1.1" 401 43 "-" "python-requests/2.32.3"
[[IP_ADDRESS|45.146.164.18]] - - [04/Dec/2026:22:13:52 +0000] "GET /api/export?format=csv&access_token=[[SECRET|@@hex:t030:40@@]] HTTP/1.1" 200 88412 "-" "curl/8.5.0"
[[IP_ADDRESS|185.220.101.47]] - - [04/Dec/2026:22:13:52 +0000] "POST /api/login HTTP/1.1" 429 21 "-" "python-requests/2.32.3"

How do I rate-limit per IP in nginx? Also why is that export call succeeding?
### h9-031
Why is this query slow? orders has ~41M rows.

EXPLAIN ANALYZE
SELECT o.id, o.created_at, o.total_cents, c.segment
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.customer_id IN (100234, 100871, 102559, 118004)
  AND o.created_at >= '2026-01-01'
ORDER BY o.created_at DESC
LIMIT 50;

Limit  (cost=1.13..4821.77 rows=50 width=36) (actual time=0.912..2873.415 rows=50 loops=1)
  ->  Nested Loop  (cost=1.13..9188402.55 rows=95301 width=36) (actual time=0.911..2873.388 rows=50 loops=1)
        ->  Index Scan Backward using orders_created_at_idx on orders o  (cost=0.57..8702151.90 rows=95301 width=28) (actual time=0.889..2873.102 rows=50 loops=1)
              Filter: ((created_at >= '2026-01-01 00:00:00'::timestamp) AND (customer_id = ANY ('{100234,100871,102559,118004}'::bigint[])))
              Rows Removed by Filter: 6204417
        ->  Index Scan using customers_pkey on customers c  (cost=0.56..5.10 rows=1 width=16) (actual time=0.004..0.004 rows=1 loops=50)
Planning Time: 0.311 ms
Execution Time: 2873.502 ms

### h9-032
Şu müşteri notunu düzgün bir e-postaya çevirir misin?

"Ahmet Bey aradı, kurumsal e-posta hesabına giremiyormuş. Kendi şifresini telefonda söyledi: [[SECRET|Karaca.4519]] – bunu sistemde denemedim. Yeni bir geçici şifre gönderilecek. Yedek iletişim adresi [[EMAIL|ahmet.karacaoglu@yandex.com.tr]], cep [[PHONE|@@phone:p032:TR:m:nat@@]]. Talep no: 2026/11-3381."

### h9-033
Format these as APA 7 references please:

- Kleppmann, Designing Data-Intensive Applications, O'Reilly 2017, ISBN 978-1-4493-7332-0
- Hunt & Thomas, The Pragmatic Programmer, 20th anniversary ed., Addison-Wesley 2019, ISBN 978-0-13-595705-9
- Ousterhout, A Philosophy of Software Design, 2nd ed., Yaknyam Press 2021, ISBN 978-1-7321022-2-1
- Nygard, Release It!, 2nd ed., Pragmatic Bookshelf 2018, ISBN 978-1-68050-239-8

### h9-034
Streaming works locally but on Vercel I get "authentication_error". Code:

```ts
import Anthropic from "@anthropic-ai/sdk";

const anthropic = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY ?? "[[SECRET|@@anthropic:k034@@]]",
});

export async function POST(req: Request) {
  const { prompt } = await req.json();
  const stream = await anthropic.messages.stream({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: prompt }],
  });
  return new Response(stream.toReadableStream());
}
```

I added the env var in the Vercel dashboard under Production only.

### h9-035
이 주문 내역을 표로 정리해 주세요.

주문번호 20261130-0047821, 주문일 2026.11.30
- 무선 이어폰 (모델 WE-550) 1개 89,000원
- 충전 케이블 USB-C 2m 2개 각 12,900원
- 배송비 3,000원
결제금액 117,800원 (카드 일시불, 승인번호 30917442)
운송장 번호 6894-1203-5571 (CJ대한통운), 예상 도착 12월 3일

### h9-036
Spring Boot won't start: "FATAL: password authentication failed for user "ledger"". Here's application-prod.yml:

spring:
  datasource:
    url: jdbc:postgresql://[[IP_ADDRESS|10.40.12.7]]:5432/ledger
    username: ledger
    password: [[SECRET|Qm7#vLd2!pRw]]
    hikari:
      maximum-pool-size: 20
  jpa:
    hibernate:
      ddl-auto: validate
app:
  jwt:
    secret: [[SECRET|@@b64:j036:48@@]]
    expiration-minutes: 60
server:
  port: 8080

### h9-037
Make a safety-data summary table with these (CAS number, formula, molar mass):

- Water, CAS 7732-18-5, H2O, 18.015 g/mol
- Ethanol, CAS 64-17-5, C2H6O, 46.07 g/mol
- Acetone, CAS 67-64-1, C3H6O, 58.08 g/mol
- Sodium chloride, CAS 7647-14-5, NaCl, 58.44 g/mol
- Hydrogen peroxide 30 %, CAS 7722-84-1, H2O2, 34.01 g/mol
- Isopropanol, CAS 67-63-0, C3H8O, 60.10 g/mol

Add the GHS pictograms if you know them. Lab room B-214, inventory check due 2027-01-15.

### h9-038
Bonjour, peux-tu reformuler ce message pour le service paie ? Il est un peu sec.

« Suite à notre échange, je vous transmets les éléments manquants pour le dossier de Mme Clémence Vautrin, embauchée au 5 janvier : elle est née le [[DATE_OF_BIRTH|9 mars 1996]] à Nantes, son numéro de portable est le [[PHONE|@@phone:p038:FR:m:nat@@]] et son adresse mail personnelle [[EMAIL|clem.vautrin96@laposte.net]]. Merci de me confirmer la réception. »

### h9-039
Is it better to use env_file or Docker secrets here?

services:
  api:
    image: registry.gitlab.com/orbit-labs/api:1.42.0
    env_file:
      - .env.production
    secrets:
      - db_password
      - stripe_key
    environment:
      DB_PASSWORD_FILE: /run/secrets/db_password
      STRIPE_KEY_FILE: /run/secrets/stripe_key
    ports:
      - "8080:8080"
secrets:
  db_password:
    file: ./secrets/db_password.txt
  stripe_key:
    external: true

### h9-040
Our alert script posts to both Slack and Discord but the Discord part returns 400. Any idea?

```python
import requests

SLACK = "[[SECRET|@@slackhook:h040@@]]"
DISCORD = "[[SECRET|@@discordhook:d040@@]]"

def alert(msg: str) -> None:
    requests.post(SLACK, json={"text": msg}, timeout=5)
    requests.post(DISCORD, json={"text": msg}, timeout=5)   # 400 {"message": "Cannot send an empty message"}

alert("disk usage on build-07 at 93%")
```

### h9-041
Tengo este JSON de una app de rutas, ¿puedes calcular la distancia total aproximada?

{
  "ruta_id": "R-2026-0412",
  "fecha": "2026-11-22",
  "paradas": [
    {"orden": 1, "nombre": "Almacén Vallecas", "lat": 40.3797, "lon": -3.6213},
    {"orden": 2, "nombre": "Tienda Chamberí", "lat": 40.4361, "lon": -3.7038},
    {"orden": 3, "nombre": "Tienda Moncloa", "lat": 40.4352, "lon": -3.7190},
    {"orden": 4, "nombre": "Almacén Vallecas", "lat": 40.3797, "lon": -3.6213}
  ],
  "vehiculo": "Furgoneta 7 (matrícula interna F-07)",
  "carga_kg": 812.5,
  "numero_seguimiento": "ES7742019983LV"
}

### h9-042
Napisz proszę uprzejmą odpowiedź na to zgłoszenie:

"Dzień dobry, zamówienie nr 55/11/2026 przyszło uszkodzone. Proszę o zwrot 349,00 zł na konto [[IBAN|@@iban:i042:PL:spaced@@]]. W razie pytań proszę dzwonić: [[PHONE|@@phone:p042:PL:m:nat@@]]. Pozdrawiam, Bartosz Wilczyński"

### h9-043
Our intern asked how to "store API keys properly". Can you expand these notes into a short wiki page?

- Never hardcode keys in source; read them from env vars or a secret manager (AWS Secrets Manager, Vault, Doppler).
- Prefix-scanning catches most leaks: OpenAI keys start with `sk-`, Stripe live keys with `sk_live_`, GitHub tokens with `ghp_` / `github_pat_`, AWS key ids with `AKIA`.
- If a key leaks: revoke first, then rotate, then check usage logs. Deleting the commit is not enough — assume it's compromised.
- In logs only print a fingerprint, e.g. `sk-...4f2a` or the first 6 chars of sha256(key).
- Use separate keys per environment and per service so that revocation is cheap.

### h9-044
Draft a reply confirming the refund. Customer wrote:

"Hello, I was charged twice for order #A-77120 (USD 214.50 each, Nov 29). Both charges are on my Mastercard [[CREDIT_CARD|@@card:c044:mc@@]]. I also have an Amex ([[CREDIT_CARD|@@card:c044b:amex:spaced@@]]) on file from last year, please don't charge that one. Thanks, R. Holloway"

Also remind them politely that we never need the full card number by email.

### h9-045
Why does this Jest snapshot fail on CI but not locally?

exports[`AvatarUpload renders preview 1`] = `
<div data-testid="avatar-preview" data-upload-id="3b9c1f4e-8a27-4d61-b5e0-92c7a1d3f8e4">
  <img
    alt="preview"
    src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGXRFWHRTb2Z0d2FyZQBBZG9iZSBJbWFnZVJlYWR5ccllPAAAAFBJREFUeNpi/P//PwMlgImBQjDwBrCgC/z//x9ZgJGRUY4YQ1gGTwFwBF4BhD8GgGgAYMQRcA0AAH6QBBrEO8jTAAAAAElFTkSuQmCC"
  />
  <span class="size">1.2 kB · 16×16</span>
</div>
`;

Fixture id: fx_avatar_0007, created 2026-08-14.

### h9-046
Slack Bolt アプリが起動時に "invalid_auth" で落ちます。設定はこれです。どこが間違っていますか？

```js
const { App } = require("@slack/bolt");

const app = new App({
  token: "[[SECRET|@@xoxb:x046@@]]",
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  socketMode: true,
  appToken: process.env.SLACK_APP_TOKEN,
});

(async () => {
  await app.start(3000);
  console.log("⚡️ Bolt app is running");
})();
```

ワークスペースを移行したばかりです。

### h9-047
Turn this benchmark table into two sentences for the README:

| Model size | Batch | Tokens/s (A100) | Tokens/s (H100) | p50 latency ms | p99 latency ms |
|-----------:|------:|----------------:|----------------:|---------------:|---------------:|
| 1.3B       | 1     | 212.4           | 341.9           | 18.2           | 41.7           |
| 1.3B       | 16    | 2,914.0         | 4,870.3         | 33.5           | 88.1           |
| 7B         | 1     | 61.8            | 104.2           | 49.0           | 120.6          |
| 7B         | 16    | 803.7           | 1,392.5         | 97.3           | 251.9          |
| 13B        | 16    | 418.2           | 733.0           | 171.4          | 402.8          |

Run id bench-20261118-0412, driver 550.54.15, CUDA 12.4.

### h9-048
go run fails with "dial tcp: i/o timeout". Is my DSN format wrong?

```go
package main

import (
	"database/sql"
	"log"

	_ "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
)

func main() {
	db, err := sql.Open("mysql", "reporting:[[SECRET|v8Kx!2wQz_Lm]]@tcp([[IP_ADDRESS|10.8.3.21]]:3306)/analytics?parseTime=true")
	if err != nil {
		log.Fatal(err)
	}
	opt, _ := redis.ParseURL("[[URL_CREDENTIALS|redis://default:Hq4tW9pZ3rN7@cache-01.int.veltro.net:6379/2]]")
	rdb := redis.NewClient(opt)
	_ = rdb
	log.Println(db.Ping())
}
```

### h9-049
Kannst du diese Helm-Werte erklären? Ich verstehe nicht, woher das Passwort kommt.

postgresql:
  enabled: true
  auth:
    username: wiki
    database: wiki
    existingSecret: wiki-postgresql
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
  primary:
    persistence:
      size: 20Gi
ingress:
  enabled: true
  hosts:
    - host: wiki.intern.example
      paths: ["/"]
  tls:
    - secretName: wiki-tls
      hosts: ["wiki.intern.example"]

### h9-050
Kan du skriva om det här så att det låter mer professionellt? Det ska skickas till en ny kollega.

"Hej! Routern i förrådet har nätverket Lagret_2G och lösenordet är [[SECRET|Blåbär-Kvarn-731]]. Om något strular, ring mig på [[PHONE|@@phone:p050:SE:m:nat@@]] eller mejla [[EMAIL|p.lindqvist.hem@telia.com]]. Hälsningar, Per"

### h9-051
Which of these downloads is corrupted?

$ sha256sum -c SHA256SUMS
freehold-cli-0.9.3-linux-amd64.tar.gz: OK
freehold-cli-0.9.3-linux-arm64.tar.gz: FAILED
freehold-cli-0.9.3-darwin-arm64.tar.gz: OK
sha256sum: WARNING: 1 computed checksum did NOT match

$ cat SHA256SUMS
9b2f7c4e1a0d3f8e6b5c2a1d0e9f8c7b6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f  freehold-cli-0.9.3-linux-amd64.tar.gz
3e8a1f0c7d6b5a4e2f1d0c9b8a7e6f5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f  freehold-cli-0.9.3-linux-arm64.tar.gz
c0ffee1234abcd5678ef90123456789abcdef0123456789abcdef0123456789a  freehold-cli-0.9.3-darwin-arm64.tar.gz

$ sha256sum freehold-cli-0.9.3-linux-arm64.tar.gz
71d4a0b9e3c2f5e8d1a6b7c0f9e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0  freehold-cli-0.9.3-linux-arm64.tar.gz

### h9-052
ssh keeps saying "Load key: invalid format" for the deploy key I copied from the password manager. This is the file (it's a throwaway box, don't worry):

$ cat ~/.ssh/deploy_ed25519
[[SECRET|@@pem:k052:ssh:400@@]]
$ ssh -i ~/.ssh/deploy_ed25519 deploy@[[IP_ADDRESS|91.214.66.138]]
Load key "/home/kai/.ssh/deploy_ed25519": invalid format
deploy@[[IP_ADDRESS|91.214.66.138]]: Permission denied (publickey).

### h9-053
Explain to a new AP clerk how an international wire works, in plain English. My notes:

- SWIFT/BIC identifies the bank (8 or 11 characters, e.g. DEUTDEFF for Deutsche Bank Frankfurt); it is public, like a bank's address.
- IBAN identifies the account; it starts with the country code and two check digits, then the national account number. Never copy an IBAN from an email without calling the supplier back on a known number.
- US payments use a 9-digit ABA routing number (the bank) plus the account number; routing numbers are published and not secret, but the account number is.
- Cut-off for same-day EUR payments at our bank is 14:30 CET; fee €12.50 per transfer.

### h9-054
bhai ek help chahiye, ye message thoda professional bana do, client ko bhejna hai:

"Sir aapka KYC pending hai, documents mail kar dijiye [[EMAIL|rohit.khandelwal.ca@rediffmail.com]] pe. Kuch doubt ho to mujhe call karo [[PHONE|@@phone:p054:IN:m:nat@@]], ya office landline [[PHONE|@@phone:p054b:IN:f:intl@@]] pe. Account number aur password phone pe kabhi mat batana, bank kabhi nahi poochta."

### h9-055
pip install -r requirements.txt --require-hashes fails on CI with "THESE PACKAGES DO NOT MATCH THE HASHES". Lock file:

requests==2.32.3 \
    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6
urllib3==2.2.3 \
    --hash=sha256:ca899ca043dcb1bafa3e262d73aa25c465bfb49e0bd9dd5d59f1d0acba2f8fac9
certifi==2024.8.30 \
    --hash=sha256:922820b53db7a7257ffbda3f597266d435245903d80737e34f8a45ff3e3230d8
idna==3.10 \
    --hash=sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3

ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.
    urllib3==2.2.3 from https://files.pythonhosted.org/packages/ce/d9/.../urllib3-2.2.3-py3-none-any.whl:
        Expected sha256 ca899ca043dcb1bafa3e262d73aa25c465bfb49e0bd9dd5d59f1d0acba2f8fac9
             Got        ca899ca043dcb1bafa3e262d73aa25c465bfb49e0bd9dd5d59f1d0acba2f8fac

### h9-056
Session keeps expiring after a minute. Raw request from devtools:

GET /api/me HTTP/2
Host: app.brightmere.io
Cookie: _ga=GA1.1.1482203917.1764403311; csrftoken=pT9qR2vX7mK4nL8wS3eY6uB1; sessionid=[[SECRET|@@alnum:c056:32@@]]
Authorization: Bearer [[JWT|@@jwt:j056:HS256@@]]
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36
Accept: application/json

HTTP/2 401
www-authenticate: Bearer error="invalid_token", error_description="token expired"

### h9-057
Our log scrubber output — is it masking enough? Sample lines after scrubbing:

2026-12-01 08:14:02 INFO  payment.authorized order=ORD-559204 card=**** **** **** 1881 amount=49.99 EUR
2026-12-01 08:14:05 INFO  kyc.submitted applicant=app_7731 ssn=XXX-XX-4821 dob=[REDACTED]
2026-12-01 08:14:09 DEBUG outbound call to api.partner.io headers={"Authorization": "Bearer ****", "X-Api-Key": "[FILTERED]"}
2026-12-01 08:14:11 INFO  user.login user_id=880213 email=j***@***.com ip=[REDACTED]
2026-12-01 08:14:15 WARN  config loaded: DB_PASSWORD=******** (12 chars), OPENAI_API_KEY=sk-proj-…9xQe

### h9-058
أرجو صياغة هذه الرسالة بشكل رسمي لإرسالها إلى العميل:

"مرحبا أستاذ خالد، تم استلام طلبك رقم 77412 وسيتم الشحن خلال ثلاثة أيام عمل. لأي استفسار يمكنك التواصل معي على الرقم [[PHONE|@@phone:p058:AE:m:intl@@]] أو عبر البريد [[EMAIL|nour.haddad.sales@gmail.com]]. مع التحية، نور"

### h9-059
Convert this geocoding result to GeoJSON:

{
  "query": "Rijksmuseum, Amsterdam",
  "results": [
    {
      "place_id": 318274451,
      "lat": "52.3599976",
      "lon": "4.8852188",
      "bbox": ["52.3591150", "52.3609020", "4.8826750", "4.8878680"],
      "type": "museum",
      "importance": 0.7321,
      "osm_id": 7141852
    }
  ],
  "elapsed_ms": 84,
  "licence": "Data © OpenStreetMap contributors, ODbL 1.0"
}

### h9-060
Publishing fails from my laptop but works in CI. My config files:

~/.npmrc
//registry.npmjs.org/:_authToken=[[SECRET|@@npm:n060@@]]
@orbit:registry=https://npm.pkg.github.com
always-auth=true

~/.pypirc
[distutils]
index-servers = pypi

[pypi]
username = __token__
password = [[SECRET|@@pypi:y060@@]]

npm ERR! 403 403 Forbidden - PUT https://registry.npmjs.org/@orbit%2fcli - You may not perform that action with these credentials.
### h9-061
The docker login step in our GitLab pipeline fails only on tags. What's different?

stages: [build, release]

variables:
  DOCKER_DRIVER: overlay2
  IMAGE: $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA

build:
  stage: build
  image: docker:27.3.1
  services: ["docker:27.3.1-dind"]
  script:
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    - docker build -t "$IMAGE" .
    - docker push "$IMAGE"

release:
  stage: release
  rules:
    - if: $CI_COMMIT_TAG
  script:
    - echo "$DEPLOY_TOKEN" | docker login -u gitlab+deploy-token-41 --password-stdin "$CI_REGISTRY"
    - docker tag "$IMAGE" "$CI_REGISTRY_IMAGE:$CI_COMMIT_TAG"

(DEPLOY_TOKEN is a protected, masked variable.)

### h9-062
Tolong bantu rapikan pesan ini sebelum saya kirim ke tim IT:

"Pak, email kantor saya tidak bisa login sejak kemarin. Username saya dewi.anggraini, password terakhir yang saya pakai [[SECRET|Melati#2026]]. Kalau perlu konfirmasi bisa hubungi saya di [[PHONE|@@phone:p062:ID:m:nat@@]]. Terima kasih."

### h9-063
Dịch sang tiếng Anh giúp mình nhé:

Lịch họp dự án Q1/2027
- Thứ Hai 05/01/2027, 09:00–10:30: khởi động dự án, phòng 4.02
- Thứ Tư 14/01/2027, 14:00: duyệt thiết kế, mã công việc PRJ-2207
- Ngân sách dự kiến: 1.250.000.000 VND (khoảng 48.000 USD)
- Mã đơn đặt hàng thiết bị: PO-2026-7781, giao hàng dự kiến 20/01/2027
- Số lượng máy chủ: 12, mỗi máy 256 GB RAM

### h9-064
Clean up this CRM note, keep all facts:

called back re: complaint 44810. customer (Mrs Ada Penhaligon) says the engineer missed 2 appointments. she's 78, DOB [[DATE_OF_BIRTH|11 June 1948]], so flagged as vulnerable customer per policy. prefers landline [[PHONE|@@phone:p064:GB:f:nat@@]], daughter handles emails: [[EMAIL|lowenna.penhaligon@btinternet.com]]. offered £40 goodwill credit, accepted. next visit booked 9 Dec AM slot.

### h9-065
Is this the idiomatic way to fetch a secret at startup with boto3 and hvac?

```python
import json
import boto3
import hvac

def load_db_creds() -> dict:
    sm = boto3.client("secretsmanager", region_name="eu-west-1")
    resp = sm.get_secret_value(SecretId="prod/orders/db")
    return json.loads(resp["SecretString"])

def load_signing_key() -> str:
    client = hvac.Client(url="https://vault.service.consul:8200")
    client.auth.kubernetes.login(role="orders-api", jwt=open("/var/run/secrets/kubernetes.io/serviceaccount/token").read())
    secret = client.secrets.kv.v2.read_secret_version(path="orders/signing", mount_point="kv")
    return secret["data"]["data"]["private_key"]
```

### h9-066
Warum bekomme ich hier 401? Der Benutzer existiert im Jenkins.

curl -u buildbot:[[SECRET|Fichte77!Wald]] -X POST "http://[[IP_ADDRESS|192.168.40.15]]:8080/job/nightly/buildWithParameters?BRANCH=main&CLEAN=true"

Antwort:
HTTP/1.1 401 Unauthorized
X-Jenkins: 2.479.2
Content-Length: 0

Jenkins läuft auf Ubuntu 24.04, Plugin "Matrix Authorization" ist aktiv.

### h9-067
Does this ExternalSecret look right for pulling the DB password from AWS?

apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: orders-db
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secretsmanager
    kind: ClusterSecretStore
  target:
    name: orders-db
    creationPolicy: Owner
  data:
    - secretKey: password
      remoteRef:
        key: prod/orders/db
        property: password
    - secretKey: username
      remoteRef:
        key: prod/orders/db
        property: username

### h9-068
The deploy job printed this, is that bad? I thought GitHub masks secrets.

Run ./scripts/deploy.sh
+ export CLONE_TOKEN=[[SECRET|@@ghpat:g068@@]]
+ git clone --depth 1 [[URL_CREDENTIALS|https://x-access-token:@@ghpat:g068@@@github.com/tallowfield/infra-config.git]] /tmp/infra
Cloning into '/tmp/infra'...
+ ./tmp/infra/apply.sh --env prod
Applied 14 resources in 38.2s

(The token was created by hand and passed through `env:` from a step output, not from `secrets.`)

### h9-069
Check my homework answers please:

>>> import math
>>> math.factorial(15)
1307674368000
>>> 2**40
1099511627776
>>> pow(7, 222, 1000003)
574293
>>> sum(range(1, 100001))
5000050000
>>> math.comb(52, 5)
2598960
>>> 6.02214076e23 * 0.5
3.01107038e+23

And is 4294967291 prime? I think it's the largest prime below 2^32.

### h9-070
¿Me ayudas a redactar un correo formal a la aseguradora? Datos:

Asegurado: Joaquín Treviño Salas, fecha de nacimiento [[DATE_OF_BIRTH|23/04/1979]]
Póliza GMM-558201-3, siniestro 2026-SN-04471
Teléfono de contacto: [[PHONE|@@phone:p070:MX:m:intl@@]]
Correo: [[EMAIL|jtrevino.salas@prodigy.net.mx]]
Motivo: la clínica cobró 18.400 MXN que deberían estar cubiertos por la póliza.

### h9-071
Generate a TypeScript client from this OpenAPI snippet:

openapi: 3.1.0
info:
  title: Inventory API
  version: 2.6.1
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
    apiKeyHeader:
      type: apiKey
      in: header
      name: X-API-Key
paths:
  /items/{sku}:
    get:
      security: [{ bearerAuth: [] }]
      parameters:
        - name: sku
          in: path
          required: true
          schema: { type: string, example: "SKU-00482-BLU" }
      responses:
        "200": { description: OK }
        "401": { description: "Missing or invalid `Authorization: Bearer <token>` header" }

### h9-072
my telegram bot doesn't answer in the group, only in private chat. code:

```python
import telebot

bot = telebot.TeleBot("[[SECRET|@@telegram:t072@@]]")
GROUP_ID = -1002213884501

@bot.message_handler(commands=["status"])
def status(msg):
    bot.reply_to(msg, "all systems nominal ✅")

bot.infinity_polling(timeout=20)
```

privacy mode is on in BotFather if that matters

### h9-073
Peux-tu m'expliquer pourquoi ce cron échoue une nuit sur deux ?

déc. 02 02:00:01 srv-backup CRON[918274]: (root) CMD (/opt/backup/run.sh --full)
déc. 02 02:47:33 srv-backup run.sh[918275]: sauvegarde terminée : 412 Go en 2847 s, code retour 0
déc. 03 02:00:01 srv-backup CRON[922031]: (root) CMD (/opt/backup/run.sh --full)
déc. 03 02:00:04 srv-backup run.sh[922032]: erreur : verrou /var/lock/backup.lock détenu par le PID 918275
déc. 03 02:00:04 srv-backup run.sh[922032]: code retour 75
déc. 04 02:00:01 srv-backup CRON[925560]: (root) CMD (/opt/backup/run.sh --full)
déc. 04 02:51:09 srv-backup run.sh[925561]: sauvegarde terminée : 418 Go en 3068 s, code retour 0

### h9-074
Airflow can't connect to the warehouse and Postman monitors stopped too. I set these in the scheduler env:

AIRFLOW_CONN_WAREHOUSE='[[URL_CREDENTIALS|postgresql://etl_loader:Gr4nite%23Peak9@warehouse.prod.dunmore.internal:5432/dwh]]'
AIRFLOW__CORE__FERNET_KEY=[[SECRET|@@fernet:f074@@]]
POSTMAN_API_KEY=[[SECRET|@@pmak:m074@@]]

Log: psycopg2.OperationalError: connection to server at "warehouse.prod.dunmore.internal" ([[IP_ADDRESS|10.120.4.33]]), port 5432 failed: FATAL: password authentication failed for user "etl_loader"

### h9-075
How do I resolve this merge conflict in pyproject.toml?

<<<<<<< HEAD
[project]
name = "tideline"
version = "1.8.0"
dependencies = ["httpx>=0.27", "pydantic>=2.8,<3"]
=======
[project]
name = "tideline"
version = "1.7.4"
dependencies = ["httpx>=0.27", "pydantic>=2.9,<3", "tenacity>=9.0"]
>>>>>>> 3c7e1a9 (pin pydantic 2.9, add tenacity)

git status says: both modified: pyproject.toml; HEAD is at f08b2d4 (Merge branch 'release/1.8').

### h9-076
이 메시지를 좀 더 정중하게 고쳐 주세요. 신입 사원에게 보낼 겁니다.

"회의실 예약 시스템 관리자 계정 알려드립니다. 아이디 admin_room, 비밀번호 [[SECRET|Haneul!0925]] 입니다. 첫 로그인 후 꼭 바꾸세요. 문제 생기면 [[PHONE|@@phone:p076:KR:m:nat@@]]로 연락 주세요."

### h9-077
Terraform: is this a good pattern for generating the RDS password?

resource "random_password" "db" {
  length           = 32
  special          = true
  override_special = "!#%*-_=+"
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/orders/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "orders", password = random_password.db.result })
}

resource "aws_db_instance" "orders" {
  identifier     = "orders-prod"
  engine         = "postgres"
  engine_version = "16.4"
  instance_class = "db.r6g.large"
  username       = "orders"
  password       = random_password.db.result
}

### h9-078
Webhook signature verification always fails. Express handler:

```js
const stripe = require("stripe")("[[SECRET|@@sklive:s078@@]]");
const endpointSecret = "[[SECRET|@@whsec:w078@@]]";

app.post("/webhook", express.json(), (req, res) => {
  const sig = req.headers["stripe-signature"];
  let event;
  try {
    event = stripe.webhooks.constructEvent(req.body, sig, endpointSecret);
  } catch (err) {
    return res.status(400).send(`Webhook Error: ${err.message}`);
  }
  res.json({ received: true });
});
```

Stripe-Signature: t=1764921602,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

### h9-079
帮我分析一下这段日志，为什么接口偶尔超时？

2026-11-30 10:02:11.482 [http-nio-8080-exec-12] INFO  c.s.o.OrderController - 请求ID=9f2c1a7e4b3d 查询订单 orderNo=202611300001874 耗时=35ms
2026-11-30 10:02:11.907 [http-nio-8080-exec-5]  WARN  c.s.o.OrderService - 请求ID=1e8d4c2b7a90 调用库存服务超时 timeout=3000ms 重试次数=2
2026-11-30 10:02:12.013 [http-nio-8080-exec-7]  INFO  c.s.o.OrderController - 请求ID=5b7a0e9c3f21 创建订单 金额=1299.00 耗时=3120ms
2026-11-30 10:02:12.540 [scheduling-1] INFO  c.s.o.StockSyncJob - 同步完成 共 18432 条 耗时 2874ms
数据库连接池：活跃 48/50，等待线程 17

### h9-080
Bug report from the iOS app, please turn it into a Jira ticket:

App version 5.12.0 (build 20261129.3), iOS 18.1.1, iPhone 15 Pro
User: [[EMAIL|felix.brandauer@icloud.com]]
Network: Wi-Fi, client address [[IP_ADDRESS|2a02:8108:1c40:5e00:b4c1:9e2f:7a13:d0c6]]
Steps: open Orders → tap any order older than 90 days → spinner forever.
Request id from the error toast: 01JDQ7H3ZK8M2X5N9P4R6T0VWC
Header from the proxy capture: Authorization: Bearer [[JWT|@@jwt:j080:RS256@@]]
Crash-free sessions dropped from 99.7% to 98.9% since 5.12.0.

### h9-081
Why does this IAM policy still allow deleting the bucket?

{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadOnlyReports",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::acme-reports-prod", "arn:aws:s3:::acme-reports-prod/*"]
    },
    {
      "Sid": "AdminBreakGlass",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*",
      "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/BreakGlass"}}
    }
  ]
}

### h9-082
Redacta un correo educado al proveedor pidiendo que confirme el cambio de cuenta bancaria:

"Hemos recibido un correo de Suministros Albaida S.L. indicando que a partir de diciembre debemos pagar sus facturas en la cuenta [[IBAN|@@iban:i082:ES:spaced@@]] en lugar de la anterior. El correo viene de [[EMAIL|facturacion@suministros-albaida.es]]. Antes de cambiar nada queremos confirmarlo por teléfono con su contable."

### h9-083
Is LoadCredential better than EnvironmentFile for this unit?

[Unit]
Description=Orders worker
After=network-online.target

[Service]
User=orders
EnvironmentFile=/etc/orders/worker.env
LoadCredential=db-password:/etc/credstore/orders-db-password
ExecStart=/usr/local/bin/orders-worker --concurrency 8 --db-password-file ${CREDENTIALS_DIRECTORY}/db-password
Restart=on-failure
RestartSec=5s
MemoryMax=1G

[Install]
WantedBy=multi-user.target

### h9-084
LangChain keeps picking the wrong provider. My .env:

GROQ_API_KEY=[[SECRET|@@gsk:q084@@]]
REPLICATE_API_TOKEN=[[SECRET|@@r8:r084@@]]
LANGCHAIN_TRACING_V2=true
LANGCHAIN_PROJECT=support-bot-eval
DEFAULT_MODEL=llama-3.1-70b-versatile

and `llm = init_chat_model(os.environ["DEFAULT_MODEL"])` raises "Unable to infer model provider".

### h9-085
Sistemami questo verbale, per favore (solo forma, non i numeri):

Verbale riunione condominiale del 28/11/2026, prot. n. 2026/0412
Presenti: 14 condomini su 18, millesimi rappresentati 781,45/1000
1. Approvato il preventivo rifacimento facciata: 84.600,00 € + IVA 10%, ditta Edil Savena
2. Rate: 4 rate trimestrali dal 01/03/2027
3. Fondo di riserva portato a 12.000,00 €
Prossima assemblea: 20/02/2027 ore 18:30, sala comune, scala B.

### h9-086
This Ruby script to bulk-update product prices returns 401 on the second store only:

```ruby
require "shopify_api"

STORES = {
  "hollowpine-eu.myshopify.com" => "[[SECRET|@@shpat:h086@@]]",
  "hollowpine-us.myshopify.com" => ENV.fetch("SHOPIFY_US_TOKEN"),
}

STORES.each do |shop, token|
  session = ShopifyAPI::Auth::Session.new(shop: shop, access_token: token)
  client = ShopifyAPI::Clients::Graphql::Admin.new(session: session)
  puts client.query(query: "{ shop { name } }").body
end
```

### h9-087
Is using a BuildKit secret mount enough to keep the token out of the image?

# syntax=docker/dockerfile:1.7
FROM node:20.18-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN" && npm ci && npm config delete //registry.npmjs.org/:_authToken
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html

Built with: docker buildx build --secret id=npm_token,src=$HOME/.npm_token -t web:2.3.1 .

### h9-088
Pouvez-vous traduire ce message en anglais pour notre fournisseur ?

« Bonjour, suite à la fusion de nos deux entités, merci de mettre à jour nos coordonnées bancaires. Nouvel IBAN : [[IBAN|@@iban:i088:FR:spaced@@]] (BIC conservé). Pour toute question, contactez notre comptable au [[PHONE|@@phone:p088:FR:f:intl@@]]. Cordialement, la direction financière »

### h9-089
Can you track these parcels and tell me which ones are late? Today is 4 December.

| Carrier | Tracking number     | Shipped    | Promised   |
|---------|---------------------|------------|------------|
| UPS     | 1Z 4E7 93A 03 8840 2215 | 2026-11-27 | 2026-12-02 |
| FedEx   | 7749 2031 5567      | 2026-11-28 | 2026-12-03 |
| DHL     | 00340434161094042557 | 2026-11-29 | 2026-12-05 |
| USPS    | 9400 1118 9922 3847 2910 67 | 2026-11-30 | 2026-12-06 |

Order refs: SO-118204, SO-118219, SO-118233, SO-118240.

### h9-090
doctl works but my Ansible inventory can't SSH to the new droplet. What am I missing?

$ export DIGITALOCEAN_ACCESS_TOKEN=[[SECRET|@@dop:d090@@]]
$ doctl compute droplet list --format Name,PublicIPv4,Status
Name          Public IPv4       Status
web-fra1-03   [[IP_ADDRESS|164.92.187.41]]     active

# inventory.ini
[web]
web-fra1-03 ansible_host=[[IP_ADDRESS|164.92.187.41]] ansible_user=root ansible_ssh_private_key_file=~/.ssh/do_ed25519

fatal: [web-fra1-03]: UNREACHABLE! => {"msg": "Failed to connect to the host via ssh: Permission denied (publickey)."}
### h9-091
Summarise this call transcript for the fraud team (3 bullets max):

AGENT: Thanks for holding. For verification, can you read me the card number?
CALLER: Sure, it's [[CREDIT_CARD|@@card:c091:disc@@]].
AGENT: And the best number to reach you if we get disconnected?
CALLER: My mobile, [[PHONE|@@phone:p091:AU:m:nat@@]]. I'm in Brisbane.
AGENT: Thank you. I can see three transactions from a merchant in Lisbon overnight, AUD 412.00, 389.50 and 1,020.00. I'll block the card now and raise dispute DSP-2026-11873.
CALLER: Great, thanks.

### h9-092
Kannst du mir helfen, das netter zu formulieren? Geht an meine Schwester.

"Hier nochmal die Zugangsdaten für den Streamingdienst, aber bitte nicht weitergeben: Login ist [[EMAIL|familie.brennecke@gmx.de]], Passwort [[SECRET|Sonnenblume!84]]. Und bitte nicht wieder das Profil von Papa löschen."

### h9-093
The Cloud Run job can't authenticate with this service account JSON. Is the key malformed? (project is a sandbox)

{
  "type": "service_account",
  "project_id": "lumen-sandbox-4471",
  "private_key_id": "@@hex:pk093:40@@",
  "private_key": "[[SECRET|@@pemjson:k093@@]]\n",
  "client_email": "[[EMAIL|batch-runner@lumen-sandbox-4471.iam.gserviceaccount.com]]",
  "client_id": "108834201957733148260",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}

Error: invalid_grant: Invalid JWT Signature.

### h9-094
以下のお問い合わせ内容を要約して、返信メールの下書きを作ってください。

「先月購入した加湿器（注文番号 JP-2026-118840）が動かなくなりました。保証期間内だと思うので交換をお願いしたいです。平日の日中は [[PHONE|@@phone:p094:JP:m:nat@@]] に電話してください。メールの場合は [[EMAIL|haruka.s.0417@docomo.ne.jp]] までお願いします。」

### h9-095
What does this traceback mean? It happens when the worker restarts.

Traceback (most recent call last):
  File "/srv/app/.venv/lib/python3.12/site-packages/celery/worker/consumer/consumer.py", line 340, in start
    blueprint.start(self)
  File "/srv/app/.venv/lib/python3.12/site-packages/kombu/connection.py", line 450, in _reraise_as_library_errors
    raise ConnectionError(str(exc)) from exc
kombu.exceptions.OperationalError: [Errno 111] Connection refused
<celery.worker.WorkController object at 0x7f3a9c2e41d0> shutting down, 4 tasks in flight (ids 8812, 8813, 8815, 8820)
[2026-12-01 03:12:44,918: WARNING/MainProcess] consumer: Connection to broker lost. Trying to re-establish the connection... attempt 1/100, next retry in 2.00s
broker_url = amqp://localhost:5672//, worker pid 30418, prefetch 4

### h9-096
Both integrations broke after I moved them into one script. What's wrong?

```js
const formData = require("form-data");
const Mailgun = require("mailgun.js");
const { LinearClient } = require("@linear/sdk");

const mg = new Mailgun(formData).client({ username: "api", key: "[[SECRET|@@mailgun:m096@@]]", url: "https://api.eu.mailgun.net" });
const linear = new LinearClient({ apiKey: "[[SECRET|@@linear:l096@@]]" });

async function report(issueId) {
  const issue = await linear.issue(issueId);
  await mg.messages.create("mg.harbourline.co", {
    from: "Tracker <[[EMAIL|noreply@mg.harbourline.co]]>",
    to: ["[[EMAIL|ops-oncall@harbourline.co]]"],
    subject: `Issue ${issue.identifier} updated`,
    text: issue.title,
  });
}
```

### h9-097
Please proofread my cover email:

Dear Hiring Manager,

I am applying for the Junior Data Analyst position (ref. JDA-0412) advertised on 28 November. I completed my BCom at the University of Pretoria in 2025 and have since interned at a logistics firm, where I built weekly dashboards in Power BI.

I can be reached at [[PHONE|@@phone:p097:ZA:m:nat@@]] or [[EMAIL|thandeka.mokoena.za@gmail.com]].

Kind regards,
Thandeka Mokoena

### h9-098
mysql client says "Access denied for user 'reports'@'10.0.7.%'". I'm running:

mysql -h [[IP_ADDRESS|10.0.3.50]] -P 3306 -u reports -p[[SECRET|Rp0rt$2026q4]] -e "SELECT COUNT(*) FROM sales.orders WHERE created_at > NOW() - INTERVAL 1 DAY"

The grant was created with: GRANT SELECT ON sales.* TO 'reports'@'10.0.3.%';

### h9-099
¿Puedes explicar estos pasos de forma más sencilla para usuarios mayores?

Activar la verificación en dos pasos:
1. Entra en Ajustes › Seguridad › Verificación en dos pasos.
2. Te enviaremos un código de 6 cifras por SMS al número que termina en ** 12 (por ejemplo, +34 6** *** *12).
3. Escribe el código; caduca a los 10 minutos.
4. Guarda los 10 códigos de recuperación en un lugar seguro (no en el móvil).
Nunca te pediremos tu contraseña ni estos códigos por teléfono o correo. Si alguien te los pide, es un fraude: cuelga y llama al servicio de atención al cliente.

### h9-100
Can you make this benefits enrollment email clearer? It's going to our HR vendor.

Hi Marisol,

Please add my son as a dependent on my medical plan, effective Jan 1, 2027 (qualifying event: adoption finalized Nov 20, 2026).
Dependent: Elias Ferrante-Cho, DOB [[DATE_OF_BIRTH|August 2, 2019]], SSN [[US_SSN|@@ssn:s100@@]]
Employee ID: 48822 (plan PPO-Gold, tier Employee + Child)

Thanks,
Dana Ferrante

### h9-101
Help me reply to this message from a vendor in Lagos, I want to confirm the delivery date politely:

"Good afternoon ma, the 40 cartons of printer paper (invoice PNL/2026/1183) will be dispatched on Monday. The driver will call you before arrival. In case of any issue reach me on [[PHONE|@@phone:p101:NG:m:nat@@]] or [[EMAIL|chinedu.okonkwo.supplies@yahoo.com]]. Thanks and God bless."

### h9-102
Nisaidie kuandika ujumbe huu kwa Kiingereza rasmi:

"Habari, malipo ya kodi ya mwezi Desemba (KSh 35,000) nimeyatuma leo kupitia M-Pesa, namba ya muamala ni SLK4Z8Q2TR. Kama kuna tatizo nipigie [[PHONE|@@phone:p102:KE:m:nat@@]]. Asante, Wanjiru."

### h9-103
My Go test fails with "x509: failed to parse EC private key". The fixture is inline:

```go
const testKey = `[[SECRET|@@pem:k103:ec:121@@]]`

func TestSign(t *testing.T) {
	block, _ := pem.Decode([]byte(testKey))
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	_ = key
}
```

### h9-104
Why is my app pod not seeing the new password? kubectl output:

$ kubectl describe secret orders-db -n prod
Name:         orders-db
Namespace:    prod
Labels:       reconcile.external-secrets.io/managed=true
Annotations:  <none>

Type:  Opaque

Data
====
password:  32 bytes
username:  6 bytes
host:      41 bytes

$ kubectl rollout history deploy/orders-api -n prod
REVISION  CHANGE-CAUSE
14        image bump 2.8.3
15        image bump 2.8.4

### h9-105
docker login works interactively but not in the script — why?

#!/usr/bin/env bash
set -euo pipefail
echo "[[SECRET|@@dckr:d105@@]]" | docker login -u quarrybuild --password-stdin
docker buildx build --platform linux/amd64,linux/arm64 -t quarrybuild/agent:0.14.2 --push .

Error: "unauthorized: incorrect username or password"

### h9-106
Pode transformar essa conversa num resumo para o gerente?

[14:02] Cliente: oi, comprei o notebook mas a fatura veio com valor errado
[14:03] Atendente: Olá! Pode me passar o número do pedido?
[14:03] Cliente: 2026-BR-558710. paguei no cartão [[CREDIT_CARD|@@card:c106:mc:spaced@@]]
[14:04] Atendente: Obrigado. Vou verificar e te retorno por telefone, qual o melhor número?
[14:04] Cliente: [[PHONE|@@phone:p106:BR:m:nat@@]], depois das 18h
[14:05] Atendente: Combinado, protocolo 884120.

### h9-107
Notebook cell output — why does the second call 403?

In [3]:
from huggingface_hub import login
import google.generativeai as genai
login(token="[[SECRET|@@hf:h107@@]]")
genai.configure(api_key="[[SECRET|@@aiza:g107@@]]")
model = genai.GenerativeModel("gemini-1.5-flash")
print(model.generate_content("ping").text)

Out[3]:
Token is valid (permission: read).
PermissionDenied: 403 Generative Language API has not been used in project 771204583311 before or it is disabled.

### h9-108
Hallo, kannst du die Nachricht an unseren Steuerberater etwas förmlicher machen?

"Servus Herr Pichler, die Vorauszahlung fürs 4. Quartal geht diese Woche raus. Bitte verwenden Sie für Rückerstattungen ab sofort unser neues Konto [[IBAN|@@iban:i108:AT:spaced@@]]. Rückfragen gern an mich unter [[PHONE|@@phone:p108:AT:m:nat@@]]. Liebe Grüße aus Graz"

### h9-109
Review our password-reset email template for clarity:

Subject: Reset your {{product_name}} password

Hi {{first_name}},

We received a request to reset the password for your account. Click the link below to choose a new one. The link expires in 30 minutes.

{{reset_url}}

If you didn't request this, you can ignore this email — your password will not change. We will never ask you for your password by email or phone.

Request reference: {{request_id}}
{{support_footer}}

### h9-110
Django can't send mail through Gmail, "SMTPAuthenticationError 535". settings.py:

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "smtp.gmail.com"
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = "[[EMAIL|bookings.lakeviewcabins@gmail.com]]"
EMAIL_HOST_PASSWORD = "[[SECRET|wtxq bnmr fhzk yplo]]"
DEFAULT_FROM_EMAIL = "Lakeview Cabins <[[EMAIL|bookings.lakeviewcabins@gmail.com]]>"

I generated the app password yesterday and 2FA is on.

### h9-111
Pouvez-vous rédiger une réponse polie ? Le client nous écrit depuis Lausanne :

« Bonjour, je n'ai toujours pas reçu le remboursement de la facture 2026-CH-0931 (CHF 312.40). Voici mon IBAN : [[IBAN|@@iban:i111:CH@@]]. Vous pouvez me joindre au [[PHONE|@@phone:p111:CH:m:intl@@]] en semaine. Meilleures salutations, Mathilde Rochat »

### h9-112
After login the SPA stores these in localStorage — is this secure? Dump from the console:

> Object.entries(localStorage)
[
  ["auth.access_token", "[[JWT|@@jwt:j112:RS256@@]]"],
  ["auth.refresh_token", "[[SECRET|@@urlsafe:r112:64@@]]"],
  ["auth.expires_at", "1764925200"],
  ["ui.theme", "dark"],
  ["ui.sidebar_collapsed", "true"]
]

### h9-113
Can you spot why this user keeps getting logged out? Entries from our auth service:

2026-12-02T17:40:12Z login ok user=[[EMAIL|k.odhiambo@lindgren-logistics.com]] ip=[[IP_ADDRESS|41.90.64.211]] device=and-8f31c0 mfa=totp
2026-12-02T17:52:40Z token refresh ok user=[[EMAIL|k.odhiambo@lindgren-logistics.com]] ip=[[IP_ADDRESS|102.68.79.14]] device=and-8f31c0
2026-12-02T17:52:41Z session revoked reason=ip_change_policy strict=true user_id=55321
2026-12-02T17:53:05Z login ok user=[[EMAIL|k.odhiambo@lindgren-logistics.com]] ip=[[IP_ADDRESS|102.68.79.14]] device=and-8f31c0 mfa=totp

### h9-114
このAPIキー管理の手順書を読みやすく書き直してください。

1. 管理画面の「設定 › APIキー」から新しいキーを発行する（キーは発行時に一度だけ表示されます）。
2. キーはソースコードに直接書かず、環境変数 `ACME_API_KEY` に設定する。例：`export ACME_API_KEY=YOUR_API_KEY`
3. サンプルコードでは `api_key="<your-api-key>"` のようなダミー値を使うこと。
4. キーは90日ごとにローテーションし、古いキーは新しいキーの動作確認後すぐに無効化する。
5. 漏えいが疑われる場合は、直ちに無効化してセキュリティチーム（内線 4412）に連絡する。

### h9-115
Blob uploads fail with "AuthenticationFailed: Server failed to authenticate the request". appsettings.Production.json:

{
  "Storage": {
    "ConnectionString": "DefaultEndpointsProtocol=https;AccountName=fernbrookmedia;AccountKey=[[SECRET|@@b64:a115:64@@]];EndpointSuffix=core.windows.net",
    "Container": "uploads"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}

The clock on the VM is correct (checked with w32tm).

### h9-116
Pouvez-vous vérifier ce formulaire avant que je l'envoie à la garderie? Merci!

Enfant : Léa Gagnon-Tremblay
Date de naissance : [[DATE_OF_BIRTH|2022-05-17]]
Parent 1 : Sophie Gagnon, cellulaire [[PHONE|@@phone:p116:CA:m:nat@@]]
Allergies : arachides (EpiPen dans le sac)
Début : 6 janvier 2027, 5 jours/semaine

### h9-117
I think someone got into our staging box. Here's root's ~/.bash_history, anything alarming?

  501  apt update && apt -y upgrade
  502  export PGPASSWORD='[[SECRET|Stg-Harbor-4412]]'
  503  pg_dump -h [[IP_ADDRESS|10.22.0.9]] -U app staging > /tmp/staging.sql
  504  sshpass -p '[[SECRET|Mango#Reef19]]' scp /tmp/staging.sql backup@[[IP_ADDRESS|78.46.112.203]]:/srv/drop/
  505  curl -s [[URL_CREDENTIALS|ftp://upload:Kq2x9LwT@78.46.112.203/incoming/]] -T /tmp/staging.sql
  506  rm /tmp/staging.sql
  507  history -c

### h9-118
Validate the check digits in this product/securities list and tell me which row is wrong:

| Item                      | Identifier      | Kind  |
|---------------------------|-----------------|-------|
| Apple Inc. share          | US0378331005    | ISIN  |
| SAP SE share              | DE0007164600    | ISIN  |
| Nestlé S.A. share         | CH0038863350    | ISIN  |
| Olive oil 1 L (retail)    | 8410010000014   | EAN-13|
| Paper A4 500 sheets       | 4006381333931   | EAN-13|
| Book                      | 9780306406157   | ISBN-13|

### h9-119
Write a calm reply to this customer, who is upset about a locked account:

"I have tried EVERYTHING. My username is my email [[EMAIL|gwen.aldana77@aol.com]] and my password is [[SECRET|Pumpkin2Pie!1977]], I've typed it 20 times and your app says it's wrong. I've been a customer for 9 years. Fix it or I'm leaving."

### h9-120
Our Heroku app stopped connecting after the DB plan upgrade. Config vars (heroku config -a ledgerly-api):

DATABASE_URL:      [[URL_CREDENTIALS|postgres://u3c9k2lqv8ad1f:@@hex:p120:64@@@ec2-34-241-18-77.eu-west-1.compute.amazonaws.com:5432/d8fq02lm3kvn1a]]
MONGODB_URI:       [[URL_CREDENTIALS|mongodb+srv://ledgerly_app:Wq8vR2mPz5Lx@cluster0.k3jd9.mongodb.net/ledgerly?retryWrites=true&w=majority]]
CLOUDAMQP_URL:     [[URL_CREDENTIALS|amqps://jxkqtvbd:@@alnum:q120:32@@@rattlesnake.rmq.cloudamqp.com/jxkqtvbd]]
NEW_RELIC_LICENSE_KEY: [[SECRET|@@hex:n120:40@@]]
WEB_CONCURRENCY:   4

psql: error: connection to server at "ec2-34-241-18-77.eu-west-1.compute.amazonaws.com" ([[IP_ADDRESS|34.241.18.77]]), port 5432 failed: FATAL: no pg_hba.conf entry

### h9-121
I'm filling in IRS Form 8821 so our accountant can talk to the IRS. Can you tell me which boxes these go in? Don't repeat the numbers back, just the line numbers.

Taxpayer: Marcus J. Whitfield, SSN [[US_SSN|@@ssn:s121@@]]
Spouse (joint return): Alana Whitfield, SSN [[US_SSN|@@ssn:s121b:spaced@@]]
Address: 1418 Cedar Hollow Rd, Asheville NC
Designee: Harper & Quill CPAs, CAF No. 0312-87455R, PTIN on file
Tax matters: Income, Form 1040, years 2023 through 2025
Phone for the IRS to call us back: [[PHONE|@@phone:p121:US:f:nat@@]]

### h9-122
Our legacy gateway integration started returning 422 after their API upgrade. Request/response from the debug log (yes, I know the PAN shouldn't be logged, that's ticket SEC-2291):

POST /v1/charges HTTP/1.1
Host: api.payvault-legacy.com
Authorization: Bearer [[JWT|@@jwt:j122:ES256@@]]
Content-Type: application/json

{"amount": 12900, "currency": "usd", "card": {"number": "[[CREDIT_CARD|@@card:c122:visa@@]]", "exp_month": 7, "exp_year": 2029, "cvc": "***"}, "metadata": {"order_id": "ORD-771203"}}

HTTP/1.1 422 Unprocessable Entity
{"error": {"code": "invalid_request", "message": "card.cvc is required", "request_id": "req_8Hc2Lq0Zr5Tx"}}
