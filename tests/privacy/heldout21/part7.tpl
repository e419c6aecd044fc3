### h21-061
Our SEPA direct-debit batch got rejected by the bank (pain.008). Batch job log below — why "AM05"? And why are two mandates flagged?

2025-03-11 05:00:02,118 INFO  [sepa-batch] building batch DD-2025-03-11-01 collection_date=2025-03-13 scheme=CORE seq=RCUR
2025-03-11 05:00:02,441 DEBUG [sepa-batch] tx 1/3 e2e=E2E-@@digits:e2e061a:10@@ mandate=MND-00417 debtor_iban=[[IBAN|@@iban:i061a:DE@@]] amount=29.90 EUR
2025-03-11 05:00:02,442 DEBUG [sepa-batch] tx 2/3 e2e=E2E-@@digits:e2e061b:10@@ mandate=MND-00912 debtor_iban=[[IBAN|@@iban:i061b:AT@@]] amount=29.90 EUR
2025-03-11 05:00:02,442 DEBUG [sepa-batch] tx 3/3 e2e=E2E-@@digits:e2e061c:10@@ mandate=MND-00912 debtor_iban=[[IBAN|@@iban:i061b:AT@@]] amount=29.90 EUR
2025-03-11 05:00:02,530 INFO  [sepa-batch] creditor_iban=[[IBAN|@@iban:i061c:DE:spaced@@]] creditor_id=DE98ZZZ09999999999 msg_id=MSG-@@digits:msg061:12@@ ctrl_sum=89.70 nb_of_txs=3
2025-03-11 05:00:04,011 INFO  [sepa-batch] uploaded via EBICS order type CDD, order id N4F2
2025-03-11 09:31:47,902 WARN  [sepa-batch] pain.002 received: GrpSts=PART, rejected: E2E-@@digits:e2e061c:10@@ reason=AM05 (Duplication)
2025-03-11 09:31:47,903 WARN  [sepa-batch] mandate MND-00912 flagged: 2 collections in one batch

debtor contact for MND-00912 (from the CRM): [[EMAIL|f.gruber@a1.net]], [[PHONE|@@phone:p061:AT:m:intl@@]]

### h21-062
The SEPA credit-transfer export has the wrong execution date after the DST change. Job log (IBANs are masked by our logger):

2025-03-31 06:00:01,004 INFO  [sepa-export] run id=@@uuid:run062@@ tz=Europe/Berlin now=2025-03-31T06:00:01+02:00
2025-03-31 06:00:01,118 DEBUG [sepa-export] ReqdExctnDt computed=2025-03-30 (from LocalDate.now(ZoneOffset.UTC).minusDays(0) at 04:00:01Z)
2025-03-31 06:00:01,119 DEBUG [sepa-export] tx 1/2 e2e=E2E-@@digits:e2e062a:10@@ creditor_iban=DE** **** **** **** **17 44 amount=1840.00 EUR ref=INV-2025-0288
2025-03-31 06:00:01,119 DEBUG [sepa-export] tx 2/2 e2e=E2E-@@digits:e2e062b:10@@ creditor_iban=AT** **** **** **** 0912 amount=412.50 EUR ref=INV-2025-0291
2025-03-31 06:00:01,240 INFO  [sepa-export] debtor_iban=DE** **** **** **** **03 91 bic=COBADEFFXXX msg_id=MSG-@@digits:msg062:12@@ ctrl_sum=2252.50 nb_of_txs=2
2025-03-31 06:00:02,771 ERROR [sepa-export] bank response: ReqdExctnDt 2025-03-30 is not a TARGET2 business day (code DT01)

The cron runs at 06:00 Europe/Berlin, which is 04:00Z after the switch (05:00Z before). Java 21, pain.001.001.09.

### h21-063
MongoDB 7 log: lots of auth failures and then a slow query that filters on the customer's email. What is this client doing, and should I add an index?

