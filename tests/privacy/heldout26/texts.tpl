### h26-001
Our ESP32 thermostats fail onboarding about 1 in 20 times. Here is the serial log from a unit that failed, can you tell whether it is the Wi-Fi or the MQTT step?

```
I (412) boot: ESP-IDF v5.1.2 2nd stage bootloader
I (1180) prov: Provisioning started, transport=BLE, service=PROV_7C2A
I (8421) prov: Received Wi-Fi credentials ssid="Kowalczyk-Home-5G" password="[[SECRET|@@pw:p001wifi:14@@]]"
I (8433) wifi: connecting to Kowalczyk-Home-5G, channel 44, bssid @@mac:m001a@@
I (11290) esp_netif_handlers: sta ip: [[IP_ADDRESS|192.168.178.57]], mask: 255.255.255.0, gw: [[IP_ADDRESS|192.168.178.1]]
I (11302) prov: Wi-Fi connected, RSSI -67 dBm
I (11310) claim: POST https://claim.thermiq-devices.io/v2/claim device_id=TQ-A7-@@digits:d001a:7@@
I (12011) claim: owner=[[EMAIL|j.kowalczyk@poczta-wolna.pl]] region=eu-central
I (12015) claim: got mqtt credentials user=tq-a7-dev password=[[SECRET|@@alnum:p001mqtt:24@@]]
I (12020) mqtt: broker mqtts://mqtt.thermiq-devices.io:8883 ([[IP_ADDRESS|@@ip:i001broker@@]])
E (17022) mqtt: TLS handshake failed, esp-tls err 0x8008 (ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED)
E (17023) mqtt: mbedtls_ssl_handshake returned -0x2700
W (17030) prov: onboarding step 4/5 failed, retry in 30000 ms
```

Firmware is 2.14.3 (build 20240611.1742), sdkconfig has CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y.

### h26-002
Another failing ESP32 onboarding log, this time from our test bench. The sensitive fields are already redacted by the firmware. Is -0x2700 a certificate problem?

```
I (409) boot: ESP-IDF v5.1.2 2nd stage bootloader
I (1177) prov: Provisioning started, transport=BLE, service=PROV_91D4
I (8390) prov: Received Wi-Fi credentials ssid="LAB-BENCH-2G" password="********"
I (8401) wifi: connecting to LAB-BENCH-2G, channel 6, bssid @@mac:m002a@@
I (11012) esp_netif_handlers: sta ip: <redacted>, mask: 255.255.255.0, gw: <redacted>
I (11020) prov: Wi-Fi connected, RSSI -41 dBm
I (11031) claim: POST https://claim.thermiq-devices.io/v2/claim device_id=TQ-A7-@@digits:d002a:7@@
I (11744) claim: owner=<hashed:@@hex:h002a:16@@> region=eu-central
I (11748) claim: got mqtt credentials user=tq-a7-dev password=****
I (11752) mqtt: broker mqtts://mqtt.thermiq-devices.io:8883
E (16760) mqtt: TLS handshake failed, esp-tls err 0x8008 (ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED)
E (16761) mqtt: mbedtls_ssl_handshake returned -0x2700
I (16770) heap: free=118244 min_free=96512 largest_block=65536
W (16778) prov: onboarding step 4/5 failed, retry in 30000 ms
```

The bench unit runs 2.14.3 (build 20240611.1742) too; app ELF SHA256 @@hex:h002b:64@@. NTP sync happened at 1718112430.

### h26-003
Can you check this Mosquitto bridge config? The bridge to the cloud broker keeps reconnecting every ~60 s.

```
# /etc/mosquitto/conf.d/bridge.conf on gw-hall3
connection cloud-bridge
address [[IP_ADDRESS|@@ip:i003cloud@@]]:8883
bridge_protocol_version mqttv311
remote_clientid gw-hall3-bridge
remote_username hall3-bridge
remote_password [[SECRET|@@pw:p003bridge:20@@]]
bridge_cafile /etc/mosquitto/certs/ca.crt
topic sensors/# out 1 hall3/ fleet/hall3/
topic cmd/# in 1 hall3/ fleet/hall3/
keepalive_interval 60
cleansession false
restart_timeout 10 30
```

Local listener is `listener 1883 [[IP_ADDRESS|10.40.3.2]]`. When I test it manually with
`mosquitto_pub -h [[IP_ADDRESS|@@ip:i003cloud@@]] -p 8883 --cafile ca.crt -u hall3-bridge -P '[[SECRET|@@pw:p003bridge:20@@]]' -t fleet/hall3/test -m ping -d`
it connects fine. The broker admin is [[EMAIL|mqtt-admin@lagerwerk-logistik.de]] if you need it.

### h26-004
Here's our base mosquitto.conf and the generated passwd file. Why does the broker log "Client <unknown> disconnected, not authorised" for every device after the 2.0 upgrade?

```
per_listener_settings true
listener 1883 127.0.0.1
allow_anonymous false
password_file /etc/mosquitto/passwd
acl_file /etc/mosquitto/acl

listener 8883 0.0.0.0
cafile /etc/mosquitto/certs/ca.crt
certfile /etc/mosquitto/certs/broker.crt
keyfile /etc/mosquitto/certs/broker.key
require_certificate true
use_identity_as_username true
max_inflight_messages 20
max_queued_messages 1000
```

/etc/mosquitto/passwd (mosquitto_passwd output, PBKDF2-SHA512):
```
gw-hall1:$7$101$@@b64:s004a:12@@$@@b64:s004b:64@@
gw-hall2:$7$101$@@b64:s004c:12@@$@@b64:s004d:64@@
```

acl: `pattern readwrite fleet/%u/#` and `user gw-hall1` / `topic read cmd/#`. Log line: `1718201144: New connection from 127.0.0.1:50412 on port 1883.`

### h26-005
paho-mqtt keeps failing with rc=5 in our Python collector. Config and log below, what am I doing wrong?

```python
BROKER_URL = "[[URL_CREDENTIALS|mqtt://collector-svc:@@alnum:p005url:18@@@broker.agrisense-farm.net:1883]]"
CLIENT_ID = "collector-@@lower:c005a:8@@"
TOPICS = [("farm/+/soil/#", 1), ("farm/+/weather", 0)]
```

```
2024-06-12 07:14:02,118 DEBUG Sending CONNECT (u1, p1, wr0, wq0, wf0, c1, k60) client_id=b'collector-@@lower:c005a:8@@'
2024-06-12 07:14:02,164 DEBUG Received CONNACK (0, 5)
2024-06-12 07:14:02,165 ERROR Connection refused: not authorised (rc=5) peer=[[IP_ADDRESS|@@ip:i005a@@]]:1883
```

The broker was migrated last night by [[EMAIL|t.obuya@agrisense-farm.net]]; I think the password on the new broker is different, the old one was `[[SECRET|@@alnum:p005old:16@@]]`.

### h26-006
paho-mqtt keeps failing with rc=5 after the TLS change. Config and log below.

```python
BROKER_URL = "mqtts://broker.agrisense-farm.net:8883"
USERNAME = os.environ["MQTT_USER"]
PASSWORD = os.environ["MQTT_PASSWORD"]
CLIENT_ID = f"collector-{socket.gethostname()}"
TOPICS = [("farm/+/soil/#", 1), ("farm/+/weather", 0)]
```

```
2024-06-12 08:02:44,903 DEBUG Sending CONNECT (u1, p1, wr0, wq0, wf0, c1, k60) client_id=b'collector-ingest-7f9c4d6b8-x2lqp'
2024-06-12 08:02:44,951 DEBUG Received CONNACK (0, 5)
2024-06-12 08:02:44,952 ERROR Connection refused: not authorised (rc=5)
2024-06-12 08:02:49,953 DEBUG Sending PINGREQ
```

Packet ids go 1..65535 and wrap; the pod is in namespace agri-ingest, node pool np-arm64. `MQTT_PASSWORD` comes from the sealed secret, its sha256 is @@hex:h006a:64@@ on both clusters.

### h26-007
Our LoRaWAN device sheet for the new soil probes, exported from the spreadsheet. Can you turn it into ChirpStack import JSON (OTAA, LoRaWAN 1.0.3, EU868)?

```
dev_name,dev_eui,join_eui,app_key,site,installed_by
probe-n01,@@eui:e007a@@,0000000000000001,[[SECRET|@@hexu:k007a:32@@]],Field North,[[EMAIL|marta.lindqvist@agrisense-farm.net]]
probe-n02,@@eui:e007b@@,0000000000000001,[[SECRET|@@hexu:k007b:32@@]],Field North,[[EMAIL|marta.lindqvist@agrisense-farm.net]]
probe-s01,@@eui:e007c@@,0000000000000001,[[SECRET|@@hexu:k007c:32@@]],Field South,[[EMAIL|d.achterberg@agrisense-farm.net]]
```

Device profile: `soil-probe-v3`, uplink interval 900 s, ADR on, RX2 869.525 MHz SF12.

### h26-008
Our LoRaWAN device sheet for the soil probes, exported from the spreadsheet (keys are kept in the KMS, not here). Can you turn it into ChirpStack import JSON (OTAA, LoRaWAN 1.0.3, EU868)?

```
dev_name,dev_eui,join_eui,app_key,site,fw
probe-e01,@@eui:e008a@@,0000000000000001,(kms:agri/lora/probe-e01),Field East,3.2.7
probe-e02,@@eui:e008b@@,0000000000000001,(kms:agri/lora/probe-e02),Field East,3.2.7
probe-w01,@@eui:e008c@@,0000000000000001,(kms:agri/lora/probe-w01),Field West,3.2.5
```

Device profile: `soil-probe-v3`, uplink interval 900 s, ADR on. EU868 channels: 868.1, 868.3, 868.5, 867.1, 867.3, 867.5, 867.7, 867.9 MHz; RX2 869.525 MHz SF12; duty cycle 1 %.

### h26-009
ABP device not decoding in ChirpStack v4. Here is what I put in and the API call. Frame counter is 0 after each reboot.

```
DevEUI:   @@eui:e009a@@
DevAddr:  260B@@hexu:x009a:4@@
NwkSKey:  [[SECRET|@@hexu:k009n:32@@]]
AppSKey:  [[SECRET|@@hexu:k009a:32@@]]
```

```bash
curl -s -X POST https://lns.kestrel-water.eu/api/devices/@@eui:e009a@@/activate \
  -H "Grpc-Metadata-Authorization: Bearer [[JWT|@@jwt:j009:HS256:chirp@@]]" \
  -d '{"deviceActivation":{"devAddr":"260B@@hexu:x009a:4@@","fCntUp":0,"nFCntDown":0}}'
```

Gateway log shows uplinks from `[[IP_ADDRESS|172.20.14.9]]` (the packet forwarder) with `rxpk freq 868.3 datr SF9BW125 rssi -104 lsnr -2.5`.

### h26-010
ABP device uplink is decoded but the payload looks wrong. Here is the uplink event from ChirpStack v4.

```json
{
  "deduplicationId": "@@uuid:u010a@@",
  "time": "2024-06-14T09:21:07.551+00:00",
  "deviceInfo": {"deviceName": "flow-07", "devEui": "@@eui:e010a@@", "deviceProfileName": "flowmeter-abp"},
  "devAddr": "260B@@hexu:x010a:4@@",
  "fCnt": 1184, "fPort": 2, "adr": false, "dr": 3,
  "data": "AQIDBAUGBwgJCg==",
  "rxInfo": [{"gatewayId": "@@hex:g010a:16@@", "rssi": -104, "snr": -2.5, "channel": 1,
              "location": {"latitude": 52.3681, "longitude": 4.9034}, "context": "@@b64:c010a:6@@"}],
  "txInfo": {"frequency": 868300000, "modulation": {"lora": {"bandwidth": 125000, "spreadingFactor": 9,
             "codeRate": "CR_4_5"}}}
}
```

Decoder expects uint16 big-endian flow in l/h at bytes 0-1 and battery mV at 2-3.

### h26-011
Device can't connect to Azure IoT Hub, I get 401 Unauthorized. I built the SAS token by hand. Connection strings and token below:

```
# device
HostName=hub-pumpfleet-weu.azure-devices.net;DeviceId=pump-0417;SharedAccessKey=[[SECRET|@@b64:k011dev:32@@]]
# service (iothubowner), used by the provisioning script
HostName=hub-pumpfleet-weu.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=[[SECRET|@@b64:k011own:32@@]]
```

Token I generated:
`SharedAccessSignature sr=hub-pumpfleet-weu.azure-devices.net%2Fdevices%2Fpump-0417&sig=[[SECRET|@@sasig:s011@@]]&se=1718450000`

The device clock says 2024-06-15 10:12 UTC, so se should still be valid? Pinging the hub from the site router (WAN [[IP_ADDRESS|@@ip:i011wan@@]]) works.

### h26-012
Device shows "Disconnected" in Azure IoT Hub although it authenticates with X.509. Here is `az iot hub device-identity show` output:

