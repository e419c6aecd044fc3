### h8-001
My script keeps failing with a 401, can you see what's wrong?

```python
from openai import OpenAI

client = OpenAI(api_key="[[SECRET|@@openai:k1@@]]")
resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "ping"}],
)
print(resp.choices[0].message.content)
```

openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided'}}

### h8-002
Hallo, kannst du mir helfen, eine kurze E-Mail an unsere IT zu formulieren? Mein neues VPN-Passwort ist [[SECRET|Kranich!Moor-2026]] und seit gestern Abend komme ich damit nicht mehr rein, obwohl ich es erst am Montag geändert habe. Benutzername ist jwendler, Standort Bielefeld. Bitte freundlich, aber mit etwas Nachdruck.

### h8-003
pip install keeps dying in CI, any idea?

ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.
    torch==2.5.1 from https://download.pytorch.org/whl/cu121/torch-2.5.1%2Bcu121-cp311-cp311-linux_x86_64.whl:
        Expected sha256 @@hex:h3a:64@@
             Got        @@hex:h3b:64@@

Runner: ubuntu-22.04, image version 20260128.1.0, job id 31877409226. Python 3.11.9, pip 24.3.1.

### h8-004
Bonjour, pouvez-vous m'aider à rédiger une réponse polie à ce client ? Il a écrit : « Je n'ai toujours pas reçu ma commande n° 2026-118-4471. Rappelez-moi au [[PHONE|@@phone:fr1:FR:m:nat@@]] ou écrivez-moi à [[EMAIL|m.lefevre.atelier@orange-mail.fr]], je suis joignable après 17 h. »

### h8-005
here's my .env, why does next build say the stripe key is invalid??

```
NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_live_51@@alnum:pk5:97@@
STRIPE_SECRET_KEY=[[SECRET|@@stripe:s5@@]]
ANTHROPIC_API_KEY=[[SECRET|@@anthropic:a5@@]]
DATABASE_URL=[[URL_CREDENTIALS|postgresql://shopapp:Qm4vT9zWc2Lx@db.kestrel-shop.internal:5432/shop?sslmode=require]]
NEXT_PUBLIC_SITE_URL=https://kestrel-shop.io
```

### h8-006
From the AWS CLI docs, configure a named profile like this:

```
$ aws configure --profile dev
AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Default region name [None]: eu-west-1
Default output format [None]: json
```

Can you explain the difference between a profile in ~/.aws/config and one in ~/.aws/credentials? Also when should I use `aws sso login` instead?

### h8-007
Our release workflow started failing after I rotated the token. Script:

```bash
#!/usr/bin/env bash
set -euo pipefail
export GITHUB_TOKEN=[[SECRET|@@ghp:g7@@]]
git clone "https://x-access-token:${GITHUB_TOKEN}@github.com/harbor-tools/release-notes.git" /tmp/rn
cd /tmp/rn && ./scripts/bump.sh "$1"
```

error: `remote: Invalid username or password. fatal: Authentication failed for 'https://github.com/harbor-tools/release-notes.git/'`

### h8-008
Hola, necesito rellenar un formulario de la mutua para mi madre y no sé qué poner en algunos campos. Sus datos: Rosario Quintana Ibáñez, fecha de nacimiento [[DATE_OF_BIRTH|14 de marzo de 1951]], correo [[EMAIL|rosario.qi51@correo-mutua.es]]. ¿En "régimen" pongo "general" o "autónomos" si ya está jubilada?

### h8-009
Bolt keeps crashing with `An API error occurred: invalid_auth`. Code:

```js
const { App } = require("@slack/bolt");

const app = new App({
  token: "[[SECRET|@@xoxb:x9@@]]",
  signingSecret: "[[SECRET|@@hex:sig9:32@@]]",
  socketMode: false,
});

(async () => {
  await app.start(process.env.PORT || 3000);
  console.log("⚡️ bot is running");
})();
```

### h8-010
Write a README section "Configuration" for our CLI. Users should:

1. copy `.env.example` to `.env`
2. set `OPENAI_API_KEY=<your-api-key>` (keys look like `sk-...`; never commit them)
3. in CI, use `OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}` and in Docker `-e OPENAI_API_KEY=${OPENAI_API_KEY}`
4. optionally set `HTTP_PROXY` and `LOG_LEVEL=debug`

Mention that the password field in `config.toml` is deprecated and that tokens are read from the OS keychain (service name `acme-cli`) if present.

