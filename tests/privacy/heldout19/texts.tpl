### h19-001
{
  "model": "gpt-4o-2024-08-06",
  "temperature": 0.2,
  "messages": [
    {"role": "system", "content": "You are Ledgerly's billing assistant. Use the tools to look up customers and charges before answering."},
    {"role": "user", "content": "Why was the March invoice for the Pellworth account charged twice?"},
    {"role": "assistant", "content": null, "tool_calls": [{"id": "call_@@alnum:c1:24@@", "type": "function", "function": {"name": "stripe_get_customer", "arguments": "{\"customer_id\":\"@@sid:cus1:cus@@\",\"expand\":[\"invoice_settings.default_payment_method\"]}"}}]},
    {"role": "tool", "tool_call_id": "call_@@alnum:c1:24@@", "content": "{\"id\":\"@@sid:cus1:cus@@\",\"object\":\"customer\",\"address\":{\"city\":\"Leeds\",\"country\":\"GB\",\"line1\":\"14 Tanner Row\",\"line2\":null,\"postal_code\":\"LS1 6QH\",\"state\":null},\"balance\":0,\"created\":1712151203,\"currency\":\"gbp\",\"default_source\":null,\"delinquent\":false,\"description\":\"Pellworth Joinery Ltd\",\"email\":\"[[EMAIL|accounts@pellworthjoinery.co.uk]]\",\"invoice_prefix\":\"8F3C21AA\",\"invoice_settings\":{\"custom_fields\":null,\"default_payment_method\":{\"id\":\"@@sid:pm1:pm@@\",\"object\":\"payment_method\",\"card\":{\"brand\":\"visa\",\"country\":\"GB\",\"exp_month\":11,\"exp_year\":2027,\"fingerprint\":\"@@alnum:fp1:16@@\",\"funding\":\"debit\",\"last4\":\"6021\"},\"type\":\"card\"}},\"livemode\":true,\"metadata\":{\"crm_id\":\"@@sfid:a1:001@@\"},\"name\":\"Pellworth Joinery Ltd\",\"phone\":\"[[PHONE|@@phone:p1:GB:f:e164@@]]\",\"preferred_locales\":[\"en-GB\"],\"tax_exempt\":\"none\"}"}
  ],
  "tools": [{"type": "function", "function": {"name": "stripe_get_customer", "description": "Retrieve a Stripe customer by id", "parameters": {"type": "object", "properties": {"customer_id": {"type": "string"}, "expand": {"type": "array", "items": {"type": "string"}}}, "required": ["customer_id"]}}}]
}

### h19-002
{
  "model": "claude-sonnet-4-20250514",
  "max_tokens": 2048,
  "messages": [
    {"role": "user", "content": "List the last three charges on cus_Q8 for the refund review and tell me which one is the duplicate."},
    {"role": "assistant", "content": [
      {"type": "text", "text": "I'll pull the recent charges for that customer."},
      {"type": "tool_use", "id": "toolu_01@@alnum:tu2:22@@", "name": "stripe_list_charges", "input": {"customer": "@@sid:cus2:cus@@", "limit": 3}}
    ]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_01@@alnum:tu2:22@@", "content": "{\"object\":\"list\",\"data\":[{\"id\":\"@@sid:ch2a:ch@@\",\"amount\":184900,\"amount_captured\":184900,\"amount_refunded\":0,\"balance_transaction\":\"@@sid:txn2a:txn@@\",\"billing_details\":{\"address\":{\"city\":null,\"country\":\"GB\",\"line1\":null,\"postal_code\":\"LS1\"},\"email\":null,\"name\":null,\"phone\":null},\"created\":1711929602,\"currency\":\"gbp\",\"outcome\":{\"network_status\":\"approved_by_network\",\"risk_level\":\"normal\",\"risk_score\":18,\"seller_message\":\"Payment complete.\",\"type\":\"authorized\"},\"paid\":true,\"payment_intent\":\"@@sid:pi2a:pi@@\",\"payment_method\":\"@@sid:pm2:pm@@\",\"payment_method_details\":{\"card\":{\"brand\":\"visa\",\"checks\":{\"address_line1_check\":null,\"address_postal_code_check\":\"pass\",\"cvc_check\":\"pass\"},\"country\":\"GB\",\"exp_month\":11,\"exp_year\":2027,\"fingerprint\":\"@@alnum:fp1:16@@\",\"funding\":\"debit\",\"last4\":\"6021\",\"network\":\"visa\",\"network_transaction_id\":\"@@digits:ntid2a:15@@\",\"three_d_secure\":null},\"type\":\"card\"},\"receipt_email\":null,\"status\":\"succeeded\"},{\"id\":\"@@sid:ch2b:ch@@\",\"amount\":184900,\"amount_refunded\":0,\"balance_transaction\":\"@@sid:txn2b:txn@@\",\"created\":1711929671,\"currency\":\"gbp\",\"paid\":true,\"payment_intent\":\"@@sid:pi2b:pi@@\",\"payment_method_details\":{\"card\":{\"brand\":\"visa\",\"exp_month\":11,\"exp_year\":2027,\"fingerprint\":\"@@alnum:fp1:16@@\",\"last4\":\"6021\"},\"type\":\"card\"},\"status\":\"succeeded\"},{\"id\":\"@@sid:ch2c:ch@@\",\"amount\":4500,\"amount_refunded\":4500,\"created\":1709337120,\"currency\":\"gbp\",\"refunded\":true,\"status\":\"succeeded\"}],\"has_more\":true,\"url\":\"/v1/charges\"}"}
    ]}
  ]
}

### h19-003
Tool result (shopify_get_order, 1 of 1):
{
  "order": {
    "id": 5893410276153,
    "admin_graphql_api_id": "gid://shopify/Order/5893410276153",
    "name": "#KL10482",
    "order_number": 10482,
    "email": "[[EMAIL|ines.varga.design@gmail.com]]",
    "contact_email": "[[EMAIL|ines.varga.design@gmail.com]]",
    "phone": null,
    "browser_ip": "[[IP_ADDRESS|86.101.214.57]]",
    "client_details": {
      "accept_language": "hu-HU,hu;q=0.9,en;q=0.8",
      "browser_ip": "[[IP_ADDRESS|86.101.214.57]]",
      "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    },
    "created_at": "2024-04-03T21:14:09+02:00",
    "currency": "EUR",
    "current_total_price": "212.40",
    "financial_status": "paid",
    "fulfillment_status": null,
    "billing_address": {
      "first_name": "Inés",
      "last_name": "Varga",
      "address1": "Bartók Béla út 61",
      "city": "Budapest",
      "zip": "1114",
      "country_code": "HU",
      "phone": "[[PHONE|@@phone:p3:HU:m:intl@@]]"
    },
    "shipping_address": {
      "first_name": "Inés",
      "last_name": "Varga",
      "address1": "Bartók Béla út 61",
      "city": "Budapest",
      "zip": "1114",
      "country_code": "HU",
      "phone": "[[PHONE|@@phone:p3:HU:m:intl@@]]"
    },
    "line_items": [
      {"id": 14882093150265, "sku": "KL-LMP-OAK-40", "title": "Oak table lamp 40 cm", "quantity": 2, "price": "89.00", "variant_id": 44120987361337},
      {"id": 14882093183033, "sku": "KL-BLB-E27-2700", "title": "E27 bulb 2700K", "quantity": 3, "price": "11.80", "variant_id": 44120987394105}
    ],
    "shipping_lines": [{"code": "DPD Hungary", "price": "0.00", "source": "shopify"}],
    "customer": {"id": 7310294458425, "email": "[[EMAIL|ines.varga.design@gmail.com]]", "orders_count": 3, "verified_email": true, "tax_exempt": false}
  }
}

### h19-004
Tool result (shopify_list_fulfillments):
{
  "fulfillments": [
    {
      "id": 5129847260729,
      "order_id": 5893410276153,
      "status": "success",
      "created_at": "2024-04-04T09:02:41+02:00",
      "service": "manual",
      "shipment_status": "in_transit",
      "location_id": 71828717625,
      "tracking_company": "DPD",
      "tracking_number": "@@digits:trk4a:14@@",
      "tracking_numbers": ["@@digits:trk4a:14@@"],
      "tracking_url": "https://tracking.dpd.de/status/en_US/parcel/@@digits:trk4a:14@@",
      "line_items": [
        {"id": 14882093150265, "sku": "KL-LMP-OAK-40", "quantity": 2, "fulfillment_status": "fulfilled", "grams": 2140},
        {"id": 14882093183033, "sku": "KL-BLB-E27-2700", "quantity": 3, "fulfillment_status": "fulfilled", "grams": 180}
      ],
      "admin_graphql_api_id": "gid://shopify/Fulfillment/5129847260729"
    },
    {
      "id": 5129847293497,
      "order_id": 5893410308921,
      "status": "cancelled",
      "created_at": "2024-04-04T09:05:13+02:00",
      "tracking_company": "UPS",
      "tracking_number": "1Z@@alnum:ups4:6@@0342197718",
      "line_items": [{"id": 14882093215801, "sku": "KL-SHD-LIN-30", "quantity": 1, "fulfillment_status": null, "grams": 650}],
      "admin_graphql_api_id": "gid://shopify/Fulfillment/5129847293497"
    }
  ]
}

### h19-005
$ kubectl get secret billing-db -n payments -o json
{
    "apiVersion": "v1",
    "data": {
        "DB_HOST": "cGctYmlsbGluZy5pbnRlcm5hbC5sYW4=",
        "DB_PASSWORD": "[[SECRET|@@b64pw:k5db:22@@]]",
        "DB_PORT": "NjQzMg==",
        "DB_USER": "YmlsbGluZ19hcHA=",
        "STRIPE_SECRET_KEY": "[[SECRET|@@b64key:k5stripe:sklive@@]]"
    },
    "kind": "Secret",
    "metadata": {
        "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"data\":{\"DB_HOST\":\"cGctYmlsbGluZy5pbnRlcm5hbC5sYW4=\",\"DB_PASSWORD\":\"[[SECRET|@@b64pw:k5db:22@@]]\",\"DB_PORT\":\"NjQzMg==\",\"DB_USER\":\"YmlsbGluZ19hcHA=\",\"STRIPE_SECRET_KEY\":\"[[SECRET|@@b64key:k5stripe:sklive@@]]\"},\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"name\":\"billing-db\",\"namespace\":\"payments\"},\"type\":\"Opaque\"}\n"
        },
        "creationTimestamp": "2024-02-19T13:40:22Z",
        "name": "billing-db",
        "namespace": "payments",
        "resourceVersion": "184402913",
        "uid": "@@uuid:u5@@"
    },
    "type": "Opaque"
}

### h19-006
$ kubectl get secret orders-db-endpoint -n shop -o json
{
    "apiVersion": "v1",
    "data": {
        "DB_HOST": "b3JkZXJzLWRiLnByb2Quc3ZjLmNsdXN0ZXIubG9jYWw=",
        "DB_NAME": "b3JkZXJz",
        "DB_PORT": "NTQzMg==",
        "DB_USER": "b3JkZXJzX2FwcA==",
        "AWS_REGION": "ZXUtd2VzdC0x"
    },
    "kind": "Secret",
    "metadata": {
        "creationTimestamp": "2024-03-02T08:12:57Z",
        "labels": {"app.kubernetes.io/part-of": "orders", "secrets.k8s.io/managed-by": "external-secrets"},
        "name": "orders-db-endpoint",
        "namespace": "shop",
        "ownerReferences": [{"apiVersion": "external-secrets.io/v1beta1", "blockOwnerDeletion": true, "controller": true, "kind": "ExternalSecret", "name": "orders-db-endpoint", "uid": "@@uuid:u6a@@"}],
        "resourceVersion": "99120487",
        "uid": "@@uuid:u6b@@"
    },
    "type": "Opaque"
}
Note: the password is not in this object; the pod gets it from the `orders-db-credentials` ExternalSecret (remoteRef key `prod/orders/db`, property `password`).

### h19-007
{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01@@alnum:tu7:22@@", "content": [{"type": "text", "text": "$ aws sts assume-role --role-arn arn:aws:iam::@@digits:acct7:12@@:role/ci-deployer --role-session-name gh-run-9921\n{\n    \"Credentials\": {\n        \"AccessKeyId\": \"[[SECRET|@@asia:k7@@]]\",\n        \"SecretAccessKey\": \"[[SECRET|@@awssecret:k7s@@]]\",\n        \"SessionToken\": \"[[SECRET|@@awssts:k7t@@]]\",\n        \"Expiration\": \"2024-05-14T11:52:09+00:00\"\n    },\n    \"AssumedRoleUser\": {\n        \"AssumedRoleId\": \"AROA@@alnum:aroa7:17@@:gh-run-9921\",\n        \"Arn\": \"arn:aws:sts::@@digits:acct7:12@@:assumed-role/ci-deployer/gh-run-9921\"\n    }\n}\n\nexit code: 0"}]}]}

### h19-008
Tool: run_shell
Command: aws sts get-caller-identity && aws s3api list-objects-v2 --bucket lumen-reports-prod --prefix 2024/05/ --max-items 3
Output:
{
    "UserId": "AIDA@@alnum:aida8:17@@",
    "Account": "@@digits:acct8:12@@",
    "Arn": "arn:aws:iam::@@digits:acct8:12@@:user/svc-reporting"
}
{
    "Contents": [
        {
            "Key": "2024/05/daily-revenue-2024-05-12.parquet",
            "LastModified": "2024-05-13T02:04:11+00:00",
            "ETag": "\"@@hex:etag8a:32@@\"",
            "ChecksumAlgorithm": ["CRC32"],
            "Size": 4182937,
            "StorageClass": "STANDARD",
            "Owner": {"ID": "@@hex:owner8:64@@"}
        },
        {
            "Key": "2024/05/daily-revenue-2024-05-13.parquet",
            "LastModified": "2024-05-14T02:03:58+00:00",
            "ETag": "\"@@hex:etag8b:32@@-3\"",
            "ChecksumAlgorithm": ["CRC32"],
            "Size": 4207765,
            "StorageClass": "STANDARD",
            "Owner": {"ID": "@@hex:owner8:64@@"}
        }
    ],
    "RequestCharged": null,
    "NextToken": "eyJDb250aW51YXRpb25Ub2tlbiI6IG51bGwsICJib3RvX3RydW5jYXRlX2Ftb3VudCI6IDN9"
}
exit_code=0 duration_ms=1842

### h19-009
[tool_result zendesk.get_ticket]
{
  "ticket": {
    "url": "https://brightmoor.zendesk.com/api/v2/tickets/48213.json",
    "id": 48213,
    "external_id": "ORD-2024-118734",
    "via": {"channel": "email", "source": {"from": {"address": "[[EMAIL|t.okonkwo@lagosfreight.ng]]", "name": "Tobenna Okonkwo"}, "to": {"address": "[[EMAIL|support@brightmoor.zendesk.com]]", "name": "Brightmoor Support"}, "rel": null}},
    "created_at": "2024-05-09T07:41:22Z",
    "updated_at": "2024-05-09T09:15:03Z",
    "type": "incident",
    "subject": "Container BMHU 482913-6 still not released",
    "description": "Hello, our container has been at the terminal since Monday. The customs broker says the release was sent on your side. Please call me on [[PHONE|@@phone:p9:NG:m:intl@@]] or my colleague on [[PHONE|@@phone:p9b:NG:m:intl@@]] today, we are paying demurrage.\n\nRef: BL MEDU4829135, invoice 7712-09.",
    "priority": "high",
    "status": "open",
    "requester_id": 39182004571,
    "submitter_id": 39182004571,
    "assignee_id": 381120449912,
    "organization_id": 24019982733,
    "group_id": 360011902214,
    "tags": ["customs", "demurrage", "lagos"],
    "custom_fields": [{"id": 360040118772, "value": "sea_freight"}, {"id": 360040118792, "value": "BMHU4829136"}],
    "satisfaction_rating": null
  }
}