```json
{
  "authentication": {
    "symmetricKey": {"primaryKey": null, "secondaryKey": null},
    "type": "selfSigned",
    "x509Thumbprint": {"primaryThumbprint": "@@hexu:t012a:40@@",
                       "secondaryThumbprint": "@@hexu:t012b:40@@"}
  },
  "capabilities": {"iotEdge": false},
  "cloudToDeviceMessageCount": 0,
  "connectionState": "Disconnected",
  "connectionStateUpdatedTime": "2024-06-15T10:12:44.1932117Z",
  "deviceId": "pump-0418",
  "etag": "@@alnum:e012a:12@@",
  "generationId": "638540113728104418",
  "lastActivityTime": "2024-06-15T09:58:03.0871344Z",
  "status": "enabled"
}
```

The device cert was issued on 2024-06-01 and is valid for 365 days; the thumbprint in the cert matches primaryThumbprint.

### h26-013
Our AWS IoT provisioning script for the cold-chain loggers. It works on my laptop but the factory station gets AccessDenied. Can you review it?

```bash
#!/bin/bash
export AWS_ACCESS_KEY_ID=[[SECRET|@@akia:a013@@]]
export AWS_SECRET_ACCESS_KEY=[[SECRET|@@awssecret:a013s@@]]
export AWS_DEFAULT_REGION=eu-west-1
THING="coldlog-$1"
aws iot create-thing --thing-name "$THING" --thing-type-name coldlog-v2
aws iot attach-policy --policy-name coldlog-policy --target "$CERT_ARN"
aws iot attach-thing-principal --thing-name "$THING" --principal "$CERT_ARN"
# endpoint: @@lower:e013a:14@@-ats.iot.eu-west-1.amazonaws.com
```

The device key that the station flashed into unit 1187 (I copied it from the log, sorry):
```
[[SECRET|@@pem:k013:ec@@]]
```

The factory station is at [[IP_ADDRESS|10.8.12.40]] behind the plant proxy.

### h26-014
AWS IoT: the logger connects but publishes are dropped. Here is the policy and what `describe-certificate` says.

```json
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "iot:Connect",
     "Resource": "arn:aws:iot:eu-west-1:@@digits:acct014:12@@:client/${iot:Connection.Thing.ThingName}"},
    {"Effect": "Allow", "Action": "iot:Publish",
     "Resource": "arn:aws:iot:eu-west-1:@@digits:acct014:12@@:topic/coldlog/${iot:Connection.Thing.ThingName}/*"}
  ]
}
```

```
certificateId: @@hex:c014a:64@@
status: ACTIVE
validity: notBefore 2024-05-02T00:00:00Z notAfter 2049-12-31T23:59:59Z
```

Certificate (public, from the console):
```
@@cert:cert014:380@@
```

Unit 1188 publishes to `coldlog/coldlog-1188/temp` with QoS 1, payload `{"t":-18.4,"ts":1718457000}`.

### h26-015
Migrating our Cloud IoT Core devices to the MQTT bridge replacement. The service account file and the device JWT I generated are below; the bridge returns "bad user name or password".

```json
{
  "type": "service_account",
  "project_id": "vinetrack-telemetry",
  "private_key_id": "@@hex:p015id:40@@",
  "private_key": "[[SECRET|@@pemjson:k015@@]]\n",
  "client_email": "[[EMAIL|iot-bridge@vinetrack-telemetry.iam.gserviceaccount.com]]",
  "client_id": "@@digits:c015:21@@",
  "token_uri": "https://oauth2.googleapis.com/token"
}
```

Device JWT (RS256, aud = project): `[[JWT|@@jwt:j015:RS256:gcp@@]]`

MQTT client id is `projects/vinetrack-telemetry/locations/europe-west1/registries/vines/devices/vt-0093`, username `unused`.

### h26-016
gcloud output for a device in our old Cloud IoT Core registry, before we migrate it. What fields do I need to carry over?

```
$ gcloud iot devices describe vt-0094 --registry=vines --region=europe-west1
config:
  cloudUpdateTime: '2023-02-11T08:14:52.381Z'
  version: '17'
credentials:
- expirationTime: '1970-01-01T00:00:00Z'
  publicKey:
    format: ES256_PEM
    key: |
@@pub:pub016@@
id: vt-0094
lastEventTime: '2023-08-14T17:02:11.904Z'
lastHeartbeatTime: '2023-08-14T17:05:43.227Z'
name: projects/vinetrack-telemetry/locations/europe-west1/registries/vines/devices/@@digits:n016:16@@
numId: '@@digits:n016:16@@'
```

The registry has 412 devices, all ES256, the topics are `/devices/{id}/events` and `/devices/{id}/state`.

### h26-017
SIM inventory export from the connectivity portal, I need it as a table per customer site. Please keep all columns.

```
ICCID;IMSI;MSISDN;Status;Plan;PUK1;Site
@@iccid:ic017a:GB@@;@@imsi:im017a:23410@@;[[PHONE|@@phone:p017a:GB:m:msisdn@@]];ACTIVE;IoT-EU-500MB;[[SECRET|@@digits:puk017a:8@@]];Depot Leeds
@@iccid:ic017b:GB@@;@@imsi:im017b:23410@@;[[PHONE|@@phone:p017b:GB:m:msisdn@@]];ACTIVE;IoT-EU-500MB;[[SECRET|@@digits:puk017b:8@@]];Depot Leeds
@@iccid:ic017c:GB@@;@@imsi:im017c:23410@@;[[PHONE|@@phone:p017c:GB:m:msisdn@@]];SUSPENDED;IoT-EU-1GB;[[SECRET|@@digits:puk017c:8@@]];Depot Hull
@@iccid:ic017d:GB@@;@@imsi:im017d:23410@@;[[PHONE|@@phone:p017d:GB:m:msisdn@@]];ACTIVE;IoT-EU-1GB;[[SECRET|@@digits:puk017d:8@@]];Depot Hull
```

PIN1 is the factory default 0000 on all of them. Contact for the Hull depot: [[EMAIL|fleetdesk@northmoor-haulage.co.uk]].

### h26-018
SIM inventory export from the connectivity portal (data usage view). Please group by plan and sum the usage.

```
ICCID;IMSI;Status;Plan;APN;Usage_MB;Last_Cell;LAC
@@iccid:ic018a:DE:19@@;@@imsi:im018a:26201@@;ACTIVE;IoT-EU-500MB;iot.m2m-carrier.eu;311.4;0x1A2F03;0x2B11
@@iccid:ic018b:DE:19@@;@@imsi:im018b:26201@@;ACTIVE;IoT-EU-500MB;iot.m2m-carrier.eu;87.0;0x1A2F07;0x2B11
@@iccid:ic018c:DE:19@@;@@imsi:im018c:26201@@;SUSPENDED;IoT-EU-1GB;iot.m2m-carrier.eu;0.0;-;-
@@iccid:ic018d:DE:19@@;@@imsi:im018d:26201@@;ACTIVE;IoT-EU-1GB;iot.m2m-carrier.eu;942.8;0x3C0A11;0x2B40
```

MSISDNs are hidden in this view (shown as +49 15** ****** ). MCC 262, MNC 01; all SIMs are on tariff group 7 (billing cycle 2024-06).

### h26-019
A customer's eSIM won't download on the tracker. The activation e-mail we sent is below, plus what the SM-DP+ logs. Is the matching ID already consumed?

```
To: [[EMAIL|renata.szabo@kettle-and-fern.hu]]
Subject: Your GoTrack eSIM is ready

Phone number: [[PHONE|@@phone:p019:HU:m:intl@@]]
Activation code: LPA:1$smdp.gotrack-connect.com$[[SECRET|@@alnum:m019:24@@]]
Confirmation code: [[SECRET|@@digits:cc019:6@@]]
```

SM-DP+ log:
```
2024-06-16T11:02:19Z ES9+ InitiateAuthentication eid=@@digits:eid019:32@@ result=OK
2024-06-16T11:02:21Z ES9+ AuthenticateClient matchingId=[[SECRET|@@alnum:m019:24@@]] result=FAILED reason=8.2.6 (download order expired)
```

Client IP of the LPA request was [[IP_ADDRESS|@@ip:i019@@]].

### h26-020
Here's the eUICC info from a tracker whose eSIM profile is disabled. Which profile should be enabled?

```
AT+QESIM="eid"
+QESIM: "eid","@@digits:eid020:32@@"
AT+QESIM="list"
+QESIM: "list",1,"@@iccid:ic020a:NL:19@@","Enabled=0","class=operational","sp=NetHopper"
+QESIM: "list",2,"@@iccid:ic020b:DE@@","Enabled=0","class=operational","sp=M2M Carrier EU"
+QESIM: "list",3,"@@iccid:ic020c:GB@@","Enabled=0","class=test","sp=GSMA Test"
OK
```

SM-DP+ address configured: smdp.gotrack-connect.com (default SM-DS: lpa.ds.gsma.com). eUICC firmware 4.6.1, SGP.22 v2.2.2, free NVM 139264 bytes.

### h26-021
Our BG95 modem won't attach to the private APN and SMS alerts don't go out. Full AT log from the field unit:

```
> AT+CPIN?
< +CPIN: SIM PIN
> AT+CPIN="[[SECRET|@@digits:pin021:4@@]]"
< OK
> AT+CGDCONT=1,"IP","watersense.apn.m2m"
< OK
> AT+QICSGP=1,1,"watersense.apn.m2m","ws-unit-0912","[[SECRET|@@pw:p021apn:12@@]]",1
< OK
> AT+CGACT=1,1
< +CME ERROR: 30
> AT+CMGF=1
< OK
> AT+CMGS="[[PHONE|@@phone:p021:ZA:m:e164@@]]"
> ALARM: tank 3 level 12% at 2024-06-17 04:12 UTC
< +CMGS: 41
< OK
```

The alert recipient is the night operator; the fallback recipient configured is [[PHONE|@@phone:p021b:ZA:m:e164@@]]. Unit serial WS-0912, IMEI @@imei:imei021@@.

### h26-022
Our BG95 modem attaches but the signal looks poor. Full AT log from the field unit, can you interpret it?

```
> ATI
< Quectel BG95-M3 Revision: BG95M3LAR02A03
> AT+CGSN
< @@imei:imei022@@
> AT+CCID
< +CCID: @@iccid:ic022:GB@@
> AT+CIMI
< @@imsi:im022:65501@@
> AT+CSQ
< +CSQ: 11,99
> AT+QNWINFO
< +QNWINFO: "eMTC","65501","LTE BAND 3",1300
> AT+CEREG=2;+CEREG?
< +CEREG: 2,5,"3A1F","0B4C2D0F",8
> AT+QCSQ
< +QCSQ: "eMTC",-97,-121,98,-16
> AT+COPS?
< +COPS: 0,0,"Vodacom Roaming",8
< OK
```

TAC 0x3A1F, cell id 0x0B4C2D0F, EARFCN 1300. The unit is 3.4 km from the nearest site.

### h26-023
SMS gateway log from our alerting service. Some OTP messages never arrive. Can you see a pattern in the failures?

```
2024-06-18 06:01:12 [SMPP] submit_sm seq=88121 src=InfraGuard dst=[[PHONE|@@phone:p023a:KE:m:msisdn@@]] body="Your InfraGuard code is 582910. Valid 5 min." -> ESME_ROK msgid=@@hex:mid023a:16@@
2024-06-18 06:01:14 [DLR] msgid=@@hex:mid023a:16@@ stat=DELIVRD err=000
2024-06-18 06:03:40 [SMPP] submit_sm seq=88122 src=InfraGuard dst=[[PHONE|@@phone:p023b:NG:m:msisdn@@]] body="Your InfraGuard code is 114077. Valid 5 min." -> ESME_ROK msgid=@@hex:mid023b:16@@
2024-06-18 06:04:10 [DLR] msgid=@@hex:mid023b:16@@ stat=UNDELIV err=0x0B
2024-06-18 06:05:02 [SMPP] submit_sm seq=88123 src=InfraGuard dst=[[PHONE|@@phone:p023c:NG:m:msisdn@@]] body="Your InfraGuard code is 903316. Valid 5 min." -> ESME_ROK msgid=@@hex:mid023c:16@@
2024-06-18 06:05:31 [DLR] msgid=@@hex:mid023c:16@@ stat=UNDELIV err=0x0B
```

The SMPP bind uses system_id=infraguard-tx and password=[[SECRET|@@alnum:p023smpp:8@@]] to smsc [[IP_ADDRESS|@@ip:i023@@]]:2775.

### h26-024
SMS gateway: the delivery-receipt rate dropped yesterday. Here is the hourly summary from Kannel's status page, what stands out?

