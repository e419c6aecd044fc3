### h21-031
Datadog shows a spike of 401s from one customer. Log event JSON from the Log Explorer + the agent config I found on the host (the agent there is still 6.x, is the key the problem?):

{
  "id": "AQAAAY4f@@alnum:dd031:24@@",
  "content": {
    "timestamp": "2025-03-11T12:04:55.118Z",
    "service": "partner-gateway",
    "host": "i-0@@hex:i031:16@@",
    "status": "warn",
    "message": "auth failed: invalid signature",
    "attributes": {
      "http": {"method": "POST", "status_code": 401, "url_details": {"path": "/v1/shipments"}, "client_ip": "[[IP_ADDRESS|62.210.144.9]]", "useragent": "Go-http-client/2.0"},
      "usr": {"id": "partner-418", "email": "[[EMAIL|integrations@fretlogix.fr]]"},
      "duration": 4118204,
      "dd": {"trace_id": "@@digits:tr031:19@@", "span_id": "@@digits:sp031:19@@"}
    }
  }
}

/etc/datadog-agent/datadog.yaml
api_key: [[SECRET|@@hex:ddkey031:32@@]]
site: datadoghq.eu
logs_enabled: true
apm_config:
  enabled: true
  env: prod
process_config:
  process_collection:
    enabled: false

### h21-032
Our New Relic error rate jumped to 4% after enabling distributed tracing. One error event as JSON (from NRQL `SELECT * FROM TransactionError`):

{
  "appName": "inventory-api (prod)",
  "entityGuid": "@@alnum:guid032:44@@",
  "error.class": "java.util.concurrent.TimeoutException",
  "error.message": "Did not observe any item or terminal signal within 5000ms in 'flatMap'",
  "error.expected": false,
  "host": "inventory-api-84c6d7f9b-lq7xw",
  "httpResponseCode": "504",
  "request.method": "GET",
  "request.uri": "/v3/stock/level",
  "request.headers.x-api-key": "[FILTERED]",
  "request.headers.userAgent": "axios/1.6.7",
  "transactionName": "WebTransaction/SpringController/v3/stock/level (GET)",
  "duration": 5.012771,
  "databaseCallCount": 3,
  "externalCallCount": 1,
  "traceId": "@@hex:tr032:32@@",
  "guid": "@@hex:g032:16@@",
  "priority": 1.118734,
  "sampled": true,
  "timestamp": 1741693118442,
  "realAgentId": @@digits:ra032:10@@,
  "tags.accountId": "@@digits:acc032:7@@"
}

newrelic.yml: license_key: <%= ENV['NEW_RELIC_LICENSE_KEY'] %>, distributed_tracing.enabled: true, span_events.max_samples_stored: 2000.
Java agent 8.9.1, Reactor Netty 1.1.16, WebClient responseTimeout 5s.

### h21-033
Our bastion got a lot of noise overnight, but there's also a successful login I don't recognize. /var/log/auth.log (trimmed). Was "deploy" compromised? Also one of the sudo lines shows a DB password on the command line, oops.

Mar 11 03:12:01 bastion-1 sshd[918211]: Invalid user admin from [[IP_ADDRESS|218.92.0.117]] port 51788
Mar 11 03:12:03 bastion-1 sshd[918211]: Failed password for invalid user admin from [[IP_ADDRESS|218.92.0.117]] port 51788 ssh2
Mar 11 03:12:05 bastion-1 sshd[918211]: Connection closed by invalid user admin [[IP_ADDRESS|218.92.0.117]] port 51788 [preauth]
Mar 11 03:12:44 bastion-1 sshd[918240]: Failed password for root from [[IP_ADDRESS|141.98.11.72]] port 40112 ssh2
Mar 11 03:12:47 bastion-1 sshd[918240]: error: maximum authentication attempts exceeded for root from [[IP_ADDRESS|141.98.11.72]] port 40112 ssh2 [preauth]
Mar 11 03:40:19 bastion-1 sshd[918801]: Accepted publickey for deploy from [[IP_ADDRESS|84.17.46.201]] port 60344 ssh2: ED25519 SHA256:@@alnum:fp033:43@@
Mar 11 03:40:19 bastion-1 sshd[918801]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)
Mar 11 03:40:19 bastion-1 systemd-logind[712]: New session 4417 of user deploy.
Mar 11 03:41:02 bastion-1 sudo:   deploy : TTY=pts/1 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/mysql -h [[IP_ADDRESS|10.4.2.30]] -u root -p[[SECRET|Sh4rk-Bay!2291]] -e SHOW DATABASES
Mar 11 03:41:02 bastion-1 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1001)
Mar 11 03:44:51 bastion-1 sshd[918801]: Received disconnect from [[IP_ADDRESS|84.17.46.201]] port 60344:11: disconnected by user
Mar 11 03:44:51 bastion-1 sshd[918801]: pam_unix(sshd:session): session closed for user deploy