### h8-011
サーバーのrootパスワードは [[SECRET|Hx7#qaTr92!mWe]] です。これをAnsibleのインベントリに平文で書かずに管理する方法を教えてください。ansible-vaultとHashiCorp Vaultのどちらがいいですか?

### h8-012
My card keeps getting declined on your checkout but works everywhere else. Card is [[CREDIT_CARD|@@card:c12:visa:spaced@@]], exp 09/29, billing ZIP 60614. Can you write a complaint to the shop that sounds firm but not rude?

### h8-013
I think my laptop's AWS creds are being used by someone else — the bill jumped. This is ~/.aws/credentials:

```ini
[default]
aws_access_key_id = [[SECRET|@@akia:ak13@@]]
aws_secret_access_key = [[SECRET|@@awssecret:as13@@]]
region = us-east-2

[sandbox]
credential_process = /usr/local/bin/aws-vault export --format=json sandbox
```

What do I do first, and how do I find out what was launched?

### h8-014
Which of these IPs look like a brute-force attempt? auth.log excerpt:

Feb 11 03:12:44 web01 sshd[22914]: Failed password for invalid user admin from [[IP_ADDRESS|185.220.47.118]] port 51422 ssh2
Feb 11 03:12:47 web01 sshd[22914]: Failed password for invalid user admin from [[IP_ADDRESS|185.220.47.118]] port 51430 ssh2
Feb 11 03:13:02 web01 sshd[22921]: Failed password for root from [[IP_ADDRESS|91.142.77.203]] port 40112 ssh2
Feb 11 03:15:19 web01 sshd[22950]: Accepted publickey for deploy from [[IP_ADDRESS|62.214.9.41]] port 53008 ssh2: ED25519 SHA256:@@urlsafe:fp14:43@@

### h8-015
this curl works from my laptop but gives 401 from the server, why?

curl https://api.anthropic.com/v1/messages \
  -H "x-api-key: [[SECRET|@@anthropic:a15@@]]" \
  -H "anthropic-version: 2023-06-01" \
  -H "content-type: application/json" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"hi"}]}'

### h8-016
Turn this into a short incident timeline for the postmortem doc:

- 2026-02-09T14:02:11Z deploy of commit @@hex:c16a:40@@ (release v4.18.2) starts
- 14:04:53Z error rate on checkout-api climbs to 7.4%, request ids like @@uuid:u16a@@ and @@uuid:u16b@@
- 14:09Z on-call paged (incident INC-20260209-0042)
- 14:21Z rollback to v4.18.1 (image sha256:@@hex:d16:64@@)
- 14:30Z affected orders ORD-7731-99812 and ORD-7731-99840 re-queued, UPS tracking 1Z 9A4 75E 03 1738 4410 resent to customers

### h8-017
Why does this Go service hang on startup? The MySQL container is up.

```go
package main

import (
	"database/sql"
	"log"

	_ "github.com/go-sql-driver/mysql"
)

func main() {
	dsn := "orders_rw:[[SECRET|Pl4t0-Vert!9kQ]]@tcp(mysql-orders.svc.cluster.local:3306)/orders?parseTime=true&timeout=5s"
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		log.Fatal(err)
	}
	if err := db.Ping(); err != nil {
		log.Fatalf("ping: %v", err)
	}
}
```

### h8-018
Please make a markdown table (name, role, phone) from my notes:
Hamish – site lead Glasgow, mobile [[PHONE|@@phone:gb18:GB:m:intl@@]]
Annika – procurement Munich, Tel. [[PHONE|+49 89 41283470]]
Piotr – warehouse Poznań, [[PHONE|@@phone:pl18:PL:m:intl@@]]
Chloé – accounts Lyon, [[PHONE|@@phone:fr18:FR:f:intl@@]]

### h8-019
Spring Boot won't connect after the migration. application.properties:

```properties
spring.datasource.url=jdbc:postgresql://pg-billing.prod.local:5432/billing
spring.datasource.username=billing_svc
spring.datasource.password=[[SECRET|vR8#Lq2n!Tz5Wm]]
spring.jpa.hibernate.ddl-auto=validate
app.jwt.secret=[[SECRET|@@b64:jw19:48@@]]
app.jwt.expiration-ms=3600000
management.endpoints.web.exposure.include=health,info
```

Log: `FATAL: password authentication failed for user "billing_svc"`