```
Kannel bearerbox version `1.4.5'. Build `Jun 11 2024 09:14:22', compiler `12.2.0'.
Status: running, uptime 2d 4h 11m 53s
SMS: received 0 (0 queued), sent 48211 (12 queued), store size 12
SMS: inbound (0.00,0.00,0.00) msg/sec, outbound (2.14,1.87,1.91) msg/sec
DLR: received 41307, sent 0, inbound (1.66,1.55,1.58) msg/sec, 6904 queued, using internal storage
SMSC connections:
    smsc-ke   SMPP:smpp-ke.routesms-partner.net:2775/2775:infraguard-tx:SMPP (online 187913s, rcvd: sms 0 / dlr 22480, sent: sms 24102 / dlr 0, failed 88, queued 3 msgs)
    smsc-ng   SMPP:smpp-ng.routesms-partner.net:2775/2775:infraguard-tx:SMPP (online 3711s, rcvd: sms 0 / dlr 18827, sent: sms 24109 / dlr 0, failed 4310, queued 9 msgs)
```

Error 0x0B (invalid destination) is 4102 of the 4310 failures on smsc-ng. Sender id InfraGuard, short code 32811 for replies.

### h26-025
Can you explain what each part of this OpenWrt config does? It's from the router I installed at a customer's cabin.

```
config interface 'wan'
	option device 'pppoe-wan'
	option proto 'pppoe'
	option username 'fl-0048213977'
	option password '[[SECRET|@@pw:p025ppp:12@@]]'
	option ipv6 'auto'

config interface 'lan'
	option proto 'static'
	option ipaddr '[[IP_ADDRESS|192.168.8.1]]'
	option netmask '255.255.255.0'

config wifi-iface 'default_radio0'
	option ssid 'Hytte-Fjellro'
	option encryption 'psk2'
	option key '[[SECRET|@@pw:p025wifi:16@@]]'

config wifi-iface 'guest'
	option ssid 'Hytte-Gjest'
	option encryption 'psk2'
	option key '[[SECRET|fjellro-gjest-2024]]'
```

After PPPoE came up the WAN got [[IP_ADDRESS|@@ip:i025wan@@]]. Root password on the web UI is the same as the PPPoE one.

### h26-026
Can you explain what each part of this OpenWrt config does? It's the template we ship on all new routers before the installer sets credentials with uci.

```
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config globals 'globals'
	option ula_prefix 'fd4c:91a2:7b3e::/48'

config interface 'wan'
	option device 'eth1'
	option proto 'dhcp'

config interface 'lan'
	option proto 'static'
	option ip6assign '60'
	list ipaddr '@LAN_CIDR@'

config wifi-device 'radio0'
	option path 'platform/soc/18000000.wifi'
	option channel '36'
	option htmode 'HE80'
	option country 'NO'

config wifi-iface 'default_radio0'
	option macaddr '@@mac:m026@@'
	option encryption 'sae-mixed'
	option key '@WIFI_KEY@'
```

The installer script runs `uci set wireless.default_radio0.key="$(cat /tmp/psk)"` and never logs the value.

### h26-027
This is the export from the MikroTik LTE gateway at the quarry. E-mail alerts stopped working after a firmware upgrade, why?

```
# 2024-06-19 07:44:12 by RouterOS 7.14.3
/interface wireless security-profiles
set [ find default=yes ] authentication-types=wpa2-psk mode=dynamic-keys wpa2-pre-shared-key=[[SECRET|@@pw:p027wifi:18@@]]
/interface lte apn
add apn=quarry.m2m authentication=chap name=quarry user=qs-lte-07 password=[[SECRET|@@alnum:p027apn:10@@]]
/ip address
add address=[[IP_ADDRESS|10.77.0.1]]/24 interface=bridge-lan
/ip dns
set servers=[[IP_ADDRESS|@@ip:i027dns@@]]
/tool e-mail
set address=smtp.steinbruch-hagen.de from=[[EMAIL|lte-gw07@steinbruch-hagen.de]] port=587 tls=starttls user=[[EMAIL|lte-gw07@steinbruch-hagen.de]] password=[[SECRET|@@pw:p027smtp:14@@]]
/user
set admin password=[[SECRET|@@pw:p027adm:12@@]]
```

The LTE interface currently has [[IP_ADDRESS|@@ip:i027lte@@]] from the carrier.

### h26-028
This is `/interface lte monitor` output from the LTE gateway at the quarry. Is the signal good enough for a 4 Mbit/s camera upload?

```
[admin@MikroTik] > /interface lte monitor lte1 once
          status: connected
           model: EG18-EA
        revision: EG18EAPAR01A07M4G
current-operator: 26202
             lac: 47620
  current-cellid: 21754893
  enb-id: 84980
  sector-id: 13
   primary-band: B20@10Mhz earfcn: 6300 phy-cellid: 347
        ca-band: B3@20Mhz earfcn: 1801 phy-cellid: 112
            imei: @@imei:imei028@@
            imsi: @@imsi:im028:26202@@
           uicc: @@iccid:ic028:DE@@
            rssi: -71dBm
            rsrp: -99dBm
            rsrq: -11dB
            sinr: 6dB
```

RouterOS 7.14.3, firmware EG18EAPAR01A07M4G, uptime 19d 03:11:54.

### h26-029
OTA release pipeline for the e-bike controllers: the signing step fails with "bad decrypt". Here is the job env and the key we load. What is wrong?

```yaml
sign_firmware:
  stage: release
  variables:
    MCUBOOT_KEY_PATH: keys/ebike-root-ec256.pem
    MCUBOOT_KEY_PASSWORD: "[[SECRET|@@pw:p029kp:20@@]]"
    RELEASE_NOTIFY: "[[EMAIL|fw-release@voltwerk-bikes.com]]"
  script:
    - imgtool sign --key $MCUBOOT_KEY_PATH --version 3.8.1+417 --header-size 0x200 --slot-size 0x6C000 build/app.bin out/app.signed.bin
```

keys/ebike-root-ec256.pem (the unencrypted one from my laptop, I pasted it here for you):
```
[[SECRET|@@pem:k029:ec@@]]
```

Manifest entry: `{"version":"3.8.1+417","sha256":"@@hex:h029a:64@@","size":401232}`.

### h26-030
Here's an OTA manifest for the e-bike controllers. Can you write a Python function that verifies the signature before the download starts?

```json
{
  "product": "ebk-ctrl-v4",
  "version": "3.8.2+421",
  "min_version": "3.6.0",
  "url": "https://ota.voltwerk-bikes.com/ebk-ctrl-v4/3.8.2+421/app.signed.bin",
  "size": 401904,
  "sha256": "@@hex:h030a:64@@",
  "signature_alg": "ecdsa-p256-sha256",
  "signature": "@@b64:s030:72@@",
  "key_id": "@@hex:kid030:16@@",
  "released": "2024-06-20T08:00:00Z",
  "rollout": {"percent": 5, "cohort_seed": 1718870400}
}
```

Public key shipped in the bootloader:
```
@@pub:pub030@@
```

### h26-031
Driver onboarding for the telematics app failed for one of our new drivers. Payload sent to the fleet API and the response:

```json
POST /v3/drivers HTTP/1.1
Host: api.routeline-telematics.com
X-Api-Key: [[SECRET|@@hex:k031:40@@]]

{
  "first_name": "Dwayne", "last_name": "Okafor",
  "email": "[[EMAIL|dwayne.okafor@tri-county-freight.com]]",
  "mobile": "[[PHONE|@@phone:p031:US:m:e164@@]]",
  "date_of_birth": "[[DATE_OF_BIRTH|1987-03-22]]",
  "license": {"number": "O214-5521-7734", "state": "TX", "class": "A"},
  "vehicle": {"vin": "@@vin:v031@@", "unit": "TCF-118", "odometer_km": 412877}
}
```

```json
{"error": "validation_failed", "field": "license.number", "detail": "format does not match state TX"}
```

### h26-032
Telematics export for unit TCF-119, last hour. Can you compute idle time and harsh-braking events?

```
ts_utc,vin,lat,lon,speed_kmh,heading,odometer_km,engine_rpm,fuel_pct,event
2024-06-21T14:00:00Z,@@vin:v032@@,32.77672,-96.79698,0,0,388104.2,650,71,IGN_ON
2024-06-21T14:05:00Z,@@vin:v032@@,32.77672,-96.79698,0,0,388104.2,710,71,IDLE
2024-06-21T14:12:00Z,@@vin:v032@@,32.78011,-96.80455,54,287,388107.9,1480,70,
2024-06-21T14:19:30Z,@@vin:v032@@,32.79302,-96.82870,71,301,388116.4,1620,69,HARSH_BRAKE
2024-06-21T14:31:00Z,@@vin:v032@@,32.81144,-96.86107,88,298,388131.1,1710,68,
2024-06-21T14:47:00Z,@@vin:v032@@,32.82006,-96.87302,0,0,388134.0,690,68,IDLE
2024-06-21T14:59:59Z,@@vin:v032@@,32.82006,-96.87302,0,0,388134.0,0,68,IGN_OFF
```

Device: GO9 serial G9@@alnum:s032:10@@, firmware 45.4.1912, J1939 DTC SPN 3226 FMI 4 active since 2024-06-19.

### h26-033
Home Assistant won't load my secrets.yaml after I moved it from the Pi to the NUC. Here it is, do you see a YAML error?

```yaml
# secrets.yaml
home_latitude: 50.0614
home_longitude: 19.9372
wifi_ssid: "Dom-Nowak"
wifi_password: "[[SECRET|@@pw:p033wifi:14@@]]"
mqtt_user: homeassistant
mqtt_password: [[SECRET|@@alnum:p033mqtt:20@@]]
frigate_front_door: "[[URL_CREDENTIALS|rtsp://viewer:@@alnum:p033cam:12@@@192.168.50.21:554/cam/realmonitor?channel=1&subtype=0]]"
openweathermap_api_key: [[SECRET|@@hex:k033owm:32@@]]
notify_email: [[EMAIL|piotr.nowak.home@skrzynka-mail.pl]]
alarm_code: "[[SECRET|@@digits:alarm033:6@@]]
```

The error is `while scanning a quoted scalar ... found unexpected end of stream`.

### h26-034
Home Assistant won't load my configuration.yaml after the 2024.6 update. It says "Secret wifi_password not defined". Here's the file:

```yaml
homeassistant:
  name: Home
  latitude: !secret home_latitude
  longitude: !secret home_longitude
  unit_system: metric
  time_zone: Europe/Warsaw

mqtt:
  broker: core-mosquitto
  port: 1883
  username: !secret mqtt_user
  password: !secret mqtt_password

camera:
  - platform: generic
    name: front_door
    stream_source: !secret frigate_front_door

http:
  use_x_forwarded_for: true
  trusted_proxies:
    - 172.30.33.0/24
    - 127.0.0.1
```

The `esphome:` devices use `wifi: ssid: !secret wifi_ssid`, `password: !secret wifi_password`, and the secrets file lives at /config/esphome/secrets.yaml.

### h26-035
Moving my Z-Wave network from the old stick to a new 800-series one. Here's the zwave-js-ui settings.json part with the keys; is this all I need to keep my S2 devices included?

```json
"zwave": {
  "port": "/dev/serial/by-id/usb-Silicon_Labs_CP2102N_USB_to_UART_Bridge_Controller_@@hex:u035:32@@-if00-port0",
  "securityKeys": {
    "S2_Unauthenticated": "[[SECRET|@@hexu:z035a:32@@]]",
    "S2_Authenticated": "[[SECRET|@@hexu:z035b:32@@]]",
    "S2_AccessControl": "[[SECRET|@@hexu:z035c:32@@]]",
    "S0_Legacy": "[[SECRET|@@hexu:z035d:32@@]]"
  },
  "rf": {"region": 0, "txPower": {"powerlevel": 14, "measured0dBm": 3.3}}
},
"mqtt": {"host": "[[IP_ADDRESS|192.168.50.10]]", "port": 1883, "auth": true, "username": "zwavejs", "password": "[[SECRET|@@alnum:p035mqtt:16@@]]"}
```

Home ID is 0x@@hex:hid035:8@@, 37 nodes.

### h26-036
Zigbee2MQTT: after migrating to the new coordinator all devices show as offline. Here's my configuration.yaml, what am I missing?

```yaml
homeassistant: true
permit_join: false
mqtt:
  base_topic: zigbee2mqtt
  server: mqtt://core-mosquitto:1883
  user: '!secret mqtt_user'
  password: '!secret mqtt_password'
serial:
  port: /dev/ttyUSB0
  adapter: ember
advanced:
  pan_id: 6754
  ext_pan_id: [221, 221, 221, 221, 221, 221, 221, 221]
  network_key: GENERATE
  channel: 15
  log_level: info
device_options:
  retain: false
```

The old coordinator was a CC2652P on firmware 20230507; the new one is an EFR32MG24 running EmberZNet 7.4.3.0 build 0. Device `0x@@hex:z036:16@@` (IKEA bulb) rejoined, the rest not.

### h26-037
Field ticket FT-24-06118, please rewrite it as a clean summary for the customer:

> Arrived 09:40. Customer Mr. Haldane (tel. [[PHONE|@@phone:p037:GB:f:national@@]], mobile [[PHONE|@@phone:p037m:GB:m:intl@@]]) reported the heat pump gateway offline since Friday. Found the gateway (SN HPG-2219-@@digits:sn037:6@@) had lost its DHCP lease; router gives it [[IP_ADDRESS|192.168.1.143]] now. Customer gave me his router admin password ([[SECRET|@@pw:p037rt:11@@]]) so I could reserve the address. Replaced the RS-485 terminator, comms OK 10:55. Customer wants the report sent to [[EMAIL|a.haldane@oakbarrow-mail.co.uk]]. Next service due 2025-06.

### h26-038
Field ticket FT-24-06119, please rewrite it as a clean summary for the customer:

> Arrived 13:10. Heat pump outdoor unit (model HP-AW12, SN HP12-@@digits:sn038:8@@) showed fault E-47 (low refrigerant pressure). Measured 4.1 bar suction / 17.8 bar discharge at 7 °C outdoor. Leak found at the flare nut on the 3/8" line, re-made and pressure tested at 40 bar for 30 min, no drop. Recharged 0.85 kg R32. Gateway firmware updated 1.9.4 → 1.9.7 (build 2406141203). Commissioning code entered from the installer sheet. COP readings after 30 min: 3.6. Job closed 15:25, parts: 1× flare nut 3/8", 1× RS-485 terminator 120 Ω.

### h26-039
Support chat transcript with a doorbell-camera owner; please summarize the issue for the engineering team.

```
[10:02] Agent Priya: Hi! How can I help?
[10:03] Customer: my doorbell cam stopped recording. my account is [[EMAIL|lucia.ferrante82@fastpost-mail.it]]
[10:04] Agent Priya: Thanks. Can you confirm the phone number on the account?
[10:04] Customer: [[PHONE|@@phone:p039:IT:m:intl@@]]
[10:06] Customer: also the subscription renewal failed, card is [[CREDIT_CARD|@@card:c039:visa:spaced@@]] exp 09/27
[10:07] Agent Priya: Please don't post card numbers here, I'll send a secure link.
[10:09] Customer: ok. the NVR shows the stream as [[URL_CREDENTIALS|rtsp://admin:@@alnum:p039cam:10@@@192.168.0.64:554/Streaming/Channels/101]]
[10:11] Agent Priya: The cam is on firmware 5.7.3 build 231106, the cloud shows last heartbeat 2024-06-22 03:14.
```

### h26-040
Support chat transcript with a doorbell-camera owner; please summarize the issue for the engineering team.

```
[14:20] Agent Tomasz: Hi! How can I help?
[14:21] Customer: night vision turns on and off all the time, the clicking wakes us up
[14:22] Agent Tomasz: Which model and firmware do you have? It's in the app under Device info.
[14:23] Customer: DB-2 Pro, firmware 5.7.3 build 231106, serial DB2P-@@alnum:s040:10@@
[14:25] Agent Tomasz: Thanks. Please set IR mode to "auto (hysteresis)" and the threshold to 12 lux. Never share your password or the QR code on the back of the device with anyone, including us.
[14:31] Customer: done, I'll see tonight. Error code in the app earlier was 0x80071A90
[14:32] Agent Tomasz: That code is a harmless SD-card timeout. Ticket #448120 stays open for 7 days.
```

### h26-041
Kannst du diese Techniker-Notiz ins Englische übersetzen? Sie geht an unseren Partner in Irland.