### h19-010
[tool_result zendesk.get_ticket_metrics]
{
  "ticket_metric": {
    "id": 27731940012,
    "ticket_id": 48190,
    "url": "https://brightmoor.zendesk.com/api/v2/ticket_metrics/27731940012.json",
    "group_stations": 2,
    "assignee_stations": 3,
    "reopens": 1,
    "replies": 4,
    "assignee_updated_at": "2024-05-08T16:22:40Z",
    "requester_updated_at": "2024-05-08T15:59:02Z",
    "status_updated_at": "2024-05-08T16:22:40Z",
    "initially_assigned_at": "2024-05-06T08:14:11Z",
    "solved_at": "2024-05-08T16:22:40Z",
    "reply_time_in_minutes": {"calendar": 48, "business": 48},
    "first_resolution_time_in_minutes": {"calendar": 3251, "business": 1290},
    "full_resolution_time_in_minutes": {"calendar": 3368, "business": 1407},
    "agent_wait_time_in_minutes": {"calendar": 912, "business": 480},
    "requester_wait_time_in_minutes": {"calendar": 2190, "business": 870},
    "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
    "custom_status_updated_at": "2024-05-08T16:22:40Z",
    "created_at": "2024-05-06T08:14:11Z"
  },
  "requester_id": 39182004571,
  "organization_id": 24019982733,
  "tags": ["customs", "solved_by_macro", "macro_3601902214"]
}

### h19-011
Assistant → tool call
  name: hubspot_search_contacts
  arguments: {"filterGroups":[{"filters":[{"propertyName":"company","operator":"EQ","value":"Grauwald Logistik"}]}],"properties":["email","phone","mobilephone","firstname","lastname","hs_lead_status"],"limit":2}
Tool → result
{"total":2,"results":[{"id":"71092834551","properties":{"createdate":"2023-11-20T09:44:18.402Z","email":"[[EMAIL|m.hoffstetter@grauwald-logistik.de]]","firstname":"Marlene","hs_lead_status":"OPEN_DEAL","hs_object_id":"71092834551","lastmodifieddate":"2024-05-02T12:10:07.991Z","lastname":"Hoffstetter","mobilephone":"[[PHONE|@@phone:p11a:DE:m:intl@@]]","phone":"[[PHONE|@@phone:p11b:DE:f:intl@@]]"},"createdAt":"2023-11-20T09:44:18.402Z","updatedAt":"2024-05-02T12:10:07.991Z","archived":false},{"id":"71092834552","properties":{"createdate":"2023-11-20T09:46:51.017Z","email":"[[EMAIL|einkauf@grauwald-logistik.de]]","firstname":null,"hs_lead_status":"NEW","hs_object_id":"71092834552","lastmodifieddate":"2024-01-15T08:00:12.330Z","lastname":null,"mobilephone":null,"phone":"[[PHONE|@@phone:p11b:DE:f:intl@@]]"},"createdAt":"2023-11-20T09:46:51.017Z","updatedAt":"2024-01-15T08:00:12.330Z","archived":false}]}
Assistant → tool call
  name: hubspot_update_contact
  arguments: "{\"contactId\": \"71092834551\", \"properties\": {\"mobilephone\": \"[[PHONE|@@phone:p11c:DE:m:e164@@]]\", \"hs_lead_status\": \"IN_PROGRESS\"}}"

### h19-012
Assistant → tool call
  name: hubspot_list_deals
  arguments: {"pipeline":"default","properties":["dealname","amount","closedate","dealstage","hs_forecast_probability"],"limit":3}
Tool → result
{"results":[{"id":"18830229471","properties":{"amount":"48250.00","closedate":"2024-06-28T00:00:00Z","createdate":"2024-03-11T10:02:44.118Z","dealname":"Grauwald – cold-chain tracking 2024","dealstage":"contractsent","hs_forecast_probability":"0.80","hs_object_id":"18830229471","pipeline":"default"},"associations":{"companies":{"results":[{"id":"20114873301","type":"deal_to_company"}]}}},{"id":"18830229502","properties":{"amount":"9600","closedate":"2024-05-31T00:00:00Z","createdate":"2024-04-02T14:31:09.560Z","dealname":"Hafenkontor – pilot extension","dealstage":"qualifiedtobuy","hs_forecast_probability":"0.20","hs_object_id":"18830229502","pipeline":"default"}},{"id":"18830229533","properties":{"amount":"131400.00","closedate":"2024-09-30T00:00:00Z","createdate":"2024-04-19T08:15:27.004Z","dealname":"Nordkai Spedition – framework","dealstage":"appointmentscheduled","hs_forecast_probability":"0.10","hs_object_id":"18830229533","pipeline":"default"}}],"paging":{"next":{"after":"18830229534","link":"https://api.hubapi.com/crm/v3/objects/deals?after=18830229534"}}}

### h19-013
tool: twilio.messages.list(date_sent_after="2024-05-10", page_size=3)
result:
[
  {
    "sid": "@@twsid:sm13a:SM@@",
    "account_sid": "@@twsid:ac13:AC@@",
    "messaging_service_sid": "@@twsid:mg13:MG@@",
    "from": "[[PHONE|@@phone:p13co:US:f:e164@@]]",
    "to": "[[PHONE|@@phone:p13a:US:m:e164@@]]",
    "body": "Northpine Dental: reminder of your cleaning on Tue May 14 at 9:40 AM. Reply C to confirm or R to reschedule.",
    "status": "delivered",
    "direction": "outbound-api",
    "num_segments": "1",
    "price": "-0.00790",
    "price_unit": "USD",
    "date_sent": "Fri, 10 May 2024 14:02:11 +0000",
    "error_code": null
  },
  {
    "sid": "@@twsid:sm13b:SM@@",
    "account_sid": "@@twsid:ac13:AC@@",
    "messaging_service_sid": null,
    "from": "[[PHONE|@@phone:p13a:US:m:e164@@]]",
    "to": "[[PHONE|@@phone:p13co:US:f:e164@@]]",
    "body": "C",
    "status": "received",
    "direction": "inbound",
    "num_segments": "1",
    "price": "-0.00790",
    "price_unit": "USD",
    "date_sent": "Fri, 10 May 2024 14:05:48 +0000",
    "error_code": null
  },
  {
    "sid": "@@twsid:sm13c:SM@@",
    "account_sid": "@@twsid:ac13:AC@@",
    "messaging_service_sid": "@@twsid:mg13:MG@@",
    "from": "[[PHONE|@@phone:p13co:US:f:e164@@]]",
    "to": "[[PHONE|@@phone:p13c:CA:m:e164@@]]",
    "body": "Northpine Dental: reminder of your consult on Wed May 15 at 2:00 PM. Reply C to confirm or R to reschedule.",
    "status": "undelivered",
    "direction": "outbound-api",
    "num_segments": "1",
    "price": null,
    "price_unit": "USD",
    "date_sent": "Fri, 10 May 2024 14:02:12 +0000",
    "error_code": 30006
  }
]

### h19-014
tool: twilio.usage.records.last_month.list(category="sms")
result:
[
  {"account_sid": "@@twsid:ac14:AC@@", "api_version": "2010-04-01", "category": "sms", "count": "18422", "count_unit": "messages", "description": "SMS", "start_date": "2024-04-01", "end_date": "2024-04-30", "price": "146.1934", "price_unit": "usd", "usage": "19987", "usage_unit": "segments", "uri": "/2010-04-01/Accounts/@@twsid:ac14:AC@@/Usage/Records/LastMonth.json?Category=sms"},
  {"account_sid": "@@twsid:ac14:AC@@", "api_version": "2010-04-01", "category": "sms-outbound", "count": "17905", "count_unit": "messages", "description": "SMS Outbound", "start_date": "2024-04-01", "end_date": "2024-04-30", "price": "142.1083", "price_unit": "usd", "usage": "19440", "usage_unit": "segments", "uri": "/2010-04-01/Accounts/@@twsid:ac14:AC@@/Usage/Records/LastMonth.json?Category=sms-outbound"},
  {"account_sid": "@@twsid:ac14:AC@@", "api_version": "2010-04-01", "category": "sms-messages-carrierfees", "count": "17905", "count_unit": "messages", "description": "SMS Carrier Fees", "start_date": "2024-04-01", "end_date": "2024-04-30", "price": "53.715", "price_unit": "usd", "usage": "17905", "usage_unit": "messages", "uri": "/2010-04-01/Accounts/@@twsid:ac14:AC@@/Usage/Records/LastMonth.json?Category=sms-messages-carrierfees"}
]

### h19-015
{"type": "tool_use", "id": "toolu_01@@alnum:tu15:22@@", "name": "hr_api_get", "input": {"path": "/v1/employees/@@uuid:e15@@", "include": ["home_address", "jobs"]}}
{"type": "tool_result", "tool_use_id": "toolu_01@@alnum:tu15:22@@", "content": "{\n  \"uuid\": \"@@uuid:e15@@\",\n  \"first_name\": \"Darnell\",\n  \"last_name\": \"Ashworth\",\n  \"preferred_first_name\": \"Del\",\n  \"email\": \"[[EMAIL|darnell.ashworth@quillhaven.io]]\",\n  \"personal_email\": \"[[EMAIL|delashworth84@yahoo.com]]\",\n  \"phone\": \"[[PHONE|@@phone:p15:US:m:nat@@]]\",\n  \"date_of_birth\": \"[[DATE_OF_BIRTH|1984-10-02]]\",\n  \"ssn\": \"[[US_SSN|@@ssn:s15@@]]\",\n  \"onboarded\": true,\n  \"terminated\": false,\n  \"home_address\": {\"street_1\": \"2209 Pecan Grove Ln\", \"city\": \"Round Rock\", \"state\": \"TX\", \"zip\": \"78664\"},\n  \"jobs\": [{\"uuid\": \"@@uuid:j15@@\", \"title\": \"Senior Data Engineer\", \"hire_date\": \"2021-08-16\", \"rate\": \"168000.00\", \"payment_unit\": \"Year\", \"flsa_status\": \"Exempt\"}],\n  \"version\": \"@@hex:ver15:32@@\"\n}"}

### h19-016
{"type": "tool_use", "id": "toolu_01@@alnum:tu16:22@@", "name": "hr_api_get", "input": {"path": "/v1/companies/@@uuid:co16@@/payrolls/@@uuid:pr16@@"}}
{"type": "tool_result", "tool_use_id": "toolu_01@@alnum:tu16:22@@", "content": "{\n  \"payroll_uuid\": \"@@uuid:pr16@@\",\n  \"company_uuid\": \"@@uuid:co16@@\",\n  \"processed\": true,\n  \"check_date\": \"2024-05-15\",\n  \"pay_period\": {\"start_date\": \"2024-05-01\", \"end_date\": \"2024-05-15\", \"pay_schedule_uuid\": \"@@uuid:ps16@@\"},\n  \"totals\": {\"gross_pay\": \"184210.55\", \"net_pay\": \"128773.08\", \"employer_taxes\": \"14092.11\", \"employee_taxes\": \"39870.40\", \"benefits\": \"9211.07\", \"reimbursements\": \"842.19\"},\n  \"employee_compensations\": [\n    {\"employee_uuid\": \"@@uuid:e15@@\", \"gross_pay\": \"7000.00\", \"net_pay\": \"4911.62\", \"payment_method\": \"Direct Deposit\", \"ssn_last_four\": \"***-**-4821\", \"bank_account\": \"Checking ****7730\"},\n    {\"employee_uuid\": \"@@uuid:e16b@@\", \"gross_pay\": \"5416.67\", \"net_pay\": \"3880.02\", \"payment_method\": \"Check\", \"ssn_last_four\": \"***-**-0917\", \"bank_account\": null}\n  ],\n  \"version\": \"@@hex:ver16:32@@\"\n}"}

### h19-017
Tool result: bank_data.get_account_details + bank_data.list_transactions (account @@uuid:acc17@@)
{
  "account": {
    "resourceId": "@@hex:res17:32@@",
    "iban": "[[IBAN|@@iban:i17:DE@@]]",
    "currency": "EUR",
    "ownerName": "Fenna Dijkstra",
    "name": "Girokonto",
    "product": "Girokonto Plus",
    "cashAccountType": "CACC",
    "bic": "COBADEFFXXX"
  },
  "transactions": {
    "booked": [
      {
        "transactionId": "@@hex:tx17a:24@@",
        "bookingDate": "2024-05-13",
        "valueDate": "2024-05-13",
        "transactionAmount": {"amount": "-1250.00", "currency": "EUR"},
        "creditorName": "Hausverwaltung Möller GmbH",
        "creditorAccount": {"iban": "[[IBAN|@@iban:i17b:DE@@]]"},
        "remittanceInformationUnstructured": "Miete Juni 2024 Whg 3 links",
        "bankTransactionCode": "PMNT-ICDT-STDO"
      },
      {
        "transactionId": "@@hex:tx17b:24@@",
        "bookingDate": "2024-05-10",
        "valueDate": "2024-05-10",
        "transactionAmount": {"amount": "240.00", "currency": "EUR"},
        "debtorName": "Joris Dijkstra",
        "debtorAccount": {"iban": "[[IBAN|@@iban:i17c:NL@@]]"},
        "remittanceInformationUnstructured": "aandeel energie april",
        "bankTransactionCode": "PMNT-RCDT-ESCT"
      }
    ],
    "pending": []
  }
}

### h19-018
Tool result: bank_data.list_transactions (account @@uuid:acc18@@, masked=true)
{
  "account": {"iban": "DE** **** **** **** **41 07", "currency": "EUR", "bic": "GENODEF1S04"},
  "balances": [
    {"balanceAmount": {"amount": "3817.22", "currency": "EUR"}, "balanceType": "closingBooked", "referenceDate": "2024-05-12"},
    {"balanceAmount": {"amount": "3602.70", "currency": "EUR"}, "balanceType": "interimAvailable", "referenceDate": "2024-05-13"}
  ],
  "transactions": {
    "booked": [
      {
        "transactionId": "@@hex:tx18a:24@@",
        "bookingDate": "2024-05-13",
        "transactionAmount": {"amount": "-89.99", "currency": "EUR"},
        "creditorName": "Stadtwerke Rheintal",
        "creditorId": "@@sepacid:cid18:DE@@",
        "mandateId": "SW-@@digits:man18:9@@-01",
        "endToEndId": "E2E@@digits:e2e18:16@@",
        "remittanceInformationUnstructured": "Abschlag Strom 05/2024 Vertragskonto @@digits:vk18:10@@",
        "bankTransactionCode": "PMNT-IDDT-ESDD"
      },
      {
        "transactionId": "@@hex:tx18b:24@@",
        "bookingDate": "2024-05-11",
        "transactionAmount": {"amount": "-24.50", "currency": "EUR"},
        "creditorName": "Bäckerei Lindner",
        "remittanceInformationUnstructured": "VISA Debit 11.05 ****2291 Kartenzahlung",
        "bankTransactionCode": "PMNT-CCRD-POSD"
      }
    ],
    "pending": []
  }
}

### h19-019
tool_call: bank_upload_payment_file
arguments.format: "pain.001.001.09"
arguments.xml:
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>PAYRUN-2024-05-17-01</MsgId>
      <CreDtTm>2024-05-16T17:20:04</CreDtTm>
      <NbOfTxs>2</NbOfTxs>
      <CtrlSum>7340.50</CtrlSum>
      <InitgPty><Nm>Velbrook Studio BV</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>PAYRUN-2024-05-17-01-A</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <ReqdExctnDt><Dt>2024-05-17</Dt></ReqdExctnDt>
      <Dbtr><Nm>Velbrook Studio BV</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>[[IBAN|@@iban:i19:NL@@]]</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></DbtrAgt>
      <CdtTrfTxInf>
        <PmtId><EndToEndId>INV-24-0391</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">4840.00</InstdAmt></Amt>
        <Cdtr><Nm>Atelier Rossano Serramenti</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i19b:IT@@]]</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Fattura 391/2024</Ustrd></RmtInf>
      </CdtTrfTxInf>
      <CdtTrfTxInf>
        <PmtId><EndToEndId>INV-24-0402</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">2500.50</InstdAmt></Amt>
        <Cdtr><Nm>Lucie Marchand</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>[[IBAN|@@iban:i19c:FR@@]]</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Honoraires avril</Ustrd></RmtInf>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>