{"t":{"$date":"2025-03-11T08:02:14.118+00:00"},"s":"I","c":"NETWORK","id":22943,"ctx":"listener","msg":"Connection accepted","attr":{"remote":"[[IP_ADDRESS|10.16.5.77]]:48211","uuid":{"uuid":{"$uuid":"@@uuid:u063a@@"}},"connectionId":88213,"connectionCount":412}}
{"t":{"$date":"2025-03-11T08:02:14.131+00:00"},"s":"I","c":"ACCESS","id":5286307,"ctx":"conn88213","msg":"Failed to authenticate","attr":{"client":"[[IP_ADDRESS|10.16.5.77]]:48211","isSpeculative":true,"isClusterMember":false,"mechanism":"SCRAM-SHA-256","user":"loyalty","db":"admin","error":"AuthenticationFailed: SCRAM authentication failed, storedKey mismatch","result":18,"metrics":{"conversation_duration":{"micros":4117,"summary":{}}}}}
{"t":{"$date":"2025-03-11T08:02:19.402+00:00"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn88190","msg":"Slow query","attr":{"type":"command","ns":"loyalty.members","command":{"find":"members","filter":{"email":"[[EMAIL|yuki.tanabe@docomo.ne.jp]]","status":"active"},"limit":1,"$db":"loyalty"},"planSummary":"COLLSCAN","keysExamined":0,"docsExamined":1841220,"nreturned":1,"queryHash":"@@hex:qh063:8@@","planCacheKey":"@@hex:pck063:8@@","durationMillis":1412}}
{"t":{"$date":"2025-03-11T08:02:20.004+00:00"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn88190","msg":"Slow query","attr":{"type":"command","ns":"loyalty.members","command":{"update":"members","updates":[{"q":{"phone":"[[PHONE|@@phone:p063:JP:m:intl@@]]"},"u":{"$inc":{"points":120}}}]},"planSummary":"COLLSCAN","docsExamined":1841220,"durationMillis":1377}}
{"t":{"$date":"2025-03-11T08:02:20.118+00:00"},"s":"I","c":"NETWORK","id":22944,"ctx":"conn88213","msg":"Connection ended","attr":{"remote":"[[IP_ADDRESS|10.16.5.77]]:48211","uuid":{"uuid":{"$uuid":"@@uuid:u063a@@"}},"connectionId":88213,"connectionCount":411}}

connection string in the app (loyalty-api): [[URL_CREDENTIALS|mongodb://loyalty:Sakura%40Tide77@mongo-0.mongo.loyalty.svc:27017,mongo-1.mongo.loyalty.svc:27017/loyalty?replicaSet=rs0&authSource=admin]]

### h21-064
mongod won't start after the upgrade to 7.0: "featureCompatibilityVersion". Log:

{"t":{"$date":"2025-03-11T06:12:40.001+00:00"},"s":"I","c":"CONTROL","id":23285,"ctx":"-","msg":"Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'"}
{"t":{"$date":"2025-03-11T06:12:40.004+00:00"},"s":"I","c":"CONTROL","id":4615611,"ctx":"initandlisten","msg":"MongoDB starting","attr":{"pid":1,"port":27017,"dbPath":"/data/db","architecture":"64-bit","host":"mongo-0"}}
{"t":{"$date":"2025-03-11T06:12:40.004+00:00"},"s":"I","c":"CONTROL","id":23403,"ctx":"initandlisten","msg":"Build Info","attr":{"buildInfo":{"version":"7.0.6","gitVersion":"@@hex:git064:40@@","openSSLVersion":"OpenSSL 3.0.2 15 Mar 2022","modules":[],"allocator":"tcmalloc","environment":{"distmod":"ubuntu2204","distarch":"x86_64","target_arch":"x86_64"}}}}
{"t":{"$date":"2025-03-11T06:12:40.005+00:00"},"s":"I","c":"CONTROL","id":21951,"ctx":"initandlisten","msg":"Options set by command line","attr":{"options":{"net":{"bindIp":"127.0.0.1,::1","port":27017},"replication":{"replSet":"rs0"},"security":{"keyFile":"/etc/mongo/keyfile","authorization":"enabled"},"storage":{"dbPath":"/data/db","wiredTiger":{"engineConfig":{"cacheSizeGB":1.5}}}}}}
{"t":{"$date":"2025-03-11T06:12:41.337+00:00"},"s":"F","c":"CONTROL","id":20573,"ctx":"initandlisten","msg":"Wrong mongod version","attr":{"error":"UPGRADE_PROBLEM: Found an invalid featureCompatibilityVersion document (ERROR: Location4926900: Invalid featureCompatibilityVersion document in admin.system.version: { _id: \"featureCompatibilityVersion\", version: \"5.0\" }. See https://docs.mongodb.com/master/release-notes/6.0-compatibility/#feature-compatibility. :: caused by :: Invalid feature compatibility version value, expected '6.0' or '6.3' or '7.0'). If the current featureCompatibilityVersion is below 6.0, see the documentation on upgrading at https://docs.mongodb.com/master/release-notes/7.0/#upgrade-procedures."}}
{"t":{"$date":"2025-03-11T06:12:41.338+00:00"},"s":"I","c":"CONTROL","id":20565,"ctx":"initandlisten","msg":"Now exiting"}
{"t":{"$date":"2025-03-11T06:12:41.338+00:00"},"s":"I","c":"CONTROL","id":23138,"ctx":"initandlisten","msg":"Shutting down","attr":{"exitCode":62}}

We went 5.0.24 → 7.0.6 directly on the StatefulSet (image mongo:7.0.6@sha256:@@hex:d064:64@@).

### h21-065
Redis started evicting keys and the app lost sessions. Redis log + what I ran (from my shell history) — the eviction policy looks wrong?

1:M 11 Mar 2025 09:40:02.118 # WARNING: Memory overcommit must be enabled!
1:M 11 Mar 2025 09:40:02.119 * Server initialized
1:M 11 Mar 2025 09:40:02.120 * Ready to accept connections tcp
1:M 11 Mar 2025 10:12:44.001 - Accepted [[IP_ADDRESS|10.22.3.41]]:53018
1:M 11 Mar 2025 10:12:44.002 - Client closed connection id=18422 addr=[[IP_ADDRESS|10.22.3.41]]:53018 laddr=[[IP_ADDRESS|10.22.0.5]]:6379 fd=14 name= age=0 idle=0 flags=N db=0
1:M 11 Mar 2025 10:40:19.771 # Client id=18501 addr=[[IP_ADDRESS|10.22.3.57]]:40812 laddr=[[IP_ADDRESS|10.22.0.5]]:6379 fd=31 name=sidekiq-2 age=1711 idle=0 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=20474 omem=1073741838 cmd=subscribe user=default scheduled to be closed ASAP for overcoming of output buffer limits.

$ history | tail -4
  501  redis-cli -h [[IP_ADDRESS|10.22.0.5]] -a '[[SECRET|Pelican-Brief-7733]]' INFO memory | grep -E 'used_memory_human|maxmemory'
  502  redis-cli -h [[IP_ADDRESS|10.22.0.5]] -a '[[SECRET|Pelican-Brief-7733]]' CONFIG GET maxmemory-policy
  503  redis-cli -h [[IP_ADDRESS|10.22.0.5]] -a '[[SECRET|Pelican-Brief-7733]]' CONFIG SET maxmemory-policy volatile-lru

used_memory_human:3.98G, maxmemory_human:4.00G, maxmemory-policy was allkeys-lru. Sessions are stored without TTL.

### h21-066
Redis 7.2 logs "Background saving error" every few minutes. Log and INFO:

1:C 11 Mar 2025 07:58:11.004 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo
1:C 11 Mar 2025 07:58:11.004 # Redis version=7.2.4, bits=64, commit=00000000, modified=0, pid=1, just started
1:M 11 Mar 2025 07:58:11.006 * monotonic clock: POSIX clock_gettime
1:M 11 Mar 2025 07:58:11.007 * Running mode=standalone, port=6379.
1:M 11 Mar 2025 07:58:11.009 * Server initialized
1:M 11 Mar 2025 07:58:11.412 * DB loaded from disk: 0.403 seconds
1:M 11 Mar 2025 07:58:11.412 * Ready to accept connections tcp
1:M 11 Mar 2025 08:03:12.001 * 100 changes in 300 seconds. Saving...
1:M 11 Mar 2025 08:03:12.003 * Background saving started by pid 41
41:C 11 Mar 2025 08:03:12.118 # Write error saving DB on disk: No space left on device
1:M 11 Mar 2025 08:03:12.204 # Background saving error
1:M 11 Mar 2025 08:03:18.011 * 100 changes in 300 seconds. Saving...
1:M 11 Mar 2025 08:03:18.013 * Background saving started by pid 44

$ redis-cli INFO persistence | head -8
loading:0
rdb_changes_since_last_save:18422
rdb_bgsave_in_progress:0
rdb_last_save_time:1741667891
rdb_last_bgsave_status:err
rdb_last_bgsave_time_sec:0
aof_enabled:0
$ redis-cli CONFIG GET requirepass
1) "requirepass"
2) ""

PVC is 2Gi, used_memory_rss_human:1.71G, dump.rdb from yesterday is 1.6G plus a temp-41.rdb left over.

### h21-067
Envoy sidecar returns 503 UF for calls to payments-svc. Access log (JSON format) from the ingress gateway and the sidecar — note the XFF chain:

{"start_time":"2025-03-11T12:40:18.118Z","method":"POST","path":"/v1/payments?customer=[[EMAIL|marta.kowalczyk@wp.pl]]","protocol":"HTTP/2","response_code":503,"response_flags":"UF,URX","bytes_received":412,"bytes_sent":91,"duration":3004,"upstream_host":"[[IP_ADDRESS|10.244.7.19]]:8443","x_forwarded_for":"[[IP_ADDRESS|83.26.119.4]],[[IP_ADDRESS|10.0.0.14]]","user_agent":"okhttp/4.12.0","request_id":"@@uuid:x067@@","authority":"api.zabka-go.pl","upstream_cluster":"outbound|8443||payments-svc.payments.svc.cluster.local","downstream_remote_address":"[[IP_ADDRESS|10.0.0.14]]:52118","upstream_transport_failure_reason":"TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end"}
{"start_time":"2025-03-11T12:40:21.201Z","method":"POST","path":"/v1/payments","protocol":"HTTP/2","response_code":503,"response_flags":"UF","duration":3001,"upstream_host":"[[IP_ADDRESS|10.244.7.19]]:8443","x_forwarded_for":"[[IP_ADDRESS|83.26.119.4]],[[IP_ADDRESS|10.0.0.14]]","request_id":"@@uuid:x067@@","x_api_key":"[[SECRET|@@hex:apikey067:40@@]]"}

istioctl proxy-config cluster payments-svc-7d9c6b5f4-2bq8h --fqdn payments-svc.payments.svc.cluster.local shows a DestinationRule with tls.mode SIMPLE, while the mesh has STRICT mTLS. Istio 1.21.0.

### h21-068
Envoy: upstream connections get reset after exactly 60 s of streaming. Admin output and access log:

[2025-03-11T14:02:11.118Z] "GET /v1/stream/events HTTP/1.1" 200 UR 0 48211 60002 - "-" "curl/8.5.0" "@@uuid:x068@@" "127.0.0.1:10000" "127.0.0.1:8080" local_service 127.0.0.1:45122 127.0.0.1:10000 127.0.0.1:51880 - default

$ curl -s localhost:9901/stats | grep -E 'upstream_rq_timeout|idle_timeout|cx_destroy_remote'
cluster.local_service.upstream_cx_destroy_remote_with_active_rq: 41
cluster.local_service.upstream_rq_timeout: 0
http.ingress_http.downstream_cx_idle_timeout: 0
http.ingress_http.downstream_rq_timeout: 0

$ curl -s localhost:9901/server_info | jq '.version, .state, .uptime_current_epoch'
"@@hex:env068:40@@/1.29.2/Clean/RELEASE/BoringSSL"
"LIVE"
"18422s"

Relevant bootstrap: listener 0.0.0.0:10000, route timeout: 0s, cluster local_service → 127.0.0.1:8080 with common_http_protocol_options.idle_timeout 3600s. The upstream is gunicorn with --timeout 60.

### h21-069
HAProxy log: one client opens hundreds of connections and gets "SC" terminations. Who is it and what should I tune? (we capture the Cookie and Authorization headers for debugging, I know)

Mar 11 15:02:11 lb-1 haproxy[2211]: [[IP_ADDRESS|37.120.198.44]]:51220 [11/Mar/2025:15:02:11.118] fe_https~ be_api/api-2 0/0/1/44/45 200 812 - - ---- 412/398/41/20/0 0/0 {api.pixelhaven.nl|Mozilla/5.0|session=[[SECRET|@@hex:sess069:32@@]]} "GET /v3/projects HTTP/1.1"
Mar 11 15:02:11 lb-1 haproxy[2211]: [[IP_ADDRESS|37.120.198.44]]:51221 [11/Mar/2025:15:02:11.203] fe_https~ be_api/<NOSRV> -1/-1/-1/-1/0 503 217 - - SC-- 413/399/0/0/0 0/0 {api.pixelhaven.nl|python-httpx/0.27.0|} "GET /v3/projects HTTP/1.1"
Mar 11 15:02:12 lb-1 haproxy[2211]: [[IP_ADDRESS|2a01:4f8:c012:91e::1]]:40118 [11/Mar/2025:15:02:12.004] fe_https~ be_api/api-1 0/0/0/31/31 200 1204 - - ---- 414/400/40/19/0 0/0 {api.pixelhaven.nl|python-httpx/0.27.0|Bearer [[SECRET|pxh_@@alnum:pxh069:32@@]]} "GET /v3/builds?status=failed HTTP/1.1"
Mar 11 15:02:12 lb-1 haproxy[2211]: Server be_api/api-3 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.

backend be_api
  balance leastconn
  server api-1 [[IP_ADDRESS|10.1.4.11]]:8080 check maxconn 20
  server api-2 [[IP_ADDRESS|10.1.4.12]]:8080 check maxconn 20
  server api-3 [[IP_ADDRESS|10.1.4.13]]:8080 check maxconn 20

### h21-070
HAProxy 2.8 config check fails after I added an IPv6 bind. Output:

$ haproxy -c -f /etc/haproxy/haproxy.cfg
[NOTICE]   (41877) : haproxy version is 2.8.5-1ubuntu3
[NOTICE]   (41877) : path to executable is /usr/sbin/haproxy
[ALERT]    (41877) : config : parsing [/etc/haproxy/haproxy.cfg:38] : 'bind :::443' : 'ssl' option requires a certificate: 'crt /etc/haproxy/certs/' is a directory with no matching files.
[ALERT]    (41877) : config : Error(s) found in configuration file : /etc/haproxy/haproxy.cfg
[ALERT]    (41877) : config : Fatal errors found in configuration.

frontend fe_https
  bind 0.0.0.0:443 ssl crt /etc/haproxy/certs/ alpn h2,http/1.1
  bind :::443 v6only ssl crt /etc/haproxy/certs/
  http-request set-header X-Forwarded-Proto https
  option forwardfor except 127.0.0.0/8
  default_backend be_api

backend be_api
  option httpchk GET /healthz
  http-check expect status 200
  server api-1 127.0.0.1:8081 check inter 2s fall 3 rise 2
  server api-2 127.0.0.1:8082 check inter 2s fall 3 rise 2

listen stats
  bind 127.0.0.1:8404
  stats enable
  stats uri /stats
  stats auth admin:${HAPROXY_STATS_PASSWORD}

$ ls -la /etc/haproxy/certs/
total 8
drwxr-x--- 2 root haproxy 4096 Mar 11 14:58 .
drwxr-xr-x 4 root root    4096 Mar 11 14:58 ..