The team's office egress is [[IP_ADDRESS|91.204.17.58]]; nobody was on shift at 03:40.

### h21-034
sshd won't come back after I changed the config. journalctl output:

$ journalctl -u ssh -b --no-pager | tail -20
Mar 11 09:02:11 web-3 systemd[1]: Stopping ssh.service - OpenBSD Secure Shell server...
Mar 11 09:02:11 web-3 sshd[812]: Received signal 15; terminating.
Mar 11 09:02:11 web-3 systemd[1]: ssh.service: Deactivated successfully.
Mar 11 09:02:11 web-3 systemd[1]: Stopped ssh.service - OpenBSD Secure Shell server.
Mar 11 09:02:11 web-3 systemd[1]: Starting ssh.service - OpenBSD Secure Shell server...
Mar 11 09:02:11 web-3 sshd[41877]: /etc/ssh/sshd_config line 118: Bad configuration option: PasswordAuthenticaton
Mar 11 09:02:11 web-3 sshd[41877]: /etc/ssh/sshd_config: terminating, 1 bad configuration options
Mar 11 09:02:11 web-3 systemd[1]: ssh.service: Control process exited, code=exited, status=255/EXCEPTION
Mar 11 09:02:11 web-3 systemd[1]: ssh.service: Failed with result 'exit-code'.
Mar 11 09:02:11 web-3 systemd[1]: Failed to start ssh.service - OpenBSD Secure Shell server.
Mar 11 09:02:42 web-3 systemd[1]: ssh.service: Scheduled restart job, restart counter is at 5.
Mar 11 09:02:42 web-3 systemd[1]: ssh.service: Start request repeated too quickly.

Before the change it was fine:
Mar 10 22:15:04 web-3 sshd[812]: Server listening on 0.0.0.0 port 22.
Mar 10 22:15:04 web-3 sshd[812]: Server listening on :: port 22.
Mar 10 22:31:40 web-3 sshd[38117]: pam_unix(sshd:session): session opened for user ubuntu(uid=1000) by (uid=0)
Mar 10 22:31:40 web-3 systemd-logind[655]: New session 212 of user ubuntu.

OpenSSH_9.6p1 Ubuntu-3ubuntu13, OpenSSL 3.0.13 30 Jan 2024. Luckily the EC2 serial console still works.

### h21-035
Postfix relay: mails to some recipients bounce with "status=deferred". mail.log excerpt — can you tell what's happening?

Mar 11 10:14:02 mx1 postfix/smtpd[22841]: connect from app-01.internal[[[IP_ADDRESS|10.9.0.21]]]
Mar 11 10:14:02 mx1 postfix/smtpd[22841]: 4Vx2Kq1Lz8z9vXw: client=app-01.internal[[[IP_ADDRESS|10.9.0.21]]], sasl_method=PLAIN, sasl_username=[[EMAIL|mailer@notify.kestrelhomes.co.uk]]
Mar 11 10:14:02 mx1 postfix/cleanup[22850]: 4Vx2Kq1Lz8z9vXw: message-id=<@@hex:mid035:24@@.@@digits:mts035:10@@@notify.kestrelhomes.co.uk>
Mar 11 10:14:02 mx1 postfix/qmgr[1187]: 4Vx2Kq1Lz8z9vXw: from=<[[EMAIL|mailer@notify.kestrelhomes.co.uk]]>, size=18422, nrcpt=2 (queue active)
Mar 11 10:14:03 mx1 postfix/smtp[22853]: 4Vx2Kq1Lz8z9vXw: to=<[[EMAIL|b.okonkwo@hotmail.co.uk]]>, relay=eur.olc.protection.outlook.com[[[IP_ADDRESS|52.101.73.18]]]:25, delay=1.2, delays=0.05/0.01/0.31/0.83, dsn=2.6.0, status=sent (250 2.6.0 Queued mail for delivery)
Mar 11 10:14:33 mx1 postfix/smtp[22854]: 4Vx2Kq1Lz8z9vXw: to=<[[EMAIL|niamh.gallagher@eircom.net]]>, relay=none, delay=31, delays=0.05/0.02/30/0, dsn=4.4.1, status=deferred (connect to mx.eircom.net[[[IP_ADDRESS|159.134.198.135]]]:25: Connection timed out)
Mar 11 10:14:33 mx1 postfix/smtpd[22841]: disconnect from app-01.internal[[[IP_ADDRESS|10.9.0.21]]] ehlo=2 starttls=1 auth=1 mail=1 rcpt=2 data=1 quit=1 commands=9