### h19-020
tool_result: bank_get_status_report (pain.002)
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>ABNA@@digits:msg20:14@@</MsgId>
      <CreDtTm>2024-05-17T06:02:44</CreDtTm>
      <DbtrAgt><FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></DbtrAgt>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>PAYRUN-2024-05-17-01</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
      <OrgnlNbOfTxs>2</OrgnlNbOfTxs>
      <OrgnlCtrlSum>7340.50</OrgnlCtrlSum>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>PAYRUN-2024-05-17-01-A</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlEndToEndId>INV-24-0391</OrgnlEndToEndId>
        <TxSts>ACSC</TxSts>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>INV-24-0402</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Closed account number</AddtlInf></StsRsnInf>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>

### h19-021
Calling tool http_request with
{
  "method": "GET",
  "url": "https://northpeak.okta.com/api/v1/users/00u@@alnum:oku21:17@@",
  "headers": {
    "Accept": "application/json",
    "Authorization": "SSWS [[SECRET|@@okta:k21@@]]"
  }
}
Tool returned status 200:
{
  "id": "00u@@alnum:oku21:17@@",
  "status": "ACTIVE",
  "created": "2022-09-12T14:03:51.000Z",
  "activated": "2022-09-12T14:03:52.000Z",
  "lastLogin": "2024-05-14T06:48:19.000Z",
  "passwordChanged": "2024-02-01T09:12:44.000Z",
  "profile": {
    "firstName": "Akosua",
    "lastName": "Mensah-Boateng",
    "login": "[[EMAIL|akosua.mensah@northpeak.health]]",
    "email": "[[EMAIL|akosua.mensah@northpeak.health]]",
    "secondEmail": "[[EMAIL|kosi.mb@proton.me]]",
    "mobilePhone": "[[PHONE|@@phone:p21:GB:m:intl@@]]",
    "primaryPhone": null,
    "title": "Clinical Systems Lead",
    "department": "IT-Clinical",
    "employeeNumber": "NP-20731"
  },
  "credentials": {"password": {}, "recovery_question": {"question": "First concert?"}, "provider": {"type": "OKTA", "name": "OKTA"}},
  "_links": {"self": {"href": "https://northpeak.okta.com/api/v1/users/00u@@alnum:oku21:17@@"}}
}

### h19-022
Calling tool okta_list_groups with {"q": "eng-", "limit": 3}
Tool returned:
[
  {"id": "00g@@alnum:g22a:17@@", "created": "2021-03-08T10:14:02.000Z", "lastUpdated": "2023-06-21T08:00:41.000Z", "lastMembershipUpdated": "2024-05-13T17:22:09.000Z", "objectClass": ["okta:user_group"], "type": "OKTA_GROUP", "profile": {"name": "eng-platform", "description": "Platform engineering (on-call rota A)"}},
  {"id": "00g@@alnum:g22b:17@@", "created": "2021-03-08T10:14:40.000Z", "lastUpdated": "2023-06-21T08:00:41.000Z", "lastMembershipUpdated": "2024-04-30T09:41:57.000Z", "objectClass": ["okta:user_group"], "type": "OKTA_GROUP", "profile": {"name": "eng-data", "description": "Data engineering"}},
  {"id": "00g@@alnum:g22c:17@@", "created": "2022-01-19T15:30:12.000Z", "lastUpdated": "2022-01-19T15:30:12.000Z", "lastMembershipUpdated": "2024-05-02T11:03:33.000Z", "objectClass": ["okta:windows_security_principal"], "type": "APP_GROUP", "profile": {"name": "eng-ad-admins", "description": "Synced from AD (OU=Eng,DC=corp,DC=northpeak,DC=health)", "windowsDomainQualifiedName": "CORP\\eng-ad-admins", "samAccountName": "eng-ad-admins"}}
]
Okta API rate limit headers: x-rate-limit-limit=600, x-rate-limit-remaining=597, x-rate-limit-reset=1715711040

### h19-023
log_search(source="auth0", query="type:f AND connection:Username-Password-Authentication", limit=2) →
{
  "hits": 2,
  "logs": [
    {
      "_id": "900@@digits:lg23a:53@@",
      "log_id": "900@@digits:lg23a:53@@",
      "date": "2024-05-14T02:17:44.611Z",
      "type": "fp",
      "description": "Wrong email or password.",
      "connection": "Username-Password-Authentication",
      "connection_id": "con_@@alnum:con23:16@@",
      "client_id": "@@alnum:cid23:32@@",
      "client_name": "Tallyfin Web",
      "ip": "[[IP_ADDRESS|5.189.172.46]]",
      "user_agent": "python-requests/2.31.0",
      "details": {"error": {"message": "Wrong email or password."}},
      "user_id": "auth0|@@hex:uid23:24@@",
      "user_name": "[[EMAIL|r.castellanos@tallyfin.mx]]",
      "strategy": "auth0",
      "strategy_type": "database"
    },
    {
      "_id": "900@@digits:lg23b:53@@",
      "log_id": "900@@digits:lg23b:53@@",
      "date": "2024-05-14T02:17:46.093Z",
      "type": "limit_wc",
      "description": "Blocked account: [[EMAIL|r.castellanos@tallyfin.mx]]",
      "connection": "Username-Password-Authentication",
      "client_id": "@@alnum:cid23:32@@",
      "client_name": "Tallyfin Web",
      "ip": "[[IP_ADDRESS|2a02:c207:2184:9912::1]]",
      "user_agent": "python-requests/2.31.0",
      "details": {"attempts": 10, "limit": 10},
      "user_name": "[[EMAIL|r.castellanos@tallyfin.mx]]"
    }
  ]
}

### h19-024
auth0_get_client(client_id="@@alnum:cid24:32@@") →
{
  "client_id": "@@alnum:cid24:32@@",
  "tenant": "tallyfin-prod",
  "name": "Tallyfin Web",
  "app_type": "spa",
  "is_first_party": true,
  "oidc_conformant": true,
  "client_secret": "[REDACTED by tool]",
  "callbacks": ["https://app.tallyfin.mx/callback", "https://staging.tallyfin.mx/callback"],
  "allowed_logout_urls": ["https://app.tallyfin.mx"],
  "web_origins": ["https://app.tallyfin.mx"],
  "grant_types": ["authorization_code", "implicit", "refresh_token"],
  "token_endpoint_auth_method": "none",
  "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000, "secret_encoded": false},
  "refresh_token": {"rotation_type": "rotating", "expiration_type": "expiring", "leeway": 0, "token_lifetime": 2592000, "idle_token_lifetime": 1296000},
  "signing_keys": [
    {
      "cert": "@@certjson:c24:760@@",
      "pkcs7": "[omitted]",
      "subject": "/CN=tallyfin-prod.us.auth0.com"
    }
  ],
  "custom_login_page_on": false,
  "sso_disabled": false
}

### h19-025
$ docker inspect orders-api-7 --format '{{json .}}' | jq '{Id, Config: {Image: .Config.Image, Env: .Config.Env}, NetworkSettings: .NetworkSettings.Networks}'
{
  "Id": "@@hex:ctr25:64@@",
  "Config": {
    "Image": "registry.gitlab.com/lumenpay/orders-api:2.14.1",
    "Env": [
      "DATABASE_URL=[[URL_CREDENTIALS|postgres://orders_rw:Vq7!rTm2wDz84@10.0.12.7:5432/orders?sslmode=require]]",
      "REDIS_URL=redis://redis:6379/0",
      "SENTRY_DSN=https://@@hex:sentry25:32@@@o4507118.ingest.de.sentry.io/4507118290",
      "STRIPE_SECRET_KEY=[[SECRET|@@sklive:k25@@]]",
      "STRIPE_PUBLISHABLE_KEY=@@pklive:pk25@@",
      "LOG_LEVEL=info",
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "PYTHON_VERSION=3.12.3"
    ]
  },
  "NetworkSettings": {
    "lumen_backend": {
      "IPAMConfig": null,
      "Aliases": ["orders-api-7", "orders-api"],
      "MacAddress": "02:42:ac:12:00:05",
      "NetworkID": "@@hex:net25:64@@",
      "EndpointID": "@@hex:ep25:64@@",
      "Gateway": "[[IP_ADDRESS|172.18.0.1]]",
      "IPAddress": "[[IP_ADDRESS|172.18.0.5]]",
      "IPPrefixLen": 16,
      "DNSNames": ["orders-api-7", "orders-api", "@@hex:ctr25s:12@@"]
    }
  }
}
### h19-026
$ docker image inspect python:3.12.3-slim-bookworm
[
    {
        "Id": "sha256:@@hex:img26:64@@",
        "RepoTags": ["python:3.12.3-slim-bookworm"],
        "RepoDigests": ["python@sha256:@@hex:dig26:64@@"],
        "Created": "2024-04-24T03:51:17.512399054Z",
        "Config": {
            "Env": [
                "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8",
                "GPG_KEY=@@hex:gpg26:40@@",
                "PYTHON_VERSION=3.12.3",
                "PYTHON_PIP_VERSION=24.0",
                "PYTHON_GET_PIP_SHA256=@@hex:pip26:64@@"
            ],
            "Cmd": ["python3"],
            "Labels": {"org.opencontainers.image.revision": "@@hex:rev26:40@@", "org.opencontainers.image.version": "3.12.3"}
        },
        "Architecture": "amd64",
        "Os": "linux",
        "Size": 130761408,
        "RootFS": {
            "Type": "layers",
            "Layers": [
                "sha256:@@hex:lay26a:64@@",
                "sha256:@@hex:lay26b:64@@",
                "sha256:@@hex:lay26c:64@@"
            ]
        },
        "Metadata": {"LastTagTime": "2024-05-14T08:22:40.119273221Z"}
    }
]

### h19-027
tool: terraform_output (workdir=infra/envs/prod, args=["-json"])
{
  "alb_dns_name": {"sensitive": false, "type": "string", "value": "prod-public-alb-@@digits:alb27:10@@.eu-central-1.elb.amazonaws.com"},
  "bastion_public_ip": {"sensitive": false, "type": "string", "value": "[[IP_ADDRESS|18.197.64.213]]"},
  "db_endpoint": {"sensitive": false, "type": "string", "value": "prod-ledger.cluster-c@@alnum:rds27:11@@.eu-central-1.rds.amazonaws.com:5432"},
  "db_master_password": {"sensitive": true, "type": "string", "value": "[[SECRET|@@pw:pw27:28@@]]"},
  "deploy_key_private": {"sensitive": true, "type": "string", "value": "[[SECRET|@@pemjson:pk27@@]]\n"},
  "private_subnet_cidrs": {"sensitive": false, "type": ["list", "string"], "value": ["10.30.16.0/20", "10.30.32.0/20", "10.30.48.0/20"]},
  "vpc_cidr": {"sensitive": false, "type": "string", "value": "10.30.0.0/16"}
}