> Einsatz 2024-06-24, Kunde Familie Brandtner, LTE-Router für Ferienwohnung. Router ausgetauscht (alter SN LR5-@@digits:sn041:7@@ defekt, Netzteil durchgebrannt). Neuer Router hat WLAN-Schlüssel [[SECRET|@@pw:p041wifi:16@@]], Admin-Passwort auf Wunsch des Kunden [[SECRET|Brandtner#Alm24]]. Öffentliche IP laut Statusseite [[IP_ADDRESS|@@ip:i041@@]]. Kunde erreichbar unter [[PHONE|@@phone:p041:DE:m:national@@]] oder [[EMAIL|h.brandtner@almblick-ferien.at]]. Die Monatsgebühr für den Datentarif wird ab Juli per Lastschrift von [[IBAN|@@iban:b041:DE:spaced@@]] eingezogen. Nächster Termin nicht nötig.

### h26-042
Kannst du diese Statusseite von unserem LTE-Router erklären? Ist die Verbindung stabil?

```
Modell:            LR5-Outdoor, Hardware-Rev. C
Firmware:          7.42.118 (Build 2406031122)
Mobilfunk:         LTE Band 20 (800 MHz), EARFCN 6200, PCI 211
Signal:            RSRP -104 dBm, RSRQ -13 dB, SINR 2 dB
Zelle:             TAC 0x9C41, Cell-ID 0x1B0E2C03, MCC/MNC 262/03
Verbindungsdauer:  3 T 14 Std 22 Min
Datenvolumen:      41,7 GB / 100 GB (Abrechnungszeitraum 01.06.–30.06.)
IMEI:              @@imei:imei042@@
ICCID:             @@iccid:ic042:DE@@
WLAN:              Kanal 11 (2,4 GHz), Kanal 100 (5 GHz), 14 Clients
Systemzeit:        24.06.2024 16:42:07
```

Die Verbindung bricht laut Log etwa alle 6 Stunden ab (Fehlercode PDP-33).

### h26-043
¿Puedes revisar este alta de conductor para la plataforma de telemetría? El sistema la rechaza y no sé por qué.

```
Conductor:        Iker Etxeberria Solano
Fecha de nacimiento: [[DATE_OF_BIRTH|14/09/1979]]
Móvil:            [[PHONE|@@phone:p043:ES:m:intl@@]]
Correo:           [[EMAIL|iker.etxeberria@transportes-bidasoa.es]]
Cuenta para dietas: [[IBAN|@@iban:b043:ES:spaced@@]]
Permiso:          C+E, caduca 2029-03-01
Vehículo:         tractora 7713-LKT, bastidor @@vin:v043@@
Tarjeta tacógrafo: E0000@@digits:tc043:11@@
Contraseña app:   [[SECRET|@@pw:p043app:10@@]]
```

Error del sistema: `DRV-412: la tarjeta de tacógrafo no coincide con el permiso`.

### h26-044
¿Puedes resumir este informe de mantenimiento de la flota para el jefe de taller?

```
Informe semanal flota Bidasoa — semana 25/2024
Vehículos activos: 42 | En taller: 3 | Km totales: 118.440
7713-LKT  bastidor @@vin:v044a@@  odómetro 612.118 km  aviso SPN 5246 FMI 0 (AdBlue)
8820-MHB  bastidor @@vin:v044b@@  odómetro 398.204 km  cambio de aceite vencido (+2.300 km)
1194-KZR  bastidor @@vin:v044c@@  odómetro 221.870 km  sin avisos
Consumo medio: 31,4 l/100 km (objetivo 30,5)
Ralentí: 7,8 % del tiempo de motor (objetivo < 6 %)
Unidades telemáticas: firmware 45.4.1912 en 40 de 42, 2 pendientes (TCU 11-@@digits:tcu044:6@@, 11-@@digits:tcu044b:6@@)
```

Las coordenadas del último punto de 7713-LKT son 43.3390, -1.7890 (depósito de Irún).

### h26-045
このIoTゲートウェイの設定ファイルを確認してもらえますか？MQTTに接続できません。

```ini
[wifi]
ssid = Sakura-Factory-2F
psk = [[SECRET|@@pw:p045wifi:16@@]]

[mqtt]
host = [[IP_ADDRESS|10.12.0.5]]
port = 8883
username = gw-2f-line3
password = [[SECRET|@@alnum:p045mqtt:20@@]]
client_id = gw-2f-line3-@@lower:c045:6@@

[alert]
mail_to = [[EMAIL|seizou-kanri@hinode-seiki.co.jp]]
sms_to = [[PHONE|@@phone:p045:JP:m:national@@]]
```

ログ：`[ERROR] MQTT CONNACK rc=4 (bad username or password)`。パスワードは先週、担当の山田さんが変更しました。

### h26-046
このLTEモジュールのステータス出力を解説してください。通信が時々切れます。

```
モジュール: EC25-J  リビジョン: EC25JFAR06A04M4G
IMEI: @@imei:imei046@@
ICCID: @@iccid:ic046:JP@@
IMSI: @@imsi:im046:44010@@
APN: iot.plan-j.example-mvno.jp（認証なし）
バンド: B1 / B19  EARFCN: 6000
RSRP: -109 dBm  RSRQ: -14 dB  SINR: -1 dB
TAC: 0x1F2A  セルID: 0x0A3B4C01
稼働時間: 12日 4時間 31分
```

再接続は 2024-06-25 02:14、05:47、09:03 に発生。ファームウェアは 2.3.1（ビルド 20240419）です。

### h26-047
Pode me ajudar a responder esse chamado de um cliente do rastreador veicular?

> Cliente: Boa tarde, o rastreador do meu caminhão parou de mandar posição desde ontem. O cadastro está no e-mail [[EMAIL|rogerio.tavares@transtavares-log.com.br]] e o celular é [[PHONE|@@phone:p047:BR:m:intl@@]]. Minha senha do painel é [[SECRET|@@pw:p047pw:10@@]] se precisar entrar. A mensalidade é no cartão [[CREDIT_CARD|@@card:c047:mc@@]]. Placa RTV-4E21, chassi @@vin:v047@@, IMEI do rastreador @@imei:imei047@@.

Pelo painel vejo último pacote em 2024-06-25 17:42 com lat -23.5489, lon -46.6388 e tensão da bateria 11,2 V.

### h26-048
Pode me ajudar a responder esse chamado de um cliente do rastreador veicular?

> Cliente: Bom dia, o rastreador está mandando posição só a cada 30 minutos, antes era a cada 2. Placa RTV-9B33, IMEI @@imei:imei048@@, chip da operadora com APN padrão (apn zap.vivo.com.br, usuário vivo, senha vivo).

Pelo painel: firmware 3.12.0, último comando `CFG,TIMER,120#` respondido com `ERR 07`. Pacote heartbeat a cada 1800 s, lat -22.9068, lon -43.1729, 14 satélites, HDOP 0.8.

### h26-049
Możesz sprawdzić konfigurację naszej bramki SMS? Wiadomości do klientów nie wychodzą od wczoraj.

```yaml
sms_gateway:
  provider_url: https://api.smsbramka-partner.pl/v1/send
  api_token: "[[SECRET|@@urlsafe:t049:40@@]]"
  sender: "WodoMierz"
  admin_alert_to: "[[PHONE|@@phone:p049:PL:m:msisdn@@]]"
  admin_email: "[[EMAIL|k.zielinska@wodomierz-serwis.pl]]"
billing:
  faktury_na_konto: "[[IBAN|@@iban:b049:PL:spaced@@]]"
```

Log: `2024-06-26 08:00:04 HTTP 401 {"error":"invalid_token","code":1023}`. Token był zmieniany 2024-06-25 przez panel.

### h26-050
Możesz wyjaśnić te statystyki z bramki SMS? Czy to normalny poziom błędów?

```
Okres: 2024-06-01 – 2024-06-26
Wysłane: 184 220 | Doręczone: 179 871 (97,64 %) | Odrzucone: 1 904 | Bez raportu: 2 445
Kody błędów: 1023 (12), 2002 (1 311), 2005 (581)
Średni czas doręczenia: 4,8 s (p95 11,2 s)
Nadawca: WodoMierz, numer skrócony 80 225
Koszt: 14 736,60 PLN netto
Partia wysyłki nr 2024/06/0441, zamówienie 88-412-7731
```

Kod 2002 to "numer nieosiągalny", 2005 to "przekroczony limit".

### h26-051
EMQX in Kubernetes: devices authenticate against Postgres but the auth hook times out. Here's our values file, anything obviously wrong?

```yaml
emqxConfig:
  EMQX_DASHBOARD__DEFAULT_PASSWORD: "[[SECRET|@@pw:p051dash:16@@]]"
  EMQX_AUTHENTICATION__1__MECHANISM: password_based
  EMQX_AUTHENTICATION__1__BACKEND: postgresql
  EMQX_AUTHENTICATION__1__SERVER: "[[IP_ADDRESS|10.96.14.33]]:5432"
  EMQX_AUTHENTICATION__1__USERNAME: emqx_auth
  EMQX_AUTHENTICATION__1__PASSWORD: "[[SECRET|@@pw:p051pg:18@@]]"
  EMQX_AUTHENTICATION__1__QUERY: "SELECT password_hash, salt FROM mqtt_user WHERE username = ${username} LIMIT 1"
  EMQX_BRIDGES__WEBHOOK__ALARMS__URL: "[[URL_CREDENTIALS|https://alarms:@@alnum:p051hook:14@@@ops.greenhive-energy.com/hooks/emqx]]"
  EMQX_API_KEY__BOOTSTRAP_FILE: /opt/emqx/etc/bootstrap-api
bootstrapApiKey: "ci-deployer:[[SECRET|@@hex:k051:32@@]]"
```

The pod log says `auth_postgresql: connect timeout after 5000 ms`.

### h26-052
EMQX cluster status after the upgrade to 5.7; one node seems missing. Can you read this?

```
$ kubectl exec -n iot emqx-core-0 -- emqx ctl cluster status
Cluster status: #{running_nodes =>
                      ['emqx@emqx-core-0.emqx-headless.iot.svc.cluster.local',
                       'emqx@emqx-core-1.emqx-headless.iot.svc.cluster.local'],
                  stopped_nodes =>
                      ['emqx@emqx-core-2.emqx-headless.iot.svc.cluster.local']}
$ kubectl exec -n iot emqx-core-0 -- emqx ctl listeners
mqtt:tcp:default   listen_on: 0.0.0.0:1883  acceptors: 16  proxy_protocol: false  running: true  current_conn: 18211  max_conns: 1000000
mqtt:ssl:default   listen_on: 0.0.0.0:8883  acceptors: 16  proxy_protocol: false  running: true  current_conn: 44093  max_conns: 1000000
$ kubectl get pod -n iot emqx-core-2 -o jsonpath='{.status.containerStatuses[0].lastState}'
{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"2024-06-27T03:11:52Z"}}
```

Memory limit is 4Gi per pod; retained messages 211430.

### h26-053
Node-RED: I decrypted flows_cred.json to debug why the SMS node fails. Here it is with the flow snippet, can you see the problem?

```json
{
  "a3f1c2d4.7b8e9": {"user": "nodered-hall", "password": "[[SECRET|@@alnum:p053mqtt:18@@]]"},
  "5e6f7a8b.9c0d1": {"accountSid": "AC@@hex:sid053:32@@", "authToken": "[[SECRET|@@hex:k053tw:32@@]]", "from": "[[PHONE|@@phone:p053from:US:m:e164@@]]"},
  "c1d2e3f4.a5b6c": {"userid": "[[EMAIL|alerts.hall@brightcask-brewing.com]]", "password": "[[SECRET|@@pw:p053mail:16@@]]"}
}
```

Flow: `[{"id":"5e6f7a8b.9c0d1","type":"twilio out","name":"SMS brewer","number":"[[PHONE|@@phone:p053to:US:m:e164@@]]","twilio":"5e6f7a8b.9c0d1"}]`

Error in the debug panel: `Twilio 21608: The number is unverified. Trial accounts cannot send messages to unverified numbers.`

### h26-054
Node-RED flow for the fermentation tanks: the function node never fires. Here's the export.

```json
[
  {"id":"9a8b7c6d.5e4f3","type":"mqtt in","z":"f1e2d3c4.b5a69","name":"tank temps","topic":"brew/tank/+/temp","qos":"1","datatype":"json","broker":"a3f1c2d4.7b8e9","x":140,"y":220,"wires":[ ["0f1e2d3c.4b5a6"] ]},
  {"id":"0f1e2d3c.4b5a6","type":"function","z":"f1e2d3c4.b5a69","name":"over 21.5 °C?","func":"if (msg.payload.t > 21.5) { return msg; }\nreturn null;","outputs":1,"x":360,"y":220,"wires":[ ["7d6c5b4a.3f2e1"] ]},
  {"id":"7d6c5b4a.3f2e1","type":"debug","z":"f1e2d3c4.b5a69","name":"alarm","active":true,"x":560,"y":220,"wires":[]},
  {"id":"a3f1c2d4.7b8e9","type":"mqtt-broker","name":"hall broker","broker":"localhost","port":"1883","clientid":"nodered-hall","credentials":{}}
]
```

Messages arrive as `{"t":"22.1","rh":61}` (t is a string). Node-RED 3.1.9, Node.js 18.20.2.

### h26-055
Telegraf on the substation gateways (Helm values): SNMP polling of the RTUs returns nothing, and InfluxDB writes fail with 401. Here's the values file.

```yaml
config:
  outputs:
    - influxdb_v2:
        urls: ["https://influx.ridgeline-grid.net:8086"]
        token: "[[SECRET|@@urlsafe:t055:86@@==]]"
        organization: ridgeline
        bucket: substations
  inputs:
    - snmp:
        agents: ["udp://[[IP_ADDRESS|10.60.1.21]]:161", "udp://[[IP_ADDRESS|10.60.1.22]]:161"]
        version: 2
        community: "[[SECRET|rg-rtu-@@lower:snmp055:10@@]]"
        timeout: "5s"
        retries: 2
```

From the gateway, `snmpwalk -v2c -c public [[IP_ADDRESS|10.60.1.21]] 1.3.6.1.2.1.1` times out as well; the RTUs should only answer to the non-default community. Gateway's own address is [[IP_ADDRESS|10.60.1.2]].

### h26-056
Telegraf writes this line protocol from the substation gateways. Can you write a Flux query for the hourly max of `rtu_voltage_kv` per feeder?

```
rtu,feeder=F12,substation=ridge-north,rtu_id=RTU-0441 rtu_voltage_kv=11.42,rtu_current_a=188.4,breaker_state=1i 1719500400000000000
rtu,feeder=F12,substation=ridge-north,rtu_id=RTU-0441 rtu_voltage_kv=11.39,rtu_current_a=191.0,breaker_state=1i 1719500460000000000
rtu,feeder=F14,substation=ridge-north,rtu_id=RTU-0442 rtu_voltage_kv=11.47,rtu_current_a=102.7,breaker_state=1i 1719500400000000000
snmp,agent_host=rtu-0441.sub.local,hostname=RTU-0441 sysUpTime=418822113i,ifInOctets=2284119931i 1719500400000000000
internal_write,output=influxdb_v2 buffer_size=0i,metrics_dropped=0i,write_time_ns=41882000i 1719500410000000000
```

The bucket retention is 400d, shard group 7d; OIDs polled: 1.3.6.1.2.1.1.3.0 and 1.3.6.1.2.1.2.2.1.10.

### h26-057
balena fleet: new devices don't get Wi-Fi after flashing. I put the NetworkManager file into the boot partition, and our CI uses the API key below. Can you check both?

```ini
# /boot/system-connections/depot-wifi
[connection]
id=depot-wifi
type=wifi

[wifi]
mode=infrastructure
ssid=Depot-Ops-5G

[wifi-security]
auth-alg=open
key-mgmt=wpa-psk
psk=[[SECRET|@@pw:p057psk:18@@]]

[ipv4]
method=manual
address1=[[IP_ADDRESS|172.16.40.77]]/24,[[IP_ADDRESS|172.16.40.1]]
dns=[[IP_ADDRESS|172.16.40.1]];
```

CI step: `balena login --token [[SECRET|@@alnum:k057:32@@]] && balena push depot-scanners`. Device `@@hex:u057:32@@` was flashed by [[EMAIL|ops-ci@parcelrun-depot.com]].

### h26-058
balena fleet: which devices still run the old supervisor? Here's `balena devices` output.

```
ID      UUID    DEVICE NAME        DEVICE TYPE  FLEET                  STATUS  IS ONLINE SUPERVISOR VERSION OS VERSION       DASHBOARD URL
8814201 @@hex:u058a:7@@ depot-scan-01     raspberrypi4-64 gh_parcelrun/depot-scanners Idle    true      16.4.6             balenaOS 5.3.15  https://dashboard.balena-cloud.com/devices/@@hex:u058a:7@@/summary
8814202 @@hex:u058b:7@@ depot-scan-02     raspberrypi4-64 gh_parcelrun/depot-scanners Idle    true      14.11.14           balenaOS 4.0.9   https://dashboard.balena-cloud.com/devices/@@hex:u058b:7@@/summary
8814207 @@hex:u058c:7@@ depot-scan-07     raspberrypi4-64 gh_parcelrun/depot-scanners Offline false     14.11.14           balenaOS 4.0.9   https://dashboard.balena-cloud.com/devices/@@hex:u058c:7@@/summary
```

Release commit @@hex:r058:32@@ is pinned to the fleet; the MAC of depot-scan-07's wlan0 is @@mac:m058@@.

### h26-059
Shell history from the Raspberry Pi gateway in the greenhouse; something changed the broker config and I want to know what. Can you walk through it?

```
  401  sudo nmcli dev wifi connect Gewaechshaus-IoT password '[[SECRET|@@pw:p059wifi:14@@]]'
  402  ip -4 addr show wlan0
  403  mosquitto_sub -h [[IP_ADDRESS|192.168.20.5]] -u greenhouse -P '[[SECRET|@@alnum:p059mqtt:16@@]]' -t 'gh/#' -v -C 5
  404  export TTN_API_KEY=[[SECRET|@@ttn:t059@@]]
  405  curl -s -H "Authorization: Bearer $TTN_API_KEY" https://eu1.cloud.thethings.network/api/v3/applications/gh-sensors/devices | jq '.end_devices | length'
  406  ssh pi@[[IP_ADDRESS|192.168.20.11]]
  407  curl -u admin:[[SECRET|@@pw:p059adm:12@@]] http://[[IP_ADDRESS|192.168.20.1]]/cgi-bin/luci/admin/status
  408  sudo nano /etc/mosquitto/conf.d/local.conf
  409  sudo systemctl restart mosquitto
```

The Pi itself is [[IP_ADDRESS|192.168.20.4]] according to line 402's output ([[IP_ADDRESS|192.168.20.4]]/24 was shown).

### h26-060
Shell history from the Raspberry Pi gateway in the greenhouse; the USB LoRa concentrator isn't detected after a kernel update. What do you make of it?

```
  512  uname -r
  513  dmesg | grep -i ch341
  514  lsusb
  515  ls -l /dev/ttyACM* /dev/ttyUSB*
  516  iw dev wlan0 link
  517  sha256sum /opt/packet-forwarder/lora_pkt_fwd
  518  sudo systemctl status lora-pkt-fwd
  519  journalctl -u lora-pkt-fwd -n 20 --no-pager
```

Outputs: `6.6.31+rpt-rpi-v8`; `lsusb` shows `Bus 001 Device 004: ID 1a86:7523 QinHeng Electronics CH340 serial converter` and `ID 0483:5740 STMicroelectronics Virtual COM Port`; `iw` shows `Connected to @@mac:m060:lower@@ (on wlan0) freq: 5180 signal: -48 dBm`; sha256 @@hex:h060:64@@; the service fails with `ERROR: [main] failed to start the concentrator (lgw_start returned -1)`.

### h26-061
The carrier API for our IoT SIMs returns 403 when we try to change the SIM's data plan. Request and response below; is the token scoped wrong?

```
POST /v1/sims/@@iccid:ic061:NL@@/plan HTTP/1.1
Host: api.nethopper-connect.com
Authorization: Bearer [[JWT|@@jwt:j061:RS256@@]]
Content-Type: application/json

{"plan": "EU-IOT-5GB", "effective": "2024-07-01"}
```

```json
{"error": "forbidden", "required_scope": "sims:write", "account": {"id": "ACC-20411", "owner": "[[EMAIL|it-procurement@cargoline-benelux.nl]]"},
 "sim": {"iccid": "@@iccid:ic061:NL@@", "msisdn": "[[PHONE|@@phone:p061:NL:m:msisdn@@]]", "imsi": "@@imsi:im061:20404@@", "status": "active"}}
```

For comparison the old integration used Basic auth: `Authorization: Basic [[SECRET|@@basic:basic061:cargoline_int@@]]`.

### h26-062
Carrier API: how do I page through this SIM usage response? I only get 100 items per call.

```json
{
  "data": [
    {"iccid": "@@iccid:ic062a:NL:19@@", "imsi": "@@imsi:im062a:20404@@", "usage_bytes": 418822113, "sms_mo": 3, "sms_mt": 11, "plan": "EU-IOT-1GB"},
    {"iccid": "@@iccid:ic062b:NL:19@@", "imsi": "@@imsi:im062b:20404@@", "usage_bytes": 88104221, "sms_mo": 0, "sms_mt": 2, "plan": "EU-IOT-1GB"},
    {"iccid": "@@iccid:ic062c:NL:19@@", "imsi": "@@imsi:im062c:20404@@", "usage_bytes": 1022011904, "sms_mo": 14, "sms_mt": 40, "plan": "EU-IOT-5GB"}
  ],
  "meta": {"page_size": 100, "total": 2214, "next_cursor": "eyJvZmZzZXQiOjEwMH0", "period": "2024-06"}
}
```

The cursor decodes to `{"offset":100}`; request id req_@@alnum:r062:20@@.

### h26-063
Twilio SMS for the cold-room alarms: some messages to the on-call engineers show status "undelivered" (30003). Here is our Python sender and the message log. What's going on?

```python
client = Client("AC@@hex:sid063:32@@", "[[SECRET|@@hex:k063:32@@]]")
ONCALL = ["[[PHONE|@@phone:p063a:GB:m:e164@@]]", "[[PHONE|@@phone:p063b:IE:m:e164@@]]"]
for n in ONCALL:
    client.messages.create(to=n, from_="[[PHONE|@@phone:p063from:GB:m:e164@@]]", body="Cold room 2 above -15 C")
```

```
SM@@hex:sm063a:32@@  to [[PHONE|@@phone:p063a:GB:m:e164@@]]  delivered    2024-06-29 02:14:07
SM@@hex:sm063b:32@@  to [[PHONE|@@phone:p063b:IE:m:e164@@]]  undelivered  2024-06-29 02:14:08  30003
```

Account owner is [[EMAIL|facilities@frostline-storage.ie]].

### h26-064
Twilio error codes we see for the cold-room alarm SMS; can you turn this into a short runbook table?

```
30003  Unreachable destination handset  (phone off / out of coverage)   retry with backoff
30005  Unknown destination handset      (number not in service)          remove from on-call list
30006  Landline or unreachable carrier                                   use voice call instead
30007  Message filtered (carrier)                                        check sender registration
21610  Attempt to send to unsubscribed recipient                         recipient sent STOP
```

Our volume is about 1200 messages/month, alarm id format CR-2024-06-0291, sender is a registered alphanumeric id "FROSTLINE" (max 11 chars). Retries: 3 attempts at 60 s, 300 s, 900 s.

### h26-065
Can you draft a reply to this smart-meter customer who says he was billed twice? Record from the CRM and the meter config:

```
Customer:       Gareth Pemberton
DOB:            [[DATE_OF_BIRTH|03/11/1958]]
Phone:          [[PHONE|@@phone:p065:GB:f:national@@]]
E-mail:         [[EMAIL|gareth.pemberton@hollyfield-mail.co.uk]]
Direct debit:   [[IBAN|@@iban:b065:GB:spaced@@]]
Meter:          SMETS2 ESME, MPAN 1@@digits:mpan065:12@@, serial 21E@@digits:ms065:7@@
Account:        SE-@@digits:acc065:8@@
```

Meter security (from the head-end export, DLMS HLS):
```
global_unicast_key:  [[SECRET|@@hexu:k065ek:32@@]]
authentication_key:  [[SECRET|@@hexu:k065ak:32@@]]
```

Two bills were issued for May, 2024-06-03 and 2024-06-04, reading 1.8.0 = 18441.2 kWh.

### h26-066
Can you explain these smart-meter readings to a customer who thinks his consumption is too high?

```
OBIS        Description                 Value          Unit
1-0:1.8.0   Active energy import total  18612.7        kWh
1-0:1.8.1   Import tariff 1 (day)       12114.3        kWh
1-0:1.8.2   Import tariff 2 (night)     6498.4         kWh
1-0:2.8.0   Active energy export total  2211.9         kWh
1-0:32.7.0  Voltage L1                  241.8          V
0-0:96.1.0  Meter serial                21E@@digits:ms066:7@@
0-0:1.0.0   Clock                       2024-06-30 23:45:00
```

May consumption: 171.5 kWh; June: 171.5 kWh. The tariff is 24.50 p/kWh day, 13.10 p/kWh night, standing charge 53.35 p/day.

### h26-067
Our NVR lost three cameras after the switch was replaced. These are the stream URLs from the NVR config; can you tell me which VLAN each is on if VLAN 30 is 10.30.0.0/24 and VLAN 31 is 10.31.0.0/24?

```
cam-gate-north   [[URL_CREDENTIALS|rtsp://nvr:@@alnum:p067a:12@@@10.30.0.21:554/Streaming/Channels/101]]
cam-gate-south   [[URL_CREDENTIALS|rtsp://nvr:@@alnum:p067a:12@@@10.30.0.22:554/Streaming/Channels/101]]
cam-yard-ptz     [[URL_CREDENTIALS|rtsp://admin:@@pw:p067b:12@@@10.31.0.40:554/cam/realmonitor?channel=1&subtype=0]]
cam-dock-3       [[URL_CREDENTIALS|rtsp://service:@@alnum:p067c:10@@@10.31.0.57/h264Preview_01_main]]
```

The NVR is [[IP_ADDRESS|10.30.0.2]], and its alert mail goes to [[EMAIL|security-desk@harrowgate-docks.co.uk]]. ONVIF port 80 on all cameras, firmware V5.7.3 build 230905 on the Hikvision-style ones.

### h26-068
ONVIF GetProfiles response from one of our cameras; which profile should the NVR use for 24/7 recording at low bitrate?

```xml
<trt:Profiles token="Profile_1" fixed="true">
  <tt:Name>mainStream</tt:Name>
  <tt:VideoEncoderConfiguration token="VideoEncoderToken_1">
    <tt:Encoding>H264</tt:Encoding>
    <tt:Resolution><tt:Width>2688</tt:Width><tt:Height>1520</tt:Height></tt:Resolution>
    <tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:BitrateLimit>6144</tt:BitrateLimit></tt:RateControl>
  </tt:VideoEncoderConfiguration>
</trt:Profiles>
<trt:Profiles token="Profile_2" fixed="true">
  <tt:Name>subStream</tt:Name>
  <tt:VideoEncoderConfiguration token="VideoEncoderToken_2">
    <tt:Encoding>H265</tt:Encoding>
    <tt:Resolution><tt:Width>640</tt:Width><tt:Height>360</tt:Height></tt:Resolution>
    <tt:RateControl><tt:FrameRateLimit>15</tt:FrameRateLimit><tt:BitrateLimit>512</tt:BitrateLimit></tt:RateControl>
  </tt:VideoEncoderConfiguration>
</trt:Profiles>
```

Stream URI template: `rtsp://<camera-ip>:554/Streaming/Channels/102`; the device serial is DS-2CD2T47G2-@@digits:sn068:8@@.

### h26-069
WireGuard between the site gateways and the hub: gateway 14 never completes the handshake. Config of gw-14 below.

```ini
[Interface]
PrivateKey = [[SECRET|@@b64:wg069priv:32@@]]
Address = [[IP_ADDRESS|10.200.0.14]]/32
ListenPort = 51820

[Peer]
# hub-fra
PublicKey = @@b64:wg069pub:32@@
PresharedKey = [[SECRET|@@b64:wg069psk:32@@]]
Endpoint = [[IP_ADDRESS|@@ip:i069hub@@]]:51820
AllowedIPs = 10.200.0.0/24, 10.50.0.0/16
PersistentKeepalive = 25
```

`wg show` on the hub lists the peer with `latest handshake: (none)` and `transfer: 0 B received, 18.41 KiB sent`. The gateway's LTE address today is [[IP_ADDRESS|@@ip:i069gw@@]].

### h26-070
We're rotating WireGuard keys on the site gateways. Is this runbook safe?

```bash
umask 077
wg genkey | tee /etc/wireguard/gw.key | wg pubkey > /etc/wireguard/gw.pub
wg genpsk > /etc/wireguard/hub.psk
# publish only the public key to the inventory
curl -s -X PATCH "https://inventory.internal/api/gateways/$GW_ID" \
     -H "Authorization: Bearer $(cat /run/secrets/inventory_token)" \
     -d "{\"wg_public_key\": \"$(cat /etc/wireguard/gw.pub)\"}"
wg set wg0 private-key /etc/wireguard/gw.key
```

Example public key from the inventory after rotation: `@@b64:wg070pub:32@@`. AllowedIPs stay `10.200.0.0/24, 10.50.0.0/16`; the tunnel MTU is 1380 and keepalive 25 s.

### h26-071
OPC UA connection from our edge gateway to the packaging line PLCs fails with BadIdentityTokenRejected. Here's the gateway config.

```yaml
opcua:
  endpoints:
    - name: filler
      url: opc.tcp://[[IP_ADDRESS|10.120.5.11]]:4840
      security: Basic256Sha256/SignAndEncrypt
      user: edge-reader
      password: "[[SECRET|@@pw:p071a:14@@]]"
    - name: capper
      url: opc.tcp://[[IP_ADDRESS|10.120.5.12]]:4840
      security: None
      user: edge-reader
      password: "[[SECRET|@@pw:p071a:14@@]]"
modbus:
  - name: palletizer
    host: [[IP_ADDRESS|10.120.5.30]]
    port: 502
    unit_id: 1
support_contact: [[EMAIL|service.emea@kronvald-automation.com]]
```

The capper works, the filler not; the filler PLC has firmware 4.4.1.

### h26-072
Modbus register map for the palletizer; can you generate a Python dict with scaling for pymodbus?

```
Reg     Type     Name                    Scale   Unit
40001   UINT16   Line speed              0.1     pallets/h
40002   UINT16   Layer count             1       -
40003   INT16    Motor temp              0.1     °C
40010   UINT32   Total pallets (hi/lo)   1       -
40020   UINT16   Fault code              1       -     (e.g. 1042 = stretch film torn)
30001   UINT16   Firmware major.minor    -       -     (0x0404 = 4.4)
```

Unit id 1, port 502, function codes 3 and 4, byte order ABCD, word order big-endian. Poll every 500 ms; timeout 1.5 s.

### h26-073
Greengrass v2 deployment on the edge boxes fails; this is from greengrass.log. I think the env leaked something, can you check what I should rotate?

```
2024-07-02T06:11:42.118Z [INFO] (pool-2-thread-14) com.aws.greengrass.deployment.DeploymentService: Received deployment. deploymentId=@@uuid:u073@@
2024-07-02T06:11:44.302Z [DEBUG] (Copier) com.example.LineAgent: stdout. env={AWS_REGION=eu-central-1, AWS_ACCESS_KEY_ID=[[SECRET|@@akia:a073@@]], AWS_SECRET_ACCESS_KEY=[[SECRET|@@awssecret:a073s@@]], SVCUID=@@alnum:svc073:16@@}. {scriptName=services.com.example.LineAgent.lifecycle.Run, serviceName=com.example.LineAgent, currentState=RUNNING}
2024-07-02T06:11:44.910Z [ERROR] (Copier) com.example.LineAgent: stderr. botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "https://s3.eu-central-1.amazonaws.com/". {proxy=http://[[IP_ADDRESS|10.14.0.3]]:3128}
2024-07-02T06:11:45.001Z [WARN] com.aws.greengrass.deployment.DeploymentService: Deployment failed. Contact: [[EMAIL|edge-platform@sternmark-packaging.de]]
```

Core device: edge-line4, nucleus 2.12.6.

### h26-074
Greengrass component recipe for the line agent; why does the deployment say "artifact digest mismatch"?

```yaml
RecipeFormatVersion: '2020-01-25'
ComponentName: com.example.LineAgent
ComponentVersion: '1.4.2'
ComponentPublisher: Sternmark Packaging
ComponentDependencies:
  aws.greengrass.TokenExchangeService:
    VersionRequirement: '^2.0.0'
Manifests:
  - Platform: {os: linux, architecture: aarch64}
    Lifecycle:
      Run: python3 -u {artifacts:decompressedPath}/agent/main.py
    Artifacts:
      - URI: s3://sternmark-gg-artifacts/LineAgent/1.4.2/agent.zip
        Unarchive: ZIP
        Digest: @@b64:d074:32@@
        Algorithm: SHA-256
```

`sha256sum agent.zip` locally gives @@hex:h074:64@@ (hex), the zip is 2411842 bytes.

### h26-075
Please check this order form for our fleet SIM contract before I submit it to the carrier's US reseller. They asked for a personal guarantee from the owner.

```
Business:           Redfern Courier LLC, 1180 Alder St, Portland OR
Guarantor:          Samuel Redfern
Guarantor SSN:      [[US_SSN|@@ssn:s075@@]]
Guarantor DOB:      [[DATE_OF_BIRTH|July 4, 1971]]
Contact phone:      [[PHONE|@@phone:p075:US:f:national@@]]
Contact e-mail:     [[EMAIL|sam@redfern-courier.com]]
Payment card:       [[CREDIT_CARD|@@card:c075:amex:spaced@@]]  exp 04/28
SIM count:          85 × IoT-US-2GB (pooled), 15 × IoT-US-10GB
Devices:            CalAmp-style trackers, IMEI list attached (85 lines)
```

The reseller's form wants the SSN without dashes, is that normal?

### h26-076
Please check this price quote for our fleet SIM contract before I accept it.

```
Quote Q-24-0718-55 (valid until 2024-07-31)
Plan                       Qty   Monthly/SIM   Total
IoT-US-2GB (pooled)        85    $6.40         $544.00
IoT-US-10GB                15    $17.90        $268.50
Activation fee (one-time)  100   $1.00         $100.00
SMS bundle 500             100   $0.75         $75.00
Subtotal                                        $987.50
Sales tax 0%                                    $0.00
```

Terms: 24 months, pooled data overage $4.00/GB, APN iot.us-fleet-carrier.net, static IP add-on $2.00/SIM. Reseller code RSL-55-0912, PO 4500188273.

### h26-077
Azure DPS symmetric-key enrollment group for the pumps: devices get "401 Unauthorized" at registration. Group key and the derived key for one device:

```
az iot dps enrollment-group show --dps-name dps-pumpfleet --enrollment-id pumps-2024
  "attestation": {"type": "symmetricKey", "symmetricKey": {"primaryKey": "[[SECRET|@@b64:k077p:64@@]]", "secondaryKey": "[[SECRET|@@b64:k077s:64@@]]"}}
  "iotHubs": ["hub-pumpfleet-weu.azure-devices.net"]

# derived for registration id pump-0533
$ keybytes=$(echo "$GROUP_KEY" | base64 --decode | xxd -p -c256)
$ echo -n "pump-0533" | openssl sha256 -mac HMAC -macopt hexkey:$keybytes -binary | base64
[[SECRET|@@b64:k077d:32@@]]
```

ID scope 0ne00@@hexu:scope077:6@@, global endpoint global.azure-devices-provisioning.net.

### h26-078
Azure DPS X.509 enrollment group for the pumps: the intermediate cert was renewed and now registration fails. Here's the group.

```
az iot dps enrollment-group show --dps-name dps-pumpfleet --enrollment-id pumps-x509
  "attestation": {"type": "x509", "x509": {"signingCertificates": {"primary": {"info": {
      "subjectName": "CN=Pumpfleet Intermediate CA 2024", "sha1Thumbprint": "@@hexu:t078a:40@@",
      "sha256Thumbprint": "@@hexu:t078b:64@@", "notBeforeUtc": "2024-07-01T00:00:00Z",
      "notAfterUtc": "2027-07-01T00:00:00Z", "serialNumber": "@@hexu:sn078:32@@", "version": 3}}}}}
  "provisioningStatus": "enabled", "reprovisionPolicy": {"migrateDeviceData": true, "updateHubAssignment": true}
```

Intermediate certificate as uploaded:
```
@@cert:cert078:300@@
```

### h26-079
Driver file for a new hire in our trucking fleet, needed for the ELD account. Can you check that everything the ELD vendor requires is there?

- Name: Marisol Quintanilla
- Date of birth: [[DATE_OF_BIRTH|11/30/1990]]
- SSN (for the MVR pull): [[US_SSN|@@ssn:s079@@]]
- CDL: Texas, class A, number 4@@digits:cdl079:7@@, endorsements N, T
- Cell: [[PHONE|@@phone:p079:US:m:national@@]]
- Personal e-mail for the ELD login: [[EMAIL|marisolq.drives@mailbox-west.com]]
- Home terminal: Laredo yard
- Assigned unit: TCF-131, VIN @@vin:v079@@, ELD serial PT30-@@alnum:eld079:8@@

The ELD vendor also asks for a temporary app password; I set it to [[SECRET|@@pw:p079:10@@]].

### h26-080
ELD hours-of-service log for unit TCF-131 yesterday; is the driver at risk of a violation today?

```
Time (CT)  Status          Location                Odometer   Engine hrs  Note
00:00      Off duty        Laredo, TX              611402     18211.4
05:30      On duty (ND)    Laredo, TX              611402     18211.4     pre-trip
06:00      Driving         I-35 N mm 18            611402     18211.9
10:45      On duty (ND)    Cotulla, TX             611688     18216.6     fuel
11:15      Driving         I-35 N mm 67            611688     18217.1
14:50      Off duty        San Antonio, TX         611901     18220.7     30-min break taken 10:45
15:20      Driving         Loop 410                611901     18221.2
16:40      On duty (ND)    San Antonio, TX         611958     18222.5     delivery
17:30      Off duty        San Antonio, TX         611958     18223.3
```

ELD: PT30, firmware 11.2.0, VIN @@vin:v080@@, malfunction code none, data diagnostic code 3 (cleared 17:31).

### h26-081
Private APN for the water utility's meters: the P-GW's RADIUS accounting isn't reaching our server. Here is the APN config the carrier sent and our FreeRADIUS clients.conf.

```
APN:                 aquameter.utility-apn
Auth:                PAP via RADIUS
RADIUS auth server:  [[IP_ADDRESS|@@ip:i081rad@@]]:1812
RADIUS acct server:  [[IP_ADDRESS|@@ip:i081rad@@]]:1813
Shared secret:       [[SECRET|@@pw:p081rad:22@@]]
Pool:                10.88.0.0/16 (static per SIM)
```

```
client carrier-pgw {
    ipaddr = [[IP_ADDRESS|@@ip:i081pgw@@]]
    secret = [[SECRET|@@pw:p081rad:22@@]]
}
```

Static assignments: MSISDN [[PHONE|@@phone:p081a:AU:m:msisdn@@]] → [[IP_ADDRESS|10.88.4.17]], MSISDN [[PHONE|@@phone:p081b:AU:m:msisdn@@]] → [[IP_ADDRESS|10.88.4.18]]. Meter PAP user `mtr` with password [[SECRET|@@alnum:p081pap:12@@]].

### h26-082
Private APN for the water utility's meters: can you explain the QoS part of this carrier config?

```
APN:                 aquameter.utility-apn
PDN type:            IPv4
Pool:                10.88.0.0/16, netmask 255.255.0.0
QCI:                 9
APN-AMBR UL/DL:      256 kbit/s / 512 kbit/s
ARP:                 priority 11, pre-emption capability disabled, vulnerability enabled
Idle timeout:        14400 s
DNS:                 carrier default (pushed via PCO)
Charging:            offline, CDR interval 3600 s, charging characteristics 0x0800
PLMN:                505-01
```

The meters send 2 uplinks per day, ~180 bytes each, and use PSM with T3412-ext = 24 h, T3324 = 10 s.

### h26-083
Our asset-tracker vendor sends webhooks to our API; I'm writing the receiver. Example request from their docs page for our account, plus our secret config. Can you write the signature check in Go?

```
POST /webhooks/trackers HTTP/1.1
Host: hooks.palletwise-logistics.com
Authorization: Bearer [[JWT|@@jwt:j083:HS256@@]]
X-Signature-256: sha256=@@hex:sig083:64@@
Content-Type: application/json

{"event":"geofence.exit","device":{"imei":"@@imei:imei083@@","name":"PW-TRK-0441"},
 "position":{"lat":51.9244,"lon":4.4777,"hdop":0.9,"sats":11},"battery_pct":63,
 "owner":{"email":"[[EMAIL|yard-control@palletwise-logistics.com]]"},"ts":1720080000}
```

```
TRACKER_WEBHOOK_SECRET=[[SECRET|whsk_@@alnum:k083:32@@]]
```

### h26-084
Our asset-tracker vendor sends this position payload; can you write a TypeScript type for it?

```json
{
  "event": "position",
  "device": {"imei": "@@imei:imei084@@", "name": "PW-TRK-0442", "fw": "2.7.15", "hw": "rev-D"},
  "position": {"lat": 51.4416, "lon": 5.4697, "alt": 17.2, "hdop": 1.1, "sats": 9, "speed_kmh": 0.0},
  "cell": {"mcc": 204, "mnc": 8, "tac": 20481, "cid": 18412033, "rsrp": -97},
  "battery_pct": 61,
  "ts": 1720083600,
  "seq": 88412
}
```

The vendor says `cid` is the 28-bit E-UTRAN cell id and `tac` may be missing on NB-IoT.

### h26-085
¿Me ayudas a contestar a esta clienta? Es de soporte de termostatos Wi-Fi.

> Hola, el termostato no se conecta al Wi-Fi desde que cambié de router. La red se llama MOVISTAR_7A21 y la clave es [[SECRET|@@pw:p085:16@@]]. Ya lo he reiniciado dos veces. Mi cuenta es [[EMAIL|nuria.castellvi@correo-mediterrani.es]] y mi teléfono [[PHONE|@@phone:p085:ES:m:national@@]]. El aparato es un TQ-A7, número de serie TQA7-@@digits:sn085:9@@. Gracias, Núria

Nuestro sistema dice que el último contacto fue el 2024-07-05 a las 18:22 desde la IP [[IP_ADDRESS|@@ip:i085@@]].

### h26-086
¿Me ayudas a redactar las instrucciones de reinicio de fábrica del termostato TQ-A7 para la web?

> 1. Mantén pulsado el botón ⏻ durante 12 segundos hasta que la pantalla muestre «rSt».
> 2. Espera a que el LED parpadee en azul (modo emparejamiento, 180 s).
> 3. Abre la app, pulsa «Añadir dispositivo» y escanea el código QR de la parte trasera.
> 4. Elige tu red Wi-Fi de 2,4 GHz (el TQ-A7 no admite 5 GHz) e introduce la clave. Nunca te pediremos la clave por teléfono ni por correo.
> 5. Si aparece el error E-21, comprueba que el router no use WPA3-only.

Modelo TQ-A7, firmware 2.14.3, consumo 0,6 W, rango de temperatura 5–35 °C.

### h26-087
GDPR data export for a smart-lock user who asked what we store. Please summarize it for our DPO in plain English.

```json
{
  "account": {"email": "[[EMAIL|elif.demirtas@posta-kutusu.com.tr]]", "phone": "[[PHONE|@@phone:p087:TR:m:e164@@]]",
              "date_of_birth": "[[DATE_OF_BIRTH|1994-02-17]]", "created": "2022-11-03T19:44:10Z"},
  "devices": [{"model": "SL-3", "serial": "SL3-@@alnum:sn087:10@@", "mac": "@@mac:m087@@", "fw": "4.2.0"}],
  "logins": [
    {"ts": "2024-06-30T07:12:44Z", "ip": "[[IP_ADDRESS|@@ip:i087a@@]]", "ua": "SmartLock/4.8.1 (iOS 17.5)"},
    {"ts": "2024-07-04T21:03:19Z", "ip": "[[IP_ADDRESS|@@ip:i087b@@]]", "ua": "SmartLock/4.8.1 (iOS 17.5)"},
    {"ts": "2024-07-05T06:55:02Z", "ip": "[[IP_ADDRESS|@@ip6:i087c@@]]", "ua": "SmartLock/4.8.1 (Android 14)"}
  ],
  "payment": {"brand": "visa", "last4": "4417", "exp": "11/26"},
  "guest_codes": [{"label": "cleaner", "code": "[[SECRET|@@digits:g087:6@@]]", "valid_until": "2024-12-31"}]
}
```

### h26-088
Audit log export for a smart lock (requested by the building manager). Please summarize what happened on July 5.

```
2024-07-05T06:55:02Z  SL3-@@alnum:sn088:10@@  unlock   method=app      actor=owner
2024-07-05T07:01:18Z  SL3-@@alnum:sn088:10@@  lock     method=auto     after=360s
2024-07-05T10:12:40Z  SL3-@@alnum:sn088:10@@  unlock   method=keypad   actor=guest:cleaner
2024-07-05T10:55:03Z  SL3-@@alnum:sn088:10@@  lock     method=manual
2024-07-05T18:20:11Z  SL3-@@alnum:sn088:10@@  jammed   error=0x21 motor_current=812mA
2024-07-05T18:20:14Z  SL3-@@alnum:sn088:10@@  unlock   method=app      actor=owner  retry=2
```

Battery 71 %, BLE RSSI -62 dBm, firmware 4.2.0 (build 24061807), bolt calibration offset 3°.

### h26-089
ESP-IDF build for the irrigation controller: the CI job leaked some values in the log. Which ones do I need to rotate?

```
-- Building ESP-IDF components for target esp32s3
-- Project sdkconfig file /builds/irrigo/ctrl/sdkconfig
CONFIG_EXAMPLE_WIFI_SSID="Irrigo-Test"
CONFIG_EXAMPLE_WIFI_PASSWORD="[[SECRET|@@pw:p089wifi:14@@]]"
CONFIG_SECURE_BOOT_V2_ENABLED=y
CONFIG_NVS_ENCRYPTION=y
+ export NVS_KEY_HEX=[[SECRET|@@hex:k089nvs:64@@]]
+ git clone https://github.com/irrigo-systems/ctrl-fw.git
+ export GH_TOKEN=[[SECRET|@@ghp:g089@@]]
[1042/1043] Generating binary image from built executable
esptool.py v4.7.0
Creating esp32s3 image... Merged 2 ELF sections
Successfully created esp32s3 image.
ctrl.bin binary size 0x11a3c0 bytes. Smallest app partition is 0x180000 bytes. 0x5dc40 bytes (24%) free.
```

The job was triggered by [[EMAIL|ci-bot@irrigo-systems.com]].

### h26-090
ESP-IDF build output for the irrigation controller: is the partition table big enough for OTA?

```
Partition table binary generated. Contents:
*******************************************************************************
# ESP-IDF Partition Table
# Name, Type, SubType, Offset, Size, Flags
nvs,data,nvs,0x9000,24K,encrypted
nvs_keys,data,nvs_keys,0xf000,4K,encrypted
otadata,data,ota,0x10000,8K,
ota_0,app,ota_0,0x20000,1536K,
ota_1,app,ota_1,0x1a0000,1536K,
*******************************************************************************
ctrl.bin binary size 0x11a3c0 bytes. Smallest app partition is 0x180000 bytes. 0x5dc40 bytes (24%) free.
App "ctrl" version: 1.12.0-rc2-14-g@@hex:g090:7@@
Compile time: Jul  6 2024 09:14:52
ELF file SHA256: @@hex:h090:64@@
ESP-IDF: v5.2.2
Secure boot V2 signing key digest: @@hex:h090b:64@@
```

### h26-091
Our LoRa gateway (Basic Station) can't connect to the LNS. Here are the files in /etc/station, can you spot the problem?

```
$ cat tc.uri
wss://eu1.cloud.thethings.network:8887
$ cat tc.key
Authorization: Bearer [[SECRET|@@ttn:t091@@]]
$ cat station.conf
{"radio_conf": {"lorawan_public": true, "clksrc": 0, "device": "/dev/spidev0.0",
  "radio_0": {"type": "SX1250", "freq": 867500000, "antenna_gain": 3, "tx_enable": true},
  "radio_1": {"type": "SX1250", "freq": 868500000, "tx_enable": false}},
 "station_conf": {"routerid": "@@eui:e091@@", "log_level": "DEBUG", "log_file": "stderr"}}
```

Station log: `[TCE:INFO] Connecting to MUXS...` then `[AIO:ERRO] [3] WS upgrade failed with HTTP status 401`. The gateway's LAN address is [[IP_ADDRESS|192.168.88.40]], owner account [[EMAIL|gateway-ops@kestrel-water.eu]].

### h26-092
Our Semtech UDP packet forwarder's global_conf.json for EU868; can you check the channel plan against the LNS's frequency plan?

```json
{
  "SX130x_conf": {
    "lorawan_public": true, "clksrc": 0,
    "radio_0": {"enable": true, "type": "SX1250", "freq": 867500000, "rssi_offset": -215.4, "tx_enable": true},
    "radio_1": {"enable": true, "type": "SX1250", "freq": 868500000, "rssi_offset": -215.4, "tx_enable": false},
    "chan_multiSF_0": {"enable": true, "radio": 1, "if": -400000},
    "chan_multiSF_1": {"enable": true, "radio": 1, "if": -200000},
    "chan_multiSF_2": {"enable": true, "radio": 1, "if": 0},
    "chan_multiSF_3": {"enable": true, "radio": 0, "if": -400000},
    "chan_Lora_std": {"enable": true, "radio": 1, "if": -200000, "bandwidth": 250000, "spread_factor": 7},
    "chan_FSK": {"enable": true, "radio": 1, "if": 300000, "bandwidth": 125000, "datarate": 50000}
  },
  "gateway_conf": {"gateway_ID": "@@eui:e092@@", "server_address": "eu1.cloud.thethings.network",
                   "serv_port_up": 1700, "serv_port_down": 1700, "keepalive_interval": 10,
                   "stat_interval": 30, "push_timeout_ms": 100, "forward_crc_valid": true}
}
```

Firmware of the concentrator: SX1302 HAL v2.1.0, board SN 0x@@hexu:sn092:8@@.

### h26-093
Kannel smsbox config on our alerting host; the sendsms interface returns 403 for the monitoring system. What's wrong?

```
group = core
admin-port = 13000
admin-password = [[SECRET|@@pw:p093adm:14@@]]
status-password = [[SECRET|@@pw:p093st:12@@]]
admin-allow-ip = "[[IP_ADDRESS|10.10.4.20]];[[IP_ADDRESS|10.10.4.21]]"

group = smsc
smsc = smpp
host = [[IP_ADDRESS|@@ip:i093smsc@@]]
port = 2775
system-id = vigilo-tx
smsc-password = [[SECRET|@@alnum:p093smpp:8@@]]

group = sendsms-user
username = monitoring
password = [[SECRET|@@alnum:p093send:14@@]]
user-allow-ip = "10.10.4.*"
default-sender = VigiloNOC
```

Test: `curl "http://[[IP_ADDRESS|10.10.4.5]]:13013/cgi-bin/sendsms?username=monitoring&password=[[SECRET|@@alnum:p093send:14@@]]&to=[[PHONE|@@phone:p093:FR:m:msisdn@@]]&text=test"`.

### h26-094
SMPP PDU trace from our SMS gateway; can you decode the submit_sm and tell me why the SMSC answers with 0x00000045?

```
00 00 00 3c 00 00 00 04 00 00 00 00 00 01 58 a2   header: len=60 cmd=submit_sm status=0 seq=88226
00 05 00 56 69 67 69 6c 6f 4e 4f 43 00 01 01 38   src TON=5 NPI=0 "VigiloNOC", dst TON=1 NPI=1
30 31 32 33 00 00 00 00 00 00 01 00 00 00 0b 54   dst addr "80123" (short code), esm=0, pid=0
45 53 54 20 4d 45 53 53 41 47 45                  sm_length=11 "TEST MESSAGE"
--
00 00 00 11 80 00 00 04 00 00 00 45 00 01 58 a2   submit_sm_resp status=0x00000045 seq=88226
00
```

Bind was transceiver, interface version 0x34; the SMSC's window size is 10 and enquire_link every 30 s.

### h26-095
Can you help me write a polite answer to this complaint? It came in through the contact form for our smart smoke detectors.

> Subject: Detector went off at 3 am and your app charged me twice
>
> Hello, my name is Beatriz Lacerda. On 2024-07-07 the detector in the nursery (serial SD-@@alnum:sn095:9@@) went off at 03:12 with no smoke. The app then charged the premium plan twice to my card [[CREDIT_CARD|@@card:c095:disc:spaced@@]]. Please refund one payment to [[IBAN|@@iban:b095:PT:spaced@@]]. You can call me on [[PHONE|@@phone:p095:PT:m:intl@@]] or write to [[EMAIL|beatriz.lacerda@correio-lusitano.pt]]. My account login is the same e-mail and I've changed my password since, the old one was [[SECRET|@@pw:p095:11@@]] if you need to check the logs.

### h26-096
Can you help me write a product safety notice? This is the internal summary from engineering.

> Affected: smoke detector SD-2, hardware rev. B, serial numbers SD-24A0001000 to SD-24A0019999, production lots 2403-07 to 2404-02.
> Symptom: false alarm between 02:00 and 04:00 when the battery voltage drops below 2.71 V and the chamber heater cycles.
> Fix: firmware 3.4.9 (build 2407051130), rolled out OTA from 2024-07-10 in 10 % steps; devices report the new version within 24 h.
> Units that cannot update (offline > 30 days, approx. 1 480 units) get a replacement; RMA prefix RMA-SD2-.
> Regulatory: notification to the market surveillance authority, reference MSA/2024/0713/B.

### h26-097
Docker compose for our small IoT stack on the site server; Grafana can't reach InfluxDB and the Mongo-backed device registry won't start. Can you review it?

```yaml
services:
  mosquitto:
    image: eclipse-mosquitto:2.0.18
    ports: ["1883:1883", "8883:8883"]
  influxdb:
    image: influxdb:2.7
    environment:
      DOCKER_INFLUXDB_INIT_USERNAME: admin
      DOCKER_INFLUXDB_INIT_PASSWORD: "[[SECRET|@@pw:p097infl:16@@]]"
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: "[[SECRET|@@urlsafe:t097:64@@]]"
  grafana:
    image: grafana/grafana:11.1.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD: "[[SECRET|@@pw:p097graf:14@@]]"
      GF_SMTP_USER: "[[EMAIL|grafana-alerts@orchardline-cold.com]]"
      GF_SMTP_PASSWORD: "[[SECRET|@@alnum:p097smtp:16@@]]"
  registry:
    image: orchardline/device-registry:0.9.4
    environment:
      MONGO_URL: "[[URL_CREDENTIALS|mongodb://registry:@@alnum:p097mongo:18@@@mongo:27017/devices?authSource=admin]]"
      MQTT_URL: "[[URL_CREDENTIALS|mqtt://registry:@@alnum:p097mqtt:14@@@mosquitto:1883]]"
```

The host is [[IP_ADDRESS|172.22.8.15]] on the site LAN.

### h26-098
Docker compose for our small IoT stack; I moved all secrets to files. Is this the right way to pass them?

```yaml
services:
  influxdb:
    image: influxdb:2.7
    environment:
      DOCKER_INFLUXDB_INIT_USERNAME_FILE: /run/secrets/influx_user
      DOCKER_INFLUXDB_INIT_PASSWORD_FILE: /run/secrets/influx_password
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN_FILE: /run/secrets/influx_token
    secrets: [influx_user, influx_password, influx_token]
  grafana:
    image: grafana/grafana:11.1.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin
      GF_SMTP_PASSWORD__FILE: /run/secrets/smtp_password
  registry:
    image: orchardline/device-registry:0.9.4
    environment:
      MONGO_URL: "mongodb://registry:${MONGO_PASSWORD}@mongo:27017/devices?authSource=admin"
secrets:
  influx_password: {file: ./secrets/influx_password.txt}
  influx_token: {file: ./secrets/influx_token.txt}
  grafana_admin: {file: ./secrets/grafana_admin.txt}
```

`ls -l secrets/` shows mode 0400 for all files; the compose file is checked into git, the `secrets/` folder is in .gitignore.

### h26-099
This is our onboarding script for the cellular routers at the new retail sites (long, sorry). It works for most sites but site 0417 fails at step 3. Can you debug it and also tell me if anything in here shouldn't be in a script?

```python
import requests

CARRIER_API = "https://api.nethopper-connect.com/v1"
CARRIER_TOKEN = "[[JWT|@@jwt:j099:ES256@@]]"
ROUTER_MGMT = "https://rmm.shelfpoint-retail.com/api"
RMM_KEY = "[[SECRET|@@hex:k099rmm:48@@]]"
NOTIFY = ["[[EMAIL|netops@shelfpoint-retail.com]]", "[[EMAIL|k.mbeki@shelfpoint-retail.com]]"]

SITES = {
    "0415": {"msisdn": "[[PHONE|@@phone:p099a:ZA:m:msisdn@@]]", "wan_ip": "[[IP_ADDRESS|@@ip:i099a@@]]", "admin_pw": "[[SECRET|@@pw:p099a:12@@]]"},
    "0416": {"msisdn": "[[PHONE|@@phone:p099b:ZA:m:msisdn@@]]", "wan_ip": "[[IP_ADDRESS|@@ip:i099b@@]]", "admin_pw": "[[SECRET|@@pw:p099b:12@@]]"},
    "0417": {"msisdn": "[[PHONE|@@phone:p099c:ZA:m:msisdn@@]]", "wan_ip": "[[IP_ADDRESS|@@ip:i099c@@]]", "admin_pw": "[[SECRET|@@pw:p099c:12@@]]"},
}
ICCIDS = {"0415": "@@iccid:ic099a:GB@@", "0416": "@@iccid:ic099b:GB@@", "0417": "@@iccid:ic099c:GB@@"}


def onboard(site: str) -> None:
    s = SITES[site]
    # 1. activate SIM
    r = requests.post(f"{CARRIER_API}/sims/{ICCIDS[site]}/activate",
                      headers={"Authorization": f"Bearer {CARRIER_TOKEN}"}, timeout=30)
    r.raise_for_status()
    # 2. register router in RMM
    r = requests.post(f"{ROUTER_MGMT}/devices", headers={"X-Api-Key": RMM_KEY},
                      json={"site": site, "wan": s["wan_ip"], "msisdn": s["msisdn"]}, timeout=30)
    r.raise_for_status()
    # 3. push config over the WAN
    r = requests.put(f"https://{s['wan_ip']}:8443/api/config", auth=("admin", s["admin_pw"]),
                     json={"lan": "[[IP_ADDRESS|192.168.10.1]]/24", "ntp": "pool.ntp.org"}, verify=False, timeout=60)
    r.raise_for_status()


for site in SITES:
    onboard(site)
```

Step 3 for 0417 fails with `requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='[[IP_ADDRESS|@@ip:i099c@@]]', port=8443)`. The carrier portal shows the SIM of 0417 attached with IMEI @@imei:imei099@@.

### h26-100
This is our validation script for the SIM and device inventory before import (long, sorry). It rejects some rows that look fine to me; can you find the bug?

```python
import csv
import re

ICCID_RE = re.compile(r"^89\d{17,18}$")
IMEI_RE = re.compile(r"^\d{15}$")
IMSI_RE = re.compile(r"^\d{14,15}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def validate(row: dict) -> list[str]:
    errors = []
    if not ICCID_RE.match(row["iccid"]) or not luhn_ok(row["iccid"]):
        errors.append("bad iccid")
    if not IMEI_RE.match(row["imei"]) or not luhn_ok(row["imei"]):
        errors.append("bad imei")
    if not IMSI_RE.match(row["imsi"]):
        errors.append("bad imsi")
    return errors


with open("inventory.csv", newline="") as fh:
    for row in csv.DictReader(fh):
        if errs := validate(row):
            print(row["iccid"], errs)
```

Rejected rows (output):
```
@@iccid:ic100a:GB:19@@ ['bad imsi']
@@iccid:ic100b:GB:19@@ ['bad imsi']
@@iccid:ic100c:DE@@ ['bad imsi']
```

The CSV rows have imsi `@@imsi:im100a:23415@@ ` (with a trailing space), `@@imsi:im100b:23415@@ ` and `2.62011E+14` for the third (opened in Excel once); their IMEIs, e.g. `@@imei:imei100@@`, all pass. The ICCIDs are 19 or 20 digits including the check digit.