The relay host is in a Hetzner DC; outbound 25 was "unblocked" last month.

### h21-036
Postfix on a fresh box refuses to start. Output:

$ sudo postfix check
postfix/postfix-script: warning: symlink leaves directory: /etc/postfix/./makedefs.out
$ sudo systemctl restart postfix@-
$ journalctl -u postfix@- --no-pager | tail
Mar 11 08:20:31 relay-2 postfix/postfix-script[3318]: starting the Postfix mail system
Mar 11 08:20:31 relay-2 postfix/master[3320]: fatal: bind 0.0.0.0 port 25: Address already in use
Mar 11 08:20:32 relay-2 systemd[1]: postfix@-.service: Control process exited, code=exited, status=1/FAILURE

$ postconf -n | grep -E 'inet_|mynetworks|relayhost|smtpd_tls_security'
inet_interfaces = all
inet_protocols = ipv4, ipv6
mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 10.9.0.0/16
relayhost =
smtpd_tls_security_level = may

$ sudo ss -ltnp 'sport = :25'
State   Recv-Q  Send-Q   Local Address:Port   Peer Address:Port  Process
LISTEN  0       100            0.0.0.0:25          0.0.0.0:*      users:(("exim4",pid=1204,fd=4))
LISTEN  0       100               [::]:25             [::]:*      users:(("exim4",pid=1204,fd=5))

$ mailq
Mail queue is empty

Debian 12 cloud image, postfix 3.7.10-0+deb12u1.

### h21-037
Our payment webhook handler logs too much, I know. But why does it reject the signature? Log lines from the pod (the debug logger dumps the charge payload before verification):

2025-03-11T14:22:08.114Z DEBUG webhook received id=evt_@@alnum:evt037:24@@ type=charge.failed bytes=3118
2025-03-11T14:22:08.115Z DEBUG payload.charge={"amount":12900,"currency":"eur","billing_details":{"email":"[[EMAIL|pieter.dewulf@proximus.be]]","phone":"[[PHONE|@@phone:BE:m:e164@@]]"},"payment_method_details":{"card":{"number":"[[CREDIT_CARD|@@card:c037:visa:spaced@@]]","exp_month":9,"exp_year":2027,"cvc_check":"fail"}},"failure_code":"incorrect_cvc","outcome":{"network_status":"declined_by_network","risk_score":41}}
2025-03-11T14:22:08.116Z DEBUG headers stripe-signature=t=1741702928,v1=@@hex:sig037:64@@
2025-03-11T14:22:08.116Z DEBUG using endpoint secret [[SECRET|@@whsec:w037@@]]
2025-03-11T14:22:08.117Z ERROR StripeSignatureVerificationError: No signatures found matching the expected signature for payload
2025-03-11T14:22:08.117Z INFO  responded 400 in 3ms

The handler does `stripe.webhooks.constructEvent(JSON.stringify(req.body), sig, secret)` after express.json().

### h21-038
Adyen webhook: we answer [accepted] but Adyen keeps retrying. Log:

2025-03-11 15:01:44,118 INFO  [notif-7] AdyenWebhook - received NotificationRequest live=true items=1
2025-03-11 15:01:44,119 DEBUG [notif-7] AdyenWebhook - eventCode=AUTHORISATION success=true pspReference=@@alnum:psp038:16@@ merchantReference=ORD-2025-0311-48211 amount=EUR 89.90 paymentMethod=mc cardSummary=4417 expiryDate=03/2028
2025-03-11 15:01:44,119 DEBUG [notif-7] AdyenWebhook - additionalData.cardBin=****** additionalData.hmacSignature=@@b64:hmac038:32@@
2025-03-11 15:01:44,120 DEBUG [notif-7] AdyenWebhook - shopperEmail=<redacted> shopperIP=<redacted> shopperReference=cust_90417
2025-03-11 15:01:44,121 INFO  [notif-7] HmacValidator - signature valid (key id hmac-2024-11)
2025-03-11 15:01:44,402 WARN  [notif-7] OrderService - order ORD-2025-0311-48211 already captured, ignoring
2025-03-11 15:01:44,403 INFO  [notif-7] AdyenWebhook - responding 200 body="[accepted]" in 285 ms
2025-03-11 15:06:44,551 INFO  [notif-2] AdyenWebhook - received NotificationRequest live=true items=1 (retry 1, originalReference @@alnum:psp038:16@@)

Adyen Customer Area shows "Response: HTTP 200, body '[accepted]' (with trailing newline)". Our controller returns ResponseEntity.ok("[accepted]\n").

### h21-039
Keycloak → our Node app: the token exchange fails with invalid_grant. openid-client debug output (I turned on DEBUG=openid-client* and our own request logger). What does "Code not valid" mean here?

2025-03-11T11:40:02.301Z openid-client discovery https://sso.tidewater-health.org/realms/staff/.well-known/openid-configuration 200
2025-03-11T11:40:09.884Z app callback GET /auth/callback?state=@@urlsafe:st039:43@@&session_state=@@uuid:ss039@@&iss=https%3A%2F%2Fsso.tidewater-health.org%2Frealms%2Fstaff&code=[masked]
2025-03-11T11:40:09.886Z openid-client POST https://sso.tidewater-health.org/realms/staff/protocol/openid-connect/token
  grant_type=authorization_code
  client_id=rota-portal
  client_secret=[[SECRET|@@alnum:cs039:32@@]]
  redirect_uri=https://rota.tidewater-health.org/auth/callback
  code=[masked]
2025-03-11T11:40:09.951Z openid-client response 400 {"error":"invalid_grant","error_description":"Code not valid"}
2025-03-11T11:40:10.402Z openid-client POST .../token grant_type=refresh_token refresh_token=[[JWT|@@jwt:j039r:HS256@@]]
2025-03-11T11:40:10.455Z openid-client response 200 {"access_token":"[[JWT|@@jwt:j039a:RS256@@]]","expires_in":300,"refresh_expires_in":1800,"token_type":"Bearer","id_token":"[[JWT|@@jwt:j039i:RS256@@]]","scope":"openid profile email"}

The callback handler runs twice because the load balancer retries on timeout (2 replicas, no sticky sessions).

### h21-040
OIDC login loop with Azure AD (Entra ID). Browser network log + our middleware debug (secrets are masked by the logger):

GET https://login.microsoftonline.com/@@uuid:tenant040@@/oauth2/v2.0/authorize?client_id=@@uuid:client040@@&response_type=code&redirect_uri=https%3A%2F%2Fintranet.kessler-stahlbau.de%2Fsignin-oidc&scope=openid%20profile%20offline_access&state=<redacted>&code_challenge=@@urlsafe:cc040:43@@&code_challenge_method=S256&nonce=<redacted>
→ 302 Location: https://intranet.kessler-stahlbau.de/signin-oidc?code=<redacted>&state=<redacted>&session_state=@@uuid:ss040@@

[11:02:14 DBG] OpenIdConnectHandler: Received 'code' in 'query', exchanging at token endpoint
[11:02:14 DBG] TokenRequest: client_id=@@uuid:client040@@ client_secret=*** code=*** code_verifier=***
[11:02:15 WRN] OpenIdConnectHandler: Message contains error: 'invalid_client', error_description: 'AADSTS7000222: The provided client secret keys for app '@@uuid:client040@@' are expired. Visit the Azure portal to create new keys for your app. Trace ID: @@uuid:tr040@@ Correlation ID: @@uuid:co040@@ Timestamp: 2025-03-11 11:02:15Z'
[11:02:15 INF] Request finished HTTP/1.1 GET https://intranet.kessler-stahlbau.de/signin-oidc?code=<redacted> - 302 0 - 412.7731ms
[11:02:15 INF] Request starting HTTP/1.1 GET https://intranet.kessler-stahlbau.de/ - - -

Client secret "Intranet-2023" expired 2025-03-10 per the App registration blade. Microsoft.Identity.Web 2.17.0.