### h19-028
tool: terraform_output (workdir=infra/envs/staging, args=["-json"])
{
  "cluster_certificate_authority_data": {"sensitive": false, "type": "string", "value": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJRmR4VjJr"},
  "cluster_endpoint": {"sensitive": false, "type": "string", "value": "https://@@hex:eks28:32@@.gr7.eu-central-1.eks.amazonaws.com"},
  "cluster_name": {"sensitive": false, "type": "string", "value": "staging-core"},
  "cluster_oidc_issuer_url": {"sensitive": false, "type": "string", "value": "https://oidc.eks.eu-central-1.amazonaws.com/id/@@hex:eks28:32@@"},
  "ecr_repository_url": {"sensitive": false, "type": "string", "value": "@@digits:acct28:12@@.dkr.ecr.eu-central-1.amazonaws.com/ledger-api"},
  "kms_key_arn": {"sensitive": false, "type": "string", "value": "arn:aws:kms:eu-central-1:@@digits:acct28:12@@:key/@@uuid:kms28@@"},
  "db_password_secret_arn": {"sensitive": false, "type": "string", "value": "arn:aws:secretsmanager:eu-central-1:@@digits:acct28:12@@:secret:staging/ledger/db-@@alnum:sm28:6@@"},
  "private_subnet_ids": {"sensitive": false, "type": ["list", "string"], "value": ["subnet-@@hex:sn28a:17@@", "subnet-@@hex:sn28b:17@@"]},
  "vpc_id": {"sensitive": false, "type": "string", "value": "vpc-@@hex:vpc28:17@@"}
}

### h19-029
GET /repos/quillhaven/etl-runner/commits/@@hex:sha29:40@@ → 200
{
  "sha": "@@hex:sha29:40@@",
  "node_id": "C_kwDOK@@alnum:node29:30@@",
  "commit": {
    "author": {"name": "Priya Raghunathan", "email": "[[EMAIL|priya.r@quillhaven.io]]", "date": "2024-05-13T16:40:12Z"},
    "committer": {"name": "GitHub", "email": "[[EMAIL|noreply@github.com]]", "date": "2024-05-13T16:40:12Z"},
    "message": "add slack alert on failed loads (#412)",
    "tree": {"sha": "@@hex:tree29:40@@"},
    "verification": {"verified": true, "reason": "valid", "signature": "-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJmQkJcCRC1aQ7uu5UhlAAA\n=Lr8q\n-----END PGP SIGNATURE-----\n"}
  },
  "author": {"login": "priya-rq", "id": 88214093, "type": "User"},
  "stats": {"total": 19, "additions": 17, "deletions": 2},
  "files": [
    {
      "sha": "@@hex:blob29a:40@@",
      "filename": "etl/alerts.py",
      "status": "modified",
      "additions": 14,
      "deletions": 2,
      "patch": "@@ -1,8 +1,20 @@\n import os\n+import requests\n \n-WEBHOOK = None\n+SLACK_BOT_TOKEN = \"[[SECRET|@@xoxb:k29@@]]\"\n+SLACK_CHANNEL = \"C05R1QH7Z2K\"\n+\n+def notify(msg: str) -> None:\n+    requests.post(\"https://slack.com/api/chat.postMessage\",\n+                  headers={\"Authorization\": f\"Bearer {SLACK_BOT_TOKEN}\"},\n+                  json={\"channel\": SLACK_CHANNEL, \"text\": msg}, timeout=5)\n"
    },
    {
      "sha": "@@hex:blob29b:40@@",
      "filename": "requirements.txt",
      "status": "modified",
      "additions": 3,
      "deletions": 0,
      "patch": "@@ -4,3 +4,6 @@ pyarrow==15.0.2\n+requests==2.31.0\n+urllib3==2.2.1\n+certifi==2024.2.2\n"
    }
  ]
}

### h19-030
GET /repos/quillhaven/etl-runner/actions/runs?per_page=2 → 200
{
  "total_count": 1187,
  "workflow_runs": [
    {
      "id": 9073120458,
      "name": "ci",
      "node_id": "WFR_kwLOK@@alnum:node30a:22@@",
      "head_branch": "main",
      "head_sha": "@@hex:sha30a:40@@",
      "path": ".github/workflows/ci.yml",
      "run_number": 2211,
      "event": "push",
      "status": "completed",
      "conclusion": "success",
      "workflow_id": 71302288,
      "check_suite_id": 23710445819,
      "url": "https://api.github.com/repos/quillhaven/etl-runner/actions/runs/9073120458",
      "created_at": "2024-05-13T16:40:19Z",
      "updated_at": "2024-05-13T16:46:02Z",
      "run_attempt": 1,
      "run_started_at": "2024-05-13T16:40:19Z",
      "actor": {"login": "priya-rq", "id": 88214093, "node_id": "MDQ6VXNlcjg4MjE0MDkz", "type": "User"}
    },
    {
      "id": 9072988101,
      "name": "ci",
      "head_branch": "renovate/pyarrow-16.x",
      "head_sha": "@@hex:sha30b:40@@",
      "run_number": 2210,
      "event": "pull_request",
      "status": "completed",
      "conclusion": "failure",
      "created_at": "2024-05-13T16:21:55Z",
      "actor": {"login": "renovate[bot]", "id": 29139614, "type": "Bot"}
    }
  ]
}

### h19-031
[tool:gitlab_api] GET /api/v4/projects/48120993/variables
[
  {"variable_type": "env_var", "key": "DEPLOY_TOKEN", "value": "[[SECRET|@@glpat:k31@@]]", "protected": true, "masked": true, "raw": false, "environment_scope": "*", "description": "used by release job"},
  {"variable_type": "env_var", "key": "AWS_ACCESS_KEY_ID", "value": "[[SECRET|@@akia:k31a@@]]", "protected": true, "masked": false, "raw": false, "environment_scope": "production", "description": null},
  {"variable_type": "env_var", "key": "AWS_SECRET_ACCESS_KEY", "value": "[[SECRET|@@awssecret:k31s@@]]", "protected": true, "masked": true, "raw": false, "environment_scope": "production", "description": null},
  {"variable_type": "env_var", "key": "AWS_DEFAULT_REGION", "value": "eu-west-1", "protected": false, "masked": false, "raw": false, "environment_scope": "*", "description": null},
  {"variable_type": "env_var", "key": "KUBE_NAMESPACE", "value": "payments-prod", "protected": false, "masked": false, "raw": false, "environment_scope": "production", "description": null},
  {"variable_type": "file", "key": "KNOWN_HOSTS", "value": "gitlab.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAfuCHKVTjquxvt6CM6tdG4SLp1Btn/nOeHHE5UOzRdf\n", "protected": false, "masked": false, "raw": true, "environment_scope": "*", "description": "public host key"}
]

### h19-032
[tool:gitlab_api] GET /api/v4/projects/48120993/pipelines/1290447712/jobs
[
  {"id": 6840218831, "status": "success", "stage": "test", "name": "pytest", "ref": "main", "tag": false, "coverage": 87.41, "allow_failure": false, "created_at": "2024-05-14T09:01:12.384Z", "started_at": "2024-05-14T09:01:14.077Z", "finished_at": "2024-05-14T09:04:51.902Z", "duration": 217.825, "queued_duration": 1.693, "commit": {"id": "@@hex:sha32:40@@", "short_id": "@@hex:sha32s:8@@", "title": "bump pydantic to 2.7.1", "created_at": "2024-05-14T11:00:58.000+02:00"}, "pipeline": {"id": 1290447712, "project_id": 48120993, "sha": "@@hex:sha32:40@@", "ref": "main", "status": "running", "source": "push"}, "runner": {"id": 31900018, "description": "3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default", "active": true, "is_shared": true, "runner_type": "instance_type"}, "artifacts": [{"file_type": "junit", "size": 18211, "filename": "junit.xml.gz", "file_format": "gzip"}]},
  {"id": 6840218835, "status": "running", "stage": "deploy", "name": "release", "ref": "main", "tag": false, "coverage": null, "allow_failure": false, "created_at": "2024-05-14T09:01:12.412Z", "started_at": "2024-05-14T09:04:53.210Z", "finished_at": null, "duration": 41.09, "queued_duration": 0.88, "environment": {"name": "production", "action": "start"}, "runner": {"id": 31900018, "is_shared": true}, "artifacts": []}
]

### h19-033
assistant → run_sql({"database": "hr_prod", "query": "SELECT employee_id, full_name, ssn, date_of_birth, personal_email FROM employees WHERE ssn = '[[US_SSN|@@ssn:s33@@]]' OR full_name ILIKE '%okafor%';"})
tool → {"columns": ["employee_id", "full_name", "ssn", "date_of_birth", "personal_email"], "rows": [
  ["E-10922", "Chidinma Okafor", "[[US_SSN|@@ssn:s33@@]]", "[[DATE_OF_BIRTH|1990-02-27]]", "[[EMAIL|chidi.okafor90@outlook.com]]"],
  ["E-11408", "Emeka Okafor-Hale", "[[US_SSN|@@ssn:s33b@@]]", "[[DATE_OF_BIRTH|1977-12-09]]", null]
], "row_count": 2, "elapsed_ms": 14, "truncated": false}

### h19-034
assistant → run_sql({"database": "shop_analytics", "query": "SELECT date_trunc('day', created_at)::date AS day, count(*) AS orders, sum(total_cents) AS revenue_cents, percentile_cont(0.95) WITHIN GROUP (ORDER BY total_cents) AS p95_cents FROM orders WHERE created_at >= now() - interval '5 days' GROUP BY 1 ORDER BY 1;"})
tool → {"columns": ["day", "orders", "revenue_cents", "p95_cents"], "rows": [
  ["2024-05-09", 4182, 61230841, 41900.0],
  ["2024-05-10", 4419, 64910277, 42750.5],
  ["2024-05-11", 3870, 55102930, 39990.0],
  ["2024-05-12", 3511, 49877612, 38800.0],
  ["2024-05-13", 4604, 68120349, 44210.0]
], "row_count": 5, "elapsed_ms": 2213, "truncated": false, "query_id": "@@uuid:q34@@"}

### h19-035
{
  "tool": "web_fetch",
  "url": "https://www.ateliers-vaudran.fr/contact",
  "status": 200,
  "fetched_at": "2024-05-14T10:22:07Z",
  "title": "Contact – Ateliers Vaudran",
  "markdown": "# Nous contacter\n\n**Service client** (lun.–ven., 9h–18h)  \nTéléphone : [[PHONE|@@phone:p35a:FR:f:intl@@]]  \nE-mail : [[EMAIL|service.client@ateliers-vaudran.fr]]\n\n**Atelier de Lyon**  \n14 rue des Tanneurs, 69007 Lyon  \nTél. [[PHONE|@@phone:p35b:FR:f:intl@@]]\n\n**Presse et partenariats**  \nClémence Aubry – [[EMAIL|presse@ateliers-vaudran.fr]] – [[PHONE|@@phone:p35c:FR:m:intl@@]]\n\n**Showroom Berlin**  \nTorstraße 140, 10119 Berlin – [[PHONE|@@phone:p35d:DE:f:intl@@]]\n\nSIRET 812 447 903 00029 · TVA FR61812447903 · RCS Lyon 812 447 903\n",
  "links": ["https://www.ateliers-vaudran.fr/mentions-legales", "https://www.instagram.com/ateliersvaudran/"]
}

### h19-036
{
  "tool": "web_search",
  "query": "rotate stripe secret key without downtime",
  "results": [
    {"rank": 1, "title": "API keys | Stripe Documentation", "url": "https://docs.stripe.com/keys", "snippet": "Secret keys start with sk_live_ in live mode and sk_test_ in test mode; publishable keys start with pk_. You can roll a key and set an expiration for the old one of up to 7 days…", "published": null, "score": 0.91},
    {"rank": 2, "title": "Rolling API keys safely – a checklist", "url": "https://engineering.ledgerloop.dev/posts/rolling-api-keys", "snippet": "Step 3: deploy the new key to half the fleet (we use a canary of 10%), watch the 4xx rate for 30 min, then expire the old key. Store keys in your secret manager, never in .env files committed to git.", "published": "2023-11-02", "score": 0.84},
    {"rank": 3, "title": "Restricted API keys", "url": "https://docs.stripe.com/keys#limit-access", "snippet": "Restricted keys (rk_live_…) let you limit access to specific resources such as Charges: Read…", "published": null, "score": 0.77}
  ],
  "search_id": "@@ulid:srch36@@",
  "latency_ms": 611
}

### h19-037
gmail.get_message(id="18f7a@@hex:gm37:11@@", format="full") →
{
  "id": "18f7a@@hex:gm37:11@@",
  "threadId": "18f7a@@hex:gm37:11@@",
  "labelIds": ["INBOX", "CATEGORY_PERSONAL", "UNREAD"],
  "internalDate": "1715681288000",
  "payload": {
    "headers": [
      {"name": "Received", "value": "from mail.kestrelbuild.co.za (mail.kestrelbuild.co.za [[[IP_ADDRESS|102.132.180.19]]]) by mx.google.com with ESMTPS id a640c23a62f3a-a5a17b6a1f2si118734266b.562.2024.05.14.03.08.08 for <[[EMAIL|procurement@halewoodgroup.com]]>; Tue, 14 May 2024 03:08:08 -0700 (PDT)"},
      {"name": "From", "value": "Sipho Ndlovu <[[EMAIL|sipho.ndlovu@kestrelbuild.co.za]]>"},
      {"name": "To", "value": "[[EMAIL|procurement@halewoodgroup.com]]"},
      {"name": "Cc", "value": "Anele Mokoena <[[EMAIL|anele@kestrelbuild.co.za]]>"},
      {"name": "Subject", "value": "Revised quote Q-2024-0417 – scaffolding, Block C"},
      {"name": "Message-ID", "value": "<@@hex:mid37:16@@.@@digits:mid37b:10@@@kestrelbuild.co.za>"},
      {"name": "Date", "value": "Tue, 14 May 2024 12:08:01 +0200"}
    ],
    "mimeType": "text/plain",
    "body": {"size": 412, "data": null}
  },
  "decoded_body": "Good day,\n\nPlease find the revised quote attached (Q-2024-0417, R 418 250.00 excl. VAT). Lead time is 12 working days from PO.\nIf anything is unclear call me directly on [[PHONE|@@phone:p37:ZA:m:intl@@]].\n\nRegards\nSipho"
}

### h19-038
gmail.list_messages(q="from:billing newer_than:7d", maxResults=3) →
{
  "messages": [
    {"id": "18f79@@hex:gm38a:11@@", "threadId": "18f79@@hex:gm38a:11@@"},
    {"id": "18f6e@@hex:gm38b:11@@", "threadId": "18f6c@@hex:gm38c:11@@"},
    {"id": "18f61@@hex:gm38d:11@@", "threadId": "18f61@@hex:gm38d:11@@"}
  ],
  "nextPageToken": "@@digits:npt38:20@@",
  "resultSizeEstimate": 14
}
gmail.get_message(id="18f79@@hex:gm38a:11@@", format="metadata", metadataHeaders=["Subject"]) →
{
  "id": "18f79@@hex:gm38a:11@@",
  "labelIds": ["CATEGORY_UPDATES", "INBOX"],
  "snippet": "Your invoice INV-2024-0815 for €1,240.00 is now available. Payment is due on 28 May 2024. Reference: 4417 2209 8813.",
  "historyId": "@@digits:hist38:8@@",
  "internalDate": "1715589001000",
  "sizeEstimate": 48217,
  "payload": {"headers": [{"name": "Subject", "value": "Invoice INV-2024-0815 available"}]}
}

### h19-039
zoom.get_meeting(meeting_id=@@digits:zm39:11@@) →
{
  "uuid": "@@alnum:zmu39:22@@==",
  "id": @@digits:zm39:11@@,
  "host_id": "@@alnum:zmh39:22@@",
  "host_email": "[[EMAIL|lindiwe.khumalo@orbisrail.co.za]]",
  "topic": "Orbis Rail – signalling vendor review",
  "type": 2,
  "start_time": "2024-05-21T08:00:00Z",
  "duration": 60,
  "timezone": "Africa/Johannesburg",
  "created_at": "2024-05-14T09:11:40Z",
  "join_url": "https://orbisrail.zoom.us/j/@@digits:zm39:11@@?pwd=[[SECRET|@@alnum:zmpwd39:32@@.1]]",
  "password": "[[SECRET|Rail#2405]]",
  "h323_password": "[[SECRET|718304]]",
  "pstn_password": "[[SECRET|718304]]",
  "encrypted_password": "[[SECRET|@@alnum:zmpwd39:32@@.1]]",
  "settings": {
    "host_video": true,
    "participant_video": false,
    "join_before_host": false,
    "waiting_room": true,
    "audio": "both",
    "global_dial_in_countries": ["ZA", "GB"],
    "global_dial_in_numbers": [
      {"country_name": "South Africa", "city": "Johannesburg", "number": "[[PHONE|@@phone:p39a:ZA:f:intl@@]]", "type": "toll", "country": "ZA"},
      {"country_name": "United Kingdom", "number": "[[PHONE|@@phone:p39b:GB:f:intl@@]]", "type": "toll", "country": "GB"}
    ],
    "alternative_hosts": "[[EMAIL|thabo.maseko@orbisrail.co.za]]"
  }
}

### h19-040
calendar.events.list(calendarId="primary", timeMin="2024-05-20T00:00:00Z", maxResults=2, fields="items(id,iCalUID,summary,start,end,recurrence,status,hangoutLink)") →
{
  "items": [
    {
      "id": "@@alnum:ev40a:26@@",
      "iCalUID": "@@alnum:ev40a:26@@@google.com",
      "status": "confirmed",
      "summary": "Sprint 42 planning",
      "start": {"dateTime": "2024-05-20T10:00:00+02:00", "timeZone": "Europe/Amsterdam"},
      "end": {"dateTime": "2024-05-20T11:30:00+02:00", "timeZone": "Europe/Amsterdam"},
      "recurrence": ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"],
      "hangoutLink": "https://meet.google.com/qxv-hmzt-rbe"
    },
    {
      "id": "@@alnum:ev40b:26@@_20240521T130000Z",
      "iCalUID": "@@alnum:ev40b:26@@@google.com",
      "status": "confirmed",
      "summary": "1:1 platform roadmap",
      "start": {"dateTime": "2024-05-21T15:00:00+02:00", "timeZone": "Europe/Amsterdam"},
      "end": {"dateTime": "2024-05-21T15:30:00+02:00", "timeZone": "Europe/Amsterdam"}
    }
  ]
}

### h19-041
datadog.logs.search(query="service:checkout-api status:error @http.status_code:401", limit=1) →
{"data":[{"id":"AQAAAY9z@@alnum:dd41:40@@","type":"log","attributes":{"timestamp":"2024-05-14T08:31:07.412Z","service":"checkout-api","status":"error","host":"i-0@@hex:i41:16@@","tags":["env:prod","version:4.18.2","kube_namespace:checkout"],"message":"auth middleware rejected request: token expired","attributes":{"http":{"method":"POST","url":"/v2/carts/@@uuid:cart41@@/checkout","status_code":401,"client_ip":"[[IP_ADDRESS|73.158.201.44]]","useragent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15","request":{"headers":{"authorization":"Bearer [[JWT|@@jwt:j41:RS256@@]]","x-request-id":"@@uuid:rq41@@"}}},"usr":{"id":"u_@@alnum:usr41:12@@","email":"[[EMAIL|gwen.ostrowski@fastmail.com]]"},"network":{"client":{"ip":"[[IP_ADDRESS|73.158.201.44]]"}},"dd":{"trace_id":"@@digits:tr41:19@@","span_id":"@@digits:sp41:19@@"},"duration":4120931}}}],"meta":{"page":{"after":"eyJhZnRlciI6IkFRQUFBWTl6In0"},"status":"done","elapsed":211,"request_id":"@@alnum:ddrq41:22@@"}}

### h19-042
datadog.metrics.query(query="avg:trace.http.request.duration{service:checkout-api} by {resource_name}", from=1715673600, to=1715677200) →
{
  "status": "ok",
  "res_type": "time_series",
  "from_date": 1715673600000,
  "to_date": 1715677200000,
  "series": [
    {
      "metric": "trace.http.request.duration",
      "scope": "resource_name:post_/v2/carts/_id/checkout,service:checkout-api",
      "interval": 600,
      "length": 3,
      "unit": [{"family": "time", "name": "second", "plural": "seconds", "scale_factor": 1.0}, null],
      "pointlist": [
        [1715673600000.0, 0.41822917],
        [1715674200000.0, 0.39710448],
        [1715674800000.0, 1.20338871]
      ]
    }
  ],
  "query": "avg:trace.http.request.duration{service:checkout-api} by {resource_name}",
  "message": "",
  "group_by": ["resource_name"]
}

### h19-043
splunk_search → 3 events (index=edge sourcetype=nginx:access "/v1/export")
_time,clientip,method,uri_path,uri_query,status,bytes,request_time
2024-05-14T03:12:44.081+00:00,[[IP_ADDRESS|45.134.26.201]],GET,/v1/export,format=csv&api_key=[[SECRET|@@hex:k43:40@@]],200,1840213,2.318
2024-05-14T03:12:51.502+00:00,[[IP_ADDRESS|45.134.26.201]],GET,/v1/export,format=csv&page=2&api_key=[[SECRET|@@hex:k43:40@@]],200,1839777,2.104
2024-05-14T03:14:09.977+00:00,[[IP_ADDRESS|2001:4860:7:60a::f1]],GET,/v1/export,format=json&since=1715650000,401,61,0.003

### h19-044
splunk_get_job(sid="@@digits:spl44:10@@.84217") →
{
  "sid": "@@digits:spl44:10@@.84217",
  "dispatchState": "DONE",
  "isDone": true,
  "isFailed": false,
  "doneProgress": 1.0,
  "eventCount": 3,
  "resultCount": 3,
  "scanCount": 1840220,
  "runDuration": 4.117,
  "earliestTime": "2024-05-14T00:00:00.000+00:00",
  "latestTime": "2024-05-14T06:00:00.000+00:00",
  "request": {"search": "search index=edge sourcetype=nginx:access \"/v1/export\" | table _time clientip method uri_path uri_query status bytes request_time", "earliest_time": "-6h@h"},
  "performance": {"command.search.index": {"duration_secs": 2.871, "invocations": 48}, "dispatch.fetch.rcp.phase_0": {"duration_secs": 3.402, "invocations": 12}},
  "messages": [],
  "ttl": 600,
  "diskUsage": 118784,
  "priority": 5
}

### h19-045
elastic.search(index="payments-gw-*", q="level:DEBUG AND order_id:W-2024-77341") → took 38ms, 1 hit
{
  "_index": ".ds-payments-gw-2024.05.14-000031",
  "_id": "@@urlsafe:es45:20@@",
  "_score": 11.204,
  "_source": {
    "@timestamp": "2024-05-14T09:40:12.118Z",
    "log.level": "DEBUG",
    "service.name": "payments-gw",
    "service.version": "3.7.0",
    "client.ip": "[[IP_ADDRESS|92.40.177.138]]",
    "user.email": "[[EMAIL|h.lindqvist@telia.se]]",
    "order_id": "W-2024-77341",
    "trace.id": "@@hex:tr45:32@@",
    "message": "outbound acquirer request: {\"merchant\":\"SKN-2231\",\"amount\":{\"value\":129900,\"currency\":\"SEK\"},\"card\":{\"number\":\"[[CREDIT_CARD|@@card:c45:mc@@]]\",\"expiryMonth\":\"04\",\"expiryYear\":\"2028\",\"cvc\":\"***\",\"holderName\":\"H LINDQVIST\"},\"shopperIP\":\"[[IP_ADDRESS|92.40.177.138]]\",\"reference\":\"W-2024-77341\"}"
  }
}

### h19-046
elastic._cat/indices?format=json&h=health,status,index,uuid,pri,rep,docs.count,store.size →
[
  {"health": "green", "status": "open", "index": ".ds-payments-gw-2024.05.14-000031", "uuid": "@@urlsafe:es46a:22@@", "pri": "3", "rep": "1", "docs.count": "18442017", "store.size": "21.4gb"},
  {"health": "green", "status": "open", "index": ".ds-payments-gw-2024.05.13-000030", "uuid": "@@urlsafe:es46b:22@@", "pri": "3", "rep": "1", "docs.count": "19101883", "store.size": "22.1gb"},
  {"health": "yellow", "status": "open", "index": "payments-gw-archive-2023.12", "uuid": "@@urlsafe:es46c:22@@", "pri": "1", "rep": "1", "docs.count": "402118877", "store.size": "388.7gb"},
  {"health": "green", "status": "close", "index": "payments-gw-archive-2023.11", "uuid": "@@urlsafe:es46d:22@@", "pri": "1", "rep": "0", "docs.count": null, "store.size": null}
]

### h19-047
$ vault kv get -format=json secret/payments/prod
{
  "request_id": "@@uuid:rq47@@",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": {
    "data": {
      "db_password": "[[SECRET|@@pw:pw47:24@@]]",
      "stripe_secret_key": "[[SECRET|@@sklive:k47@@]]",
      "stripe_webhook_secret": "[[SECRET|@@whsec:k47w@@]]",
      "stripe_publishable_key": "@@pklive:pk47@@",
      "db_host": "payments-prod.cluster-c@@alnum:rds47:11@@.eu-west-1.rds.amazonaws.com"
    },
    "metadata": {
      "created_time": "2024-04-02T11:20:51.33411928Z",
      "custom_metadata": {"owner": "team-payments", "rotation": "quarterly"},
      "deletion_time": "",
      "destroyed": false,
      "version": 7
    }
  },
  "warnings": null
}

