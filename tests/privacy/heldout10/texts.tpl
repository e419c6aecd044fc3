### h10-001
Can you explain why terraform wants to replace the instance instead of updating it in place?

  # aws_instance.worker[1] must be replaced
-/+ resource "aws_instance" "worker" {
      ~ ami                          = "ami-0c2d06d50ce30b442" -> "ami-08f7912c15ca96832" # forces replacement
      ~ arn                          = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0a9e3f1d7c5b2e486" -> (known after apply)
      ~ id                           = "i-0a9e3f1d7c5b2e486" -> (known after apply)
      ~ private_dns                  = "ip-10-40-2-17.eu-west-1.compute.internal" -> (known after apply)
      ~ user_data                    = (sensitive value)
        tags                         = {
            "Name" = "worker-1"
        }
    }

Plan: 1 to add, 0 to change, 1 to destroy.

Note: the private_dns above is just the old value that will go away, I'm only asking about the ami change.
### h10-002
Buongiorno, vi scrivo per il rimborso della fattura n. 2024/0817 (importo 312,40 €). Potete accreditarlo sul mio conto [[IBAN|@@iban:it1:IT:spaced@@]] intestato a Lucrezia Benvenuti? Per qualsiasi chiarimento sono raggiungibile al [[PHONE|@@phone:it1:IT:m:nat@@]] dopo le 17. Grazie, L. Benvenuti
### h10-003
Review these Prometheus alerting rules — is the `for:` too short on the second one?

groups:
  - name: api-slo
    rules:
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.02
        for: 10m
        labels:
          severity: page
        annotations:
          summary: "5xx ratio above 2% for 10 minutes"
      - alert: DiskWillFillIn4Hours
        expr: predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[1h], 4 * 3600) < 0
        for: 5m
        labels:
          severity: ticket
### h10-004
My Rust client gets 401 from OpenRouter but the same key works in curl. What's wrong?

```rust
let client = reqwest::Client::new();
let resp = client
    .post("https://openrouter.ai/api/v1/chat/completions")
    .header("Authorization", format!("Bearer {}", "[[SECRET|@@openrouter:or1@@]]"))
    .header("HTTP-Referer", "https://notes.pallisade.dev")
    .json(&body)
    .send()
    .await?;
```
### h10-005
git bisect log output, help me read which commit introduced the regression:

git bisect start
# bad: [e41f9c2a7d0b58b6c31e29f4a07d8e5b9c1f3a62] Merge pull request #2231 from feat/streaming-v2
git bisect bad e41f9c2a7d0b58b6c31e29f4a07d8e5b9c1f3a62
# good: [7b03d1e96fa2c48e05b7a19d3c6f2e810a4b5d77] Release 3.14.0
git bisect good 7b03d1e96fa2c48e05b7a19d3c6f2e810a4b5d77
# good: [c9e2a4f1b8d37065e1f2a3b4c5d6e7f8091a2b3c] Bump tokio to 1.38.1
git bisect good c9e2a4f1b8d37065e1f2a3b4c5d6e7f8091a2b3c
# bad: [2f8d6b4a0c1e3957d2b6a8f0e4c3d1b7a9f5e208] Refactor chunk decoder
git bisect bad 2f8d6b4a0c1e3957d2b6a8f0e4c3d1b7a9f5e208
# first bad commit: [2f8d6b4a0c1e3957d2b6a8f0e4c3d1b7a9f5e208] Refactor chunk decoder
### h10-006
Please turn these onboarding notes into a checklist for payroll:

New hire: Marcus Ellery, starts Monday 3 March, Finance team (badge 44071).
DOB [[DATE_OF_BIRTH|09/14/1991]], SSN [[US_SSN|@@ssn:us1@@]] — W-4 received, I-9 section 2 pending.
Direct deposit form missing, follow up with him by Friday. Laptop asset tag LT-2291.
### h10-007
Why are so many connections idle in transaction? Output of pg_stat_activity:

  pid  | usename  | application_name | client_addr |        state        | wait_event_type |    wait_event    |  xact_age
-------+----------+------------------+-------------+---------------------+-----------------+------------------+------------
 48211 | app_rw   | api-gateway      | 127.0.0.1   | idle in transaction | Client          | ClientRead       | 00:14:22.61
 48390 | app_rw   | api-gateway      | 127.0.0.1   | idle in transaction | Client          | ClientRead       | 00:09:51.04
 49102 | reporting| metabase         |             | active              | IO              | DataFileRead     | 00:00:03.27
 50117 | postgres | psql             |             | active              |                 |                  | 00:00:00
(4 rows)
### h10-008
This Kotlin repository class crashes on Android 14 with "permission denied for table invoices". The key should bypass RLS, no?

```kotlin
object SupabaseModule {
    private const val SUPABASE_URL = "https://qxkvbnwtrplzhfjdaemo.supabase.co"
    private const val SERVICE_KEY = "[[SECRET|@@sbsecret:sb1@@]]"

    val client = createSupabaseClient(SUPABASE_URL, SERVICE_KEY) {
        install(Postgrest)
    }
}
```
### h10-009
Consumer group lag keeps growing on partition 4 only. Any idea?