### h8-020
Oi! Pode escrever uma mensagem curta pro grupo do escritório avisando que trocamos a senha do wi-fi? Rede: Pinheiros_5G, senha nova: [[SECRET|cafezinho#Pinheiros42]]. Pedir pra ninguém postar no Instagram de novo, por favor 😅

### h8-021
Review this for security problems please:

```python
import os
import boto3

def get_db_password() -> str:
    client = boto3.client("secretsmanager", region_name="eu-central-1")
    resp = client.get_secret_value(SecretId="arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/orders/db-x7Qp2L")
    return resp["SecretString"]

API_KEY = os.environ["PAYMENTS_API_KEY"]
DB_PASSWORD = os.getenv("DB_PASSWORD") or get_db_password()
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
```

And the Helm side uses `password: {{ .Values.db.password | quote }}` with `existingSecret: orders-db`.

### h8-022
can you decode this token and tell me why the API says it's expired? I'm sending `Authorization: Bearer [[JWT|@@jwt:j22:HS256@@]]`

### h8-023
Our ASP.NET Core app can't start in the staging slot:

```json
{
  "ConnectionStrings": {
    "Default": "Server=tcp:sql-stg-weu.database.windows.net,1433;Initial Catalog=Crm;User ID=crm_app;Password=[[SECRET|Gx2!pNw7#rQe]];Encrypt=True;"
  },
  "SendGrid": {
    "ApiKey": "[[SECRET|@@sg:sg23@@]]",
    "From": "[[EMAIL|noreply@crm-stg.halvorsen.no]]"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
```

Exception: `Microsoft.Data.SqlClient.SqlException (0x80131904): Login failed for user 'crm_app'.`

### h8-024
Kannst du diese Nachricht an den Vermieter etwas förmlicher formulieren? "Hi Herr Brandt, die Kaution überweise ich morgen. Meine IBAN für die Rückzahlung später ist [[IBAN|@@iban:de24:DE:spaced@@]], bitte speichern. Bei Fragen: [[PHONE|@@phone:de24:DE:m:nat@@]]."

### h8-025
Trying to download a gated model on the cluster node:

$ huggingface-cli login --token [[SECRET|@@hf:hf25@@]] --add-to-git-credential
Token is valid (permission: read).
Your token has been saved to /home/ml/.cache/huggingface/token
$ python dl.py
Traceback (most recent call last):
  File "/home/ml/dl.py", line 4, in <module>
    snapshot_download("meta-llama/Llama-3.1-8B-Instruct", local_dir="/scratch/llama")
huggingface_hub.errors.GatedRepoError: 403 Client Error.

What am I missing?

### h8-026
From our payment integration docs — can you rewrite this section more clearly?

"In test mode use card 4242 4242 4242 4242 for a successful payment, 4000 0000 0000 9995 for insufficient funds and 4000 0025 0000 3155 to trigger 3-D Secure. Any future expiry date (e.g. 12/34), any 3-digit CVC and any postal code work. Never use real card numbers in test mode."

### h8-027
PHPMailer gives "SMTP Error: Could not authenticate". Code:

```php
$mail = new PHPMailer(true);
$mail->isSMTP();
$mail->Host       = 'smtp.gmail.com';
$mail->SMTPAuth   = true;
$mail->Username   = '[[EMAIL|bookings.casavela@gmail.com]]';
$mail->Password   = '[[SECRET|qzvm ltkw ehrb nqsd]]';
$mail->SMTPSecure = PHPMailer::ENCRYPTION_STARTTLS;
$mail->Port       = 587;
```

It's an app password I created yesterday.

### h8-028
Help me fill in the W-4 for my new hire. Info he sent:
Name: Darnell P. Whitcombe
SSN: [[US_SSN|@@ssn:s28@@]]
Date of birth: [[DATE_OF_BIRTH|June 3, 1979]]
Filing status: married filing jointly, 2 dependents under 17.

### h8-029
Напиши, пожалуйста, инструкцию для нового сотрудника, как войти в админку интернет-магазина. Адрес: https://admin.lavka-shop.ru, логин manager2, пароль [[SECRET|Zvezda_7731!x]]. После первого входа пусть сразу сменит пароль и включит двухфакторку.

### h8-030
Danger job fails with 401 in the pipeline, and my local push also fails. .gitlab-ci.yml:

```yaml
danger-review:
  image: ruby:3.3
  variables:
    DANGER_GITLAB_API_TOKEN: "[[SECRET|@@glpat:gl30a@@]]"
  script:
    - bundle exec danger --fail-on-errors=true
```

locally:
$ git push [[URL_CREDENTIALS|https://oauth2:@@glpat:gl30b@@@gitlab.com/nordlicht/webshop.git]] main
remote: HTTP Basic: Access denied.

### h8-031
I added my key to the server but it still asks for a password. What's wrong with this authorized_keys line?

ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@alnum:pub31:43@@ kai@thinkpad-x1

`ssh -vvv` shows: "Offering public key: /home/kai/.ssh/id_ed25519 ED25519 SHA256:@@urlsafe:fp31:43@@ explicit" then "Authentications that can continue: publickey,password". Permissions on ~/.ssh are 755.

### h8-032
Gemini call from Rust returns 400 "API key not valid". Code:

```rust
const API_KEY: &str = "[[SECRET|@@aiza:ai32@@]]";

#[tokio::main]
async fn main() -> Result<(), reqwest::Error> {
    let url = format!(
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key={}",
        API_KEY
    );
    let body = serde_json::json!({"contents": [{"parts": [{"text": "Hello"}]}]});
    let res = reqwest::Client::new().post(&url).json(&body).send().await?;
    println!("{}", res.text().await?);
    Ok(())
}
```

### h8-033
Can you convert my bot's config.toml to environment variables for Fly.io?

```toml
[bot]
name = "quizmaster"
prefix = "!"

[openai]
api_key = "[[SECRET|@@openai:k33@@]]"
model = "gpt-4.1-mini"

[database]
host = "quiz-db.internal"
user = "quiz"
password = "[[SECRET|tundra-Velvet-Spoon-81]]"
```

### h8-034
Bhai ek kaam kar, ye message thoda professional bana de: "Sir main Rohit, kal interview ke liye confirm kar raha hoon. Mera number [[PHONE|@@phone:in34:IN:m:intl@@]] hai aur email [[EMAIL|rohit.verma.dev94@rediffmail.com]]. Resume attach kar diya hai."

### h8-035
The scheduled backup task fails with "The user name or password is incorrect". Script:

```powershell
$user = "CORP\svc_backup"
$secpass = ConvertTo-SecureString "[[SECRET|W1nter-Harbor#88]]" -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($user, $secpass)
New-PSDrive -Name B -PSProvider FileSystem -Root "\\nas02\backups" -Credential $cred
robocopy D:\Data B:\daily /MIR /R:2 /W:5 /LOG:C:\logs\backup.log
```

### h8-036
Our logger is supposed to redact secrets. Does this output look properly masked to you?

2026-02-12 09:41:07,512 INFO  http.client  POST /v1/chat/completions headers={'Authorization': 'Bearer [REDACTED]', 'OpenAI-Organization': 'org-***'}
2026-02-12 09:41:07,514 DEBUG config  loaded db.password=******** api_key=sk-proj-...hR2w github_token=ghp_************************************
2026-02-12 09:41:07,515 DEBUG config  stripe_key=sk_live_…9QxT smtp_password=<masked> aws_secret_access_key=****************************************
2026-02-12 09:41:07,601 WARN  auth  password for user 'ops' will expire in 5 days

### h8-037
Traduci in inglese questa chat del team, mi serve per il cliente (togli le cose interne):

[09:58] Giulia: qualcuno ha la password del db di staging? devo fare la demo alle 11
[10:01] Marco: è [[SECRET|st4g1ng-Lontra-55]], la cambiamo dopo la demo
[10:02] Giulia: grazie! e l'utente?
[10:02] Marco: demo_ro, solo lettura
[10:05] Giulia: ok funziona 👍

### h8-038
Kannst du meinen Lebenslauf-Kopf moderner formatieren?

Lena Marie Hoffbauer
Geburtsdatum: [[DATE_OF_BIRTH|12.08.1990]], Geburtsort: Kassel
E-Mail: [[EMAIL|lena.hoffbauer@posteo.de]] · Mobil: [[PHONE|@@phone:de38:DE:m:nat@@]]
Staatsangehörigkeit: deutsch

### h8-039
mvn deploy fails with 401 against our Nexus. ~/.m2/settings.xml:

```xml
<settings>
  <servers>
    <server>
      <id>nexus-releases</id>
      <username>ci-deployer</username>
      <password>[[SECRET|Nx!4rTb9qLw2Zp]]</password>
    </server>
    <server>
      <id>github</id>
      <username>build-bot</username>
      <password>[[SECRET|@@ghpat:gp39@@]]</password>
    </server>
  </servers>
</settings>
```

### h8-040
Write iptables rules for this: allow SSH only from our office range 198.51.100.0/24 and from the bastion host [[IP_ADDRESS|51.15.88.230]], allow 443 from anywhere, and block the scanner at [[IP_ADDRESS|2a01:4f8:c17:9b2e::41]] completely. Default policy drop, but keep 127.0.0.1 and established connections working. Netmask for the office is 255.255.255.0.

### h8-041
Rails initializer — payments work in dev but not prod. Is there something wrong with how I set keys?

```ruby
# config/initializers/payments.rb
Stripe.api_key = "[[SECRET|@@rk:rk41@@]]"
Stripe.api_version = "2025-10-29"

TWILIO = Twilio::REST::Client.new(
  "AC@@hex:sid41:32@@",
  "[[SECRET|@@hex:tw41:32@@]]"
)
```

### h8-042
Write release notes for version 3.19.87 from these bullet points (keep the dates):
- Released 14 March 1998 originally; this is the 28th anniversary build (build date 2026-03-14)
- Password reset flow now sends the link valid for 30 minutes
- Fixed crash when the birthday field in the profile form is empty
- Min supported iOS 16.4; Android API 26
- Docs: see issue #1987 and PR #20260

### h8-043
회사 메일 비밀번호가 [[SECRET|Haneul2026!!qp]] 인데 아웃룩에서 계속 다시 입력하라고 떠요. 윈도우 자격 증명 관리자에서 지우고 다시 넣는 방법을 단계별로 알려 주세요.

### h8-044
Reconcile these corporate card charges against the receipts I listed below and tell me which are missing:

date,card,merchant,amount
2026-01-04,[[CREDIT_CARD|@@card:c44a:amex@@]],Lufthansa,812.40
2026-01-06,[[CREDIT_CARD|@@card:c44b:mc@@]],Hilton Frankfurt,389.00
2026-01-06,[[CREDIT_CARD|@@card:c44b:mc@@]],Uber,23.75

Receipts: Lufthansa 812.40, Uber 23.75.

### h8-045
Airflow task fails, full traceback:

Traceback (most recent call last):
  File "/opt/airflow/dags/etl_orders.py", line 41, in load
    engine.connect()
  ...
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "[[IP_ADDRESS|10.0.4.17]]", port 5432 failed: FATAL:  password authentication failed for user "analytics"
(Background on this error at: https://sqlalche.me/e/20/e3q8)
[2026-02-13, 02:00:14 UTC] {taskinstance.py:2905} ERROR - engine url was [[URL_CREDENTIALS|postgresql+psycopg2://analytics:Wh1sky%23Delta77@10.0.4.17:5432/warehouse]]

### h8-046
docker pull is super slow on our runner, is it re-downloading layers? Output:

v2.14.0: Pulling from platform/ingest-worker
@@hex:l46a:12@@: Already exists
@@hex:l46b:12@@: Pull complete
@@hex:l46c:12@@: Pull complete
Digest: sha256:@@hex:d46:64@@
Status: Downloaded newer image for registry.internal.acme.dev/platform/ingest-worker:v2.14.0
Container id @@hex:cid46:64@@ started at 2026-02-10T08:14:55.104Z

### h8-047
Hola, ¿me ayudas a escribir una nota para dejar en el piso turístico? Quiero poner: bienvenida, que el wifi se llama MIRADOR_2G y la contraseña es [[SECRET|Albaicin-Sol-2719]], que la basura se saca antes de las 22:00 y que el check-out es a las 11. Tono cálido, en español y en inglés.

### h8-048
Is this .env.example good enough for new contributors?

```
# copy to .env and fill in
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
OPENAI_API_KEY=sk-...
AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX
AWS_SECRET_ACCESS_KEY=
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/app_dev
JWT_SECRET=change-me-to-a-long-random-string
SMTP_PASSWORD=your-smtp-password-here
```

### h8-049
Charles captured this request from the mobile app; why does the backend reject it with 403?

```
POST /api/v2/orders HTTP/1.1
Host: api.brightcart.app
Authorization: Basic [[SECRET|aW9zLWNsaWVudDpQcTdzVzJtWnI4VGshZA==]]
Cookie: sessionid=[[SECRET|@@alnum:sess49:32@@]]; csrftoken=@@alnum:csrf49:32@@; _ga=GA1.1.1837261944.1770112233
X-Requested-With: XMLHttpRequest
Content-Type: application/json
Content-Length: 58

{"sku":"BC-TEE-0042-M","qty":2,"coupon":"WINTER26"}
```

### h8-050
Draft a text reply to a customer who left a voicemail: she says her washer still leaks after the repair and asks us to call back at [[PHONE|@@phone:us50:US:m:nat@@]] between 9 and 5 Central. Offer a second visit Thursday or Friday.

### h8-051
请帮我把下面的公司密码策略改写得更简洁易懂：
1. 密码长度至少 12 位，包含大小写字母、数字和符号；
2. 每 180 天强制更换一次，不能与最近 5 次的密码相同；
3. 禁止把密码写在便签、聊天记录或代码里，统一使用 1Password 保存；
4. 连续输错 5 次后账户锁定 30 分钟。

### h8-052
我们的测试服务器上 MySQL 的 root 密码是 [[SECRET|Qingdao#8812mx]]，现在想新建一个只读账号给数据分析同事用，请给出完整的 SQL 语句和授权说明。

### h8-053
Edge function returns 500 — can you spot it?

```ts
import Anthropic from "@anthropic-ai/sdk";
import { Resend } from "resend";

const anthropic = new Anthropic({ apiKey: "[[SECRET|@@anthropic:a53@@]]" });
const resend = new Resend("[[SECRET|re_@@alnum:re53a:8@@_@@alnum:re53b:24@@]]");

export default async function handler(req: Request): Promise<Response> {
  const { question, email } = await req.json();
  const msg = await anthropic.messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 512,
    messages: [{ role: "user", content: question }],
  });
  await resend.emails.send({ from: "[[EMAIL|bot@askdesk.app]]", to: email, subject: "Your answer", text: JSON.stringify(msg.content) });
  return new Response("ok");
}
```

### h8-054
Someone is replaying download links. Can you tell from these access-log lines which client did it?

[[IP_ADDRESS|78.46.201.19]] - - [12/Feb/2026:22:14:09 +0000] "GET /files/report-q4.pdf?token=[[JWT|@@jwt:j54:HS256@@]] HTTP/1.1" 200 482113 "-" "Mozilla/5.0"
[[IP_ADDRESS|103.77.12.248]] - - [12/Feb/2026:22:31:40 +0000] "GET /files/report-q4.pdf?token=[[JWT|@@jwt:j54:HS256@@]] HTTP/1.1" 200 482113 "-" "python-requests/2.32.3"

### h8-055
Explain JWT structure for a beginner using this truncated example from the RFC-style docs: the header `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9` decodes to {"alg":"HS256","typ":"JWT"}, then comes a payload like `eyJzdWIiOiIxMjM0NTY3ODkwIn0` and a signature `<signature>`. Also explain why the public key below can be shared:

-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA@@b64:pk55:32@@
-----END PUBLIC KEY-----

### h8-056
docker compose up fails: minio says "Invalid credentials". compose file:

```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ledger
      POSTGRES_PASSWORD: [[SECRET|Lq9v-Tarn-Oxbow3]]
  minio:
    image: minio/minio:RELEASE.2025-09-07T16-13-09Z
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: ledgeradmin
      MINIO_ROOT_PASSWORD: [[SECRET|@@alnum:mn56:24@@]]
```

### h8-057
Kun je deze betaalherinnering in het Nederlands wat vriendelijker maken? "Beste heer Claes, factuur 2026-0117 (€ 1.240,00) staat nog open. Graag overmaken naar [[IBAN|@@iban:nl57:NL:spaced@@]] t.n.v. Verbeek Installatietechniek. Heeft u al betaald vanaf uw Belgische rekening [[IBAN|@@iban:be57:BE@@]]? Stuur dan even een bewijs naar [[EMAIL|administratie@verbeek-installatie.nl]]."

### h8-058
Does this Kubernetes setup leak the password anywhere?

```bash
kubectl create secret generic orders-db \
  --from-literal=username=orders \
  --from-literal=password="$(openssl rand -base64 24)"
```

```yaml
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: orders-db
        key: password
  - name: VAULT_ADDR
    value: https://vault.internal:8200
```

And the CSI driver mounts `secret/data/orders/db` from Vault under /mnt/secrets.

### h8-059
Tu peux m'aider à écrire un message à mon colocataire ? Je pars trois semaines, il doit savoir que le code du portail est 4471B, que le mot de passe de la box est [[SECRET|Guimauve-Rose-1903]] et que le compte Netflix c'est [[EMAIL|coloc.rue.mercier@laposte.net]] / [[SECRET|Netfl1x!Mercier]]. Ton léger, merci.

### h8-060
Convert this table of shared team logins into a format I can import into Bitwarden (CSV):

| service | url | user | password |
|---|---|---|---|
| Hosting panel | https://panel.hostlane.eu | [[EMAIL|ops@brightcart.app]] | [[SECRET|Ridge7!Fennel-Wasp]] |
| Mailchimp | https://login.mailchimp.com | [[EMAIL|marketing@brightcart.app]] | [[SECRET|xT5#mVq9Lr2!]] |
| Router | http://router.lan | admin | [[SECRET|Copper-Lantern-064]] |

### h8-061
Kafka producer in our Java service throws `SaslAuthenticationException: Authentication failed: Invalid username or password`. Config:

```java
Properties props = new Properties();
props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "pkc-7prvp.europe-west3.gcp.confluent.cloud:9092");
props.put("security.protocol", "SASL_SSL");
props.put("sasl.mechanism", "PLAIN");
props.put("sasl.jaas.config",
    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"@@alnum:kk61:16@@\" password=\"[[SECRET|@@b64:ks61:48@@]]\";");
props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
KafkaProducer<String, String> producer = new KafkaProducer<>(props);
```

### h8-062
Merhaba, okulun öğretmenler odasındaki yazıcıya bağlanamıyorum. Wi-Fi adı OGRETMEN_NET, şifresi [[SECRET|Kestane.Kebap1923]]. Windows 11'de yazıcıyı ağ üzerinden eklemek için adım adım ne yapmalıyım?

### h8-063
Extract the IDs from this support mail into JSON (order, invoice, shipment, timestamp):

"Hello, regarding order 4471-2219-0043 (invoice no. 2026001937, customer no. 88120457) — the parcel with DHL shipment number 00340434161094042557 was scanned at 1770912345 (epoch) and again at 2026-02-12 16:05:45 UTC. Our ticket reference is #7729104."

### h8-064
Cześć, napisz proszę krótką wiadomość do księgowej, że dostęp do systemu fakturowego się zmienił: login biuro.faktury, nowe hasło [[SECRET|Sosna!Wawel2026]]. Poproś, żeby po zalogowaniu ustawiła własne hasło i nie przesyłała go dalej mailem.

### h8-065
Is this key in the right format for signing JWTs with RS256 in .NET? I load it with `RSA.ImportFromPem(File.ReadAllText("signing.pem"))` and get `ArgumentException: No supported key formats were found`.

signing.pem:
[[SECRET|@@pem:k65:pk8:1217@@]]

```csharp
var rsa = RSA.Create();
rsa.ImportFromPem(File.ReadAllText("signing.pem"));
var creds = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256);
```

### h8-066
Make a clean contact sheet for the conference speakers, sorted by country:
- Keita Morimoto (Osaka) [[PHONE|@@phone:jp66:JP:m:intl@@]]
- Fernanda Lobo (São Paulo) whatsapp [[PHONE|@@phone:br66:BR:m:intl@@]]
- Liam Ferris (Melbourne) [[PHONE|@@phone:au66:AU:m:intl@@]]
- Thandiwe Nkosi (Johannesburg) cell [[PHONE|@@phone:za66:ZA:m:intl@@]]
- Sofía Arriaga (Guadalajara) [[PHONE|@@phone:mx66:MX:m:e164@@]]
- Daan Bakker (Utrecht) [[PHONE|@@phone:nl66:NL:m:intl@@]]

### h8-067
以下の内容で取引先への日程調整メールを書いてください。担当は佐伯さん、携帯は[[PHONE|@@phone:jp67:JP:m:nat@@]]、メールは[[EMAIL|saeki.k@minato-kogyo.co.jp]]です。候補日は3月3日と3月5日の午後です。

### h8-068
Pode revisar esse texto do meu currículo? "Ana Beatriz Moura, nascida em [[DATE_OF_BIRTH|22/11/1996]], Campinas/SP. Contato: [[PHONE|@@phone:br68:BR:m:nat@@]] | [[EMAIL|anabeatriz.moura96@uol.com.br]]. Objetivo: vaga de analista de dados júnior."

### h8-069
Parse these user agents and versions into a table (browser, version, OS):

Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.6943.98 Safari/537.36
Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15
okhttp/4.12.0 (app build 7.31.0.2104)
SNMP OID 1.3.6.1.4.1.2021.10.1.3.1, firmware v2.4.10.1

### h8-070
Review my Terraform for the RDS instance — is the password handled safely?

```hcl
resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_db_instance" "orders" {
  identifier          = "orders-prod"
  engine              = "postgres"
  username            = "orders_admin"
  password            = random_password.db.result
  storage_encrypted   = true
}

variable "smtp_password" {
  type      = string
  sensitive = true
}

output "db_password_arn" {
  value = aws_secretsmanager_secret.db.arn
}
```

### h8-071
Summarize what changed between these two commits for the changelog:

commit @@hex:c71a:40@@
Author: build-bot
Date:   Tue Feb 10 11:42:07 2026 +0100

    fix(auth): stop logging password reset tokens

commit @@hex:c71b:40@@
gpg: Signature made Mon Feb  9 17:03:51 2026 CET using EDDSA key @@hex:gpg71:40@@
Date:   Mon Feb 9 17:03:51 2026 +0100

    feat(api): rotate signing keys every 30 days (key id kid-2026-02)

### h8-072
Fix the markdown in this snippet from our docs (keep the placeholders as they are):

To enable maps, add `<script src="https://maps.googleapis.com/maps/api/js?key=YOUR_API_KEY"></script>`. For Slack notifications set `SLACK_BOT_TOKEN=xoxb-your-bot-token` and for GitHub `GH_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`. Keys start with `AIza…`, `xoxb-…` and `ghp_…` respectively. Store them in `{{ secrets.* }}`, never in code.

### h8-073
Write a polite reply to the customer explaining we can't see full card numbers. Our system only shows: card ending in 4417 (**** **** **** 4417), expiry 11/27, SSN on file XXX-XX-0093, payout account DE** **** **** **** **12 34. The refund of $64.20 was sent on 2026-02-03.

### h8-074
Erstelle bitte eine Übersicht der Fristen aus diesem Vertrag: Vertragsbeginn 01.04.2024, Mindestlaufzeit bis 31.03.2026, Kündigungsfrist drei Monate zum Quartalsende, Firmengründung der Gegenseite am 17.09.1987, letzte Preisanpassung am 01.01.2026. Le contrat français de la filiale a été signé le 12 mai 2019.

### h8-075
Help me split 10.40.0.0/16 into /20 subnets for three AZs and list the first usable host, broadcast and netmask for each. Our VPC CIDR is 10.40.0.0/16, peered with 172.20.0.0/16; keep 0.0.0.0/0 out of the private route tables.

### h8-076
I forgot the password for my old MacBook user account and there's no other admin. How can I reset it without losing files? FileVault is on, and I think I still have the recovery key written down somewhere. Also, should I switch to a passkey for my Apple ID afterwards?

### h8-077
Why can't users log in after we migrated the users table? Sample rows:

id,email_hash,password_hash,created_at
1042,@@hex:eh77a:64@@,$2b$12$@@alnum:bc77a:53@@,2025-11-02 10:14:03
1043,@@hex:eh77b:64@@,$argon2id$v=19$m=65536,t=3,p=4$@@alnum:ar77s:22@@$@@alnum:ar77h:43@@,2026-01-19 08:51:40

The new app verifies with passlib `CryptContext(schemes=["argon2"])`.

### h8-078
Can you check this mortgage pre-approval summary for typos before I send it to the lender?

Applicant: Marisol K. Ortega-Finch
Date of birth: [[DATE_OF_BIRTH|04/17/1985]]
Social Security number: [[US_SSN|@@ssn:s78@@]]
Employer: Tri-County Dental Group, 6 yrs
Gross annual income: $118,400
Contact: [[EMAIL|m.ortegafinch@fastmail.com]]

### h8-079
Our reporting job can't connect anymore. The relevant part:

```python
MONGO_URI = "[[URL_CREDENTIALS|mongodb+srv://reporting:Tq8wZb4Lm1Rx@cluster0.k7f2q.mongodb.net/analytics?retryWrites=true&w=majority]]"
RABBIT_URL = "amqp://guest:guest@localhost:5672/"
REDIS_PASSWORD = "[[SECRET|@@alnum:rd79:32@@]]"
```

pymongo.errors.OperationFailure: bad auth : authentication failed, full error: {'ok': 0, 'code': 8000}

### h8-080
Is it OK that these values are visible in our frontend bundle?

```js
const config = {
  stripePublishableKey: "pk_live_51@@alnum:pk80:97@@",
  sentryDsn: "https://@@hex:sd80:32@@@o4508123.ingest.de.sentry.io/4508123456",
  mapboxToken: "pk.eyJ1IjoiYnJpZ2h0Y2FydCIsImEiOiJjbTd@@alnum:mb80:20@@.@@urlsafe:mb80b:22@@",
  apiBase: "https://api.brightcart.app/v2",
};
```