### h19-048
$ vault status -format=json
{
  "type": "shamir",
  "initialized": true,
  "sealed": false,
  "t": 3,
  "n": 5,
  "progress": 0,
  "nonce": "",
  "version": "1.16.2",
  "build_date": "2024-04-22T16:25:54Z",
  "migration": false,
  "cluster_name": "vault-cluster-@@hex:vc48:8@@",
  "cluster_id": "@@uuid:vc48id@@",
  "recovery_seal": false,
  "storage_type": "raft",
  "ha_enabled": true,
  "is_self": true,
  "active_time": "2024-05-02T07:14:09.118272601Z",
  "leader_address": "https://vault-0.vault-internal:8200",
  "leader_cluster_address": "https://vault-0.vault-internal:8201",
  "raft_committed_index": 9182274,
  "raft_applied_index": 9182274
}

### h19-049
{"role":"tool","tool_call_id":"call_@@alnum:c49:24@@","name":"aws_cli","content":"{\n    \"ARN\": \"arn:aws:secretsmanager:eu-west-1:@@digits:acct49:12@@:secret:prod/reporting/db-@@alnum:sm49:6@@\",\n    \"Name\": \"prod/reporting/db\",\n    \"VersionId\": \"@@uuid:ver49@@\",\n    \"SecretString\": \"{\\\"username\\\":\\\"reporting_ro\\\",\\\"password\\\":\\\"[[SECRET|@@alnum:pw49:32@@]]\\\",\\\"engine\\\":\\\"postgres\\\",\\\"host\\\":\\\"reporting.cluster-ro-c@@alnum:rds49:11@@.eu-west-1.rds.amazonaws.com\\\",\\\"port\\\":5432,\\\"dbname\\\":\\\"warehouse\\\"}\",\n    \"VersionStages\": [\n        \"AWSCURRENT\"\n    ],\n    \"CreatedDate\": \"2024-05-01T00:00:14.882000+00:00\"\n}\n"}

### h19-050
{"role":"tool","tool_call_id":"call_@@alnum:c50:24@@","name":"aws_cli","content":"{\n    \"ARN\": \"arn:aws:secretsmanager:eu-west-1:@@digits:acct49:12@@:secret:prod/reporting/db-@@alnum:sm49:6@@\",\n    \"Name\": \"prod/reporting/db\",\n    \"KmsKeyId\": \"arn:aws:kms:eu-west-1:@@digits:acct49:12@@:key/@@uuid:kms50@@\",\n    \"RotationEnabled\": true,\n    \"RotationLambdaARN\": \"arn:aws:lambda:eu-west-1:@@digits:acct49:12@@:function:SecretsManagerRDSPostgreSQLRotationSingleUser\",\n    \"RotationRules\": {\n        \"AutomaticallyAfterDays\": 30\n    },\n    \"LastRotatedDate\": \"2024-05-01T00:00:14.802000+00:00\",\n    \"LastChangedDate\": \"2024-05-01T00:00:15.118000+00:00\",\n    \"LastAccessedDate\": \"2024-05-14T00:00:00+00:00\",\n    \"NextRotationDate\": \"2024-05-31T23:59:59+00:00\",\n    \"VersionIdsToStages\": {\n        \"@@uuid:ver49@@\": [\n            \"AWSCURRENT\"\n        ],\n        \"@@uuid:ver50@@\": [\n            \"AWSPREVIOUS\"\n        ]\n    },\n    \"CreatedDate\": \"2022-08-19T13:02:40.411000+00:00\"\n}\n"}
### h19-051
{"type": "tool_use", "id": "toolu_01@@alnum:tu51:22@@", "name": "send_email", "input": {"to": ["[[EMAIL|claims@harbourmutual.ie]]"], "cc": ["[[EMAIL|niamh.doherty@corkfreightservices.ie]]"], "reply_to": "[[EMAIL|ops@corkfreightservices.ie]]", "subject": "Claim HM-CL-2024-03318 – water damage, trailer CFS-22", "body": "Dear claims team,\n\nFurther to our call this morning, please find attached the surveyor's report and the photos for claim HM-CL-2024-03318 (policy CFS/COM/77120). The driver, Ciarán Walsh, can be reached on [[PHONE|@@phone:p51:IE:m:intl@@]] if the assessor needs to inspect the trailer before Friday.\n\nKind regards,\nNiamh Doherty\nOperations, Cork Freight Services", "attachments": [{"file_id": "file_@@alnum:f51a:24@@", "filename": "survey-report-CFS22.pdf"}, {"file_id": "file_@@alnum:f51b:24@@", "filename": "photos.zip"}], "send_at": null}}

### h19-052
{"type": "tool_use", "id": "toolu_01@@alnum:tu52:22@@", "name": "slack_post_message", "input": {"channel": "C07@@alnum:ch52:8@@", "thread_ts": "1715679112.482919", "text": "Claim HM-CL-2024-03318 submitted to the insurer at 10:42. Policy CFS/COM/77120, trailer CFS-22, estimated loss €18,400. Next check-in: Fri 17 May, 09:30.", "unfurl_links": false, "metadata": {"event_type": "claim_submitted", "event_payload": {"claim_id": "HM-CL-2024-03318", "amount_cents": 1840000, "currency": "EUR"}}}}
{"type": "tool_result", "tool_use_id": "toolu_01@@alnum:tu52:22@@", "content": "{\"ok\":true,\"channel\":\"C07@@alnum:ch52:8@@\",\"ts\":\"1715679741.118209\",\"message\":{\"type\":\"message\",\"subtype\":\"bot_message\",\"bot_id\":\"B05@@alnum:bot52:8@@\",\"app_id\":\"A05@@alnum:app52:8@@\",\"thread_ts\":\"1715679112.482919\"}}"}

### h19-053
woocommerce.get_order(4471) → HTTP 200 (raw body)
{"id":4471,"parent_id":0,"status":"processing","currency":"EUR","date_created":"2024-05-13T18:40:02","date_created_gmt":"2024-05-13T16:40:02","total":"96.40","customer_id":318,"order_key":"wc_order_@@alnum:ok53:13@@","billing":{"first_name":"Giulia","last_name":"Benedetti","company":"","address_1":"Via Saragozza 118","city":"Bologna","postcode":"40135","country":"IT","email":"[[EMAIL|giulia.benedetti@libero.it]]","phone":"[[PHONE|@@phone:p53:IT:m:intl@@]]"},"shipping":{"first_name":"Giulia","last_name":"Benedetti","address_1":"Via Saragozza 118","city":"Bologna","postcode":"40135","country":"IT","phone":"[[PHONE|@@phone:p53:IT:m:intl@@]]"},"payment_method":"stripe","transaction_id":"@@sid:pi53:pi@@","customer_ip_address":"[[IP_ADDRESS|151.38.92.170]]","customer_user_agent":"Mozilla\/5.0 (Android 14; Mobile; rv:125.0) Gecko\/125.0 Firefox\/125.0","line_items":[{"id":9921,"name":"Tisana finocchio & anice 100g","product_id":812,"sku":"TIS-FIN-100","quantity":4,"total":"39.60"},{"id":9922,"name":"Teiera in ghisa 0,8 l","product_id":640,"sku":"TEI-GHI-08","quantity":1,"total":"49.90"}],"_links":{"self":[{"href":"https:\/\/shop.erboristeria-lume.it\/wp-json\/wc\/v3\/orders\/4471"}],"customer":[{"href":"https:\/\/shop.erboristeria-lume.it\/wp-json\/wc\/v3\/customers\/318"}]},"meta_data":[{"id":88213,"key":"_stripe_customer_id","value":"@@sid:cus53:cus@@"},{"id":88214,"key":"_wc_order_attribution_source_type","value":"organic"}]}

### h19-054
woocommerce.list_products(per_page=2) → HTTP 200 (raw body)
[{"id":812,"name":"Tisana finocchio & anice 100g","slug":"tisana-finocchio-anice","permalink":"https:\/\/shop.erboristeria-lume.it\/prodotto\/tisana-finocchio-anice\/","date_created_gmt":"2023-10-02T08:11:40","sku":"TIS-FIN-100","price":"9.90","regular_price":"9.90","sale_price":"","stock_quantity":118,"stock_status":"instock","weight":"0.12","categories":[{"id":17,"name":"Tisane","slug":"tisane"}],"images":[{"id":1204,"src":"https:\/\/shop.erboristeria-lume.it\/wp-content\/uploads\/2023\/10\/tisana-finocchio.jpg","alt":""}],"meta_data":[{"id":7718,"key":"_ean","value":"8057@@digits:ean54:9@@"}]},{"id":640,"name":"Teiera in ghisa 0,8 l","slug":"teiera-ghisa-08","permalink":"https:\/\/shop.erboristeria-lume.it\/prodotto\/teiera-ghisa-08\/","date_created_gmt":"2023-03-15T14:29:03","sku":"TEI-GHI-08","price":"49.90","regular_price":"54.90","sale_price":"49.90","stock_quantity":7,"stock_status":"instock","weight":"1.4","categories":[{"id":21,"name":"Accessori","slug":"accessori"}],"images":[],"meta_data":[]}]

### h19-055
tool_call update_user {"user_id": "@@uuid:scim55@@", "phone": "[[PHONE|@@phone:p55:SE:m:intl@@]]", "notify": false}
tool_result (SCIM PATCH → 200):
{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "@@uuid:scim55@@",
  "externalId": "@@hex:ext55:24@@",
  "userName": "[[EMAIL|elin.bergqvist@saltsjo-energi.se]]",
  "name": {"givenName": "Elin", "familyName": "Bergqvist", "formatted": "Elin Bergqvist"},
  "active": true,
  "emails": [
    {"value": "[[EMAIL|elin.bergqvist@saltsjo-energi.se]]", "type": "work", "primary": true}
  ],
  "phoneNumbers": [
    {"value": "[[PHONE|@@phone:p55:SE:m:intl@@]]", "type": "mobile", "primary": true},
    {"value": "[[PHONE|@@phone:p55b:SE:f:intl@@]]", "type": "work"}
  ],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "SE-4410", "department": "Nätdrift", "manager": {"value": "@@uuid:mgr55@@"}},
  "meta": {"resourceType": "User", "created": "2023-02-01T07:30:00Z", "lastModified": "2024-05-14T10:02:41Z", "version": "W/\"@@hex:etag55:16@@\"", "location": "https://scim.saltsjo-energi.se/scim/v2/Users/@@uuid:scim55@@"}
}