GROUP            TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG      CONSUMER-ID                                        HOST            CLIENT-ID
billing-workers  invoice-events  0          18840213        18840219        6        consumer-billing-1-5e0a1c7d-93f2-4b8e-a1d4-0c6e2f9b7a31  /127.0.0.1      consumer-billing-1
billing-workers  invoice-events  1          18838977        18838977        0        consumer-billing-1-5e0a1c7d-93f2-4b8e-a1d4-0c6e2f9b7a31  /127.0.0.1      consumer-billing-1
billing-workers  invoice-events  4          18611402        18907750        296348   consumer-billing-3-b27f0e94-1c6a-4d53-8e20-7f4a9c1d6b08  /127.0.0.1      consumer-billing-3
### h10-010
Olá Rita! A password do Wi-Fi da casa de Sintra mudou, agora é [[SECRET|Alfama#2025mar]] (rede "CasaSintra_5G"). Se o router voltar a dar problemas liga-me para o [[PHONE|@@phone:pt1:PT:m:nat@@]], estou cá o fim de semana todo. Beijinhos
### h10-011
Is this Content-Security-Policy too permissive? We get violation reports from report-uri.

Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-r4nd0mN0nc3' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline'; img-src 'self' data: https://*.tile.openstreetmap.org; connect-src 'self' wss://realtime.pallisade.dev; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; report-uri /csp-report
Strict-Transport-Security: max-age=63072000; includeSubDomains; preload
X-Content-Type-Options: nosniff
### h10-012
Our Spring Boot app can't reach SQL Server after the migration. application.properties:

spring.datasource.url=jdbc:sqlserver://[[IP_ADDRESS|10.20.3.14]]:1433;databaseName=Fulfilment;encrypt=true;trustServerCertificate=true;user=svc_fulfil;password=[[SECRET|Qp7!vLm2#Rz9]]
spring.datasource.hikari.maximum-pool-size=12
spring.jpa.hibernate.ddl-auto=validate

Error: "The TCP/IP connection to the host [[IP_ADDRESS|10.20.3.14]], port 1433 has failed."
### h10-013
Please summarise this advisory for our changelog.

GHSA-7q4m-2x9f-hv3c / CVE-2025-31842 — Moderate (CVSS 6.5)
Package: yaml-merge-keys (npm)
Affected versions: >= 2.1.0, < 2.4.7; >= 3.0.0-rc.1, < 3.0.2
Patched versions: 2.4.7, 3.0.2
Description: a crafted document with nested `<<` merge keys can trigger prototype pollution when `allowMerge: true`.
Fix commit: 9d1c4e7f20b8a63e5f1d2c7b9a0e4f38d6b2c1a5
Tarball sha512: 3kZqL8v1mO0b2Yw4Jr5tXo7N9aP6cH1dE3fG8hK2lM4nQ7sU0vW9xY2zA5bC8dF1gH4jK7mN0pR3sT6uV9wX2yZ5aB8cD1eF4gH7jK0lM3nP6qR9sT2uV==
Credits: reported by a third-party researcher via huntr.
### h10-014
Hej, jeg skal have hjælp til at skrive en mail til forsikringsselskabet om skadesag 7731-2024-0458 (vandskade i kælderen den 12. august). De skal udbetale erstatningen til min konto [[IBAN|@@iban:dk1:DK@@]], og de kan ringe til mig på [[PHONE|@@phone:dk1:DK:m:intl@@]] hvis de har spørgsmål. Skriv den venligt men bestemt.
### h10-015
Why does this Grafana panel show "No data" when the query works in Explore?

{
  "id": 14,
  "type": "timeseries",
  "title": "p95 latency by route",
  "datasource": { "type": "prometheus", "uid": "P1809F7CD0C75ACF3" },
  "targets": [
    {
      "expr": "histogram_quantile(0.95, sum by (le, route) (rate(http_server_duration_seconds_bucket{job=\"api\"}[$__rate_interval])))",
      "legendFormat": "{{route}}",
      "refId": "A"
    }
  ],
  "fieldConfig": { "defaults": { "unit": "s", "decimals": 3 } },
  "gridPos": { "h": 8, "w": 12, "x": 0, "y": 16 }
}
### h10-016
Square keeps returning UNAUTHORIZED from my iOS app. Swift:

```swift
enum SquareConfig {
    static let environment = "production"
    static let locationID = "L7Q2XK9M4B1ZC"
    static let accessToken = "[[SECRET|@@square:sq1@@]]"
}

var request = URLRequest(url: URL(string: "https://connect.squareup.com/v2/payments")!)
request.setValue("Bearer \(SquareConfig.accessToken)", forHTTPHeaderField: "Authorization")
request.setValue("2025-01-23", forHTTPHeaderField: "Square-Version")
```
### h10-017
What does this nghttp output tell me about why the stream gets reset?

[  0.041] Connected
[  0.058] send SETTINGS frame <length=12, flags=0x00, stream_id=0>
          (niv=2)
          [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]
          [SETTINGS_INITIAL_WINDOW_SIZE(0x04):65535]
[  0.058] send HEADERS frame <length=41, flags=0x25, stream_id=13>
          ; END_STREAM | END_HEADERS | PRIORITY
          (padlen=0, dep_stream_id=11, weight=16, exclusive=0)
[  0.102] recv SETTINGS frame <length=18, flags=0x00, stream_id=0>
          (niv=3)
[  0.103] recv WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=0>
          (window_size_increment=2147418112)
[  0.114] recv RST_STREAM frame <length=4, flags=0x00, stream_id=13>
          (error_code=PROTOCOL_ERROR(0x01))
### h10-018
Clean up this CRM export before I import it into HubSpot — fix the capitalisation and put phones in E.164:

id;first_name;last_name;email;phone;segment;last_order
10442;ines;carvalho;[[EMAIL|ines.carvalho@orbitaltea.pt]];[[PHONE|@@phone:pt2:PT:m:intl@@]];retail;2025-02-11
10443;TOMASZ;WIERZBICKI;[[EMAIL|t.wierzbicki@kwadratmeble.pl]];[[PHONE|@@phone:pl1:PL:m:intl@@]];wholesale;2025-01-30
10444;Aoife;Brennan;[[EMAIL|aoife@brennanfloristry.ie]];[[PHONE|@@phone:ie1:IE:m:intl@@]];retail;2024-12-19
### h10-019
Is this CycloneDX component entry valid? The validator says "hashes must be array".

{
  "type": "library",
  "bom-ref": "pkg:pypi/urllib3@2.2.2",
  "name": "urllib3",
  "version": "2.2.2",
  "purl": "pkg:pypi/urllib3@2.2.2",
  "licenses": [ { "license": { "id": "MIT" } } ],
  "hashes": { "alg": "SHA-256", "content": "dd505485549a7a552833da5e6063639d0d177c04f23bc3864e41e5dc5f612168" },
  "externalReferences": [ { "type": "vcs", "url": "https://github.com/urllib3/urllib3" } ]
}
### h10-020
PHP mailer stopped sending after we moved hosts. config.php:

<?php
return [
    'db' => [
        'dsn'      => 'mysql:host=[[IP_ADDRESS|172.22.8.41]];dbname=shopfront;charset=utf8mb4',
        'user'     => 'shopfront',
        'password' => '[[SECRET|bR4ss!ca-7719]]',
    ],
    'mailgun' => [
        'domain' => 'mg.lampwickcandles.com',
        'api_key' => '[[SECRET|@@mailgun2:mg1@@]]',
    ],
];
### h10-021
Decode this crash for me, it's from a C++ service:

Program terminated with signal SIGSEGV, Segmentation fault.
#0  0x00007f3a91c2e4b7 in std::_Rb_tree_increment(std::_Rb_tree_node_base*) () from /lib/x86_64-linux-gnu/libstdc++.so.6
#1  0x000055d4c8a21f3c in SessionCache::evict_expired (this=0x55d4ca1e7b20, now=1733412850) at src/session_cache.cpp:188
#2  0x000055d4c8a22a90 in SessionCache::run (this=0x55d4ca1e7b20) at src/session_cache.cpp:241
#3  0x00007f3a91c5d253 in ?? () from /lib/x86_64-linux-gnu/libstdc++.so.6
#4  0x00007f3a918a3ac3 in start_thread (arg=<optimized out>) at ./nptl/pthread_create.c:442
#5  0x00007f3a91935850 in clone3 () at ../sysdeps/unix/sysv/linux/x86_64/clone3.S:81
(gdb) p *this
$1 = {mutex_ = {...}, entries_ = std::map with 4417 elements, ttl_ = 900, stop_ = false}
### h10-022
Voisitko muotoilla tämän sähköpostin kohteliaammaksi? "Laskunne 88213 on maksettu väärälle tilille. Palauttakaa summa tilille [[IBAN|@@iban:fi1:FI:spaced@@]] viikon sisällä. Soittakaa tarvittaessa numeroon [[PHONE|@@phone:fi1:FI:m:nat@@]]. — Jari"
### h10-023
Can you check the totals in this Q3 trial balance extract? Something is off by 1 200.

GL account  Description                    Cost centre  Debit (EUR)    Credit (EUR)
4000-1200   Revenue – subscriptions        CC-310                      1 482 960.00
4000-1310   Revenue – services             CC-320                        218 400.50
5100-0040   Cloud hosting                  CC-410       311 207.18
5200-0090   Contractors                    CC-420        96 000.00
6100-7715   Depreciation – hardware        CC-900        41 233.33
2100-0001   Accounts payable               —                            72 118.91
1200-0500   Bank – operating (acct ending 0417)  —     1 423 838.90
Total                                                   1 872 279.41    1 773 479.41
### h10-024
Phoenix app crashes at boot in prod with "cookie store expects conn.secret_key_base to be at least 64 bytes". runtime.exs:

```elixir
import Config

if config_env() == :prod do
  config :ledgerly, Ledgerly.Repo,
    url: "[[URL_CREDENTIALS|ecto://ledgerly:Tn8wq2Zf5Kc@pg-primary.internal:5432/ledgerly_prod]]",
    pool_size: 10

  config :ledgerly, LedgerlyWeb.Endpoint,
    http: [ip: {0, 0, 0, 0}, port: 4000],
    secret_key_base: "[[SECRET|@@b64:skb1:48@@]]"
end
```
### h10-025
Which of these ports is the uplink? Output of show mac address-table on the access switch:

          Mac Address Table
-------------------------------------------
Vlan    Mac Address       Type        Ports
----    -----------       --------    -----
  10    0050.56a3.7c1e    DYNAMIC     Gi1/0/7
  10    3c52.82e0.4b19    DYNAMIC     Gi1/0/12
  20    f4ce.46a1.09d2    DYNAMIC     Gi1/0/24
  20    00e0.4c68.1a7f    DYNAMIC     Gi1/0/24
  20    b8:27:eb:5d:2e:91 (from LLDP)  Gi1/0/24
Total Mac Addresses for this criterion: 4
### h10-026
This Perl script used to fetch the nightly report, now it dies with 403:

use LWP::UserAgent;
my $ua = LWP::UserAgent->new(timeout => 30);
$ua->credentials("[[IP_ADDRESS|10.8.14.200]]:8443", "Reports", "batch", "[[SECRET|Kx92-morel-Fenn]]");
my $res = $ua->get("https://[[IP_ADDRESS|10.8.14.200]]:8443/reports/nightly.csv");
die $res->status_line unless $res->is_success;
### h10-027
Help me assign the peaks in this ¹H NMR spectrum (CDCl₃, 400 MHz):

δ 7.34–7.26 (m, 5H), 5.12 (s, 2H), 4.21 (q, J = 7.1 Hz, 2H), 3.67 (s, 2H), 1.28 (t, J = 7.1 Hz, 3H).
¹³C NMR (101 MHz, CDCl₃) δ 170.9, 166.8, 135.6, 128.6, 128.4, 128.3, 67.1, 61.4, 41.3, 14.1.
HRMS (ESI) m/z calcd for C₁₂H₁₄O₄Na [M+Na]⁺ 245.0784, found 245.0781.
### h10-028
Hola, necesito que me ayudes a completar el formulario de la obra social para mi viejo. Datos: Rubén Ostrovsky, fecha de nacimiento [[DATE_OF_BIRTH|3 de julio de 1949]], afiliado n.º 120-448812/03, teléfono de contacto [[PHONE|@@phone:ar1:AR:m:intl@@]]. ¿Cómo redacto el motivo de la solicitud de medicación crónica?
### h10-029
Kan du lage en kort oppsummering av resultatene fra helgens renn?

Menn 15 km fristil
1. Sjur Haugland      35:12.4
2. Eirik Moen         +8.9
3. Torstein Lied      +21.3
Kvinner 10 km klassisk
1. Ingrid Solheim     27:44.0
2. Marte Vik          +3.1
3. Synne Brekke       +14.7
Stafett 4 × 7,5 km: Team Nordvest 1:21:05.8, startnummer 31–34.
### h10-030
Ansible can't log into the Windows hosts, it says "ntlm: the specified credentials were rejected". inventory.ini:

[win_build]
build-win-01 ansible_host=[[IP_ADDRESS|10.31.4.21]]
build-win-02 ansible_host=[[IP_ADDRESS|10.31.4.22]]

[win_build:vars]
ansible_user=ci-runner
ansible_password=[[SECRET|Wnt3r-Ferry!88]]
ansible_connection=winrm
ansible_winrm_transport=ntlm
ansible_port=5986
### h10-031
Why does this playbook fail with "Attempting to decrypt but no vault secrets found"?

- hosts: db
  vars_files:
    - group_vars/db/vault.yml
  vars:
    pg_password: "{{ vault_pg_password }}"
    replication_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          62313365396662343061393464336163383764373764613633653634306231386433626437343165
          3134353332363863333865313032306662636635393534350a373238656339356337663631613738
          33386561306436633064323537346331626531316264353765393036353138616238363738346362
          3038393261323734640a303761383264313061373663396363646636346564633166636232623366
  tasks:
    - name: create role
      community.postgresql.postgresql_user:
        name: app
        password: "{{ pg_password }}"
I run it with ansible-playbook site.yml -i prod --ask-vault-pass but CI runs without the flag.
### h10-032
My R script for the summariser returns HTTP 401 — is the header right?

library(httr2)
resp <- request("https://api.anthropic.com/v1/messages") |>
  req_headers(
    "x-api-key" = "[[SECRET|@@anthropic:an1@@]]",
    "anthropic-version" = "2023-06-01",
    "content-type" = "application/json"
  ) |>
  req_body_json(list(model = "claude-3-5-haiku-latest", max_tokens = 512L, messages = msgs)) |>
  req_perform()
### h10-033
What is going on with this pod? kubectl get events -n checkout --sort-by=.lastTimestamp

LAST SEEN   TYPE      REASON             OBJECT                                  MESSAGE
4m12s       Normal    Scheduled          pod/checkout-api-6d8f9c7b5d-x2lqv       Successfully assigned checkout/checkout-api-6d8f9c7b5d-x2lqv to aks-pool2-31890445-vmss000004
4m10s       Normal    Pulling            pod/checkout-api-6d8f9c7b5d-x2lqv       Pulling image "acrprod.azurecr.io/checkout-api:2.19.3"
3m58s       Normal    Pulled             pod/checkout-api-6d8f9c7b5d-x2lqv       Successfully pulled image in 11.804s (11.804s including waiting). Image size: 148123904 bytes.
3m21s       Warning   Unhealthy          pod/checkout-api-6d8f9c7b5d-x2lqv       Readiness probe failed: HTTP probe failed with statuscode: 503
2m02s       Warning   BackOff            pod/checkout-api-6d8f9c7b5d-x2lqv       Back-off restarting failed container api in pod checkout-api-6d8f9c7b5d-x2lqv_checkout(7c1e9a42-5b3d-4f08-9e6a-2d4b8c0f1a37)
### h10-034
Purge script for Cloudflare cache, works locally but not from cron. Why?

#!/usr/bin/env bash
set -euo pipefail
ZONE_ID="3f9a1c7e5b2d4086a1e8c9f0b7d6e543"
CF_TOKEN="[[SECRET|@@cfapi:cf1@@]]"
curl -sS -X POST "https://api.cloudflare.com/client/v4/zones/${ZONE_ID}/purge_cache" \
  -H "Authorization: Bearer ${CF_TOKEN}" \
  -H "Content-Type: application/json" \
  --data '{"purge_everything":true}'
### h10-035
Kannst du mir sagen, welche Verbindung ich nehmen soll, um vor 9 Uhr in Bern zu sein?

Zürich HB    ab 07:02  Gl. 31   IC 1 712   → Bern an 07:58  Gl. 7
Zürich HB    ab 07:32  Gl. 33   IR 16 2317 → Bern an 08:28  Gl. 5   (Umsteigen Olten 08:01/08:04)
Zürich HB    ab 08:02  Gl. 31   IC 1 716   → Bern an 08:58  Gl. 6
Zürich HB    ab 08:32  Gl. 32   IC 8 1020  → Bern an 09:28  Gl. 8
Hinweis: Zwischen Olten und Bern Bauarbeiten, Verspätungen bis 6 Minuten möglich.
### h10-036
Μπορείς να μου κάνεις μια περίληψη αυτού του κειμένου για την εργασία του σχολείου;

Η Μάχη του Μαραθώνα δόθηκε το 490 π.Χ. ανάμεσα στους Αθηναίους, με τη βοήθεια των Πλαταιέων, και τον περσικό στρατό του Δαρείου Α΄. Οι Αθηναίοι, με στρατηγό τον Μιλτιάδη, επιτέθηκαν τρέχοντας και κατάφεραν να περικυκλώσουν τις πτέρυγες του αντιπάλου. Σύμφωνα με τον Ηρόδοτο, έπεσαν 6.400 Πέρσες και 192 Αθηναίοι. Η νίκη ενίσχυσε την αυτοπεποίθηση της νεαρής αθηναϊκής δημοκρατίας.
### h10-037
Our deploy script on the Windows jump box fails with "Access is denied" when mapping the share:

$user = "CORP\svc-backup"
$pass = ConvertTo-SecureString "[[SECRET|Gl4cier_Ridge#204]]" -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($user, $pass)
New-PSDrive -Name "B" -PSProvider FileSystem -Root "\\[[IP_ADDRESS|10.12.0.45]]\backups$" -Credential $cred -Persist
Robocopy D:\exports B:\daily /MIR /R:2 /W:5
### h10-038
Przelicz mi proszę ten przepis na 12 porcji zamiast 4:

Pierogi ruskie
- 500 g mąki pszennej typ 450
- 250 ml ciepłej wody
- 2 łyżki oleju
- 600 g ziemniaków
- 300 g twarogu półtłustego
- 2 cebule
- sól, pieprz do smaku
Ciasto zagnieść, odstawić na 30 minut pod przykryciem. Gotować partiami 3–4 minuty od wypłynięcia.
### h10-039
OpenResty returns 500 and the error log says "NOAUTH Authentication required". Lua block:

local redis = require "resty.redis"
local red = redis:new()
red:set_timeouts(1000, 1000, 1000)
local ok, err = red:connect("[[IP_ADDRESS|172.19.0.6]]", 6379)
if not ok then return ngx.exit(500) end
local res, err = red:auth("[[SECRET|p1ckle-Rook-55]]")
local count = red:incr("rl:" .. ngx.var.remote_addr)
### h10-040
Kun je deze clausule uit ons huurcontract in eenvoudige taal uitleggen?

Artikel 7.3 — Indien de huurder na schriftelijke aanmaning langer dan veertien dagen in gebreke blijft met de betaling van de huurprijs, is de verhuurder gerechtigd de overeenkomst buitengerechtelijk te ontbinden, onverminderd zijn recht op schadevergoeding overeenkomstig artikel 6:74 BW. De huurder verbeurt voorts een boete van 1% van het verschuldigde bedrag per dag, met een maximum van € 1.500,-.
### h10-041
terraform apply fails with "403 Forbidden" from the datadog provider. terraform.tfvars:

datadog_api_key = "[[SECRET|@@ddapi:dd1@@]]"
datadog_app_key = "[[SECRET|@@ddapp:dd1@@]]"
datadog_site    = "datadoghq.eu"
cloudflare_account_id = "a71c9e04b3d25f86e1a0c7d94b2f3e58"
environment     = "staging"
### h10-042
Vad betyder det här på bipacksedeln, ska jag ta en eller två?

Dosering för vuxna: 1–2 tabletter (500–1000 mg paracetamol) vid behov, högst 3 gånger per dygn. Minst 4 timmar mellan doserna. Högsta dygnsdos 3 g. Använd inte längre än 3 dagar vid feber eller 5 dagar vid smärta utan att rådfråga läkare. Förvaras vid högst 25 °C.
### h10-043
This notebook cell stopped working after I upgraded langchain — the error is about the index name:

{
 "cell_type": "code",
 "execution_count": 7,
 "metadata": {},
 "outputs": [],
 "source": [
  "import os\n",
  "os.environ[\"PINECONE_API_KEY\"] = \"[[SECRET|@@pcsk:pc1@@]]\"\n",
  "os.environ[\"LANGSMITH_API_KEY\"] = \"[[SECRET|@@langsmith:ls1@@]]\"\n",
  "os.environ[\"LANGSMITH_TRACING\"] = \"true\"\n",
  "index = pc.Index(\"support-kb-v2\")\n"
 ]
}
### h10-044
사내 API 토큰 관리 지침을 조금 더 읽기 쉽게 다듬어 주세요.

1. API 토큰은 개인 계정이 아닌 서비스 계정으로 발급한다.
2. 토큰은 최대 90일마다 교체하며, 교체 즉시 이전 토큰을 폐기한다.
3. 토큰을 메신저, 이메일, 위키에 붙여 넣지 않는다. 공유가 필요하면 비밀 관리 도구의 공유 기능을 사용한다.
4. 저장소에 토큰이 커밋된 경우 즉시 보안팀에 알리고 토큰을 폐기한다.
5. 로그에는 토큰의 앞 4자리만 남긴다.
### h10-045
Atlas says "bad auth : authentication failed" from the Node worker. .env:

MONGODB_URI=[[URL_CREDENTIALS|mongodb+srv://worker_ingest:Vq3tRm8LxP2w@cluster0.k4z7q.mongodb.net/ingest?retryWrites=true&w=majority&appName=ingest-worker]]
QUEUE_CONCURRENCY=8
### h10-046
Which of these planets would be in the habitable zone? Data from the catalogue:

name          host_star    P_orb (d)   a (AU)    R_p (R⊕)   M_p (M⊕)   T_eq (K)
TOI-700 d     TOI-700      37.426      0.163     1.07       1.72       268
Kepler-186 f  Kepler-186   129.94      0.432     1.17       —          188
LHS 1140 b    LHS 1140     24.737      0.0946    1.73       5.60       226
K2-18 b       K2-18        32.940      0.1429    2.61       8.63       255
GJ 1214 b     GJ 1214      1.580       0.0149    2.74       8.17       596
### h10-047
Celery workers can't connect after we enabled TLS on RabbitMQ. celeryconfig.py:

broker_url = "[[URL_CREDENTIALS|amqps://celery_prod:Hx7-wombat-Q2r@mq-01.vantor.cloud:5671/prod]]"
result_backend = "[[URL_CREDENTIALS|redis://:Ry4nP0ppy_91@10.0.7.12:6380/2]]"
broker_use_ssl = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": "/etc/ssl/certs/ca-certificates.crt"}
task_acks_late = True
### h10-048
Write release notes from this list of merged changes:

v4.2.0 (2025-03-03)
- feat(api): cursor pagination for /v2/orders (#1841)
- fix(auth): refresh race when two tabs renew at once (#1852)
- perf(db): composite index on (tenant_id, created_at) (#1857)
- chore(deps): bump axios 1.7.7 → 1.8.1, react 18.3.1 → 19.0.0
v4.1.3 (2025-02-18)
- fix(export): CSV quoting for values with semicolons (#1838)
Compatibility: Node ≥ 20.11, PostgreSQL 14–17.
### h10-049
Our .NET worker can't send mail and can't connect to the DB. appsettings.Production.json:

{
  "ConnectionStrings": {
    "Main": "Server=tcp:sql-prod-weu.database.windows.net,1433;Initial Catalog=Orders;User ID=orders_app;Password=[[SECRET|Fj9#qT2!mWz4]];Encrypt=True;Connection Timeout=30;"
  },
  "Smtp": {
    "Host": "smtp.office365.com",
    "Port": 587,
    "User": "[[EMAIL|notifications@copperfieldgoods.com]]",
    "Password": "[[SECRET|Lantern-Moss-4417]]"
  }
}
### h10-050
CI log from our GitLab pipeline, why does the submodule clone fail?

$ git config --global url."https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.com/".insteadOf "https://gitlab.com/"
$ git submodule update --init --recursive
Cloning into '/builds/acme-maps/tiler/vendor/proj-data'...
+ git clone [[URL_CREDENTIALS|https://gitlab+deploy-token-4412:@@gldt:gd1@@@gitlab.com/acme-maps/proj-data.git]] vendor/proj-data
remote: HTTP Basic: Access denied.
fatal: Authentication failed for 'https://gitlab.com/acme-maps/proj-data.git/'
### h10-051
Find the Bosch numbers for the front brake pads in this parts list:

Pos  Description                      OE number       Bosch no.        Qty
1    Brake pad set, front axle        1K0 698 151 F   0 986 494 595    1
2    Brake disc, front, vented        5Q0 615 301 F   0 986 479 C43    2
3    Wear indicator, front            7M0 907 637 D   1 987 473 037    1
4    Spark plug                       101 905 601 F   0 242 236 565    4
5    Glow plug                        N 105 859 03    0 250 403 009    4
### h10-052
Our API returns 401 for this HAR entry but 200 in Postman. What's different?

{
  "request": {
    "method": "GET",
    "url": "https://api.fernhollow.app/v3/me/notifications?limit=20",
    "httpVersion": "HTTP/2",
    "headers": [
      { "name": "authorization", "value": "Bearer [[JWT|@@jwt:jw1:RS256@@]]" },
      { "name": "cookie", "value": "fh_sid=[[SECRET|@@urlsafe:sid1:43@@]]; _ga=GA1.1.1402219876.1733400012" },
      { "name": "user-agent", "value": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15" }
    ]
  },
  "response": { "status": 401, "statusText": "", "headers": [ { "name": "www-authenticate", "value": "Bearer error=\"invalid_token\"" } ] }
}
### h10-053
Fit a line to these pendulum measurements and give me g with uncertainty:

length_m,period_s,trials
0.200,0.899,10
0.400,1.270,10
0.600,1.553,10
0.800,1.796,10
1.000,2.006,10
1.200,2.198,10
### h10-054
sentry-cli upload fails in the Xcode build phase with "Invalid token". sentry.properties in the iOS project:

defaults.url=https://sentry.io/
defaults.org=tidewater-labs
defaults.project=tidewater-ios
auth.token=[[SECRET|@@sntryu:st1@@]]
cli.executable=node_modules/@sentry/cli/bin/sentry-cli
### h10-055
ช่วยแปลข้อความนี้เป็นภาษาอังกฤษให้หน่อยค่ะ

"เที่ยวเชียงใหม่ช่วงเดือนพฤศจิกายนอากาศเย็นสบาย แนะนำให้ไปดอยสุเทพตอนเช้าก่อนแปดโมงเพื่อเลี่ยงคนเยอะ ตลาดวโรรสเปิดทุกวัน ส่วนถนนคนเดินวันอาทิตย์เริ่มประมาณสี่โมงเย็น ค่ารถแดงในเมืองประมาณ 30–40 บาทต่อคน"
### h10-056
Kira kontrat ödemesi için ev sahibime mesaj yazmama yardım eder misin? Bilgiler: kira 18.500 TL, ödeme her ayın 5'i, hesap [[IBAN|@@iban:tr1:TR:spaced@@]] (alıcı: Nurhan Aksoy). Mesajda bu ayki ödemenin 2 gün gecikeceğini de belirt.
### h10-057
תוכל לנסח מחדש את ההודעה הזאת לקבוצת ההורים בצורה יותר ברורה?

"שלום לכולם, ביום רביעי הקרוב אין הסעה בבוקר בגלל העבודות בכביש. ההסעה בצהריים יוצאת כרגיל ב־13:30 מהשער הצפוני. מי שצריך עזרה בהסעה בבוקר — תכתבו כאן ונתאם בינינו. תודה!"
### h10-058
कृपया इस संदेश को औपचारिक हिंदी में लिख दीजिए, बैंक को भेजना है:

"मेरा नाम सुरेश पाठक है, जन्म तिथि [[DATE_OF_BIRTH|12/08/1978]]. मेरा पुराना मोबाइल नंबर बंद हो गया है, अब खाते से नया नंबर [[PHONE|@@phone:in1:IN:m:nat@@]] जोड़ दीजिए। खाते की केवाईसी पिछले साल ही हुई थी।"
### h10-059
Перекладіть, будь ласка, англійською цей анонс для сайту філармонії:

"У суботу, 14 грудня, о 19:00 у Великому залі відбудеться концерт камерного оркестру. У програмі — Вівальді «Пори року» та Скорик «Мелодія». Тривалість близько 1 години 40 хвилин з антрактом. Квитки від 250 до 600 грн, для студентів знижка 30%."
### h10-060
ساعدني في صياغة رسالة رسمية إلى قسم الموارد البشرية لتحديث بيانات تحويل الراتب. الحساب الجديد: [[IBAN|@@iban:sa1:SA@@]]، ورقم الجوال للتواصل [[PHONE|@@phone:sa1:SA:m:intl@@]]. أرجو أن تكون الرسالة مختصرة ومهذبة.
### h10-061
Are these checkpoint numbers normal for a 64 GB instance?

2025-03-04 02:15:41.118 UTC [61] LOG:  checkpoint starting: time
2025-03-04 02:20:11.902 UTC [61] LOG:  checkpoint complete: wrote 184213 buffers (8.8%); 0 WAL file(s) added, 12 removed, 41 recycled; write=269.702 s, sync=0.412 s, total=270.784 s; sync files=1893, longest=0.089 s, average=0.001 s; distance=1712384 kB, estimate=1840122 kB; lsn=4A7/2C1E9B38, redo lsn=4A6/F7D03120
2025-03-04 02:21:03.551 UTC [18842] LOG:  automatic vacuum of table "prod.public.events": index scans: 1
### h10-062
This Jira automation script gets 401 after Atlassian's API token change. What should the auth look like?

import requests
JIRA = "https://quillmoor.atlassian.net"
AUTH = ("[[EMAIL|release-bot@quillmoor.io]]", "[[SECRET|@@atlassian:at1@@]]")
r = requests.post(f"{JIRA}/rest/api/3/issue/QM-4410/transitions",
                  json={"transition": {"id": "31"}}, auth=AUTH, timeout=20)
print(r.status_code, r.text[:200])
### h10-063
Explain what each directive in this nginx server block does:

server {
    listen 443 ssl http2;
    server_name docs.pallisade.dev;
    ssl_certificate     /etc/letsencrypt/live/docs.pallisade.dev/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/docs.pallisade.dev/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
        proxy_pass http://docs_upstream;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_read_timeout 75s;
    }
}
### h10-064
Vercel deploy job in our GitHub workflow suddenly says "The specified token is not valid". Step:

      - name: Deploy preview
        run: npx vercel deploy --prebuilt --token=[[SECRET|@@vercel:vc1@@]] --scope kestrel-studio
        env:
          VERCEL_ORG_ID: team_Q7pL2xR9vK4mN1sT8wY3zB6c
          VERCEL_PROJECT_ID: prj_4hJ9kLm2Np7Qr5St1Uv8Wx3Yz0Ab
### h10-065
Validate this JSON Schema — should "additionalProperties" be false here?

{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.pallisade.dev/order.json",
  "type": "object",
  "required": ["order_id", "lines", "currency"],
  "properties": {
    "order_id": { "type": "string", "pattern": "^ORD-[0-9]{8}$" },
    "currency": { "enum": ["EUR", "GBP", "USD"] },
    "lines": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/line" } }
  }
}
### h10-066
Node script syncing Notion to Airtable fails with "API token is invalid" on the Airtable side only:

const notion = new Client({ auth: "[[SECRET|@@ntn:nt1@@]]" });
const base = new Airtable({ apiKey: "[[SECRET|@@airtable:ap1@@]]" }).base("appR3kW9tYq2LmZ7x");
const pages = await notion.databases.query({ database_id: "8c1f4e2a9b7d4c3e8f0a1b2c3d4e5f60" });
### h10-067
Draft an IPv6 addressing plan from these allocations, one /56 per site:

Allocation from RIR:   2a0e:97c0:3e0::/44
Site A (Lisbon):       2a0e:97c0:3e0::/56
Site B (Porto):        2a0e:97c0:3e0:100::/56
Site C (Braga):        2a0e:97c0:3e0:200::/56
Reserved for growth:   2a0e:97c0:3e0:f00::/56 … 2a0e:97c0:3ef:ff00::/56
Per-VLAN size:         /64 (SLAAC)
### h10-068
カードの不正利用について、カード会社に送る問い合わせ文を作ってください。

・カード番号：[[CREDIT_CARD|@@card:jcb1:jcb:spaced@@]]
・身に覚えのない利用：3月2日 海外サイトで 48,200円
・連絡先：[[PHONE|@@phone:jp1:JP:m:nat@@]]（平日18時以降）
丁寧な文面でお願いします。
### h10-069
Is this multi-stage Dockerfile OK for production?

FROM golang:1.23-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -ldflags="-s -w -X main.version=${VERSION}" -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/api"]
### h10-070
After `vault login` the CLI printed this and now my script can't read secret/data/ci. Why?

$ vault login -method=userpass username=deploy-ci
Password (will be hidden):
Success! You are now authenticated.

Key                    Value
---                    -----
token                  [[SECRET|@@hvs:hv1@@]]
token_accessor         @@alnum:acc1:24@@
token_duration         768h
token_renewable        true
token_policies         ["default" "ci-readonly"]
### h10-071
幫我把這段捷運轉乘說明改寫得更口語一點：

從松山機場站搭文湖線往動物園方向，在忠孝復興站轉板南線往頂埔方向，坐四站到台北車站。全程約二十五分鐘，票價新台幣二十五元。尖峰時段建議避開第一節車廂，比較不擠。
### h10-072
Hi, could you help me word an email to payroll? My bank changed its IBAN after the merger. New details: [[IBAN|@@iban:ie1:IE:spaced@@]], BIC AIBKIE2D. If they need to confirm, my mobile is [[PHONE|@@phone:ie2:IE:m:nat@@]]. Keep it short, it's for the Cork office.
### h10-073
What does this borrow checker error mean and how do I fix it?

error[E0502]: cannot borrow `self.buffer` as mutable because it is also borrowed as immutable
  --> src/parser.rs:142:9
   |
139 |         let head = &self.buffer[..self.pos];
   |                     ----------- immutable borrow occurs here
...
142 |         self.buffer.clear();
   |         ^^^^^^^^^^^^^^^^^^^ mutable borrow occurs here
143 |         Ok(head.len())
   |            ---- immutable borrow later used here

For more information about this error, try `rustc --explain E0502`.
### h10-074
Our cloud-init for new build agents doesn't join the tailnet. user-data:

#cloud-config
package_update: true
runcmd:
  - curl -fsSL https://tailscale.com/install.sh | sh
  - tailscale up --authkey=[[SECRET|@@tskey:ts1@@]] --advertise-tags=tag:ci --hostname=ci-agent-$(hostname -s)
  - systemctl enable --now buildkite-agent
### h10-075
¿Me explicas esta cláusula del contrato de alquiler con palabras sencillas?

"Cláusula novena. La parte arrendataria podrá desistir del contrato una vez transcurridos al menos seis meses, siempre que lo comunique a la parte arrendadora con una antelación mínima de treinta días. Las partes podrán pactar en el contrato que, para el caso de desistimiento, deba la parte arrendataria indemnizar a la arrendadora con una cantidad equivalente a una mensualidad de la renta en vigor por cada año del contrato que reste por cumplir."
### h10-076
Grafana API call returns {"message":"invalid API key"} from the backup job:

curl -s -H "Authorization: Bearer [[SECRET|@@glsa:gf1@@]]" \
  "http://[[IP_ADDRESS|10.60.1.9]]:3000/api/search?type=dash-db&limit=5000" > dashboards.json
### h10-077
Is this the right way to store the token in the Keychain? I don't want it in UserDefaults.

func save(token: String, account: String) throws {
    let query: [String: Any] = [
        kSecClass as String: kSecClassGenericPassword,
        kSecAttrService as String: "app.tidewater.session",
        kSecAttrAccount as String: account,
        kSecValueData as String: Data(token.utf8),
        kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
    ]
    SecItemDelete(query as CFDictionary)
    let status = SecItemAdd(query as CFDictionary, nil)
    guard status == errSecSuccess else { throw KeychainError.unhandled(status) }
}
### h10-078
Our Go ingest service logs "401 from New Relic" and the PlanetScale DSN stopped working after the password rotation:

const nrKey = "[[SECRET|@@nrak:nr1@@]]"

func dsn() string {
	return fmt.Sprintf("%s:%s@tcp(%s)/%s?tls=true&parseTime=true",
		"ingest_w", "[[SECRET|@@pscale:ps1@@]]", "aws.connect.psdb.cloud", "telemetry")
}
### h10-079
Summarise today's moves in this watchlist:

Ticker   Last      Chg      Chg%     Volume        52w range
ASML     684.20    -12.40   -1.78%   1 204 331     605.40 – 1 021.80
SAP      251.35    +3.15    +1.27%   2 018 447     160.10 – 283.50
NOVO B   712.90    -5.60    -0.78%   3 441 902     601.00 – 1 041.00
EQNR     244.10    +1.85    +0.76%   5 227 118     231.60 – 308.90
Index close 2025-03-04: 5 312.47 (+0.21%).
### h10-080
Kan du hjelpe meg å skrive en påminnelse til leietakeren? Husleien for mars (14 200 kr) er ikke betalt. Den skal betales til kontonummer [[IBAN|@@iban:no1:NO@@]] innen fredag. Han kan ringe meg på [[PHONE|@@phone:no1:NO:m:nat@@]] hvis noe er uklart.
### h10-081
Peux-tu reformuler ces consignes de sortie d'hôpital pour qu'elles soient plus faciles à lire ?

« Après l'intervention, reprenez une alimentation légère le soir même. Ne conduisez pas pendant 24 heures. Le pansement doit rester sec pendant 48 heures ; la douche est autorisée ensuite. En cas de fièvre supérieure à 38,5 °C, de saignement persistant ou de douleur non soulagée par le paracétamol, contactez le service ou appelez le 15. »
### h10-082
I can reach the box over IPv6 but scp asks for a key I don't have. Figma export script runs there too:

$ ssh -6 deploy@[[IP_ADDRESS|2a01:4f8:c17:6b2e::1]]
deploy@[[IP_ADDRESS|2a01:4f8:c17:6b2e::1]]: Permission denied (publickey).
$ cat ~/exporter/.env
FIGMA_TOKEN=[[SECRET|@@figd:fg1@@]]
FIGMA_FILE_KEY=Qm3kR8zT1wYp5LxN0vB7cH
### h10-083
Which process is listening on 8443? Output of ss -tlnp:

State   Recv-Q  Send-Q   Local Address:Port    Peer Address:Port  Process
LISTEN  0       4096     127.0.0.53%lo:53           0.0.0.0:*      users:(("systemd-resolve",pid=612,fd=14))
LISTEN  0       511            0.0.0.0:80           0.0.0.0:*      users:(("nginx",pid=1188,fd=6))
LISTEN  0       128            0.0.0.0:22           0.0.0.0:*      users:(("sshd",pid=901,fd=3))
LISTEN  0       4096         127.0.0.1:8443         0.0.0.0:*      users:(("envoy",pid=20417,fd=41))
LISTEN  0       511               [::]:80              [::]:*      users:(("nginx",pid=1188,fd=7))
### h10-084
make deploy fails in CI with "Doppler Error: Invalid Auth token". Makefile excerpt:

DOPPLER_TOKEN ?= [[SECRET|@@doppler:dp1@@]]
deploy:
	DOPPLER_TOKEN=$(DOPPLER_TOKEN) doppler run --project web --config prd -- ./scripts/release.sh
### h10-085
Můžeš mi pomoct napsat stížnost na zpoždění vlaku? Jela jsem ve čtvrtek z Brna do Prahy, vlak měl 95 minut zpoždění a nestihla jsem navazující spoj do Liberce. Chci požádat o odškodnění podle nařízení o právech cestujících. Jízdenka stála 389 Kč.
### h10-086
Script to pull our Anthropic usage report errors with 403. It's an admin key, should work?

const ADMIN_KEY = "[[SECRET|@@antadmin:aa1@@]]";
const res = await fetch("https://api.anthropic.com/v1/organizations/usage_report/messages?starting_at=2025-02-01T00:00:00Z&bucket_width=1d", {
  headers: { "x-api-key": ADMIN_KEY, "anthropic-version": "2023-06-01" },
});
### h10-087
Does this migration lock the table for long on Postgres 16?

BEGIN;
ALTER TABLE invoices ADD COLUMN settled_at timestamptz;
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_settled_at_idx ON invoices (settled_at);
UPDATE invoices SET settled_at = paid_at WHERE status = 'paid' AND settled_at IS NULL;
COMMIT;
-- table has ~48 000 000 rows, 212 GB incl. indexes
### h10-088
Γράψε μου σε πιο επίσημο ύφος αυτό το email προς την ασφαλιστική:

"Καλημέρα, στέλνω τα στοιχεία της μητέρας μου για την ανανέωση του συμβολαίου υγείας: ημερομηνία γέννησης [[DATE_OF_BIRTH|22/05/1956]], κινητό [[PHONE|@@phone:gr1:GR:m:intl@@]]. Παρακαλώ ενημερώστε με για το νέο ασφάλιστρο."
### h10-089
Explain what this Makefile does, target by target:

.PHONY: build test lint release
VERSION ?= $(shell git describe --tags --always --dirty)
build:
	go build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/ ./...
test:
	go test -race -count=1 ./...
lint:
	golangci-lint run --timeout 5m
release: build
	goreleaser release --clean
### h10-090
SMS notifications from the booking system stopped. .env on the server:

TWILIO_ACCOUNT_SID=AC@@hex:tacc1:32@@
TWILIO_API_KEY_SID=@@twiliosk:tsk1@@
TWILIO_API_KEY_SECRET=[[SECRET|@@alnum:tsec1:32@@]]
TWILIO_FROM=[[PHONE|@@phone:us1:US:f:e164@@]]
SMS_QUIET_HOURS=22-07
### h10-091
Tafadhali nisaidie kufupisha maelezo haya kwa ajili ya kikundi cha wakulima:

"Mbolea ya samadi iwekwe wiki mbili kabla ya kupanda. Mahindi yapandwe kwa nafasi ya sentimita 75 kati ya mistari na sentimita 30 kati ya mashimo. Palizi ya kwanza ifanyike baada ya wiki tatu, na ya pili baada ya wiki sita. Mvua zikichelewa, tumieni mbegu zinazokomaa mapema."
### h10-092
ساعدني في كتابة بريد إلكتروني إلى الشركة المؤجرة للسيارة: أرجو رد مبلغ التأمين 1,500 درهم إلى حسابي [[IBAN|@@iban:ae1:AE@@]] لدى بنك الإمارات دبي الوطني، ويمكن التواصل معي على [[EMAIL|h.alnuaimi.89@gmail.com]].
### h10-093
Turn this into a nicer markdown table with descriptions:

| code | name |
|------|------|
| 200 | OK |
| 201 | Created |
| 204 | No Content |
| 301 | Moved Permanently |
| 304 | Not Modified |
| 409 | Conflict |
| 422 | Unprocessable Content |
| 429 | Too Many Requests |
| 503 | Service Unavailable |
### h10-094
Mình muốn nhờ bạn viết lại tin nhắn này cho lịch sự hơn gửi bác chủ nhà: "Bác ơi mật khẩu wifi mới là [[SECRET|hoaSen@2468]] nhé, tuần sau thợ đến sửa bình nóng lạnh thì bác gọi số [[PHONE|@@phone:vn1:VN:m:nat@@]] giúp cháu."
### h10-095
Why can't pods in `web` reach the database? NetworkPolicy:

apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-ingress
  namespace: data
spec:
  podSelector:
    matchLabels: { app: postgres }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { team: web } }
        - ipBlock: { cidr: 10.244.0.0/16, except: [10.244.7.0/24] }
      ports:
        - { protocol: TCP, port: 5432 }
### h10-096
Hej! Kan du hjälpa mig att skriva ett svar till föreningen? De vill att jag betalar medlemsavgiften (450 kr) till deras konto [[IBAN|@@iban:se1:SE:spaced@@]] och skickar kvittot till [[EMAIL|kassor@brf-solrosen.se]]. Jag vill fråga om jag kan betala med Swish istället.
### h10-097
Tolong ubah resep ini jadi untuk 10 orang ya:

Soto ayam (4 porsi)
- 1 ekor ayam kampung, potong 8
- 2 liter air
- 3 batang serai, memarkan
- 5 lembar daun jeruk
- bumbu halus: 8 bawang merah, 5 bawang putih, 3 kemiri, 2 cm kunyit, 1 cm jahe
- garam dan gula secukupnya
Rebus ayam 45 menit, tumis bumbu halus sampai harum, masukkan ke kuah.
### h10-098
Bonjour, pouvez-vous m'aider à rédiger un mail à ma banque ? Je voudrais qu'ils annulent le virement permanent vers [[IBAN|@@iban:be1:BE:spaced@@]] à partir d'avril. Mon numéro de téléphone : [[PHONE|@@phone:be1:BE:m:nat@@]]. Merci !
### h10-099
What does this certificate say? Output of openssl x509 -noout -text (shortened):

Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            04:b2:7e:19:8c:3a:f0:51:d6:2e:9a:77:40:1c:5b:e8:93:6f
        Signature Algorithm: sha256WithRSAEncryption
        Issuer: C = US, O = Let's Encrypt, CN = R11
        Validity
            Not Before: Jan 12 08:14:02 2025 GMT
            Not After : Apr 12 08:14:01 2025 GMT
        Subject: CN = docs.pallisade.dev
        Subject Public Key Info:
            Public Key Algorithm: id-ecPublicKey
                Public-Key: (256 bit)
                pub:
                    04:5f:c1:2a:9e:37:d4:80:6b:f2:13:c8:4a:e7:91:
                    0d:66:b5:2f:a8:3c:71:e9:04:d2:5b:18:ca:7f:30:
                    e6:49
                ASN1 OID: prime256v1
        X509v3 extensions:
            X509v3 Subject Alternative Name:
                DNS:docs.pallisade.dev, DNS:www.docs.pallisade.dev
### h10-100
Dear Sirs, I am writing to confirm the change of my salary account. Please could you help me make this letter sound more professional? "New account: [[IBAN|@@iban:gb1:GB@@]] (sort code and account number as per the IBAN). Call me on [[PHONE|@@phone:gb1:GB:m:nat@@]] if HR needs anything else. Thanks, Priya"
### h10-101
Explain these npm audit results, which ones actually matter for a CLI tool?

# npm audit report

cross-spawn  7.0.0 - 7.0.4
Severity: high
Regular Expression Denial of Service (ReDoS) in cross-spawn - https://github.com/advisories/GHSA-3xgq-45jj-v275
fix available via `npm audit fix`
node_modules/cross-spawn

micromatch  <4.0.8
Severity: moderate
Regular Expression Denial of Service (ReDoS) in micromatch - https://github.com/advisories/GHSA-952p-6rrq-rcjv
fix available via `npm audit fix`

2 vulnerabilities (1 moderate, 1 high)
### h10-102
Pakisalin sa English ito para sa landlord ko: "Magandang araw po, lilipat na po ako sa katapusan ng buwan. Pakibalik na lang po ang deposito. Kung may tanong po kayo, tawagan niyo ako sa [[PHONE|@@phone:ph1:PH:m:nat@@]] o i-email sa [[EMAIL|jolina.baccay@yahoo.com]]. Salamat po!"
### h10-103
Pode me explicar com calma o que são passkeys e se elas substituem totalmente a senha? Meu banco começou a oferecer e fiquei na dúvida se é seguro. Também queria saber o que acontece se eu perder o celular: eu perco o acesso à conta? E o gerenciador de senhas que eu uso hoje continua servindo para alguma coisa?
### h10-104
Can you check this Terraform for the monitoring box? The TLS key is inline for now, I'll move it to Vault later.

resource "tls_locally_signed_cert" "grafana" { ... }

locals {
  grafana_tls_key = <<-EOT
[[SECRET|@@pem:ec1:ec@@]]
  EOT
}
### h10-105
ممكن تكتبلي رسالة قصيرة لجيراني إن المية هتتقطع بكرة من الساعة ٩ الصبح لحد ٢ الضهر عشان صيانة المواسير، ويملوا جراكن قبلها؟ ومن فضلك خليها مؤدبة ولطيفة.
### h10-106
Bhai ye message thoda formal bana do, client ko bhejna hai: "Sir, payment ka update chahiye tha. Mera number [[PHONE|@@phone:pk1:PK:m:nat@@]] hai, WhatsApp bhi isi pe hai. Invoice 2025-031 ki copy mail kar di hai [[EMAIL|zeeshan.qureshi@hexaloom.pk]] se."
### h10-107
Is this a valid JWT? A colleague pasted only this in our wiki page about our token format and said the rest is "the usual":

header:  eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9   (decodes to {"alg":"ES256","typ":"JWT"})
payload: {"sub": "<user id>", "aud": "orders-api", "exp": <unix time>}
signature: base64url(ECDSA-P256(header + "." + payload))
We never accept "alg": "none" and we reject tokens older than 15 minutes.
### h10-108
ช่วยเขียนอีเมลแจ้งเปลี่ยนเบอร์ติดต่อถึงฝ่ายบุคคลให้หน่อยครับ เบอร์ใหม่คือ [[PHONE|@@phone:th1:TH:m:nat@@]] และอีเมลส่วนตัวสำหรับส่งสลิปเงินเดือนคือ [[EMAIL|anan.srisuk@protonmail.com]] ขอบคุณครับ
### h10-109
In Excel, how do I make this formula ignore blanks? =AVERAGEIFS(D2:D480, B2:B480, ">=2025-01-01", B2:B480, "<=2025-03-31", C2:C480, "EMEA") returns #DIV/0! for March. Column D has values like 1 204.50 and 88 310.00.
### h10-110
Patient intake — please put this in our EHR template format:

Name: Dolores Whitcombe
DOB: [[DATE_OF_BIRTH|1962-11-30]]
SSN: [[US_SSN|@@ssn:us2@@]]
Phone: [[PHONE|@@phone:us2:US:m:nat@@]]
Reason for visit: follow-up after knee arthroscopy (6 weeks), mild swelling, no fever.
Insurance: member ID on file, copay $40.
### h10-111
Voitko kirjoittaa nämä saunaohjeet selkeämmiksi mökin vieraille?

Lämmitä kiuasta noin tunti ennen saunomista. Älä heitä löylyä heti ensimmäisten minuuttien aikana. Pidä lattialuukku auki, jotta ilma kiertää. Sammuta kiuas ja sulje pelti vasta, kun hiillos on kokonaan sammunut. Juo vettä saunomisen välissä.
### h10-112
redis-cli works from my laptop but not from the app server. Command I ran:

$ redis-cli -h [[IP_ADDRESS|10.42.9.3]] -p 6379 -a '[[SECRET|Sl0th-Marsh-2207]]' --no-auth-warning PING
(error) WRONGPASS invalid username-password pair or user is disabled
### h10-113
Explain this Gemfile.lock section — why two versions of nokogiri?

GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.16.7-arm64-darwin)
      racc (~> 1.4)
    nokogiri (1.16.7-x86_64-linux)
      racc (~> 1.4)
    racc (1.8.1)
PLATFORMS
  arm64-darwin-23
  x86_64-linux
BUNDLED WITH
   2.5.16
### h10-114
Our Python ETL on the Linux box can't reach Azure SQL via ODBC. Connection string:

conn = pyodbc.connect(
    "Driver={ODBC Driver 18 for SQL Server};Server=tcp:[[IP_ADDRESS|172.31.40.7]],1433;"
    "Database=warehouse;Uid=etl_loader;Pwd=[[SECRET|7hR!kQ2w-Bn5]];Encrypt=yes;TrustServerCertificate=no;"
)
### h10-115
Kannst du diesen Absatz aus unserer Datenschutzerklärung verständlicher formulieren?

„Wir verarbeiten personenbezogene Daten unserer Nutzerinnen und Nutzer grundsätzlich nur, soweit dies zur Bereitstellung einer funktionsfähigen Website sowie unserer Inhalte und Leistungen erforderlich ist. Rechtsgrundlage ist Art. 6 Abs. 1 lit. f DSGVO. Die Daten werden gelöscht, sobald sie für die Erreichung des Zweckes ihrer Erhebung nicht mehr erforderlich sind, spätestens jedoch nach 14 Tagen.“
### h10-116
Slack thread I need summarised for the incident doc:

[09:12] ops-bot: ALERT api-edge-3 unreachable (last seen from [[IP_ADDRESS|2600:1f18:4c1:7e00:b3a2:19f4:8d0e:55c1]])
[09:14] dana: ssh times out, console shows kernel panic after the 6.8.0-52 upgrade
[09:20] dana: rolled back to 6.8.0-49, box is back
[09:23] wei: I pushed the hotfix with my token since the bot was down: [[SECRET|@@ghpat:gp1@@]] — will revoke after
[09:40] dana: revoked? please confirm
### h10-117
Guest checked out early and wants the deposit refunded to a different card. Can you write the reply?

Booking 88-40417, room 512, 3 nights (1 night refunded = €164.00).
Original card: Visa ending 9921 (do not use).
New card given on the phone: [[CREDIT_CARD|@@card:mc1:mc:spaced@@]], exp 08/27.
Guest e-mail: [[EMAIL|m.delacroix-hart@outlook.fr]]
### h10-118
Postman collection export — why does the pre-request script overwrite my token?

{
  "auth": { "type": "bearer", "bearer": [ { "key": "token", "value": "[[JWT|@@jwt:jw2:HS256@@]]", "type": "string" } ] },
  "event": [ { "listen": "prerequest", "script": { "exec": [ "pm.environment.set('token', pm.environment.get('fresh_token'));" ] } } ],
  "variable": [ { "key": "baseUrl", "value": "https://api.stagingline.io/v2" } ]
}
### h10-119
Necesito rellenar la solicitud de pasaporte de mi hija en línea y no sé en qué formato poner la fecha. Nació el [[DATE_OF_BIRTH|17 de febrero de 2016]] en Zaragoza. ¿Se pone día/mes/año o al revés? El formulario dice "AAAA-MM-DD".
### h10-120
Our GitHub Actions self-hosted runner script, can you make it idempotent?

#!/bin/bash
RUNNER_VERSION=2.321.0
export GH_PAT="[[SECRET|@@ghp:gh1@@]]"
export NPM_TOKEN="[[SECRET|@@npm:np1@@]]"
curl -fsSL -o runner.tar.gz "https://github.com/actions/runner/releases/download/v${RUNNER_VERSION}/actions-runner-linux-x64-${RUNNER_VERSION}.tar.gz"
tar xzf runner.tar.gz
REG_TOKEN=$(curl -s -X POST -H "Authorization: token ${GH_PAT}" https://api.github.com/orgs/fernhollow/actions/runners/registration-token | jq -r .token)
./config.sh --url https://github.com/fernhollow --token "$REG_TOKEN" --unattended --labels linux,x64
### h10-121
Tax prep notes for my accountant, please tidy them up into a list:
- my SSN [[US_SSN|@@ssn:us3@@]], wife's SSN [[US_SSN|@@ssn:us4@@]]
- 1099-NEC from two clients (total $18,400), 1098 mortgage interest $9,212
- HSA contributions $4,150, daycare $6,000 (provider EIN on receipt)
- Refund to the joint checking as last year.
### h10-122
Why does paramiko say "not a valid RSA private key file"? The key is in our deploy config (YAML):

deploy:
  host: [[IP_ADDRESS|10.14.2.30]]
  user: release
  key: |
    [[SECRET|@@pem:rsa1:pk8@@]]
  path: /srv/app/releases
### h10-123
Our Slack bot posts fine but `reactions.add` gives `missing_scope`. Config:

SLACK_BOT_TOKEN=[[SECRET|@@xoxb:sl1@@]]
SLACK_SIGNING_SECRET=[[SECRET|@@hex:sls1:32@@]]
SLACK_APP_ID=A07QK3M9ZL2
ALLOWED_CHANNELS=C05R2TQ8XKA,C06D1LW4PZN
### h10-124
boto3 says InvalidClientTokenId when the Lambda runs locally with SAM. ~/.aws/credentials:

[sandbox]
aws_access_key_id = [[SECRET|@@akia:aw1@@]]
aws_secret_access_key = [[SECRET|@@awssecret:aw1@@]]
region = eu-north-1
### h10-125
Kunde du hjälpa mig att fylla i anmälan till simskolan? Barnets födelsedatum är [[DATE_OF_BIRTH|2018-04-09]], och målsman nås på [[PHONE|@@phone:se1:SE:m:intl@@]] eller [[EMAIL|linnea.forsberg@telia.se]]. Gruppen "Pingvin" på lördagar kl. 10.
### h10-126
Why does my SendGrid call fail with 403 from the staging box but not from my laptop?

$ curl -sS https://api.sendgrid.com/v3/mail/send \
  -H "Authorization: Bearer [[SECRET|@@sg:sg1@@]]" \
  -H "Content-Type: application/json" \
  -d @mail.json
{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}
staging box public address: [[IP_ADDRESS|3.121.47.208]] (Elastic IP), my laptop goes out via the office VPN.
