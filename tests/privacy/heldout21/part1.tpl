### h21-001
our checkout-api pod keeps crashlooping since the 14:00 deploy, describe + logs below. what's wrong?

$ kubectl -n shop describe pod checkout-api-6f9c7d8b5-x2kqp
Name:             checkout-api-6f9c7d8b5-x2kqp
Namespace:        shop
Priority:         0
Service Account:  checkout-api
Node:             ip-10-40-3-118.eu-west-1.compute.internal/[[IP_ADDRESS|10.40.3.118]]
Start Time:       Tue, 11 Mar 2025 14:02:37 +0100
Labels:           app=checkout-api
                  pod-template-hash=6f9c7d8b5
Status:           Running
IP:               [[IP_ADDRESS|10.40.17.92]]
Controlled By:  ReplicaSet/checkout-api-6f9c7d8b5
Containers:
  api:
    Container ID:   containerd://@@hex:c001:64@@
    Image:          @@digits:acct001:12@@.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:2025.03.11-1402
    Image ID:       @@digits:acct001:12@@.dkr.ecr.eu-west-1.amazonaws.com/checkout-api@sha256:@@hex:d001:64@@
    Port:           8080/TCP
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
    Restart Count:  7
    Limits:
      memory:  512Mi
    Environment:
      SPRING_PROFILES_ACTIVE:  prod
      DATABASE_URL:            [[URL_CREDENTIALS|postgresql://checkout_svc:Wq7!rTz3pLm@checkout-db.shop.svc:5432/checkout?sslmode=require]]
      REDIS_HOST:              redis-master.shop.svc
      STRIPE_SECRET_KEY:       <set to the key 'stripe' in secret 'checkout-secrets'>  Optional: false
Events:
  Type     Reason     Age                  From     Message
  ----     ------     ----                 ----     -------
  Warning  BackOff    2m3s (x31 over 9m)   kubelet  Back-off restarting failed container api in pod checkout-api-6f9c7d8b5-x2kqp_shop(@@uuid:u001@@)

$ kubectl -n shop logs checkout-api-6f9c7d8b5-x2kqp --previous | tail -5
2025-03-11T13:11:42.881Z ERROR 1 --- [main] o.s.b.SpringApplication : Application run failed
org.postgresql.util.PSQLException: FATAL: password authentication failed for user "checkout_svc"
	at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
	at org.postgresql.core.v3.ConnectionFactoryImpl.tryConnect(ConnectionFactoryImpl.java:203)
	at com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:562)

### h21-002
Pod gets OOMKilled every ~40 minutes. Is it the JVM flags or the limit? Events and describe excerpt:

$ kubectl -n reporting get events --sort-by=.lastTimestamp | tail -8
LAST SEEN   TYPE      REASON             OBJECT                                  MESSAGE
41m         Normal    Scheduled          pod/report-worker-5b8d9c7f4-7tq2m       Successfully assigned reporting/report-worker-5b8d9c7f4-7tq2m to gke-prod-pool-2-@@hex:n002:8@@-kx9d
41m         Normal    Pulled             pod/report-worker-5b8d9c7f4-7tq2m       Container image "europe-docker.pkg.dev/acme-prod/apps/report-worker@sha256:@@hex:d002:64@@" already present on machine
41m         Normal    Created            pod/report-worker-5b8d9c7f4-7tq2m       Created container worker
41m         Normal    Started            pod/report-worker-5b8d9c7f4-7tq2m       Started container worker
2m          Warning   OOMKilling         node/gke-prod-pool-2-@@hex:n002:8@@-kx9d   Memory cgroup out of memory: Killed process 118734 (java) total-vm:4812236kB, anon-rss:1046528kB, file-rss:21764kB, shmem-rss:0kB, UID:1000 pgtables:2644kB oom_score_adj:985
2m          Normal    Killing            pod/report-worker-5b8d9c7f4-7tq2m       Stopping container worker
2m          Warning   BackOff            pod/report-worker-5b8d9c7f4-7tq2m       Back-off restarting failed container worker

$ kubectl -n reporting describe pod report-worker-5b8d9c7f4-7tq2m | sed -n '/Containers:/,/Conditions:/p'
Containers:
  worker:
    Container ID:   containerd://@@hex:c002:64@@
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Tue, 11 Mar 2025 09:14:02 +0000
      Finished:     Tue, 11 Mar 2025 09:53:47 +0000
    Restart Count:  12
    Limits:
      cpu:     2
      memory:  1Gi
    Requests:
      cpu:     500m
      memory:  1Gi
    Environment:
      JAVA_TOOL_OPTIONS:  -Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200
      DB_PASSWORD:        <set to the key 'password' in secret 'report-db'>  Optional: false
      KUBERNETES_POD_UID:  (v1:metadata.uid)
metadata.resourceVersion: "@@digits:rv002:9@@"

### h21-003
nginx logs from the edge box. someone is hammering /api/v2/export and I think the magic-link token leaks into the logs?? Also why does it 499?

[[IP_ADDRESS|81.17.24.203]] - - [11/Mar/2025:09:41:12 +0100] "GET /api/v2/export?format=csv&since=1741600000 HTTP/1.1" 200 184233 "-" "python-requests/2.31.0" rt=2.114 uct=0.001 urt=2.113 xff="-"
[[IP_ADDRESS|81.17.24.203]] - - [11/Mar/2025:09:41:15 +0100] "GET /api/v2/export?format=csv&since=1741600000 HTTP/1.1" 499 0 "-" "python-requests/2.31.0" rt=30.001 uct=0.000 urt=- xff="-"
[[IP_ADDRESS|10.12.0.7]] - - [11/Mar/2025:09:41:19 +0100] "GET /auth/magic?email=[[EMAIL|lotte.verhaegen@telenet.be]]&token=[[SECRET|@@urlsafe:t003:43@@]] HTTP/1.1" 302 0 "https://mail.google.com/" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1" rt=0.042 uct=0.002 urt=0.041 xff="[[IP_ADDRESS|94.224.81.16]], [[IP_ADDRESS|172.70.42.133]]"
[[IP_ADDRESS|45.146.164.110]] - - [11/Mar/2025:09:41:21 +0100] "GET /.env HTTP/1.1" 404 153 "-" "Mozilla/5.0 zgrab/0.x" rt=0.000 uct=- urt=- xff="-"
[[IP_ADDRESS|45.146.164.110]] - - [11/Mar/2025:09:41:21 +0100] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0 zgrab/0.x" rt=0.000 uct=- urt=- xff="-"

2025/03/11 09:41:45 [error] 2231#2231: *918274 upstream timed out (110: Connection timed out) while reading response header from upstream, client: [[IP_ADDRESS|81.17.24.203]], server: api.kopperwerk.de, request: "GET /api/v2/export?format=csv&since=1741600000 HTTP/1.1", upstream: "http://[[IP_ADDRESS|10.12.4.31]]:8000/api/v2/export?format=csv&since=1741600000", host: "api.kopperwerk.de"

log_format is:
log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct=$upstream_connect_time urt=$upstream_response_time xff="$http_x_forwarded_for"';

### h21-004
Getting intermittent 502s behind nginx → gunicorn over a unix socket. Error log + access log from the same minute:

2025/03/11 10:02:17 [error] 1874#1874: *55120 connect() to unix:/run/gunicorn/app.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 127.0.0.1, server: _, request: "GET /healthz HTTP/1.1", upstream: "http://unix:/run/gunicorn/app.sock:/healthz", host: "localhost"
2025/03/11 10:02:17 [error] 1874#1874: *55121 connect() to unix:/run/gunicorn/app.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: ::1, server: _, request: "GET /metrics HTTP/1.1", upstream: "http://unix:/run/gunicorn/app.sock:/metrics", host: "[::1]"
2025/03/11 10:02:18 [warn] 1874#1874: *55122 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/4/17/0000041174 while reading upstream
2025/03/11 10:02:19 [alert] 1873#1873: worker process 1877 exited on signal 9

127.0.0.1 - - [11/Mar/2025:10:02:17 +0000] "GET /healthz HTTP/1.1" 502 157 "-" "kube-probe/1.29" 0.001
::1 - - [11/Mar/2025:10:02:17 +0000] "GET /metrics HTTP/1.1" 502 157 "-" "Prometheus/2.51.1" 0.000
127.0.0.1 - - [11/Mar/2025:10:02:21 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" 0.003

gunicorn at the same time:
[2025-03-11 10:02:16 +0000] [41] [CRITICAL] WORKER TIMEOUT (pid:58)
[2025-03-11 10:02:16 +0000] [58] [INFO] Worker exiting (pid: 58)
[2025-03-11 10:02:17 +0000] [41] [ERROR] Worker (pid:58) was sent SIGKILL! Perhaps out of memory?
[2025-03-11 10:02:17 +0000] [112] [INFO] Booting worker with pid: 112

gunicorn -w 4 --backlog 64 --timeout 30 -b unix:/run/gunicorn/app.sock app.wsgi. listen backlog is 64, net.core.somaxconn = 4096.

### h21-005
Security flagged a ConsoleLogin from a weird country for our break-glass IAM user. CloudTrail event below. Also this is the access key that's on that user (from ~/.aws/credentials on the old bastion) — do I need to rotate it?

{
  "eventVersion": "1.09",
  "userIdentity": {
    "type": "IAMUser",
    "principalId": "AIDA5KQ7W3ZRX2MBNP4TL",
    "arn": "arn:aws:iam::@@digits:acct005:12@@:user/breakglass-admin",
    "accountId": "@@digits:acct005:12@@",
    "userName": "breakglass-admin"
  },
  "eventTime": "2025-03-09T02:17:44Z",
  "eventSource": "signin.amazonaws.com",
  "eventName": "ConsoleLogin",
  "awsRegion": "us-east-1",
  "sourceIPAddress": "[[IP_ADDRESS|185.220.101.47]]",
  "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
  "requestParameters": null,
  "responseElements": {"ConsoleLogin": "Failure"},
  "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "No"},
  "errorMessage": "Failed authentication",
  "eventID": "@@uuid:e005@@",
  "readOnly": false,
  "eventType": "AwsConsoleSignIn",
  "recipientAccountId": "@@digits:acct005:12@@",
  "eventCategory": "Management",
  "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "signin.aws.amazon.com"}
}

[breakglass]
aws_access_key_id = [[SECRET|@@akia:k005@@]]
aws_secret_access_key = [[SECRET|@@awssecret:s005@@]]
region = us-east-1

### h21-006
Why does this CloudTrail event show autoscaling as the source IP? And what are these NODATA lines in the flow log for the same ENI?

{
  "eventVersion": "1.08",
  "userIdentity": {
    "type": "AWSService",
    "invokedBy": "autoscaling.amazonaws.com"
  },
  "eventTime": "2025-03-10T23:58:03Z",
  "eventSource": "ec2.amazonaws.com",
  "eventName": "RunInstances",
  "awsRegion": "eu-central-1",
  "sourceIPAddress": "autoscaling.amazonaws.com",
  "userAgent": "autoscaling.amazonaws.com",
  "requestParameters": {
    "instancesSet": {"items": [{"imageId": "ami-0@@hex:ami006:16@@", "minCount": 1, "maxCount": 1}]},
    "instanceType": "m7g.large",
    "subnetId": "subnet-0@@hex:sub006:16@@",
    "launchTemplate": {"launchTemplateId": "lt-0@@hex:lt006:16@@", "version": "14"}
  },
  "responseElements": {"requestId": "@@uuid:r006@@", "reservationId": "r-0@@hex:res006:16@@", "ownerId": "@@digits:acct006:12@@"},
  "requestID": "@@uuid:r006@@",
  "eventID": "@@uuid:e006@@",
  "readOnly": false,
  "eventType": "AwsApiCall",
  "managementEvent": true,
  "recipientAccountId": "@@digits:acct006:12@@",
  "sharedEventID": "@@uuid:se006@@",
  "eventCategory": "Management"
}

VPC flow log (version 2) for eni-0@@hex:eni006:16@@:
2 @@digits:acct006:12@@ eni-0@@hex:eni006:16@@ - - - - - - - 1741651080 1741651140 - NODATA
2 @@digits:acct006:12@@ eni-0@@hex:eni006:16@@ - - - - - - - 1741651140 1741651200 - NODATA
2 @@digits:acct006:12@@ eni-0@@hex:eni006:16@@ - - - - - - - 1741651200 1741651260 - SKIPDATA

The security group allows 10.20.0.0/16 on 443 and 0.0.0.0/0 on 80 only.

### h21-007
Cloud Run service returns 500 for some users only. Here's one entry from Logs Explorer (GCP). The profile payload is logged by our middleware, is that a problem?

{
  "insertId": "@@alnum:ins007:16@@",
  "httpRequest": {
    "requestMethod": "PATCH",
    "requestUrl": "https://profile-api-@@hex:h007:10@@-ew.a.run.app/v1/me",
    "requestSize": "612",
    "status": 500,
    "responseSize": "214",
    "userAgent": "okhttp/4.12.0",
    "remoteIp": "[[IP_ADDRESS|2a02:8108:1a40:3e7:d1c4:5f2a:9b0e:71c3]]",
    "serverIp": "[[IP_ADDRESS|216.239.36.53]]",
    "latency": "0.418273s",
    "protocol": "HTTP/1.1"
  },
  "jsonPayload": {
    "message": "validation failed for profile update",
    "body": {
      "display_name": "Mirela S.",
      "email": "[[EMAIL|mirela.stanescu@yahoo.ro]]",
      "phone": "[[PHONE|@@phone:RO:m:e164@@]]",
      "birthdate": "[[DATE_OF_BIRTH|2010-06-30]]",
      "marketing_opt_in": true
    },
    "error": "birthdate: age_below_minimum (16)"
  },
  "resource": {"type": "cloud_run_revision", "labels": {"service_name": "profile-api", "revision_name": "profile-api-00042-kox", "location": "europe-west1", "project_id": "acme-prod-4417"}},
  "timestamp": "2025-03-11T08:12:55.104883Z",
  "severity": "ERROR",
  "logName": "projects/acme-prod-4417/logs/run.googleapis.com%2Fstdout",
  "trace": "projects/acme-prod-4417/traces/@@hex:tr007:32@@",
  "spanId": "@@hex:sp007:16@@",
  "receiveTimestamp": "2025-03-11T08:12:55.361902581Z"
}

### h21-008
Cold starts on Cloud Run are >6s. Relevant structured logs (startup and the first request):

{"severity":"INFO","message":"Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.","resource":{"type":"cloud_run_revision","labels":{"revision_name":"orders-api-00117-waq","service_name":"orders-api","location":"europe-west3","configuration_name":"orders-api","project_id":"acme-prod-4417"}},"timestamp":"2025-03-11T07:59:58.008211Z","logName":"projects/acme-prod-4417/logs/run.googleapis.com%2Fvarlog%2Fsystem","insertId":"@@alnum:ins008a:14@@"}
{"severity":"INFO","textPayload":"Default STARTUP TCP probe succeeded after 1 attempt for container \"orders-api-1\" on port 8080.","timestamp":"2025-03-11T08:00:04.271006Z","insertId":"@@alnum:ins008b:14@@"}
{"severity":"INFO","jsonPayload":{"msg":"loaded 14 routes","pid":1,"heap_used_mb":182.4,"boot_ms":6143},"timestamp":"2025-03-11T08:00:04.299813Z","insertId":"@@alnum:ins008c:14@@"}
{"severity":"INFO","httpRequest":{"requestMethod":"GET","requestUrl":"https://orders.acme-shop.eu/v1/orders?page=2&page_size=50","status":200,"responseSize":"48211","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36","latency":"6.481222s","protocol":"HTTP/1.1"},"trace":"projects/acme-prod-4417/traces/@@hex:tr008:32@@","spanId":"@@hex:sp008:16@@","traceSampled":true,"timestamp":"2025-03-11T08:00:04.512730Z","insertId":"@@alnum:ins008d:14@@"}

min-instances is 0, cpu-boost is off, image is 1.21 GB (gcr.io/acme-prod-4417/orders-api@sha256:@@hex:d008:64@@). Node 20.11.1.

### h21-009
Postgres 16 log from last night. Something tried a lot of passwords, and then the slow query log has a customer's data in it, which our DPO won't like. How do I stop literals being logged?

2025-03-10 22:14:03.118 UTC [381201] LOG:  connection received: host=[[IP_ADDRESS|10.20.8.44]] port=51822
2025-03-10 22:14:03.121 UTC [381201] FATAL:  password authentication failed for user "postgres"
2025-03-10 22:14:03.121 UTC [381201] DETAIL:  Connection matched file "/etc/postgresql/16/main/pg_hba.conf" line 102: "host all all 10.20.0.0/16 scram-sha-256"
2025-03-10 22:14:03.402 UTC [381204] LOG:  connection received: host=[[IP_ADDRESS|10.20.8.44]] port=51830
2025-03-10 22:14:03.405 UTC [381204] FATAL:  password authentication failed for user "admin"
2025-03-10 22:14:07.990 UTC [381233] LOG:  connection received: host=[[IP_ADDRESS|10.20.3.9]] port=40118
2025-03-10 22:14:07.996 UTC [381233] LOG:  connection authorized: user=crm_app database=crm application_name=crm-sync SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)
2025-03-10 22:14:09.713 UTC [381233] LOG:  duration: 1712.406 ms  statement: UPDATE contacts SET phone = '[[PHONE|@@phone:GB:m:intl@@]]', email = '[[EMAIL|r.achterberg@kpnmail.nl]]', updated_at = now() WHERE id = 771204
2025-03-10 22:14:11.002 UTC [381233] LOG:  duration: 1288.019 ms  statement: SELECT id, full_name FROM contacts WHERE lower(email) = lower('[[EMAIL|olu.adebayo@outlook.com]]') LIMIT 1
2025-03-10 22:14:12.550 UTC [381233] LOG:  disconnection: session time: 0:00:04.560 user=crm_app database=crm host=[[IP_ADDRESS|10.20.3.9]] port=40118

postgresql.conf: log_min_duration_statement = 1000, log_connections = on, log_statement = 'none'

### h21-010
Deadlock every few hours between two workers. Log (Postgres 15):

2025-03-11 03:12:44.871 UTC [2214871] ERROR:  deadlock detected
2025-03-11 03:12:44.871 UTC [2214871] DETAIL:  Process 2214871 waits for ShareLock on transaction 918273645; blocked by process 2214902.
	Process 2214902 waits for ShareLock on transaction 918273611; blocked by process 2214871.
	Process 2214871: UPDATE inventory SET reserved = reserved + $1 WHERE sku_id = $2
	Process 2214902: UPDATE inventory SET reserved = reserved + $1 WHERE sku_id = $2
2025-03-11 03:12:44.871 UTC [2214871] HINT:  See server log for query details.
2025-03-11 03:12:44.871 UTC [2214871] CONTEXT:  while updating tuple (48211,17) in relation "inventory"
2025-03-11 03:12:44.871 UTC [2214871] STATEMENT:  UPDATE inventory SET reserved = reserved + $1 WHERE sku_id = $2
2025-03-11 03:12:44.872 UTC [2214871] LOG:  duration: 1004.556 ms  execute S_3: UPDATE inventory SET reserved = reserved + $1 WHERE sku_id = $2
2025-03-11 03:12:44.872 UTC [2214871] DETAIL:  parameters: $1 = '2', $2 = '40817'
2025-03-11 03:12:45.019 UTC [2213990] LOG:  checkpoint complete: wrote 18422 buffers (14.1%); 0 WAL file(s) added, 0 removed, 11 recycled; write=269.874 s, sync=0.061 s, total=270.002 s; sync files=311, longest=0.009 s, average=0.001 s; distance=181204 kB, estimate=190117 kB; lsn=4A/7C1F2E88, redo lsn=4A/6E0D1B20
2025-03-11 03:12:46.330 UTC [2214990] LOG:  automatic vacuum of table "shop.public.inventory": index scans: 1
	pages: 0 removed, 48212 remain, 9120 scanned (18.92% of total)
	tuples: 3104 removed, 1402288 remain, 0 are dead but not yet removable
	avg read rate: 41.172 MB/s, avg write rate: 12.804 MB/s
2025-03-11 03:12:47.002 UTC [2214871] ERROR:  could not serialize access due to concurrent update
2025-03-11 03:12:47.002 UTC [2214871] STATEMENT:  SELECT * FROM inventory WHERE sku_id = ANY($1) FOR UPDATE

Both workers lock skus in the order they appear in the cart. SQLSTATE 40P01 / 40001 in the app logs.