### h19-056
tool_call scim_list_groups {"filter": "displayName sw \"grid-\"", "count": 2}
tool_result (200):
{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "totalResults": 2,
  "itemsPerPage": 2,
  "startIndex": 1,
  "Resources": [
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "id": "@@uuid:grp56a@@",
      "displayName": "grid-operations",
      "members": [
        {"value": "@@uuid:scim55@@", "$ref": "https://scim.saltsjo-energi.se/scim/v2/Users/@@uuid:scim55@@", "display": "Elin Bergqvist"},
        {"value": "@@uuid:m56b@@", "$ref": "https://scim.saltsjo-energi.se/scim/v2/Users/@@uuid:m56b@@", "display": "Oskar Lind"}
      ],
      "meta": {"resourceType": "Group", "created": "2022-11-08T12:00:00Z", "lastModified": "2024-05-14T10:02:41Z", "version": "W/\"@@hex:etag56a:16@@\""}
    },
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      "id": "@@uuid:grp56b@@",
      "displayName": "grid-oncall",
      "members": [],
      "meta": {"resourceType": "Group", "created": "2023-01-17T09:15:22Z", "lastModified": "2024-03-02T06:40:09Z", "version": "W/\"@@hex:etag56b:16@@\""}
    }
  ]
}

### h19-057
Tool call: http_request
{
  "method": "POST",
  "url": "http://[[IP_ADDRESS|10.20.4.31]]:8080/internal/v1/refunds",
  "headers": {
    "Authorization": "Bearer [[SECRET|@@hubpat:k57@@]]",
    "X-Internal-Api-Key": "[[SECRET|@@alnum:k57b:40@@]]",
    "Cookie": "ops_session=[[SECRET|@@urlsafe:k57c:43@@]]; _ga=GA1.1.@@digits:ga57:10@@.1715600412",
    "Idempotency-Key": "@@uuid:idem57@@",
    "Content-Type": "application/json"
  },
  "body": {"order_id": "W-2024-77341", "amount_cents": 129900, "currency": "SEK", "reason": "duplicate"},
  "timeout_s": 10
}

### h19-058
Tool call: http_request
{
  "method": "POST",
  "url": "https://api.lumenpay.io/v1/refunds",
  "headers": {
    "Authorization": "Bearer ${LUMENPAY_API_KEY}",
    "Idempotency-Key": "@@uuid:idem58@@",
    "X-Request-Id": "@@ulid:rq58@@",
    "Content-Type": "application/json"
  },
  "body": {"charge": "@@sid:ch58:ch@@", "amount": 129900, "reason": "duplicate", "metadata": {"ticket": "48213"}}
}
Tool response: 201 Created
headers: {"date": "Tue, 14 May 2024 10:31:22 GMT", "etag": "W/\"@@hex:etag58:27@@\"", "request-id": "req_@@alnum:rq58b:14@@", "x-ratelimit-limit": "100", "x-ratelimit-remaining": "97", "cf-ray": "8838@@hex:cf58:12@@-FRA", "strict-transport-security": "max-age=63072000; includeSubDomains; preload"}
body: {"id": "re_3@@alnum:re58:23@@", "object": "refund", "amount": 129900, "balance_transaction": "@@sid:txn58:txn@@", "charge": "@@sid:ch58:ch@@", "created": 1715682682, "currency": "sek", "status": "pending", "destination_details": {"type": "card", "card": {"reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund"}}}

### h19-059
salesforce.query("SELECT Id, Name, Email, Phone, MobilePhone, Birthdate, Account.Name FROM Contact WHERE AccountId = '@@sfid:acc59:001@@'") →
{
  "totalSize": 2,
  "done": true,
  "records": [
    {
      "attributes": {"type": "Contact", "url": "/services/data/v60.0/sobjects/Contact/@@sfid:ct59a:003@@"},
      "Id": "@@sfid:ct59a:003@@",
      "Name": "Rafael Quintero Salas",
      "Email": "[[EMAIL|rquintero@ferremax-monterrey.mx]]",
      "Phone": "[[PHONE|@@phone:p59a:MX:f:intl@@]]",
      "MobilePhone": "[[PHONE|@@phone:p59b:MX:m:intl@@]]",
      "Birthdate": "[[DATE_OF_BIRTH|1979-03-18]]",
      "Account": {"attributes": {"type": "Account", "url": "/services/data/v60.0/sobjects/Account/@@sfid:acc59:001@@"}, "Name": "Ferremax Monterrey"}
    },
    {
      "attributes": {"type": "Contact", "url": "/services/data/v60.0/sobjects/Contact/@@sfid:ct59b:003@@"},
      "Id": "@@sfid:ct59b:003@@",
      "Name": "Compras Ferremax",
      "Email": "[[EMAIL|compras@ferremax-monterrey.mx]]",
      "Phone": "[[PHONE|@@phone:p59a:MX:f:intl@@]]",
      "MobilePhone": null,
      "Birthdate": null,
      "Account": {"attributes": {"type": "Account", "url": "/services/data/v60.0/sobjects/Account/@@sfid:acc59:001@@"}, "Name": "Ferremax Monterrey"}
    }
  ]
}

### h19-060
salesforce.query("SELECT Id, Name, StageName, Amount, CloseDate, Probability FROM Opportunity WHERE AccountId = '@@sfid:acc59:001@@' ORDER BY CloseDate") →
{
  "totalSize": 2,
  "done": true,
  "records": [
    {"attributes": {"type": "Opportunity", "url": "/services/data/v60.0/sobjects/Opportunity/@@sfid:op60a:006@@"}, "Id": "@@sfid:op60a:006@@", "Name": "Ferremax – renovación licencias 2024", "StageName": "Negotiation/Review", "Amount": 418500.0, "CloseDate": "2024-06-28", "Probability": 75},
    {"attributes": {"type": "Opportunity", "url": "/services/data/v60.0/sobjects/Opportunity/@@sfid:op60b:006@@"}, "Id": "@@sfid:op60b:006@@", "Name": "Ferremax – módulo inventario", "StageName": "Prospecting", "Amount": 96000.0, "CloseDate": "2024-10-15", "Probability": 10}
  ]
}
salesforce.limits() → {"DailyApiRequests": {"Max": 1015000, "Remaining": 1012881}, "DataStorageMB": {"Max": 41600, "Remaining": 38211}, "SingleEmail": {"Max": 5000, "Remaining": 5000}}

### h19-061
intercom.get_conversation("@@digits:ic61:12@@") →
{
  "type": "conversation",
  "id": "@@digits:ic61:12@@",
  "created_at": 1715671402,
  "state": "open",
  "source": {
    "type": "conversation",
    "delivered_as": "customer_initiated",
    "body": "<p>hi, I can't log into the driver app since the update</p>",
    "author": {"type": "user", "id": "@@hex:icu61:24@@", "name": "Baraka Otieno", "email": "[[EMAIL|baraka.otieno@gmail.com]]"}
  },
  "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "@@hex:icu61:24@@", "external_id": "drv_20931"}]},
  "conversation_parts": {
    "type": "conversation_part.list",
    "conversation_parts": [
      {"type": "conversation_part", "id": "@@digits:icp61a:11@@", "part_type": "comment", "body": "<p>Sorry about that! Could you confirm the phone number on the account?</p>", "created_at": 1715671520, "author": {"type": "admin", "id": "7013388", "name": "Wanjiru"}},
      {"type": "conversation_part", "id": "@@digits:icp61b:11@@", "part_type": "comment", "body": "<p>it's [[PHONE|@@phone:p61:KE:m:intl@@]]. my login is baraka.o and the password i set is [[SECRET|Kisumu!2023x]] if that helps</p>", "created_at": 1715671633, "author": {"type": "user", "id": "@@hex:icu61:24@@", "name": "Baraka Otieno", "email": "[[EMAIL|baraka.otieno@gmail.com]]"}}
    ],
    "total_count": 2
  },
  "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "9911203", "name": "driver-app"}]}
}

### h19-062
intercom.get_conversation("@@digits:ic62:12@@") →
{
  "type": "conversation",
  "id": "@@digits:ic62:12@@",
  "created_at": 1715602211,
  "state": "closed",
  "source": {"type": "conversation", "delivered_as": "customer_initiated", "body": "<p>Where is my payout for week 19?</p>", "author": {"type": "user", "id": "@@hex:icu62:24@@", "name": "[redacted]", "email": null}},
  "conversation_parts": {
    "type": "conversation_part.list",
    "conversation_parts": [
      {"type": "conversation_part", "id": "@@digits:icp62a:11@@", "part_type": "comment", "body": "<p>Payout PO-19-20931 of KES 18,420 was sent on 13 May at 16:05 and should arrive within 2 working days. Reference 0094 7712 3391.</p>", "created_at": 1715602390, "author": {"type": "admin", "id": "7013388", "name": "Wanjiru"}},
      {"type": "conversation_part", "id": "@@digits:icp62b:11@@", "part_type": "comment", "body": "<p>ok my number is [REDACTED] and the mpesa code was [REDACTED]</p>", "created_at": 1715602501, "author": {"type": "user", "id": "@@hex:icu62:24@@", "name": "[redacted]", "email": null}},
      {"type": "conversation_part", "id": "@@digits:icp62c:11@@", "part_type": "close", "body": null, "created_at": 1715602620, "author": {"type": "bot", "id": "6410022", "name": "Fin"}}
    ],
    "total_count": 3
  },
  "statistics": {"time_to_admin_reply": 179, "count_reopens": 0, "median_time_to_reply": 179}
}

### h19-063
freshdesk.view_ticket(id=20931, include="requester") →
{"id":20931,"subject":"Boiler service – access instructions","status":2,"priority":2,"source":1,"type":"Service visit","requester_id":48011220931,"responder_id":48009112204,"group_id":48000871102,"created_at":"2024-05-13T08:02:17Z","due_by":"2024-05-15T08:02:17Z","fr_due_by":"2024-05-13T16:02:17Z","description_text":"Hi, for Thursday's visit the side gate will be unlocked and the engineer should text me on arrival. Landline is [[PHONE|@@phone:p63a:GB:f:intl@@]] but I'm mostly on mobile.","tags":["boiler","annual-service"],"requester":{"id":48011220931,"name":"Rosalind Achterberg","email":"[[EMAIL|ros.achterberg@btinternet.com]]","mobile":"[[PHONE|@@phone:p63b:GB:m:intl@@]]","phone":"[[PHONE|@@phone:p63a:GB:f:intl@@]]"},"custom_fields":{"cf_property_ref":"PR-77120","cf_appliance":"Worcester 30i"}}

### h19-064
freshdesk.list_sla_policies() →
[{"id":48000091102,"name":"Default SLA Policy","description":"default policy","active":true,"is_default":true,"position":1,"sla_target":{"priority_4":{"respond_within":3600,"resolve_within":14400,"business_hours":false,"escalation_enabled":true},"priority_3":{"respond_within":7200,"resolve_within":28800,"business_hours":true,"escalation_enabled":true},"priority_2":{"respond_within":14400,"resolve_within":86400,"business_hours":true,"escalation_enabled":true},"priority_1":{"respond_within":28800,"resolve_within":172800,"business_hours":true,"escalation_enabled":false}},"applicable_to":{},"escalation":{"response":{"escalation_time":0,"agent_ids":[-1]},"resolution":{"level_1":{"escalation_time":0,"agent_ids":[-1]}}},"created_at":"2021-06-02T09:00:12Z","updated_at":"2024-01-15T11:42:57Z"}]

### h19-065
bamboohr.run_custom_report(fields=["id","displayName","workEmail","mobilePhone","dateOfBirth","ssn","hireDate"], format="csv") → 3 rows
id,displayName,workEmail,mobilePhone,dateOfBirth,ssn,hireDate
1187,"Moreno, Alicia",[[EMAIL|amoreno@cobaltridge.com]],[[PHONE|@@phone:p65a:US:m:nat@@]],[[DATE_OF_BIRTH|1992-07-30]],[[US_SSN|@@ssn:s65a@@]],2022-03-14
1203,"Lindgren, Paul",[[EMAIL|plindgren@cobaltridge.com]],[[PHONE|@@phone:p65b:US:m:nat@@]],[[DATE_OF_BIRTH|1969-01-05]],[[US_SSN|@@ssn:s65b@@]],2023-09-05
1219,"Nakamura, Keiko",[[EMAIL|knakamura@cobaltridge.com]],,[[DATE_OF_BIRTH|1998-11-22]],,2024-04-29

### h19-066
bamboohr.run_custom_report(report="time_off_requests", start="2024-05-01", end="2024-05-31", format="csv") → 4 rows
requestId,employeeId,type,start,end,amountDays,status,approvedBy,created
88213,1187,Vacation,2024-05-20,2024-05-24,5,approved,1042,2024-04-11T16:02:09Z
88240,1203,Sick,2024-05-06,2024-05-06,1,approved,1042,2024-05-06T07:11:40Z
88251,1219,Vacation,2024-05-27,2024-05-31,4,requested,,2024-05-13T12:30:55Z
88254,1187,Bereavement,2024-05-14,2024-05-15,2,approved,1009,2024-05-13T21:47:18Z

### h19-067
workday.get_worker(worker_id="W-DE-30418") → (rendered as YAML)
worker:
  id: W-DE-30418
  descriptor: Jonas Wiedemann
  employeeId: "30418"
  primaryWorkEmail: [[EMAIL|jonas.wiedemann@kranhaus-systems.de]]
  personalData:
    dateOfBirth: "[[DATE_OF_BIRTH|1986-09-14]]"
    nationality: DE
    personalEmail: [[EMAIL|j.wiedemann86@web.de]]
    phones:
      - type: mobile
        number: "[[PHONE|@@phone:p67:DE:m:intl@@]]"
  paymentElections:
    - paymentType: Direct Deposit
      bankName: Sparkasse Rhein Neckar Nord
      iban: [[IBAN|@@iban:i67:DE:spaced@@]]
      bic: MANSDE66XXX
      distribution: balance
  position:
    id: P-004812
    jobProfile: Senior Controls Engineer
    supervisoryOrganization: SUP-DE-ENG-07
    costCenter: CC-4410
    hireDate: 2019-02-01
  taxId: "[withheld by policy]"

### h19-068
workday.get_position(position_id="P-004812") → (rendered as YAML)
position:
  id: P-004812
  descriptor: Senior Controls Engineer (Mannheim)
  effectiveDate: 2024-01-01
  jobProfile:
    id: JP-ENG-CTRL-3
    jobFamily: Engineering – Controls
    managementLevel: "6 Individual Contributor"
    compensationGrade: DE-E11
    payRange: {min: 68000, midpoint: 79000, max: 90000, currency: EUR, frequency: annual}
  supervisoryOrganization: SUP-DE-ENG-07
  costCenter: CC-4410
  location: LOC-MA-01
  workerType: Employee
  timeType: Full_time
  scheduledWeeklyHours: 40
  fte: 1.0
  filled: true
  availableForHire: false
  lastUpdated: 2024-03-18T09:41:22+01:00

### h19-069
run_shell("gcloud iam service-accounts keys create /tmp/key.json --iam-account=[[EMAIL|looker-export@bristle-analytics-prod.iam.gserviceaccount.com]] && cat /tmp/key.json")
stdout:
created key [@@hex:kid69:40@@] of type [json] as [/tmp/key.json] for [[[EMAIL|looker-export@bristle-analytics-prod.iam.gserviceaccount.com]]]
{
  "type": "service_account",
  "project_id": "bristle-analytics-prod",
  "private_key_id": "@@hex:kid69:40@@",
  "private_key": "[[SECRET|@@pemjson:pk69@@]]\n",
  "client_email": "[[EMAIL|looker-export@bristle-analytics-prod.iam.gserviceaccount.com]]",
  "client_id": "1@@digits:cl69:20@@",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/looker-export%40bristle-analytics-prod.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}

