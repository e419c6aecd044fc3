### h21-051
After `helm upgrade` Grafana can't send alert mails and the admin login changed. `helm get values` output (we pass values with --set in CI, so they're all in the release):

$ helm -n monitoring get values grafana
USER-SUPPLIED VALUES:
adminUser: admin
adminPassword: [[SECRET|Quokka-Rottnest-5512]]
grafana.ini:
  server:
    root_url: https://grafana.saltbush.net.au
  smtp:
    enabled: true
    host: smtp.office365.com:587
    user: [[EMAIL|alerts@saltbush.net.au]]
    password: [[SECRET|Mq8#vDz2Lp!xN4]]
    from_address: [[EMAIL|alerts@saltbush.net.au]]
    startTLS_policy: MandatoryStartTLS
datasources:
  datasources.yaml:
    datasources:
    - name: Prometheus
      type: prometheus
      url: http://prometheus-server.monitoring.svc:9090
    - name: Loki
      type: loki
      url: http://loki-gateway.monitoring.svc
persistence:
  enabled: true
  size: 10Gi

$ kubectl -n monitoring logs deploy/grafana | grep -i smtp | tail -2
logger=ngalert.notifier.email t=2025-03-11T06:40:17.118204Z level=error msg="failed to send notification" error="failed to send email: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."
logger=cleanup t=2025-03-11T06:41:02.004417Z level=info msg="Completed cleanup jobs" duration=18.227ms

### h21-052
`helm upgrade --install` fails with "another operation (install/upgrade/rollback) is in progress". History and status:

$ helm -n payments history ledger-api
REVISION	UPDATED                 	STATUS         	CHART            	APP VERSION	DESCRIPTION
41      	Mon Mar 10 17:02:11 2025	superseded     	ledger-api-3.18.0	4.11.2     	Upgrade complete
42      	Mon Mar 10 18:40:55 2025	deployed       	ledger-api-3.18.1	4.11.3     	Upgrade complete
43      	Tue Mar 11 08:14:02 2025	pending-upgrade	ledger-api-3.19.0	4.12.0     	Preparing upgrade

$ helm -n payments get values ledger-api --revision 43
USER-SUPPLIED VALUES:
image:
  repository: registry.gitlab.com/northquay/ledger-api
  digest: sha256:@@hex:d052:64@@
existingSecret: ledger-api-env
database:
  host: ledger-db-rw.payments.svc
  passwordSecretKey: DB_PASSWORD
resources:
  limits: {cpu: "1", memory: 768Mi}

$ kubectl -n payments get secret -l owner=helm,name=ledger-api
NAME                                 TYPE                 DATA   AGE
sh.helm.release.v1.ledger-api.v41    helm.sh/release.v1   1      15h
sh.helm.release.v1.ledger-api.v42    helm.sh/release.v1   1      13h
sh.helm.release.v1.ledger-api.v43    helm.sh/release.v1   1      1h

NOTES (rev 42):
  Get the admin token with:
  kubectl -n payments get secret ledger-api-env -o jsonpath="{.data.ADMIN_TOKEN}" | base64 -d

The CI job for rev 43 was killed by the runner timeout (job @@digits:job052:9@@).

### h21-053
Login works in Chrome but not Safari. I exported a HAR from Chrome for comparison, here's the relevant entry. Is the SameSite stuff the issue?

{
  "startedDateTime": "2025-03-11T10:21:44.118Z",
  "time": 241.77,
  "request": {
    "method": "GET",
    "url": "https://app.wavecrest-surf.pt/api/me",
    "httpVersion": "h3",
    "headers": [
      {"name": "authorization", "value": "Bearer [[JWT|@@jwt:j053:ES256@@]]"},
      {"name": "cookie", "value": "wc_session=[[SECRET|@@urlsafe:sess053:48@@]]; _ga=GA1.1.1940217733.1741602004; _ga_8KX2W1Q0ZP=GS1.1.1741688512.4.1.1741688520.0.0.0"},
      {"name": "user-agent", "value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"}
    ],
    "queryString": []
  },
  "response": {
    "status": 200,
    "headers": [
      {"name": "set-cookie", "value": "wc_session=[[SECRET|@@urlsafe:sess053:48@@]]; Path=/; Domain=wavecrest-surf.pt; Secure; HttpOnly; SameSite=None; Partitioned"},
      {"name": "content-type", "value": "application/json"}
    ],
    "content": {"size": 214, "mimeType": "application/json", "text": "{\"id\":4417,\"email\":\"[[EMAIL|tiago.m.ferreira@sapo.pt]]\",\"phone\":\"[[PHONE|@@phone:PT:m:e164@@]]\",\"plan\":\"pro\"}"}
  },
  "serverIPAddress": "[[IP_ADDRESS|2606:4700:3031::ac43:b4d2]]",
  "connection": "443",
  "timings": {"blocked": 1.2, "dns": -1, "connect": -1, "ssl": -1, "send": 0.3, "wait": 236.1, "receive": 4.17}
}

The login itself is a POST to auth.wavecrest-surf.pt that sets the cookie with Domain=wavecrest-surf.pt.

### h21-054
Our SPA works on localhost but CORS fails in staging. Console output + HAR snippet (sensitive headers removed by Chrome's "Export HAR (sanitized)"):

Access to fetch at 'https://api-staging.wavecrest-surf.pt/v2/bookings?from=2025-03-01&to=2025-03-31' from origin 'https://staging.wavecrest-surf.pt' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
index-@@hex:bundle054:8@@.js:1  GET https://api-staging.wavecrest-surf.pt/v2/bookings?from=2025-03-01&to=2025-03-31 net::ERR_FAILED

{
  "request": {
    "method": "OPTIONS",
    "url": "https://api-staging.wavecrest-surf.pt/v2/bookings?from=2025-03-01&to=2025-03-31",
    "headers": [
      {"name": "access-control-request-method", "value": "GET"},
      {"name": "access-control-request-headers", "value": "authorization,x-request-id"},
      {"name": "origin", "value": "https://staging.wavecrest-surf.pt"}
    ]
  },
  "response": {
    "status": 401,
    "headers": [
      {"name": "www-authenticate", "value": "Bearer realm=\"api\", error=\"invalid_token\""},
      {"name": "x-request-id", "value": "@@uuid:x054@@"},
      {"name": "content-length", "value": "0"}
    ]
  },
  "serverIPAddress": "::1",
  "_resourceType": "preflight",
  "time": 12.44
}

Locally the dev server on http://localhost:5173 proxies /v2 to http://127.0.0.1:8081, so there is no preflight. The staging auth middleware runs before the CORS middleware.

### h21-055
iOS app crashes on launch for one tester. Crash report excerpt + our in-app breadcrumb log that ships with it. What's the crash?

Incident Identifier: @@uuid:inc055@@
CrashReporter Key:   @@hex:crk055:40@@
Hardware Model:      iPhone15,3
Process:             Trailmate [4417]
Identifier:          com.trailmate.ios
Version:             5.8.0 (5812)
OS Version:          iPhone OS 17.3.1 (21D61)
Exception Type:  EXC_CRASH (SIGABRT)
Termination Reason: DYLD 4 Symbol missing
Triggered by Thread:  0

Thread 0 Crashed:
0   libsystem_kernel.dylib        	0x00000001f1c1e42c __pthread_kill + 8
1   libsystem_pthread.dylib       	0x0000000212f3ac0c pthread_kill + 268
2   dyld                          	0x00000001c8b5e0e4 abort_with_payload + 56

Breadcrumbs (app log):
10:02:11.118 [auth] restored session for user 88213 ([[EMAIL|hannah.oyelaran@gmail.com]])
10:02:11.204 [sync] pending profile patch {"phone":"[[PHONE|@@phone:NG:m:intl@@]]","emergency_contact":"[[PHONE|@@phone:NG:m:intl@@:b]]"}
10:02:11.330 [launch] loading Mapbox.framework 11.2.0

Binary Images:
0x104a10000 - 0x10528ffff Trailmate arm64  <@@hex:uuid055:32@@> /private/var/containers/Bundle/Application/@@uuid:app055@@/Trailmate.app/Trailmate

### h21-056
TestFlight crash, symbolicated. Why would this crash in a Combine sink?

Incident Identifier: @@uuid:inc056@@
CrashReporter Key:   @@hex:crk056:40@@
Hardware Model:      iPhone14,5
Process:             Trailmate [612]
Identifier:          com.trailmate.ios
Version:             5.8.1 (5820)
Code Type:           ARM-64 (Native)
Date/Time:           2025-03-11 08:44:19.1182 +0100
Launch Time:         2025-03-11 08:44:02.3391 +0100
OS Version:          iPhone OS 17.4 (21E219)
Beta Identifier:     @@uuid:beta056@@
Exception Type:  EXC_BREAKPOINT (SIGTRAP)
Exception Codes: 0x0000000000000001, 0x000000010298f1c4
Termination Reason: SIGNAL 5 Trace/BPT trap: 5

Thread 3 name:  Dispatch queue: com.apple.root.user-initiated-qos
Thread 3 Crashed:
0   Trailmate                     	0x000000010298f1c4 closure #1 in RouteStore.observe() + 412 (RouteStore.swift:88)
1   Combine                       	0x00000001a8e1d2a0 Subscribers.Sink.receive(_:) + 96
2   Trailmate                     	0x00000001029901b8 RouteStore.apply(_:) + 188 (RouteStore.swift:121)
3   libdispatch.dylib             	0x00000001a1c3a13c _dispatch_call_block_and_release + 32

Thread 3 crashed with ARM Thread State (64-bit):
    x0: 0x0000000000000000   x1: 0x0000000283a1c0f0   x2: 0x0000000000000010   x3: 0x000000016f0e6a40
    fp: 0x000000016f0e6b10   lr: 0x000000010298f1a8   sp: 0x000000016f0e6ab0   pc: 0x000000010298f1c4

Binary Images:
0x102860000 - 0x1030dffff Trailmate arm64  <@@hex:uuid056:32@@> /private/var/containers/Bundle/Application/@@uuid:app056@@/Trailmate.app/Trailmate

RouteStore.swift:88 is `let route = routes[selectedIndex]!` and the sink is on a background queue.

### h21-057
Android app: the profile update fails with 422 on some devices. logcat with OkHttp's HttpLoggingInterceptor at BODY level (I know, debug build). What's the 422 about?

03-11 09:14:22.118 18422 18511 I okhttp.OkHttpClient: --> PATCH https://api.mkopa-ride.co.ke/v1/riders/me
03-11 09:14:22.118 18422 18511 I okhttp.OkHttpClient: Content-Type: application/json; charset=UTF-8
03-11 09:14:22.118 18422 18511 I okhttp.OkHttpClient: Authorization: Bearer [[JWT|@@jwt:j057:HS256@@]]
03-11 09:14:22.119 18422 18511 I okhttp.OkHttpClient: {"phone":"[[PHONE|@@phone:KE:m:national@@]]","date_of_birth":"[[DATE_OF_BIRTH|14/02/1996]]","next_of_kin_phone":"[[PHONE|@@phone:KE:m:intl@@]]"}
03-11 09:14:22.119 18422 18511 I okhttp.OkHttpClient: --> END PATCH (97-byte body)
03-11 09:14:22.731 18422 18511 I okhttp.OkHttpClient: <-- 422 https://api.mkopa-ride.co.ke/v1/riders/me (612ms)
03-11 09:14:22.731 18422 18511 I okhttp.OkHttpClient: {"errors":{"phone":["must be in E.164 format"],"date_of_birth":["must be ISO 8601 (YYYY-MM-DD)"]}}
03-11 09:14:22.732 18422 18511 I okhttp.OkHttpClient: <-- END HTTP (94-byte body)
03-11 09:14:22.733 18422 18422 W ProfileViewModel: update failed: HTTP 422

The phone field is a TextInputEditText with inputType=phone; the date comes from a DatePicker formatted with the device locale.

### h21-058
Android ANR on the checkout screen. From the Play Console (ANR trace, main thread):

"main" prio=5 tid=1 Blocked
  | group="main" sCount=1 ucsCount=0 flags=1 obj=0x72a4e2b8 self=0xb400007a1c2f1380
  | sysTid=21877 nice=-10 cgrp=top-app sched=0/0 handle=0x7b8e41f4f8
  | state=S schedstat=( 1184220117 204117733 2215 ) utm=98 stm=20 core=6 HZ=100
  | stack=0x7ff1a2c000-0x7ff1a2e000 stackSize=8188KB
  | held mutexes=
  at com.mkopa.ride.data.CartRepository.total(CartRepository.kt:142)
  - waiting to lock <0x0c1e8f2a> (a java.lang.Object) held by thread 23
  at com.mkopa.ride.ui.checkout.CheckoutViewModel.refresh(CheckoutViewModel.kt:88)
  at android.os.Handler.handleCallback(Handler.java:958)
  at android.os.Looper.loop(Looper.java:294)
  at android.app.ActivityThread.main(ActivityThread.java:8177)

"DefaultDispatcher-worker-3" prio=5 tid=23 Sleeping
  | sysTid=21951 nice=0 cgrp=top-app sched=0/0 handle=0x7a3c1e0cb0
  at java.lang.Thread.sleep(Native method)
  at com.mkopa.ride.data.PricingClient.retry(PricingClient.kt:61)
  - locked <0x0c1e8f2a> (a java.lang.Object)

Device: Tecno Spark 10 Pro (KI7), Android 13 (SDK 33), app versionCode 40817, versionName 2.14.0, ANR rate 1.18% (bad behaviour threshold 0.47%).

### h21-059
KYC service logs from staging pointed at the prod vendor by mistake. The verification rejects everyone with "identity mismatch" — is it the date format? (I'll delete this chat after, these are real applicants from the prod queue...)

2025-03-11T13:02:41.004Z INFO  kyc-svc applicant=apl_@@alnum:apl059a:20@@ step=submit vendor=veriscan
2025-03-11T13:02:41.006Z DEBUG kyc-svc request body={"first_name":"Darnell","last_name":"Whitaker","ssn":"[[US_SSN|@@ssn:s059a@@]]","dob":"[[DATE_OF_BIRTH|04/17/1989]]","address":{"zip":"30318"}}
2025-03-11T13:02:41.773Z WARN  kyc-svc applicant=apl_@@alnum:apl059a:20@@ vendor_result=NO_MATCH reason_codes=[DOB_MISMATCH] latency_ms=767
2025-03-11T13:02:44.120Z INFO  kyc-svc applicant=apl_@@alnum:apl059b:20@@ step=submit vendor=veriscan
2025-03-11T13:02:44.121Z DEBUG kyc-svc request body={"first_name":"Rosa","last_name":"Quintanilla","ssn":"[[US_SSN|@@ssn:s059b@@]]","dob":"[[DATE_OF_BIRTH|11/02/1972]]","address":{"zip":"78704"}}
2025-03-11T13:02:44.902Z WARN  kyc-svc applicant=apl_@@alnum:apl059b:20@@ vendor_result=NO_MATCH reason_codes=[DOB_MISMATCH] latency_ms=781
2025-03-11T13:02:45.001Z ERROR kyc-svc circuit=veriscan failure_ratio=1.00 window=60s state=OPEN

Vendor docs say `dob` must be `YYYY-MM-DD`. Our mapper uses `DateTimeFormatter.ofPattern("MM/dd/yyyy")`. Vendor API key is in Vault at kv/kyc/veriscan.

### h21-060
KYC pipeline latency went from 800 ms to 6 s. Logs (our logger masks PII):

2025-03-11T15:20:04.118Z INFO  kyc-svc applicant=apl_@@alnum:apl060a:20@@ step=submit vendor=veriscan ssn=***-**-4417 dob=<redacted> doc_type=drivers_license
2025-03-11T15:20:10.331Z INFO  kyc-svc applicant=apl_@@alnum:apl060a:20@@ vendor_result=MATCH score=0.97 latency_ms=6213 retries=2
2025-03-11T15:20:10.332Z DEBUG kyc-svc http.client pool=veriscan leased=50 available=0 pending=37 max=50
2025-03-11T15:20:11.004Z INFO  kyc-svc applicant=apl_@@alnum:apl060b:20@@ step=submit vendor=veriscan ssn=***-**-0912 dob=<redacted> doc_type=passport
2025-03-11T15:20:17.118Z WARN  kyc-svc applicant=apl_@@alnum:apl060b:20@@ vendor_result=MATCH score=0.91 latency_ms=6114 retries=2 note="read timeout 3000ms on attempt 1"
2025-03-11T15:20:17.120Z INFO  kyc-svc metrics p50=5981ms p95=6402ms p99=9120ms rps=41.8 errors_5xx=0

Apache HttpClient 5.3, PoolingHttpClientConnectionManager maxTotal=50, defaultMaxPerRoute=50, socket timeout 3000 ms, retry 2. Vendor status page: "elevated latency in us-east-2" since 15:05 UTC.