### h19-070
run_shell("gcloud run services describe ledger-api --region=europe-west4 --format=json | jq '.spec.template.spec.containers[0] , .status.traffic'")
stdout:
{
  "image": "europe-west4-docker.pkg.dev/bristle-analytics-prod/services/ledger-api@sha256:@@hex:dig70:64@@",
  "ports": [{"containerPort": 8080, "name": "http1"}],
  "env": [
    {"name": "APP_ENV", "value": "production"},
    {"name": "DB_NAME", "value": "ledger"},
    {"name": "DB_SOCKET", "value": "/cloudsql/bristle-analytics-prod:europe-west4:ledger-pg"},
    {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "latest", "name": "ledger-db-password"}}},
    {"name": "SENTRY_RELEASE", "value": "ledger-api@4.2.0"}
  ],
  "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}},
  "startupProbe": {"failureThreshold": 1, "periodSeconds": 240, "tcpSocket": {"port": 8080}, "timeoutSeconds": 240}
}
[
  {"latestRevision": true, "percent": 90, "revisionName": "ledger-api-00041-xoz"},
  {"percent": 10, "revisionName": "ledger-api-00040-kap", "tag": "canary"}
]

### h19-071
run_shell("az storage account keys list -g rg-media-prod -n stmediaprodweu -o json && az storage account show-connection-string -g rg-media-prod -n stmediaprodweu -o tsv")
stdout:
[
  {
    "creationTime": "2024-01-09T10:41:27.112890+00:00",
    "keyName": "key1",
    "permissions": "FULL",
    "value": "[[SECRET|@@azkey:az71a@@]]"
  },
  {
    "creationTime": "2024-01-09T10:41:27.112890+00:00",
    "keyName": "key2",
    "permissions": "FULL",
    "value": "[[SECRET|@@azkey:az71b@@]]"
  }
]
DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net;AccountName=stmediaprodweu;AccountKey=[[SECRET|@@azkey:az71a@@]];BlobEndpoint=https://stmediaprodweu.blob.core.windows.net/

### h19-072
run_shell("az vm show -g rg-media-prod -n vm-transcode-01 -o json --query '{name:name, id:id, size:hardwareProfile.vmSize, os:osProfile, zones:zones, state:provisioningState}'")
stdout:
{
  "id": "/subscriptions/@@uuid:sub72@@/resourceGroups/rg-media-prod/providers/Microsoft.Compute/virtualMachines/vm-transcode-01",
  "name": "vm-transcode-01",
  "os": {
    "adminPassword": null,
    "adminUsername": "azureuser",
    "allowExtensionOperations": true,
    "computerName": "vm-transcode-01",
    "linuxConfiguration": {
      "disablePasswordAuthentication": true,
      "provisionVMAgent": true,
      "ssh": {"publicKeys": [{"keyData": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@b64:pub72:32@@ build-agent@media", "path": "/home/azureuser/.ssh/authorized_keys"}]}
    },
    "secrets": []
  },
  "size": "Standard_D8s_v5",
  "state": "Succeeded",
  "zones": ["2"]
}

### h19-073
card_vault.reveal(tokens=["tok_@@alnum:tv73a:20@@", "tok_@@alnum:tv73b:20@@"], reason="chargeback evidence CB-2024-118") →
{
  "data": [
    {"token": "tok_@@alnum:tv73a:20@@", "fingerprint": "@@hex:fp73a:32@@", "card": {"number": "[[CREDIT_CARD|@@card:c73a:visa@@]]", "expiration_month": 9, "expiration_year": 2026, "brand": "visa", "bin": "@@digits:bin73:6@@"}, "created_at": "2023-12-02T18:40:11Z"},
    {"token": "tok_@@alnum:tv73b:20@@", "fingerprint": "@@hex:fp73b:32@@", "card": {"number": "[[CREDIT_CARD|@@card:c73b:amex:spaced@@]]", "expiration_month": 1, "expiration_year": 2027, "brand": "american_express"}, "created_at": "2024-02-14T09:12:57Z"}
  ],
  "audit_id": "@@uuid:aud73@@",
  "expires_in": 60
}

### h19-074
stripe.payment_methods.retrieve("@@sid:pm74:pm@@") →
{
  "id": "@@sid:pm74:pm@@",
  "object": "payment_method",
  "billing_details": {"address": {"city": null, "country": "US", "line1": null, "line2": null, "postal_code": "94110", "state": null}, "email": null, "name": null, "phone": null},
  "card": {
    "brand": "mastercard",
    "checks": {"address_line1_check": null, "address_postal_code_check": "pass", "cvc_check": "pass"},
    "country": "US",
    "display_brand": "mastercard",
    "exp_month": 8,
    "exp_year": 2028,
    "fingerprint": "@@alnum:fp74:16@@",
    "funding": "credit",
    "generated_from": null,
    "last4": "4417",
    "networks": {"available": ["mastercard"], "preferred": null},
    "three_d_secure_usage": {"supported": true},
    "wallet": {"type": "apple_pay", "apple_pay": {}, "dynamic_last4": "0091"}
  },
  "created": 1715679911,
  "customer": "@@sid:cus74:cus@@",
  "livemode": true,
  "metadata": {"checkout_session": "cs_live_@@alnum:cs74:58@@"},
  "type": "card"
}
stripe.payment_methods.retrieve("@@sid:pm74b:pm@@") → {"id": "@@sid:pm74b:pm@@", "object": "payment_method", "sepa_debit": {"bank_code": "37040044", "branch_code": "", "country": "DE", "fingerprint": "@@alnum:fp74b:16@@", "last4": "3000", "generated_from": {"charge": null, "setup_attempt": null}}, "type": "sepa_debit", "livemode": true}

### h19-075
stripe.checkout.sessions.retrieve("cs_live_@@alnum:cs75:58@@", expand=["customer_details"]) →
{"id":"cs_live_@@alnum:cs75:58@@","object":"checkout.session","amount_subtotal":8900,"amount_total":10680,"currency":"usd","customer":"@@sid:cus75:cus@@","customer_creation":"if_required","customer_details":{"address":{"city":"Portland","country":"US","line1":"3318 SE Belmont St","line2":null,"postal_code":"97214","state":"OR"},"email":"[[EMAIL|m.aldana.pdx@icloud.com]]","name":"Marisol Aldana","phone":"[[PHONE|@@phone:p75:US:m:e164@@]]","tax_exempt":"none","tax_ids":[]},"livemode":true,"mode":"payment","payment_intent":"@@sid:pi75:pi@@","payment_status":"paid","status":"complete","client_reference_id":"@@uuid:cr75@@","created":1715677220,"expires_at":1715763620}
stripe.request_logs (dashboard export, filtered on the session) →
POST /v1/checkout/sessions  200  req_@@alnum:rq75a:14@@  source_ip=[[IP_ADDRESS|34.212.77.190]]  api_version=2024-04-10  idempotency_key=@@uuid:idem75@@
POST /v1/payment_pages/cs_live_@@alnum:cs75:58@@/confirm  200  req_@@alnum:rq75b:14@@  source_ip=[[IP_ADDRESS|71.59.148.23]]  user_agent="Stripe.js/v3"
### h19-076
webhook_inspector.get_delivery("@@uuid:wh76@@") →
request headers:
  Content-Type: application/json; charset=utf-8
  Stripe-Signature: t=1715681002,v1=@@hex:sig76:64@@
  User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)
request body:
{"id":"@@sid:evt76:evt@@","object":"event","api_version":"2024-04-10","created":1715681002,"data":{"object":{"id":"@@sid:in76:in@@","object":"invoice","account_country":"IE","amount_due":4900,"amount_paid":4900,"amount_remaining":0,"attempt_count":1,"billing_reason":"subscription_cycle","charge":"@@sid:ch76:ch@@","collection_method":"charge_automatically","currency":"eur","customer":"@@sid:cus76:cus@@","customer_email":null,"customer_name":null,"customer_phone":null,"lines":{"object":"list","data":[{"id":"il_1@@alnum:il76:23@@","amount":4900,"description":"1 × Team plan (at €49.00 / month)","period":{"end":1717359402,"start":1714681002},"price":{"id":"@@sid:price76:price@@","unit_amount":4900,"recurring":{"interval":"month"}},"quantity":1}],"has_more":false},"number":"8F3C21AA-0012","paid":true,"period_end":1715681002,"period_start":1713002602,"status":"paid","subscription":"@@sid:sub76:sub@@","total":4900}},"livemode":true,"pending_webhooks":1,"request":{"id":null,"idempotency_key":"@@uuid:idem76@@"},"type":"invoice.paid"}
response: 200 in 142 ms

### h19-077
tool_call twilio_lookup {"phone_number": "[[PHONE|@@phone:p77:AU:m:e164@@]]", "fields": "line_type_intelligence,caller_name", "auth": ["@@twsid:ac77:AC@@", "[[SECRET|@@hex:tw77:32@@]]"]}
tool_result:
{
  "calling_country_code": "61",
  "country_code": "AU",
  "phone_number": "[[PHONE|@@phone:p77:AU:m:e164@@]]",
  "national_format": "[[PHONE|@@phone:p77:AU:m:nat@@]]",
  "valid": true,
  "validation_errors": [],
  "caller_name": {"caller_name": null, "caller_type": null, "error_code": 60600},
  "line_type_intelligence": {"carrier_name": "Telstra Corporation Ltd", "error_code": null, "mobile_country_code": "505", "mobile_network_code": "01", "type": "mobile"},
  "url": "https://lookups.twilio.com/v2/PhoneNumbers/[[PHONE|@@phone:p77:AU:m:e164@@]]"
}

### h19-078
tool_call twilio_get_application {"sid": "@@twsid:ap78:AP@@"}
tool_result:
{
  "account_sid": "@@twsid:ac78:AC@@",
  "api_version": "2010-04-01",
  "date_created": "Thu, 07 Mar 2024 10:12:44 +0000",
  "date_updated": "Mon, 13 May 2024 08:40:09 +0000",
  "friendly_name": "northpine-ivr-prod",
  "message_status_callback": "https://hooks.northpinedental.com/twilio/status",
  "sid": "@@twsid:ap78:AP@@",
  "sms_fallback_method": "POST",
  "sms_fallback_url": "",
  "sms_method": "POST",
  "sms_url": "https://hooks.northpinedental.com/twilio/sms",
  "status_callback": "https://hooks.northpinedental.com/twilio/call-status",
  "status_callback_method": "POST",
  "uri": "/2010-04-01/Accounts/@@twsid:ac78:AC@@/Applications/@@twsid:ap78:AP@@.json",
  "voice_caller_id_lookup": false,
  "voice_fallback_url": null,
  "voice_method": "POST",
  "voice_url": "https://hooks.northpinedental.com/twilio/voice",
  "public_application_connect_enabled": false
}

### h19-079
kafka_consume(topic="user.signup.v2", partition=3, offset=1844017, max=3) →
{"offset":1844017,"key":"@@uuid:u79a@@","ts":1715680801112,"value":{"event":"user.signed_up","user_id":"@@uuid:u79a@@","email":"[[EMAIL|yusuf.demirtas@hotmail.com.tr]]","phone":"[[PHONE|@@phone:p79a:TR:m:e164@@]]","signup_ip":"[[IP_ADDRESS|88.241.36.105]]","locale":"tr-TR","referrer":"google","plan":"free"}}
{"offset":1844018,"key":"@@uuid:u79b@@","ts":1715680807904,"value":{"event":"user.signed_up","user_id":"@@uuid:u79b@@","email":"[[EMAIL|lea.hartmann@posteo.de]]","phone":null,"signup_ip":"[[IP_ADDRESS|2003:e6:af1f:8c00:b13e:5a12:9e0d:44c1]]","locale":"de-DE","referrer":"newsletter","plan":"pro_trial"}}
{"offset":1844019,"key":"@@uuid:u79c@@","ts":1715680811350,"value":{"event":"user.email_verified","user_id":"@@uuid:u79a@@","verified_at":"2024-05-14T10:00:11Z"}}

### h19-080
kafka_consume(topic="orders.created.v3", partition=0, offset=9920114, max=3) →
{"offset":9920114,"key":"@@ulid:o80a@@","ts":1715680920381,"value":{"order_id":"@@ulid:o80a@@","store":"FRA-02","items":[{"sku":"KL-LMP-OAK-40","qty":1,"unit_cents":8900}],"amount_cents":8900,"currency":"EUR","payment":{"method":"card","brand":"visa","last4":"6021","bin":"@@digits:bin80:6@@"},"ship_by":"2024-05-16"}}
{"offset":9920115,"key":"@@ulid:o80b@@","ts":1715680921007,"value":{"order_id":"@@ulid:o80b@@","store":"WAW-01","items":[{"sku":"KL-BLB-E27-2700","qty":6,"unit_cents":1180}],"amount_cents":7080,"currency":"PLN","payment":{"method":"blik","reference":"@@digits:blik80:12@@"},"ship_by":"2024-05-15"}}
{"offset":9920116,"key":"@@ulid:o80c@@","ts":1715680923555,"value":{"order_id":"@@ulid:o80c@@","store":"FRA-02","items":[{"sku":"KL-SHD-LIN-30","qty":2,"unit_cents":3450}],"amount_cents":6900,"currency":"EUR","payment":{"method":"paypal","capture_id":"@@alnum:pp80:17@@"},"ship_by":"2024-05-16"}}

### h19-081
mongo.find(db="app", collection="users", filter={"email": {"$regex": "^t\\.nguyen"}}, limit=1) →
[
  {
    "_id": {"$oid": "@@hex:oid81:24@@"},
    "email": "[[EMAIL|t.nguyen.hoa@gmail.com]]",
    "phone": "[[PHONE|@@phone:p81:VN:m:intl@@]]",
    "dob": "[[DATE_OF_BIRTH|1995-08-21]]",
    "passwordHash": "$2b$12$@@alnum:bc81:53@@",
    "resetToken": "[[SECRET|@@hex:rt81:64@@]]",
    "resetTokenExpires": {"$date": "2024-05-14T11:30:00.000Z"},
    "roles": ["customer"],
    "createdAt": {"$date": "2023-07-30T04:12:51.118Z"},
    "lastLoginAt": {"$date": "2024-05-13T23:58:02.401Z"},
    "__v": 4
  }
]

### h19-082
mongo.aggregate(db="app", collection="orders", pipeline=[{"$match": {"status": "paid"}}, {"$group": {"_id": "$store", "n": {"$sum": 1}, "total": {"$sum": "$amount"}}}, {"$sort": {"total": -1}}]) →
[
  {"_id": "FRA-02", "n": 18422, "total": {"$numberDecimal": "1640291.40"}},
  {"_id": "WAW-01", "n": 9120, "total": {"$numberDecimal": "612004.15"}},
  {"_id": "HAM-01", "n": 7711, "total": {"$numberDecimal": "598117.90"}},
  {"_id": null, "n": 12, "total": {"$numberDecimal": "0.00"}}
]
explain: {"queryPlanner": {"winningPlan": {"stage": "GROUP", "inputStage": {"stage": "IXSCAN", "indexName": "status_1_store_1"}}}, "executionStats": {"executionTimeMillis": 418, "totalKeysExamined": 35265, "totalDocsExamined": 35265}, "serverInfo": {"host": "app-mongo-2", "port": 27017, "version": "7.0.9", "gitVersion": "@@hex:gv82:40@@"}}

### h19-083
redis_cmd("GET", "sess:[[SECRET|@@urlsafe:sess83:32@@]]") →
"{\"cookie\":{\"originalMaxAge\":604800000,\"expires\":\"2024-05-21T09:14:02.118Z\",\"secure\":true,\"httpOnly\":true,\"sameSite\":\"lax\"},\"userId\":\"@@uuid:u83@@\",\"email\":\"[[EMAIL|oksana.melnyk@ukr.net]]\",\"ip\":\"[[IP_ADDRESS|176.37.204.91]]\",\"oauth\":{\"provider\":\"google\",\"access_token\":\"[[SECRET|@@ya29:ya83@@]]\",\"refresh_token\":\"[[SECRET|@@gref:gr83@@]]\",\"id_token\":\"[[JWT|@@jwt:j83:RS256@@]]\",\"expires_at\":1715681642}}"
redis_cmd("TTL", "sess:[[SECRET|@@urlsafe:sess83:32@@]]") → (integer) 601190

### h19-084
redis_cmd("INFO", "server") →
# Server
redis_version:7.2.4
redis_git_sha1:00000000
redis_git_dirty:0
redis_build_id:@@hex:rb84:16@@
redis_mode:standalone
os:Linux 6.1.84-99.169.amzn2023.x86_64 x86_64
arch_bits:64
monotonic_clock:POSIX clock_gettime
multiplexing_api:epoll
gcc_version:12.2.0
process_id:1
run_id:@@hex:run84:40@@
tcp_port:6379
server_time_usec:1715681872118204
uptime_in_seconds:1209611
uptime_in_days:14
hz:10
lru_clock:@@digits:lru84:8@@
executable:/data/redis-server
config_file:/etc/redis/redis.conf
io_threads_active:0

### h19-085
http_request(method="POST", url="https://login.tallyfin.mx/oauth/token", form={"grant_type": "refresh_token", "client_id": "@@alnum:cid24:32@@", "refresh_token": "[[SECRET|@@urlsafe:rt85old:48@@]]"}) →
{
  "access_token": "[[JWT|@@jwt:j85a:RS256@@]]",
  "refresh_token": "[[SECRET|@@urlsafe:rt85:48@@]]",
  "id_token": "[[JWT|@@jwt:j85b:RS256@@]]",
  "scope": "openid profile email offline_access",
  "expires_in": 86400,
  "token_type": "Bearer"
}

### h19-086
http_request(method="GET", url="https://login.tallyfin.mx/.well-known/jwks.json") →
{
  "keys": [
    {
      "kty": "RSA",
      "use": "sig",
      "alg": "RS256",
      "kid": "@@urlsafe:kid86a:22@@",
      "n": "@@urlsafe:n86a:342@@",
      "e": "AQAB",
      "x5t": "@@urlsafe:x5t86a:27@@",
      "x5c": ["@@b64:x5c86a:720@@"]
    },
    {
      "kty": "RSA",
      "use": "sig",
      "alg": "RS256",
      "kid": "@@urlsafe:kid86b:22@@",
      "n": "@@urlsafe:n86b:342@@",
      "e": "AQAB",
      "x5t": "@@urlsafe:x5t86b:27@@"
    }
  ]
}

### h19-087
run_sql → exported 3 rows from legacy_shop.customers_2016 as CSV (column list from the user's request)
customer_id,email,phone,card_number,card_exp,created_at
10044,[[EMAIL|wanda.pietrzak@o2.pl]],[[PHONE|@@phone:p87a:PL:m:intl@@]],[[CREDIT_CARD|@@card:c87a:visa@@]],03/19,2016-02-11 14:02:51
10045,[[EMAIL|b.ferraro@tiscali.it]],[[PHONE|@@phone:p87b:IT:m:intl@@]],[[CREDIT_CARD|@@card:c87b:mc:spaced@@]],11/18,2016-02-11 15:40:07
10046,[[EMAIL|kdvorak@seznam.cz]],,,,2016-02-12 08:19:33
WARNING: table legacy_shop.customers_2016 contains unencrypted PAN data (PCI scope); export logged as AUD-@@digits:aud87:8@@.

### h19-088
run_sql → exported 4 rows from finance.payouts as CSV
payout_id,arrival_date,amount_cents,currency,status,destination,bank_last4,statement_descriptor,balance_txn
po_1@@alnum:po88a:23@@,2024-05-10,1842017,eur,paid,@@sid:ba88:ba@@,3000,KLARLICHT PAYOUT,@@sid:txn88a:txn@@
po_1@@alnum:po88b:23@@,2024-05-13,2201940,eur,paid,@@sid:ba88:ba@@,3000,KLARLICHT PAYOUT,@@sid:txn88b:txn@@
po_1@@alnum:po88c:23@@,2024-05-14,977105,eur,in_transit,@@sid:ba88:ba@@,3000,KLARLICHT PAYOUT,@@sid:txn88c:txn@@
po_1@@alnum:po88d:23@@,2024-05-15,1310288,eur,pending,@@sid:ba88:ba@@,3000,KLARLICHT PAYOUT,@@sid:txn88d:txn@@

### h19-089
kubectl_logs(pod="orders-worker-6c9f7d8b5-xk2lp", namespace="shop", tail=8) →
2024-05-14T10:41:02.118Z INFO  worker starting, version=5.3.1 pid=1
2024-05-14T10:41:02.204Z INFO  loading config from env (BROKER_URL, DATABASE_HOST)
2024-05-14T10:41:02.311Z DEBUG broker url=[[URL_CREDENTIALS|amqp://orders:Hx4tPq92mLr@10.0.5.21:5672/shop]]
2024-05-14T10:41:07.330Z ERROR kombu.connection: Cannot connect to amqp://orders:**@[[IP_ADDRESS|10.0.5.21]]:5672/shop: [Errno 113] No route to host.
2024-05-14T10:41:07.331Z ERROR psycopg.OperationalError: connection to server at "[[IP_ADDRESS|10.0.5.40]]", port 5432 failed: timeout expired
2024-05-14T10:41:07.332Z WARN  retrying in 8.0s (attempt 3/10)
2024-05-14T10:41:15.338Z ERROR kombu.connection: Cannot connect to amqp://orders:**@[[IP_ADDRESS|10.0.5.21]]:5672/shop: [Errno 113] No route to host.
2024-05-14T10:41:15.339Z FATAL giving up after 3 attempts, exit 1

### h19-090
kubectl(args=["top", "pods", "-n", "shop"]) →
NAME                              CPU(cores)   MEMORY(bytes)
orders-api-7d9f5c6b8-2mxqz        212m         418Mi
orders-api-7d9f5c6b8-9pl4t        198m         402Mi
orders-worker-6c9f7d8b5-xk2lp     0m           0Mi
cart-svc-58b7c9d4f-lq7wn          91m          233Mi
kubectl(args=["rollout", "history", "deployment/orders-worker", "-n", "shop"]) →
deployment.apps/orders-worker
REVISION  CHANGE-CAUSE
41        image bump 5.3.0 -> 5.3.1 (pipeline 1290447712)
42        config: BROKER_URL moved to secretKeyRef orders-broker/url
43        rollback to 41

### h19-091
hubspot_export_contacts(list_id=4412, format="json") → output truncated at 4096 chars
{"status":"COMPLETE","results":[{"id":"80119023311","properties":{"email":"[[EMAIL|dmitri.volkov@volkov-consult.ru]]","phone":"[[PHONE|@@phone:p91a:RU:m:intl@@]]","hs_ip_timezone":"europe/moscow","ip_city":"Moscow","createdate":"2024-02-02T08:14:40.102Z"}},{"id":"80119023315","properties":{"email":"[[EMAIL|chloe.tan@sg-harbourtech.com.sg]]","phone":"[[PHONE|@@phone:p91b:SG:m:intl@@]]","hs_ip_timezone":"asia/singapore","ip_city":"Singapore","createdate":"2024-02-02T08:15:03.771Z"}},{"id":"80119023320","properties":{"email":"[[EMAIL|aroha.ngata@kiwiflux.co.nz]]","phone":"[[PHONE|@@phone:p91c:NZ:m:intl@@]]","hs_ip_timezone":"pacific/auckland","ip_city":"Wellington","createdate":"2024-02-0… [truncated: 61,204 more characters]

### h19-092
catalog_search(q="linen shade", limit=20) → output truncated at 2048 chars
{"total":37,"took_ms":18,"hits":[{"sku":"KL-SHD-LIN-30","title":"Linen lamp shade 30 cm","price":{"amount":3450,"currency":"EUR"},"stock":{"FRA-02":41,"WAW-01":0,"HAM-01":12},"ean":"4061@@digits:ean92a:9@@","updated":"2024-05-12T22:10:04Z"},{"sku":"KL-SHD-LIN-40","title":"Linen lamp shade 40 cm","price":{"amount":4290,"currency":"EUR"},"stock":{"FRA-02":18,"WAW-01":7,"HAM-01":3},"ean":"4061@@digits:ean92b:9@@","updated":"2024-05-12T22:10:04Z"},{"sku":"KL-SHD-LIN-40-S","title":"Linen lamp shade 40 cm, sand","price":{"amount":4290,"currency":"EUR"},"stock":{"FRA-02":0,"WAW-01":0,"HAM-01":0},"ean":"4061@@digits:ean92c:9@@","upd… [truncated]

### h19-093
{
  "model": "gpt-4o-mini",
  "messages": [
    {"role": "user", "content": "The customer pasted this in the refund form, please open a ticket so finance can pay it back:\n{\"order\": \"NL-58812\", \"name\": \"Sanne de Wit\", \"email\": \"[[EMAIL|sanne.dewit@ziggo.nl]]\", \"iban\": \"[[IBAN|@@iban:i93:NL:spaced@@]]\", \"amount\": \"64,95\"}"},
    {"role": "assistant", "content": null, "tool_calls": [{"id": "call_@@alnum:c93:24@@", "type": "function", "function": {"name": "create_ticket", "arguments": "{\"queue\":\"finance-refunds\",\"title\":\"Refund NL-58812 (€64,95)\",\"requester_email\":\"[[EMAIL|sanne.dewit@ziggo.nl]]\",\"fields\":{\"refund_iban\":\"[[IBAN|@@iban:i93:NL:spaced@@]]\",\"order\":\"NL-58812\",\"amount_cents\":6495}}"}}]}
  ]
}

### h19-094
{
  "model": "gpt-4o-mini",
  "tools": [
    {"type": "function", "function": {
      "name": "create_ticket",
      "description": "Open a ticket in the helpdesk. Never put card numbers in any field; use the last four digits only.",
      "parameters": {
        "type": "object",
        "properties": {
          "queue": {"type": "string", "enum": ["finance-refunds", "support-l1", "support-l2"]},
          "title": {"type": "string", "maxLength": 120},
          "requester_email": {"type": "string", "format": "email"},
          "phone": {"type": "string", "pattern": "^\\+[1-9][0-9]{6,14}$", "description": "E.164, e.g. +<country code><number>"},
          "fields": {"type": "object", "properties": {"refund_iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"}, "card_last4": {"type": "string", "pattern": "^[0-9]{4}$"}, "amount_cents": {"type": "integer", "minimum": 1}}}
        },
        "required": ["queue", "title"]
      }
    }}
  ],
  "tool_choice": "auto",
  "parallel_tool_calls": false
}

### h19-095
crm_soap.RetrieveContact → response body
<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <RetrieveResponse xmlns="http://schemas.microsoft.com/xrm/2011/Contracts/Services">
      <RetrieveResult>
        <contactid>@@uuid:ct95@@</contactid>
        <fullname>Ayesha Siddiqui</fullname>
        <emailaddress1>[[EMAIL|ayesha.siddiqui@marlowbuilds.co.uk]]</emailaddress1>
        <emailaddress2>[[EMAIL|ayesha.s@btopenworld.com]]</emailaddress2>
        <telephone1>[[PHONE|@@phone:p95a:GB:f:intl@@]]</telephone1>
        <mobilephone>[[PHONE|@@phone:p95b:GB:m:intl@@]]</mobilephone>
        <birthdate>[[DATE_OF_BIRTH|1983-04-07]]</birthdate>
        <address1_city>Marlow</address1_city>
        <statecode>0</statecode>
        <versionnumber>@@digits:vn95:9@@</versionnumber>
        <modifiedon>2024-05-13T15:02:44Z</modifiedon>
      </RetrieveResult>
    </RetrieveResponse>
  </s:Body>
</s:Envelope>

### h19-096
http_request(url="https://sso.marlowbuilds.co.uk/saml/metadata") →
<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://sso.marlowbuilds.co.uk/saml" ID="_@@hex:ed96:32@@" validUntil="2025-05-14T00:00:00Z">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>@@b64:x509_96:780@@</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sso.marlowbuilds.co.uk/saml/sso"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sso.marlowbuilds.co.uk/saml/slo"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>

### h19-097
run_shell("heroku config --json -a brisk-invoices-prod")
{
  "DATABASE_URL": "[[URL_CREDENTIALS|postgres://u@@alnum:hku97:13@@:p@@hex:hkp97:64@@@ec2-52-48-119-207.eu-west-1.compute.amazonaws.com:5432/d@@alnum:hkd97:13@@]]",
  "REDIS_URL": "[[URL_CREDENTIALS|rediss://:p@@hex:hkr97:64@@@ec2-34-251-90-12.eu-west-1.compute.amazonaws.com:17690]]",
  "SENDGRID_API_KEY": "[[SECRET|@@sg:sg97@@]]",
  "SENDGRID_FROM": "[[EMAIL|invoices@briskinvoices.com]]",
  "PAPERTRAIL_API_TOKEN": "[[SECRET|@@alnum:pt97:20@@]]",
  "WEB_CONCURRENCY": "4",
  "NODE_ENV": "production",
  "TZ": "Europe/Dublin"
}

### h19-098
run_shell("heroku releases --json -n 3 -a brisk-invoices-prod")
[
  {"addon_plan_names": ["heroku-postgresql:standard-0", "heroku-redis:premium-0"], "app": {"id": "@@uuid:app98@@", "name": "brisk-invoices-prod"}, "created_at": "2024-05-14T09:12:40Z", "description": "Deploy @@hex:sha98a:8@@", "status": "succeeded", "id": "@@uuid:rel98a@@", "slug": {"id": "@@uuid:slug98a@@"}, "updated_at": "2024-05-14T09:12:40Z", "user": {"id": "@@uuid:usr98@@"}, "version": 412, "current": true, "output_stream_url": null},
  {"addon_plan_names": ["heroku-postgresql:standard-0", "heroku-redis:premium-0"], "app": {"id": "@@uuid:app98@@", "name": "brisk-invoices-prod"}, "created_at": "2024-05-13T17:40:02Z", "description": "Set SENDGRID_API_KEY config vars", "status": "succeeded", "id": "@@uuid:rel98b@@", "slug": {"id": "@@uuid:slug98b@@"}, "updated_at": "2024-05-13T17:40:02Z", "user": {"id": "@@uuid:usr98@@"}, "version": 411, "current": false, "output_stream_url": null},
  {"addon_plan_names": ["heroku-postgresql:standard-0"], "app": {"id": "@@uuid:app98@@", "name": "brisk-invoices-prod"}, "created_at": "2024-05-10T11:02:19Z", "description": "Attach REDIS (@ref:redis-rigid-40118)", "status": "succeeded", "id": "@@uuid:rel98c@@", "slug": {"id": "@@uuid:slug98b@@"}, "updated_at": "2024-05-10T11:02:19Z", "user": {"id": "@@uuid:usr98@@"}, "version": 410, "current": false, "output_stream_url": null}
]

### h19-099
run_shell("cat ~/.netrc ~/.docker/config.json")
machine api.heroku.com
  login [[EMAIL|deploy-bot@briskinvoices.com]]
  password [[SECRET|HRKU-@@uuid:hrku99@@]]
machine git.heroku.com
  login [[EMAIL|deploy-bot@briskinvoices.com]]
  password [[SECRET|HRKU-@@uuid:hrku99@@]]
{
	"auths": {
		"ghcr.io": {
			"auth": "[[SECRET|@@b64auth:dk99:briskbot:ghp@@]]"
		},
		"registry.gitlab.com": {}
	},
	"credsStore": "osxkeychain"
}

### h19-100
run_shell("cat ~/.docker/config.json ~/.npmrc")
{
	"auths": {
		"ghcr.io": {},
		"registry.gitlab.com": {},
		"@@digits:acct100:12@@.dkr.ecr.eu-west-1.amazonaws.com": {}
	},
	"credsStore": "desktop",
	"credHelpers": {"@@digits:acct100:12@@.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"},
	"currentContext": "desktop-linux"
}
@briskinvoices:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=${GITHUB_PACKAGES_TOKEN}
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
engine-strict=true
