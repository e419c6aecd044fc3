### h23-001
Can you check this diff before I push? I moved the key to an env var.

diff --git a/app/settings.py b/app/settings.py
index 3f9c2ab..8e41d07 100644
--- a/app/settings.py
+++ b/app/settings.py
@@ -14,9 +14,9 @@ from pathlib import Path
 BASE_DIR = Path(__file__).resolve().parent.parent
 DEBUG = False
 
-OPENAI_API_KEY = "[[SECRET|@@openai:k001@@]]"
+OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
 OPENAI_MODEL = "gpt-4o-mini"
 REQUEST_TIMEOUT = 30
-ALLOWED_HOSTS = ["[[IP_ADDRESS|10.42.7.19]]", "api.quillstone.io"]
+ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "").split(",")
 CORS_ALLOW_CREDENTIALS = True

### h23-002
Reviewing a teammate's PR — is `os.getenv` with a default OK here or should it fail hard when the variable is missing?

diff --git a/service/config.py b/service/config.py
index 0b7d2e1..c94a6f3 100644
--- a/service/config.py
+++ b/service/config.py
@@ -1,12 +1,14 @@
 import os
 
-DATABASE_URL = "postgresql://localhost/ledger_dev"
-SECRET_KEY = "changeme"
+DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://localhost/ledger_dev")
+SECRET_KEY = os.environ["SECRET_KEY"]
 STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY")
-SENTRY_TRACES_SAMPLE_RATE = 1.0
+SENTRY_TRACES_SAMPLE_RATE = float(os.getenv("SENTRY_TRACES_SAMPLE_RATE", "0.05"))
 CACHE_TTL_SECONDS = 900
+RATE_LIMIT = "120/minute"
+TRUSTED_PROXIES = ["10.0.0.0/8", "172.16.0.0/12"]
 LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

### h23-003
commit @@sha:c003:40@@
Author: Tomasz Wierzbicki <[[EMAIL|t.wierzbicki@larchpay.eu]]>
Date:   Thu Mar 6 16:41:09 2025 +0100

    Move Stripe secret out of the checkout service

    Co-authored-by: Imani Okafor <[[EMAIL|88214093+imaniokafor@users.noreply.github.com]]>

diff --git a/services/checkout/src/stripe.js b/services/checkout/src/stripe.js
index a71c04e..5d2f98b 100644
--- a/services/checkout/src/stripe.js
+++ b/services/checkout/src/stripe.js
@@ -1,8 +1,8 @@
 const Stripe = require("stripe");
 
-const stripe = Stripe("[[SECRET|@@stripe:k003@@]]", {
+const stripe = Stripe(process.env.STRIPE_SECRET_KEY, {
   apiVersion: "2024-06-20",
   maxNetworkRetries: 2,
 });

Is it enough to revert, or does the old key need to be rolled in the Stripe dashboard?

### h23-004
Dependabot bumped axios, but CI now fails on `npm ci` with EINTEGRITY. Here's `git show --format="%h %an %s" HEAD -- package.json package-lock.json`:

8c1e4d2 dependabot[bot] chore(deps): bump axios from 1.6.8 to 1.7.4

diff --git a/package.json b/package.json
index 4be07a1..f90d3c8 100644
--- a/package.json
+++ b/package.json
@@ -18,7 +18,7 @@
   "dependencies": {
-    "axios": "^1.6.8",
+    "axios": "^1.7.4",
     "dayjs": "^1.11.10",
diff --git a/package-lock.json b/package-lock.json
index 19a6c70..2e8b5f1 100644
--- a/package-lock.json
+++ b/package-lock.json
@@ -2210,9 +2210,9 @@
     "node_modules/axios": {
-      "version": "1.6.8",
-      "resolved": "https://registry.npmjs.org/axios/-/axios-1.6.8.tgz",
-      "integrity": "sha512-@@b64:i004a:64@@",
+      "version": "1.7.4",
+      "resolved": "https://registry.npmjs.org/axios/-/axios-1.7.4.tgz",
+      "integrity": "sha512-@@b64:i004b:64@@",
       "dependencies": {
         "follow-redirects": "^1.15.6",

### h23-005
PR #412 "stop committing .env" — the secret-scanning bot still complains about this diff. What is it seeing?

diff --git a/.env b/.env.example
similarity index 61%
rename from .env
rename to .env.example
index 6c0ad41..e217b9f 100644
--- a/.env
+++ b/.env.example
@@ -1,9 +1,9 @@
 NODE_ENV=development
 PORT=3000
-DATABASE_URL=[[URL_CREDENTIALS|postgres://tern_app:Vq7!mesa-Lodge22@10.30.1.44:5432/tern]]
-REDIS_URL=redis://[[IP_ADDRESS|10.30.1.45]]:6379/2
-SESSION_SECRET=[[SECRET|@@hex:k005:64@@]]
+DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/tern
+REDIS_URL=redis://localhost:6379/2
+SESSION_SECRET=
 LOG_LEVEL=debug

### h23-006
Does this .env.example look complete? I want new hires to know which variables exist without us shipping any real value.

diff --git a/.env.example b/.env.example
index 77ab20e..b1d94c5 100644
--- a/.env.example
+++ b/.env.example
@@ -3,10 +3,13 @@ APP_URL=http://localhost:8080
 # Copy to .env and fill in. Never commit the real .env.
 ANTHROPIC_API_KEY=your-anthropic-api-key
-OPENAI_API_KEY=sk-...
+OPENAI_API_KEY=<your-openai-key>
 STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
+STRIPE_WEBHOOK_SECRET=whsec_...
 AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
-SMTP_PASSWORD=changeme
+SMTP_PASSWORD=<your-smtp-password>
+ADMIN_BOOTSTRAP_PASSWORD=change-me-in-production
 FEATURE_FLAGS=checkout_v2,new_nav

### h23-007
Terraform review: I'm removing the static keys from the provider block. Anything else in this diff I should worry about?

diff --git a/infra/prod/main.tf b/infra/prod/main.tf
index d03b6a9..71fe2c4 100644
--- a/infra/prod/main.tf
+++ b/infra/prod/main.tf
@@ -1,14 +1,12 @@
 provider "aws" {
   region     = "eu-central-1"
-  access_key = "[[SECRET|@@akia:k007a@@]]"
-  secret_key = "[[SECRET|@@awssecret:k007b@@]]"
+  # credentials come from the OIDC role assumed by CI
 }
 
 resource "aws_security_group_rule" "bastion_ssh" {
   type              = "ingress"
   from_port         = 22
   to_port           = 22
   protocol          = "tcp"
-  cidr_blocks       = ["0.0.0.0/0"]
+  cidr_blocks       = ["185.61.24.0/24", "10.8.0.0/16"]
   security_group_id = aws_security_group.bastion.id
 }
@@ -41,6 +39,6 @@ resource "aws_instance" "bastion" {
   ami           = "ami-0a5b3c91e7d24f806"
   instance_type = "t3.micro"
-  private_ip    = "[[IP_ADDRESS|10.8.2.15]]"
+  private_ip    = "[[IP_ADDRESS|10.8.2.16]]"
   subnet_id     = aws_subnet.mgmt_a.id

### h23-008
Does `manage_master_user_password` conflict with the random_password resource I added for the app user?

diff --git a/modules/rds/main.tf b/modules/rds/main.tf
index 5e1f0b2..a93c7d8 100644
--- a/modules/rds/main.tf
+++ b/modules/rds/main.tf
@@ -8,12 +8,21 @@ resource "aws_db_instance" "this" {
   engine_version      = "16.3"
   instance_class      = var.instance_class
   username            = "app_admin"
-  password            = var.db_password
+  manage_master_user_password   = true
+  master_user_secret_kms_key_id = aws_kms_key.rds.arn
   storage_encrypted   = true
   backup_retention_period = 14
 }
 
+resource "random_password" "app_user" {
+  length  = 32
+  special = true
+}
+
+resource "aws_secretsmanager_secret_version" "app_user" {
+  secret_id     = aws_secretsmanager_secret.app_user.id
+  secret_string = random_password.app_user.result
+}
@@ -40,7 +49,7 @@ resource "aws_security_group" "rds" {
   ingress {
     from_port   = 5432
     to_port     = 5432
     protocol    = "tcp"
-    cidr_blocks = ["10.0.0.0/16"]
+    cidr_blocks = ["10.0.16.0/20", "10.0.48.0/20"]
   }

### h23-009
Helm chart PR: reviewers asked me to stop inlining credentials. Updated values-prod.yaml diff:

--- a/charts/orders/values-prod.yaml
+++ b/charts/orders/values-prod.yaml
@@ -22,16 +22,14 @@ image:
   repository: registry.fenwick.dev/orders-api
-  tag: "2.14.0"
+  tag: "2.14.1"
 postgresql:
   auth:
     username: orders
-    password: "[[SECRET|Tallow-9-Brisk-Harbor]]"
+    existingSecret: orders-postgres
     database: orders
   primary:
-    loadBalancerIP: [[IP_ADDRESS|10.60.12.7]]
+    loadBalancerIP: ""
 smtp:
   host: smtp.sendgrid.net
   user: apikey
-  password: "[[SECRET|@@sg:k009@@]]"
+  existingSecret: orders-smtp
   from: "[[EMAIL|orders-noreply@fenwick.dev]]"

Should the from address also move into the secret?

### h23-010
Why does bumping the checksum annotation restart all the pods? Diff of values.yaml from the release PR:

--- a/charts/web/values.yaml
+++ b/charts/web/values.yaml
@@ -1,19 +1,20 @@
 replicaCount: 3
 image:
   repository: ghcr.io/fenwick/web
-  digest: sha256:@@hex:i010a:64@@
+  digest: sha256:@@hex:i010b:64@@
   pullPolicy: IfNotPresent
 auth:
   existingSecret: web-auth
   existingSecretPasswordKey: admin-password
 ingress:
   enabled: true
   className: nginx
   annotations:
     nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8,172.16.0.0/12"
+    nginx.ingress.kubernetes.io/proxy-body-size: "25m"
 resources:
   limits:
-    memory: 512Mi
+    memory: 768Mi
 podAnnotations:
-  checksum/config: @@hex:i010c:64@@
+  checksum/config: @@hex:i010d:64@@

### h23-011
Someone committed the rendered Secret instead of the SealedSecret. This is `git show HEAD~1 -- k8s/` without the header. Which of these values are actually sensitive?

diff --git a/k8s/billing/secret.yaml b/k8s/billing/secret.yaml
new file mode 100644
index 0000000..4ad1e7c
--- /dev/null
+++ b/k8s/billing/secret.yaml
@@ -0,0 +1,13 @@
+apiVersion: v1
+kind: Secret
+metadata:
+  name: billing-db
+  namespace: billing
+type: Opaque
+data:
+  DB_HOST: cGctYmlsbGluZy5pbnRlcm5hbA==
+  DB_USER: YmlsbGluZw==
+  DB_PASSWORD: [[SECRET|@@b64pw:k011a:20@@]]
+stringData:
+  STRIPE_WEBHOOK_SECRET: [[SECRET|@@whsec:k011b@@]]
+  RECONCILE_CRON: "*/15 * * * *"

### h23-012
I replaced the plain Secret with a SealedSecret (and purged the old file with git filter-repo). Is this new file safe to commit?

diff --git a/k8s/billing/sealedsecret.yaml b/k8s/billing/sealedsecret.yaml
new file mode 100644
index 0000000..90b3f58
--- /dev/null
+++ b/k8s/billing/sealedsecret.yaml
@@ -0,0 +1,15 @@
+apiVersion: bitnami.com/v1alpha1
+kind: SealedSecret
+metadata:
+  name: billing-db
+  namespace: billing
+spec:
+  encryptedData:
+    DB_PASSWORD: AgB@@b64:i012a:180@@
+    STRIPE_WEBHOOK_SECRET: AgC@@b64:i012b:150@@
+  template:
+    metadata:
+      name: billing-db
+      namespace: billing
+    type: Opaque

### h23-013
Dockerfile change for review — I switched to a BuildKit secret. Is the token still in the old image layers?

diff --git a/Dockerfile b/Dockerfile
index e0c5a17..3b9d24f 100644
--- a/Dockerfile
+++ b/Dockerfile
@@ -4,11 +4,11 @@ FROM node:20.11-bookworm-slim AS deps
 WORKDIR /app
 COPY package.json package-lock.json .npmrc ./
-ENV NPM_TOKEN=[[SECRET|@@npm:k013@@]]
-RUN npm ci --omit=dev
+RUN --mount=type=secret,id=npm_token \
+    NPM_TOKEN="$(cat /run/secrets/npm_token)" npm ci --omit=dev
 
 FROM node:20.11-bookworm-slim
-LABEL maintainer="[[EMAIL|gwen.lacroix@orchard-labs.fr]]"
+LABEL org.opencontainers.image.source="https://github.com/orchard-labs/portal"
 COPY --from=deps /app/node_modules ./node_modules

### h23-014
Renovate opened this; the tini checksum line looks odd to me, is it right that both the ARG and the echo have hashes?

diff --git a/docker/worker.Dockerfile b/docker/worker.Dockerfile
index 1d4e8a0..c7a2f39 100644
--- a/docker/worker.Dockerfile
+++ b/docker/worker.Dockerfile
@@ -1,12 +1,12 @@
-FROM python:3.12.2-slim@sha256:@@hex:i014a:64@@
+FROM python:3.12.4-slim@sha256:@@hex:i014b:64@@
 ARG TINI_VERSION=v0.19.0
-ARG GOSU_SHA256=@@hex:i014c:64@@
+ARG GOSU_SHA256=@@hex:i014d:64@@
 RUN curl -fsSLo /usr/local/bin/tini https://github.com/krallin/tini/releases/download/${TINI_VERSION}/tini-amd64 \
  && echo "@@hex:i014e:64@@  /usr/local/bin/tini" | sha256sum -c - \
  && chmod 0755 /usr/local/bin/tini
 ENV PYTHONDONTWRITEBYTECODE=1 \
     PIP_NO_CACHE_DIR=1
 EXPOSE 8000
 USER 10001:10001

### h23-015
Fixing the workflow after push protection complained. Diff:

diff --git a/.github/workflows/deploy.yml b/.github/workflows/deploy.yml
index 62f0b7e..0d8c4a1 100644
--- a/.github/workflows/deploy.yml
+++ b/.github/workflows/deploy.yml
@@ -31,11 +31,13 @@ jobs:
       - name: Deploy
         run: ./scripts/deploy.sh production
         env:
-          DEPLOY_TOKEN: [[SECRET|@@ghpat:k015a@@]]
+          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
       - name: Notify Slack
         if: failure()
         run: |
-          curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy failed"}' [[SECRET|@@slackhook:k015b@@]]
+          curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy failed"}' "$SLACK_WEBHOOK_URL"
+        env:
+          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}

### h23-016
Pinning actions to full commit SHAs as the security review asked — did I get the comments right?

--- a/.github/workflows/ci.yml
+++ b/.github/workflows/ci.yml
@@ -12,20 +12,20 @@ jobs:
     runs-on: ubuntu-24.04
     permissions:
       id-token: write
       contents: read
     steps:
-      - uses: actions/checkout@v4
+      - uses: actions/checkout@@@sha:i016a:40@@ # v4.1.7
-      - uses: actions/setup-python@v5
+      - uses: actions/setup-python@@@sha:i016b:40@@ # v5.1.1
         with:
           python-version: "3.12"
-      - uses: aws-actions/configure-aws-credentials@v4
+      - uses: aws-actions/configure-aws-credentials@@@sha:i016c:40@@ # v4.0.2
         with:
           role-to-assume: arn:aws:iam::123456789012:role/gha-deploy
           aws-region: eu-west-1
       - run: pytest -q
         env:
           DATABASE_URL: ${{ secrets.TEST_DATABASE_URL }}
           PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}

### h23-017
Ansible PR — inventory and group_vars changes for the new replica:

diff --git a/inventories/prod/hosts.ini b/inventories/prod/hosts.ini
index 8a7f1c3..e2c5906 100644
--- a/inventories/prod/hosts.ini
+++ b/inventories/prod/hosts.ini
@@ -1,6 +1,7 @@
 [db]
-pg-primary ansible_host=[[IP_ADDRESS|172.20.14.5]]
+pg-primary ansible_host=[[IP_ADDRESS|172.20.14.6]]
 pg-replica ansible_host=[[IP_ADDRESS|172.20.14.7]]
+pg-replica2 ansible_host=[[IP_ADDRESS|172.20.15.7]]
 
 [db:vars]
 ansible_user=deploy
diff --git a/inventories/prod/group_vars/db.yml b/inventories/prod/group_vars/db.yml
index 4c2d9b1..7f0e3a8 100644
--- a/inventories/prod/group_vars/db.yml
+++ b/inventories/prod/group_vars/db.yml
@@ -3,5 +3,5 @@ postgresql_version: 16
 postgresql_listen_addresses: "*"
-ansible_become_password: "[[SECRET|r3plica!Fjord#88]]"
+ansible_become_password: "{{ vault_become_password }}"
 postgresql_replication_password: "[[SECRET|@@alnum:k017:24@@]]"
 pg_hba_allow: 172.20.14.0/23

### h23-018
Why does the whole file change when I re-encrypt one variable with ansible-vault? Diff:

--- a/inventories/prod/group_vars/db/vault.yml
+++ b/inventories/prod/group_vars/db/vault.yml
@@ -1,6 +1,6 @@
 $ANSIBLE_VAULT;1.1;AES256
-@@hex:i018a:80@@
-@@hex:i018b:80@@
-@@hex:i018c:80@@
+@@hex:i018d:80@@
+@@hex:i018e:80@@
+@@hex:i018f:80@@
--- a/inventories/prod/group_vars/db/main.yml
+++ b/inventories/prod/group_vars/db/main.yml
@@ -2,3 +2,4 @@
 ansible_become_password: "{{ vault_become_password }}"
 postgresql_replication_password: "{{ vault_replication_password }}"
+postgresql_hba_allow: ["172.20.14.0/23", "172.20.16.0/24"]

### h23-019
This seed migration got merged to main by mistake — it came from a prod export. What personal data is in it, and can you draft the revert commit message?

diff --git a/db/migrations/20250214093012_seed_pilot_customers.sql b/db/migrations/20250214093012_seed_pilot_customers.sql
new file mode 100644
index 0000000..b3e91d7
--- /dev/null
+++ b/db/migrations/20250214093012_seed_pilot_customers.sql
@@ -0,0 +1,6 @@
+-- pilot customers for the Leeds branch
+INSERT INTO customers (id, full_name, email, phone, date_of_birth, created_at) VALUES
+  ('@@uuid:i019a@@', 'Harriet Okonedo', '[[EMAIL|harriet.okonedo@btinternet.com]]', '[[PHONE|@@phone:r019a:GB:m:intl@@]]', '[[DATE_OF_BIRTH|1979-04-22]]', '2025-02-14 09:30:12+00'),
+  ('@@uuid:i019b@@', 'Callum Price', '[[EMAIL|callum.price84@gmail.com]]', '[[PHONE|@@phone:r019b:GB:m:nat@@]]', '[[DATE_OF_BIRTH|1984-11-03]]', '2025-02-14 09:30:12+00'),
+  ('@@uuid:i019c@@', 'Sunita Ramdas', '[[EMAIL|s.ramdas@outlook.com]]', '[[PHONE|@@phone:r019c:GB:f:intl@@]]', '[[DATE_OF_BIRTH|1962-08-30]]', '2025-02-14 09:30:12+00');
+

### h23-020
Is it fine to keep the policy hash inline in the migration, or should that be a separate data migration?

diff --git a/db/migrations/20250301120455_add_consent_table.sql b/db/migrations/20250301120455_add_consent_table.sql
new file mode 100644
index 0000000..5c0e2a4
--- /dev/null
+++ b/db/migrations/20250301120455_add_consent_table.sql
@@ -0,0 +1,15 @@
+-- migrate:up
+CREATE TABLE consents (
+  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
+  customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
+  purpose text NOT NULL CHECK (purpose IN ('marketing_email', 'sms', 'profiling')),
+  granted_at timestamptz NOT NULL DEFAULT now(),
+  revoked_at timestamptz,
+  policy_version text NOT NULL DEFAULT '2025-03-01'
+);
+CREATE INDEX consents_customer_idx ON consents (customer_id);
+INSERT INTO consent_policies (id, version, sha256) VALUES
+  ('@@uuid:i020a@@', '2025-03-01', '@@hex:i020b:64@@');
+
+-- migrate:down
+DROP TABLE consents;

### h23-021
A reviewer flagged our test fixtures. They were copied from a staging DB dump a while ago — are these real values?

diff --git a/test/fixtures/payout_accounts.yml b/test/fixtures/payout_accounts.yml
index 2ab8e07..d1f4c63 100644
--- a/test/fixtures/payout_accounts.yml
+++ b/test/fixtures/payout_accounts.yml
@@ -1,12 +1,17 @@
 marta:
   owner: marta_host
-  iban: [[IBAN|@@iban:b021a:DE@@]]
+  iban: [[IBAN|@@iban:b021b:NL@@]]
   holder_name: Marta Sieger
 lucien:
   owner: lucien_host
   iban: [[IBAN|@@iban:b021c:FR:spaced@@]]
   holder_name: Lucien Berthier
+ondrej:
+  owner: ondrej_host
+  card_number: "[[CREDIT_CARD|@@card:c021:mc@@]]"
+  card_exp: "09/27"
+  contact_email: [[EMAIL|ondrej.hasek@seznam.cz]]

### h23-022
Rewrote the fixtures with obviously fake data as the reviewer requested. Good enough?

diff --git a/test/fixtures/host_accounts.yml b/test/fixtures/host_accounts.yml
new file mode 100644
index 0000000..e8c17b2
--- /dev/null
+++ b/test/fixtures/host_accounts.yml
@@ -0,0 +1,15 @@
+host_one:
+  owner: host_one
+  iban: DE89370400440532013000
+  holder_name: Test Host One
+host_two:
+  owner: host_two
+  card_number: "4242424242424242"
+  card_exp: "12/34"
+  contact_email: host.two@example.com
+host_three:
+  owner: host_three
+  card_number: "5555555555554444"
+  card_exp: "01/30"
+  contact_email: host.three@example.org
+  declined_card: "4000000000000002"

### h23-023
Snapshot test fails after I updated the mock profile (the mock was copied from a real support ticket, I know). `git diff` of the snapshot:

diff --git a/src/components/__snapshots__/ProfileCard.test.tsx.snap b/src/components/__snapshots__/ProfileCard.test.tsx.snap
index 7d3f1a0..c2e85b9 100644
--- a/src/components/__snapshots__/ProfileCard.test.tsx.snap
+++ b/src/components/__snapshots__/ProfileCard.test.tsx.snap
@@ -9,14 +9,14 @@ exports[`ProfileCard renders contact details 1`] = `
     <dt>
       Email
     </dt>
     <dd>
-      [[EMAIL|noor.haddad@vesperhealth.com]]
+      [[EMAIL|n.haddad@vesperhealth.com]]
     </dd>
     <dt>
       Mobile
     </dt>
     <dd>
-      [[PHONE|@@phone:r023a:AE:m:intl@@]]
+      [[PHONE|@@phone:r023b:AE:m:intl@@]]
     </dd>

### h23-024
The Avatar snapshot changes on every run, how do I make the test id deterministic?

--- a/src/components/__snapshots__/Avatar.test.tsx.snap
+++ b/src/components/__snapshots__/Avatar.test.tsx.snap
@@ -1,18 +1,18 @@
 // Jest Snapshot v1, https://goo.gl/fbAQLP
 
 exports[`Avatar falls back to initials 1`] = `
 <div
   className="avatar"
-  data-testid="avatar-@@uuid:i024a@@"
+  data-testid="avatar-@@uuid:i024b@@"
   style={
     Object {
-      "backgroundColor": "#3b82f6",
+      "backgroundColor": "#2563eb",
       "color": "#ffffff",
     }
   }
 >
   <img
     alt="JD"
     src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
   />

### h23-025
nbdime isn't installed on CI, so here's the raw `git diff` of the notebook. I want to strip outputs before committing — anything sensitive in it?

diff --git a/notebooks/churn_eda.ipynb b/notebooks/churn_eda.ipynb
index 0f4a7b2..9a13ce0 100644
--- a/notebooks/churn_eda.ipynb
+++ b/notebooks/churn_eda.ipynb
@@ -12,11 +12,11 @@
    "cell_type": "code",
-   "execution_count": 3,
+   "execution_count": 7,
    "metadata": {},
    "outputs": [],
    "source": [
     "import anthropic\n",
-    "client = anthropic.Anthropic(api_key=\"[[SECRET|@@anthropic:k025@@]]\")\n",
+    "client = anthropic.Anthropic()\n",
     "engine = create_engine(\"[[URL_CREDENTIALS|mysql+pymysql://analyst:Kw4ll-Orbit-61@10.12.0.31:3306/crm]]\")"
    ]
   },
@@ -41,8 +41,8 @@
       "text/plain": [
-       "   customer_id                email  churned\n",
-       "0        88213  [[EMAIL|rkowalczyk@wp.pl]]        1"
+       "   customer_id  churned\n",
+       "0        88213        1"
       ]

### h23-026
Why does this notebook diff show changes in cells I never touched?

--- a/notebooks/forecast.ipynb
+++ b/notebooks/forecast.ipynb
@@ -86,16 +86,16 @@
   {
    "cell_type": "code",
-   "execution_count": 14,
-   "id": "3f9a2c1e",
+   "execution_count": 21,
+   "id": "7b04d5aa",
    "metadata": {},
    "outputs": [
     {
      "data": {
-      "image/png": "iVBORw0KGgoAAAANSUhEUgAA@@b64:i026a:120@@",
+      "image/png": "iVBORw0KGgoAAAANSUhEUgAA@@b64:i026b:120@@",
       "text/plain": "<Figure size 1000x400 with 1 Axes>"
      },
      "metadata": {},
      "output_type": "display_data"
     }
    ],
@@ -412,7 +412,7 @@
    "name": "python",
-   "version": "3.11.9"
+   "version": "3.12.4"
   }

### h23-027
gitleaks failed our pre-receive hook. Report from `gitleaks detect --report-format json` — which commits do I need to rewrite?

[
 {
  "RuleID": "gcp-api-key",
  "Description": "Uncovered a GCP API key, which could lead to unauthorized access to Google Cloud services and data breaches.",
  "StartLine": 18,
  "EndLine": 18,
  "StartColumn": 35,
  "EndColumn": 73,
  "Match": "<string name=\"maps_api_key\">[[SECRET|@@aiza:k027a@@]]</string>",
  "Secret": "[[SECRET|@@aiza:k027a@@]]",
  "File": "mobile/app/src/main/res/values/keys.xml",
  "Commit": "@@sha:c027a:40@@",
  "Entropy": 4.7619,
  "Author": "Priya Venkataraman",
  "Email": "[[EMAIL|priya.v@tidewell.app]]",
  "Date": "2025-01-28T11:04:52Z",
  "Message": "add maps key for store locator",
  "Tags": [],
  "Fingerprint": "@@sha:c027a:40@@:mobile/app/src/main/res/values/keys.xml:gcp-api-key:18"
 },
 {
  "RuleID": "generic-api-key",
  "Description": "Detected a Generic API Key, potentially exposing access to various services and sensitive operations.",
  "StartLine": 7,
  "EndLine": 7,
  "Match": "TWILIO_AUTH_TOKEN: \"[[SECRET|@@hex:k027b:32@@]]\"",
  "Secret": "[[SECRET|@@hex:k027b:32@@]]",
  "File": "backend/config/settings.yaml",
  "Commit": "@@sha:c027b:40@@",
  "Entropy": 3.9512,
  "Author": "Priya Venkataraman",
  "Email": "[[EMAIL|priya.v@tidewell.app]]",
  "Date": "2025-02-04T08:37:19Z",
  "Message": "sms reminders",
  "Tags": [],
  "Fingerprint": "@@sha:c027b:40@@:backend/config/settings.yaml:generic-api-key:7"
 }
]

### h23-028
Updating .secrets.baseline after auditing the findings — is it OK that `hashed_secret` is committed?

diff --git a/.secrets.baseline b/.secrets.baseline
index 3a0d5e9..7b21c4f 100644
--- a/.secrets.baseline
+++ b/.secrets.baseline
@@ -98,17 +98,28 @@
   "results": {
     "tests/fixtures/auth.py": [
       {
         "type": "Secret Keyword",
         "filename": "tests/fixtures/auth.py",
-        "hashed_secret": "@@hex:i028a:40@@",
+        "hashed_secret": "@@hex:i028b:40@@",
         "is_verified": false,
-        "line_number": 12
+        "line_number": 14,
+        "is_secret": false
       }
     ],
+    "docs/setup.md": [
+      {
+        "type": "Base64 High Entropy String",
+        "filename": "docs/setup.md",
+        "hashed_secret": "@@hex:i028c:40@@",
+        "is_verified": false,
+        "line_number": 57,
+        "is_secret": false
+      }
+    ]
   },
-  "generated_at": "2024-11-02T08:15:44Z"
+  "generated_at": "2025-03-10T14:02:19Z"
 }

### h23-029
`trufflehog git file://. --since-commit main --only-verified` flagged my branch:

🐷🔑🐷  TruffleHog. Unearth your secrets. 🐷🔑🐷

✅ Found verified result 🐷🔑
Detector Type: Slack
Decoder Type: PLAIN
Raw result: [[SECRET|@@xoxb:k029a@@]]
Team: quarry-labs
Url: https://quarry-labs.slack.com/
Commit: @@sha:c029:40@@
Email: Diego Ferrante <[[EMAIL|diego.ferrante@quarrylabs.io]]>
File: bots/standup/config.py
Line: 9
Repository: https://github.com/quarry-labs/standup-bot.git
Timestamp: 2025-02-03 17:22:41 +0000

✅ Found verified result 🐷🔑
Detector Type: Postgres
Decoder Type: PLAIN
Raw result: [[URL_CREDENTIALS|postgresql://standup:Gr4nite-Ledge-04@10.4.2.18:5432/standup]]
Commit: @@sha:c029:40@@
Email: Diego Ferrante <[[EMAIL|diego.ferrante@quarrylabs.io]]>
File: bots/standup/config.py
Line: 12

Both are from one commit. Do I need to rewrite history if the branch was never merged?

### h23-030
`pre-commit run --all-files` — why does ruff-format fail in CI but not locally?

check for added large files..............................................Failed
- hook id: check-added-large-files
- exit code: 1

data/fixtures/tiles_2024.mbtiles (18432 KB) exceeds 500 KB.

check yaml...............................................................Passed
detect private key.......................................................Passed
detect aws credentials...................................................Passed
ruff.....................................................................Passed
ruff-format..............................................................Failed
- hook id: ruff-format
- files were modified by this hook

2 files reformatted, 311 files left unchanged
gitleaks.................................................................Passed

and the config diff from my last commit:

--- a/.pre-commit-config.yaml
+++ b/.pre-commit-config.yaml
@@ -1,9 +1,9 @@
 repos:
   - repo: https://github.com/pre-commit/pre-commit-hooks
-    rev: v4.5.0
+    rev: v4.6.0
   - repo: https://github.com/astral-sh/ruff-pre-commit
-    rev: v0.4.4
+    rev: v0.6.9
   - repo: https://github.com/gitleaks/gitleaks
-    rev: v8.18.2
+    rev: v8.21.1

### h23-031
The detect-secrets hook blocks my commit:

Detect secrets...........................................................Failed
- hook id: detect-secrets
- exit code: 1

ERROR: Potential secrets about to be committed to git repo!

Secret Type: Hex High Entropy String
Location:    config/integrations.py:22

Secret Type: Secret Keyword
Location:    config/integrations.py:23

Here are those lines from `git diff --cached`:

+MAILGUN_API_KEY = "[[SECRET|@@mailgun:k031@@]]"
+MAILGUN_SMTP_PASSWORD = "[[SECRET|Plover-Dusk-2291]]"
+MAILGUN_DOMAIN = "mg.brackenfield.org"

They're only the staging ones — can I just add `# pragma: allowlist secret`?

### h23-032
Is this the right way to silence detect-secrets for test doubles?

diff --git a/tests/test_webhooks.py b/tests/test_webhooks.py
index 51c0e3a..a4d7b19 100644
--- a/tests/test_webhooks.py
+++ b/tests/test_webhooks.py
@@ -1,10 +1,14 @@
 import hmac
 
 import pytest
 
+FAKE_SIGNING_SECRET = "fake-signing-secret-do-not-use"  # pragma: allowlist secret
+DUMMY_API_KEY = "dummy-api-key"  # pragma: allowlist secret
+
 
 def test_rejects_bad_signature(client, fake_clock):
     payload = b'{"id": "evt_test_webhook", "type": "invoice.paid"}'
-    sig = sign(payload, "secret", timestamp=fake_clock.now())
+    sig = sign(payload, FAKE_SIGNING_SECRET, timestamp=fake_clock.now())
     resp = client.post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": "t=1700000000,v1=" + "0" * 64})
     assert resp.status_code == 400

### h23-033
I'm stuck in a rebase on config/database.yml; both sides changed the production block. How do I resolve it?

<<<<<<< HEAD
production:
  adapter: postgresql
  host: [[IP_ADDRESS|10.50.3.21]]
  username: rails_prod
  password: [[SECRET|Sorrel#Quay#7316]]
  pool: 20
=======
production:
  adapter: postgresql
  host: [[IP_ADDRESS|10.50.3.22]]
  username: rails_prod
  password: [[SECRET|Vetch!Ridge!0425]]
  pool: <%= ENV.fetch("RAILS_MAX_THREADS", 10) %>
>>>>>>> @@hex:c033:7@@ (Point prod at the new primary)

### h23-034
Conflict in package.json after merging main into my branch:

{
  "name": "@kestrel/dashboard",
  "version": "3.8.0",
  "private": true,
  "dependencies": {
<<<<<<< HEAD
    "@tanstack/react-query": "^5.51.1",
    "react-router-dom": "^6.24.0",
=======
    "@tanstack/react-query": "^5.45.0",
    "react-router-dom": "^6.26.2",
    "zod": "^3.23.8",
>>>>>>> main
    "recharts": "^2.12.7"
  }
}

and package-lock.json has ~400 conflicting lines like

<<<<<<< HEAD
      "integrity": "sha512-@@b64:i034a:64@@",
=======
      "integrity": "sha512-@@b64:i034b:64@@",
>>>>>>> main

Should I just delete the lock file and run npm install?

### h23-035
`git blame -e -L 40,45 src/integrations/sms.ts` — who added the hard-coded token, and is the sender number someone's personal phone?

@@hex:c035a:8@@ (<[[EMAIL|lars.bergqvist@nordkapp.se]]> 2024-09-12 10:14:03 +0200 40) const client = twilio(
@@hex:c035a:8@@ (<[[EMAIL|lars.bergqvist@nordkapp.se]]> 2024-09-12 10:14:03 +0200 41)   "AC@@hex:i035:32@@",
^@@hex:c035b:7@@ (<[[EMAIL|amina.yusuf@nordkapp.se]]>   2024-06-03 15:40:27 +0200 42)   "[[SECRET|@@hex:k035:32@@]]",
@@hex:c035a:8@@ (<[[EMAIL|lars.bergqvist@nordkapp.se]]> 2024-09-12 10:14:03 +0200 43) );
@@hex:c035c:8@@ (<[[EMAIL|amina.yusuf@nordkapp.se]]>   2024-10-01 09:55:12 +0200 44) const FROM = "[[PHONE|@@phone:r035:SE:m:e164@@]]";
@@hex:c035c:8@@ (<[[EMAIL|amina.yusuf@nordkapp.se]]>   2024-10-01 09:55:12 +0200 45) const MAX_SEGMENTS = 3;

### h23-036
After the cleanup, `git blame -L 40,46 src/integrations/sms.ts`. Why does line 46 say "Not Committed Yet"?

@@hex:c036a:8@@ (Lars Bergqvist    2025-02-20 13:02:51 +0100 40) const client = twilio(
@@hex:c036a:8@@ (Lars Bergqvist    2025-02-20 13:02:51 +0100 41)   process.env.TWILIO_ACCOUNT_SID,
@@hex:c036a:8@@ (Lars Bergqvist    2025-02-20 13:02:51 +0100 42)   process.env.TWILIO_AUTH_TOKEN,
^@@hex:c036b:7@@ (Amina Yusuf       2024-06-03 15:40:27 +0200 43) );
@@hex:c036a:8@@ (Lars Bergqvist    2025-02-20 13:02:51 +0100 44) const FROM = process.env.TWILIO_FROM_NUMBER;
@@hex:c036c:8@@ (Amina Yusuf       2024-10-01 09:55:12 +0200 45) const MAX_SEGMENTS = 3;
00000000 (Not Committed Yet  2025-03-11 09:02:44 +0100 46) const RETRY_DELAYS_MS = [250, 1000, 4000];

### h23-037
Reviewing this patch from the mailing list — is the config change safe?

From @@sha:c037:40@@ Mon Sep 17 00:00:00 2001
From: Ingrid Solheim <[[EMAIL|ingrid.solheim@fjellnett.no]]>
Date: Tue, 11 Feb 2025 09:48:31 +0100
Subject: [PATCH v2 3/5] monitoring: point collector at the new relay

The old relay at [[IP_ADDRESS|10.9.0.14]] is being decommissioned; the key is
rotated in the same change.

Signed-off-by: Ingrid Solheim <[[EMAIL|ingrid.solheim@fjellnett.no]]>
Reviewed-by: Ola Brekke <[[EMAIL|ola.brekke@fjellnett.no]]>
---
 etc/collector.conf | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/etc/collector.conf b/etc/collector.conf
index 6be21f0..0ac93d7 100644
--- a/etc/collector.conf
+++ b/etc/collector.conf
@@ -7,8 +7,8 @@ interval = 30s
 [relay]
-host = [[IP_ADDRESS|10.9.0.14]]
+host = [[IP_ADDRESS|10.9.2.40]]
 port = 6514
-shared_key = [[SECRET|@@b64:k037a:32@@]]
+shared_key = [[SECRET|@@b64:k037b:32@@]]
 tls = true
-- 
2.47.1

### h23-038
`git am` fails on the series, what should I do?

$ git am -3 ~/Downloads/v2-0003-monitoring-point-collector-at-the-new-relay.patch
Applying: monitoring: point collector at the new relay
Using index info to reconstruct a base tree...
M	etc/collector.conf
Falling back to patching base and 3-way merge...
Auto-merging etc/collector.conf
CONFLICT (content): Merge conflict in etc/collector.conf
error: Failed to merge in the changes.
hint: Use 'git am --show-current-patch=diff' to see the failed patch
Patch failed at 0003 monitoring: point collector at the new relay
When you have resolved this problem, run "git am --continue".
$ git log --oneline -3
@@hex:c038a:7@@ (HEAD -> main, origin/main) collector: bump interval to 30s
@@hex:c038b:7@@ collector: add tls option (#214)
@@hex:c038c:7@@ Merge tag 'v1.18.0'

### h23-039
I lost track of what's in my stash — `git stash show -p stash@{1}`:

diff --git a/scripts/smoke.sh b/scripts/smoke.sh
index 5f2a1c0..e04b93d 100755
--- a/scripts/smoke.sh
+++ b/scripts/smoke.sh
@@ -3,7 +3,9 @@ set -euo pipefail
 BASE_URL="${BASE_URL:-http://localhost:8080}"
-TOKEN="$(./scripts/get-token.sh)"
+# hard-coded while the auth service is down
+TOKEN="[[JWT|@@jwt:j039:RS256@@]]"
 curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE_URL/api/v2/health"
-curl -fsS "$BASE_URL/api/v2/orders?limit=1"
+curl -fsS -H "Authorization: Bearer $TOKEN" "http://[[IP_ADDRESS|10.70.8.3]]:8080/api/v2/orders?limit=1"

Safe to drop it?

### h23-040
$ git stash list
stash@{0}: WIP on feature/export-csv: @@hex:c040a:7@@ Add CSV export endpoint
stash@{1}: On main: smoke test tweaks
stash@{2}: WIP on main: @@hex:c040b:7@@ Bump version to 4.2.1
$ git stash show --stat stash@{0}
 app/exports/csv.py       | 42 ++++++++++++++++++++++++++++++++++++------
 app/exports/__init__.py  |  3 ++-
 tests/test_csv_export.py | 27 +++++++++++++++++++++++++++
 3 files changed, 63 insertions(+), 9 deletions(-)

How do I apply only stash@{0} onto a new branch without touching the others?

### h23-041
Can you make this review comment sound less harsh? Draft:

> **src/notify/sms.py**, lines 17–18
> ```diff
> +TWILIO_AUTH_TOKEN = "[[SECRET|@@hex:k041:32@@]]"
> +ONCALL_NUMBERS = ["[[PHONE|@@phone:r041a:US:m:e164@@]]", "[[PHONE|@@phone:r041b:US:m:e164@@]]"]
> ```

This is a live auth token and two people's personal mobile numbers, why on earth are they in the repo?? Use the env and the on-call schedule API. And reverting doesn't help, the token is in history now, rotate it.

### h23-042
Review comments I left on PR #1873 — can you summarise them for the author in three bullets?

src/billing/retry.go, line 44:
> +	time.Sleep(1500 * time.Millisecond)
nit: named constant plus jitter, please.

src/billing/ids.go, line 12:
> +var invoiceRe = regexp.MustCompile(`^INV-\d{4}-\d{6}$`)
Fine, but add a test for `INV-2025-000417`.

migrations/0042_backfill.go, line 88:
> +	defaultTenant := uuid.MustParse("@@uuid:i042@@")
Please don't hard-code the tenant id; read it from the tenants table.

src/billing/limits.go, line 7:
> +const maxAmountCents = 99999999
Why eight nines? Document the unit.

### h23-043
Go test cleanup: I replaced the static credentials with LocalStack. Diff:

diff --git a/internal/storage/s3_test.go b/internal/storage/s3_test.go
index 2c7e0a1..f9b4d36 100644
--- a/internal/storage/s3_test.go
+++ b/internal/storage/s3_test.go
@@ -21,9 +21,10 @@ func newTestClient(t *testing.T) *s3.Client {
 	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("eu-west-1"))
 	require.NoError(t, err)
-	cfg.Credentials = credentials.NewStaticCredentialsProvider("[[SECRET|@@akia:k043a@@]]", "[[SECRET|@@awssecret:k043b@@]]", "")
+	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
+	cfg.BaseEndpoint = aws.String(localstack.Endpoint(t))
 	return s3.NewFromConfig(cfg, func(o *s3.Options) {
-		o.BaseEndpoint = aws.String("http://[[IP_ADDRESS|10.20.30.41]]:4566")
+		o.UsePathStyle = true
 	})
 }

### h23-044
Why did `go mod tidy` change go.sum lines for modules I didn't touch?

diff --git a/go.mod b/go.mod
index 8f2d1b4..0c97e35 100644
--- a/go.mod
+++ b/go.mod
@@ -5,8 +5,8 @@ go 1.22.5
 require (
-	github.com/aws/aws-sdk-go-v2 v1.30.3
+	github.com/aws/aws-sdk-go-v2 v1.32.2
 	github.com/google/uuid v1.6.0
-	github.com/jackc/pgx/v5 v5.6.0
+	github.com/jackc/pgx/v5 v5.7.1
 	github.com/stretchr/testify v1.9.0
 )
diff --git a/go.sum b/go.sum
index 51ae0c7..d42b8f9 100644
--- a/go.sum
+++ b/go.sum
@@ -1,6 +1,6 @@
-github.com/aws/aws-sdk-go-v2 v1.30.3 h1:@@b64:i044a:32@@
-github.com/aws/aws-sdk-go-v2 v1.30.3/go.mod h1:@@b64:i044b:32@@
+github.com/aws/aws-sdk-go-v2 v1.32.2 h1:@@b64:i044c:32@@
+github.com/aws/aws-sdk-go-v2 v1.32.2/go.mod h1:@@b64:i044d:32@@
 github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=
 github.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=

### h23-045
Spring Boot PR moving config to Vault. Did I miss anything in application-prod.yml?

diff --git a/src/main/resources/application-prod.yml b/src/main/resources/application-prod.yml
index 4f1b2c8..9d0e6a3 100644
--- a/src/main/resources/application-prod.yml
+++ b/src/main/resources/application-prod.yml
@@ -1,15 +1,15 @@
 spring:
   datasource:
-    url: jdbc:postgresql://[[IP_ADDRESS|10.14.2.9]]:5432/inventory?sslmode=require
-    username: inventory_svc
-    password: [[SECRET|Quartz_Fennel_8842]]
+    url: jdbc:postgresql://${DB_HOST}:5432/inventory?sslmode=require
+    username: ${vault.db.username}
+    password: ${vault.db.password}
   mail:
     host: smtp.office365.com
     port: 587
-    username: [[EMAIL|inventory-alerts@brindlewood.co.uk]]
-    password: [[SECRET|Lantern.Moss.19]]
+    username: ${MAIL_USERNAME}
+    password: ${MAIL_PASSWORD}
 management:
   endpoints:
     web:
       exposure:
         include: health,info,prometheus

### h23-046
Gradle dependency verification fails after the Kotlin bump. What does this metadata diff mean?

diff --git a/gradle/verification-metadata.xml b/gradle/verification-metadata.xml
index a0e13d4..6f27b51 100644
--- a/gradle/verification-metadata.xml
+++ b/gradle/verification-metadata.xml
@@ -1102,11 +1102,11 @@
-      <component group="org.jetbrains.kotlin" name="kotlin-stdlib" version="1.9.24">
-         <artifact name="kotlin-stdlib-1.9.24.jar">
-            <sha256 value="@@hex:i046a:64@@" origin="Generated by Gradle"/>
+      <component group="org.jetbrains.kotlin" name="kotlin-stdlib" version="2.0.21">
+         <artifact name="kotlin-stdlib-2.0.21.jar">
+            <sha256 value="@@hex:i046b:64@@" origin="Generated by Gradle"/>
          </artifact>
       </component>
       <component group="com.squareup.okhttp3" name="okhttp" version="4.12.0">
          <artifact name="okhttp-4.12.0.jar">
             <sha256 value="@@hex:i046c:64@@" origin="Generated by Gradle"/>
          </artifact>
       </component>

Gradle says: Dependency verification failed for configuration ':app:debugRuntimeClasspath' — 1 artifact failed verification.

### h23-047
Oops. I committed config/master.key in a Rails app. `git show HEAD`:

commit @@sha:c047:40@@
Author: Beatriz Lemos <[[EMAIL|beatriz.lemos@caravela.pt]]>
Date:   Mon Feb 24 18:12:40 2025 +0000

    Deploy config for Render

diff --git a/.gitignore b/.gitignore
index 1c8a2f0..93e0b4d 100644
--- a/.gitignore
+++ b/.gitignore
@@ -14,5 +14,4 @@
 /tmp/*
 !/tmp/.keep
-/config/master.key
 /public/assets
diff --git a/config/master.key b/config/master.key
new file mode 100644
index 0000000..2f7d1e9
--- /dev/null
+++ b/config/master.key
@@ -0,0 +1 @@
+[[SECRET|@@hex:k047:32@@]]
\ No newline at end of file

It's pushed to a public repo. What do I rotate, and in what order?

### h23-048
Bundler added a CHECKSUMS section to Gemfile.lock after upgrading to 2.6 — should I commit it?

diff --git a/Gemfile.lock b/Gemfile.lock
index 7e2d015..c4a19b8 100644
--- a/Gemfile.lock
+++ b/Gemfile.lock
@@ -181,7 +181,7 @@ GEM
-    rack (3.1.7)
+    rack (3.1.8)
     rack-session (2.0.0)
       rack (>= 3.0.0)
@@ -402,5 +402,11 @@ DEPENDENCIES
 RUBY VERSION
    ruby 3.3.5p100
 
+CHECKSUMS
+  rack (3.1.8) sha256=@@hex:i048a:64@@
+  rack-session (2.0.0) sha256=@@hex:i048b:64@@
+  rails (7.2.1.2) sha256=@@hex:i048c:64@@
+
 BUNDLED WITH
-   2.5.16
+   2.6.2

### h23-049
Moving a client's WordPress site to git. First commit diff of wp-config.php — what must not go in?

diff --git a/wp-config.php b/wp-config.php
new file mode 100644
index 0000000..d81c3a7
--- /dev/null
+++ b/wp-config.php
@@ -0,0 +1,16 @@
+<?php
+define( 'DB_NAME', 'wp_brasserie' );
+define( 'DB_USER', 'wp_brasserie' );
+define( 'DB_PASSWORD', '[[SECRET|Mirabelle-Tarte-2019]]' );
+define( 'DB_HOST', '[[IP_ADDRESS|172.31.9.204]]' );
+define( 'DB_CHARSET', 'utf8mb4' );
+define( 'AUTH_KEY',         '[[SECRET|@@urlsafe:k049a:64@@]]' );
+define( 'SECURE_AUTH_KEY',  '[[SECRET|@@urlsafe:k049b:64@@]]' );
+define( 'NONCE_SALT',       '[[SECRET|@@urlsafe:k049c:64@@]]' );
+define( 'WP_MAIL_FROM', '[[EMAIL|contact@brasserie-lumiere.fr]]' );
+define( 'WP_DEBUG', false );
+$table_prefix = 'wpb_';
+if ( ! defined( 'ABSPATH' ) ) {
+	define( 'ABSPATH', __DIR__ . '/' );
+}
+require_once ABSPATH . 'wp-settings.php';

### h23-050
composer update changed the lock file hash. What is "content-hash" for, and why do the references change?

diff --git a/composer.lock b/composer.lock
index 3b7f9d1..e05a4c8 100644
--- a/composer.lock
+++ b/composer.lock
@@ -4,7 +4,7 @@
         "This file is @generated automatically"
     ],
-    "content-hash": "@@hex:i050a:32@@",
+    "content-hash": "@@hex:i050b:32@@",
     "packages": [
         {
             "name": "guzzlehttp/guzzle",
-            "version": "7.8.1",
+            "version": "7.9.2",
             "source": {
                 "type": "git",
                 "url": "https://github.com/guzzle/guzzle.git",
-                "reference": "@@hex:i050c:40@@"
+                "reference": "@@hex:i050d:40@@"
             },
             "dist": {
                 "type": "zip",
-                "url": "https://api.github.com/repos/guzzle/guzzle/zipball/@@hex:i050c:40@@",
+                "url": "https://api.github.com/repos/guzzle/guzzle/zipball/@@hex:i050d:40@@",
                 "shasum": ""
             },

### h23-051
.NET PR: I'm moving secrets into Key Vault. The appsettings.Production.json diff:

diff --git a/src/Lumen.Api/appsettings.Production.json b/src/Lumen.Api/appsettings.Production.json
index 5a1d7f3..b92e048 100644
--- a/src/Lumen.Api/appsettings.Production.json
+++ b/src/Lumen.Api/appsettings.Production.json
@@ -1,14 +1,13 @@
 {
   "ConnectionStrings": {
-    "Default": "Server=[[IP_ADDRESS|10.1.40.12]],1433;Database=Lumen;User Id=lumen_app;Password=[[SECRET|Heron^Slate^5520]];Encrypt=True;TrustServerCertificate=False"
+    "Default": "Server=tcp:lumen-prod.database.windows.net,1433;Database=Lumen;Authentication=Active Directory Default;Encrypt=True"
   },
   "SendGrid": {
-    "ApiKey": "[[SECRET|@@sg:k051@@]]",
+    "ApiKey": "@Microsoft.KeyVault(SecretUri=https://kv-lumen-prod.vault.azure.net/secrets/SendGridApiKey/)",
     "FromAddress": "[[EMAIL|no-reply@lumenhealth.nl]]"
   },
   "Logging": {
     "LogLevel": { "Default": "Warning" }
   }
 }

### h23-052
Is `Trusted_Connection=True` OK for the dev profile or should devs use user-secrets?

diff --git a/src/Lumen.Api/appsettings.Development.json b/src/Lumen.Api/appsettings.Development.json
index 0e37a2b..7c1f984 100644
--- a/src/Lumen.Api/appsettings.Development.json
+++ b/src/Lumen.Api/appsettings.Development.json
@@ -1,10 +1,10 @@
 {
   "ConnectionStrings": {
-    "Default": "Server=(localdb)\\mssqllocaldb;Database=Lumen_Dev;Trusted_Connection=True;MultipleActiveResultSets=true"
+    "Default": "Server=localhost,1433;Database=Lumen_Dev;Integrated Security=true;TrustServerCertificate=True"
   },
   "SendGrid": {
-    "ApiKey": ""
+    "ApiKey": "<set with dotnet user-secrets>"
   },
   "UserSecretsId": "@@uuid:i052@@",
   "AllowedHosts": "*"
 }

### h23-053
Rust PR: I deleted the embedded signing key from the test module and generate one at runtime instead. Diff:

diff --git a/crates/tokens/src/signer.rs b/crates/tokens/src/signer.rs
index 91c4e2d..3a7f0b8 100644
--- a/crates/tokens/src/signer.rs
+++ b/crates/tokens/src/signer.rs
@@ -88,14 +88,9 @@ mod tests {
     use super::*;
 
-    const TEST_KEY: &str = r#"
-[[SECRET|@@pemdiff:k053a:ec:minus@@]]
-"#;
-    const ALERT_HOOK: &str = "[[SECRET|@@discordhook:k053b@@]]";
+    fn test_key() -> SigningKey {
+        SigningKey::random(&mut OsRng)
+    }
 
     #[test]
     fn signs_and_verifies() {

The key was also used by the staging signer. Does removing it here fix anything?

### h23-054
Is it fine to embed the release-verification public key in the binary like this?

diff --git a/crates/updater/Cargo.toml b/crates/updater/Cargo.toml
index 1f0a9e3..6c2d8b4 100644
--- a/crates/updater/Cargo.toml
+++ b/crates/updater/Cargo.toml
@@ -8,7 +8,7 @@ edition = "2021"
 [dependencies]
-ed25519-dalek = "2.1.0"
+ed25519-dalek = "2.1.1"
 sha2 = "0.10.8"
diff --git a/crates/updater/src/verify.rs b/crates/updater/src/verify.rs
index 9a31b7c..0de4f25 100644
--- a/crates/updater/src/verify.rs
+++ b/crates/updater/src/verify.rs
@@ -3,6 +3,10 @@ use ed25519_dalek::{Signature, VerifyingKey};
+/// Public key of the release signer (minisign key id @@hex:i054a:16@@).
+const RELEASE_PUBKEY: [u8; 32] = hex_literal::hex!("@@hex:i054b:64@@");
+/// SHA-256 of the empty manifest, used as a sentinel.
+const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

### h23-055
Frontend PR: moved the registry token to CI and removed the hard-coded test login. Diff:

diff --git a/.npmrc b/.npmrc
index 0d1e6b2..e8a4f37 100644
--- a/.npmrc
+++ b/.npmrc
@@ -1,2 +1,2 @@
 @lattice:registry=https://npm.pkg.github.com/
-//npm.pkg.github.com/:_authToken=[[SECRET|@@ghp:k055a@@]]
+//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}
diff --git a/e2e/fixtures/session.ts b/e2e/fixtures/session.ts
index 4b8e2c1..97f0d3a 100644
--- a/e2e/fixtures/session.ts
+++ b/e2e/fixtures/session.ts
@@ -1,8 +1,7 @@
 export const stagingUser = {
-  email: "[[EMAIL|h.matsumoto@lattice-sys.jp]]",
-  password: "[[SECRET|Sakura-Lantern-77]]",
-  accessToken: "[[JWT|@@jwt:j055:HS256@@]]",
+  email: process.env.E2E_USER!,
+  password: process.env.E2E_PASSWORD!,
 };

### h23-056
yarn.lock changed a lot after a Yarn upgrade; are the `checksum` lines expected?

diff --git a/yarn.lock b/yarn.lock
index f4e9a20..18c7b3d 100644
--- a/yarn.lock
+++ b/yarn.lock
@@ -1,12 +1,12 @@
 __metadata:
-  version: 6
-  cacheKey: 8
+  version: 8
+  cacheKey: 10c0
 
 "@babel/code-frame@npm:^7.24.7":
   version: 7.24.7
   resolution: "@babel/code-frame@npm:7.24.7"
-  checksum: @@hex:i056a:128@@
+  checksum: 10c0/@@hex:i056b:128@@
   languageName: node
   linkType: hard

### h23-057
Our security lead asked what personal data went into the repo through this script. `git log -p -1 -- scripts/seed_demo.py`:

commit @@sha:c057:40@@
Author: Ruairi Doherty <[[EMAIL|ruairi.doherty@glenvale.ie]]>
Date:   Wed Jan 15 10:03:27 2025 +0000

    demo seed: use real-looking data from the pilot

diff --git a/scripts/seed_demo.py b/scripts/seed_demo.py
index 0aa41c2..7d3e9f5 100644
--- a/scripts/seed_demo.py
+++ b/scripts/seed_demo.py
@@ -10,9 +10,13 @@ def seed(session):
-    for _ in range(20):
-        session.add(Member(name=fake.name(), email=fake.email(), phone=fake.phone_number()))
+    session.add(Member(name="Aoife Brennan", email="[[EMAIL|aoife.brennan77@eircom.net]]",
+                       phone="[[PHONE|@@phone:r057a:IE:m:nat@@]]", dob=date.fromisoformat("[[DATE_OF_BIRTH|1988-06-14]]")))
+    session.add(Member(name="Declan Moriarty", email="[[EMAIL|dmoriarty@gmail.com]]",
+                       phone="[[PHONE|@@phone:r057b:IE:m:intl@@]]", dob=date.fromisoformat("[[DATE_OF_BIRTH|1955-12-01]]")))
+    session.add(PaymentCard(member_email="[[EMAIL|dmoriarty@gmail.com]]", pan="[[CREDIT_CARD|@@card:c057:visa:spaced@@]]", exp="04/27"))
     session.commit()

### h23-058
`git log -p -1 --format='%h %ad %s' --date=short -- scripts/seed_demo.py` after the fix. Is Faker with a fixed seed deterministic across versions?

@@hex:c058:7@@ 2025-01-16 demo seed: generate members with Faker again

diff --git a/scripts/seed_demo.py b/scripts/seed_demo.py
index 7d3e9f5..b21c08e 100644
--- a/scripts/seed_demo.py
+++ b/scripts/seed_demo.py
@@ -1,6 +1,7 @@
 from faker import Faker
 
-fake = Faker()
+fake = Faker("en_IE")
+Faker.seed(4417)
@@ -10,13 +11,11 @@ def seed(session):
-    session.add(Member(...))  # 3 hand-written members removed
+    for _ in range(20):
+        session.add(Member(name=fake.name(), email=fake.email(), phone=fake.phone_number(),
+                           dob=fake.date_of_birth(minimum_age=18, maximum_age=90)))
+    session.add(PaymentCard(member_email=None, pan=fake.credit_card_number(card_type="visa"), exp="12/34"))
     session.commit()

### h23-059
Deployment diff for the worker; the Redis URL used to be inline. Anything else to fix?

diff --git a/deploy/k8s/worker.yaml b/deploy/k8s/worker.yaml
index e31a6c9..5b08d7f 100644
--- a/deploy/k8s/worker.yaml
+++ b/deploy/k8s/worker.yaml
@@ -24,12 +24,15 @@ spec:
           image: ghcr.io/halyard/worker:1.9.3
           env:
             - name: REDIS_URL
-              value: "[[URL_CREDENTIALS|redis://:Bramble77Kestrel@10.96.14.3:6379/0]]"
+              valueFrom:
+                secretKeyRef:
+                  name: worker-redis
+                  key: url
             - name: METRICS_PUSH_HOST
               value: "[[IP_ADDRESS|10.96.30.8]]"
             - name: SENTRY_DSN
-              value: "https://@@hex:i059:32@@@o450912.ingest.sentry.io/5521873"
+              value: ""

### h23-060
Why does `kubectl diff` show a change every time even though I didn't edit the resources?

diff -u -N /tmp/LIVE-1842/apps.v1.Deployment.payments.api /tmp/MERGED-1842/apps.v1.Deployment.payments.api
--- /tmp/LIVE-1842/apps.v1.Deployment.payments.api	2025-03-11 10:14:02.118402917 +0100
+++ /tmp/MERGED-1842/apps.v1.Deployment.payments.api	2025-03-11 10:14:02.121402884 +0100
@@ -6,7 +6,7 @@ metadata:
-  generation: 41
+  generation: 42
   name: api
   namespace: payments
-  resourceVersion: "918273645"
+  resourceVersion: "918274012"
   uid: @@uuid:i060@@
@@ -40,11 +40,11 @@ spec:
         - name: DATABASE_PASSWORD
           valueFrom:
             secretKeyRef:
               name: payments-db
               key: password
-        image: ghcr.io/halyard/payments-api@sha256:@@hex:i060a:64@@
+        image: ghcr.io/halyard/payments-api@sha256:@@hex:i060b:64@@
         resources:
           requests:
-            cpu: 250m
+            cpu: "0.25"

### h23-061
docker-compose change for the local stack; the reviewer says I'm leaking things. Where?

diff --git a/docker-compose.yml b/docker-compose.yml
index 19a0f3d..c6e72b1 100644
--- a/docker-compose.yml
+++ b/docker-compose.yml
@@ -3,17 +3,19 @@ services:
   db:
     image: mysql:8.4
     environment:
-      MYSQL_ROOT_PASSWORD: [[SECRET|Cormorant!5561]]
+      MYSQL_ROOT_PASSWORD_FILE: /run/secrets/mysql_root
       MYSQL_DATABASE: shop
   app:
     build: .
     environment:
       DATABASE_HOST: db
-      MAIL_URL: [[URL_CREDENTIALS|smtps://mailer%40tollgate.shop:Gannet-Lime-31@smtp.tollgate.shop:465]]
+      MAIL_URL: ${MAIL_URL}
       PAYPAL_CLIENT_ID: AYk3fQ_sandbox_client_id
-      PAYPAL_CLIENT_SECRET: [[SECRET|@@urlsafe:k061:80@@]]
+      PAYPAL_CLIENT_SECRET: ${PAYPAL_CLIENT_SECRET}
     extra_hosts:
-      - "legacy-erp:[[IP_ADDRESS|192.168.40.12]]"
+      - "legacy-erp:host-gateway"

### h23-062
Does `${POSTGRES_PASSWORD:?}` fail the compose up if the variable is unset? Diff:

diff --git a/compose.yaml b/compose.yaml
index 2e9b1f0..af035c7 100644
--- a/compose.yaml
+++ b/compose.yaml
@@ -1,16 +1,20 @@
 services:
   postgres:
     image: postgres:16.4-alpine
     environment:
-      POSTGRES_PASSWORD: postgres
+      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}
     ports:
-      - "5432:5432"
+      - "127.0.0.1:5432:5432"
   api:
     build: .
+    secrets:
+      - stripe_key
     ports:
       - "8000:8000"
+secrets:
+  stripe_key:
+    file: ./secrets/stripe_key.txt

### h23-063
Support asked us to fix a customer's payout details directly. Is this data migration OK to merge?

diff --git a/db/migrate/20250305141122_fix_payout_details_ticket_88214.rb b/db/migrate/20250305141122_fix_payout_details_ticket_88214.rb
new file mode 100644
index 0000000..6a0d3e2
--- /dev/null
+++ b/db/migrate/20250305141122_fix_payout_details_ticket_88214.rb
@@ -0,0 +1,11 @@
+class FixPayoutDetailsTicket88214 < ActiveRecord::Migration[7.1]
+  def up
+    execute <<~SQL
+      UPDATE payout_accounts
+         SET iban = '[[IBAN|@@iban:b063:AT@@]]',
+             backup_card_last4 = '4417'
+       WHERE owner_email = '[[EMAIL|k.steinwender@aon.at]]';
+      UPDATE members SET phone = '[[PHONE|@@phone:r063:AT:m:intl@@]]' WHERE email = '[[EMAIL|k.steinwender@aon.at]]';
+    SQL
+  end
+end

### h23-064
Alembic complains about multiple heads after merging two branches. How do I fix the revision chain?

diff --git a/migrations/versions/@@hex:i064a:12@@_add_invoice_index.py b/migrations/versions/@@hex:i064a:12@@_add_invoice_index.py
new file mode 100644
index 0000000..3e1f7c2
--- /dev/null
+++ b/migrations/versions/@@hex:i064a:12@@_add_invoice_index.py
@@ -0,0 +1,16 @@
+"""add invoice index
+
+Revision ID: @@hex:i064a:12@@
+Revises: @@hex:i064b:12@@
+Create Date: 2025-03-04 11:52:07.913482
+"""
+revision = "@@hex:i064a:12@@"
+down_revision = "@@hex:i064b:12@@"
+
+def upgrade():
+    op.create_index("ix_invoices_issued_at", "invoices", ["issued_at"])
+
+def downgrade():
+    op.drop_index("ix_invoices_issued_at", table_name="invoices")

$ alembic heads
@@hex:i064a:12@@ (head)
@@hex:i064c:12@@ (head)

### h23-065
Django fixture in a PR; the author says it's "anonymised". Is it?

diff --git a/members/fixtures/members.json b/members/fixtures/members.json
index 84c0e1f..d2b3a97 100644
--- a/members/fixtures/members.json
+++ b/members/fixtures/members.json
@@ -1,22 +1,22 @@
   {
     "model": "members.member",
     "pk": 17,
     "fields": {
-      "email": "[[EMAIL|giulia.ferraris@libero.it]]",
-      "phone": "[[PHONE|@@phone:r065a:IT:m:intl@@]]",
-      "date_of_birth": "[[DATE_OF_BIRTH|1991-02-27]]",
+      "email": "[[EMAIL|g.ferraris@libero.it]]",
+      "phone": "[[PHONE|@@phone:r065b:IT:m:nat@@]]",
+      "date_of_birth": "[[DATE_OF_BIRTH|1991-02-27]]",
       "password": "pbkdf2_sha256$720000$@@alnum:i065a:22@@$@@b64:i065b:32@@",
       "is_staff": false
     }
   },

### h23-066
The permissions fixture fails to load with "ContentType matching query does not exist". Diff:

diff --git a/accounts/fixtures/groups.json b/accounts/fixtures/groups.json
index 1d2e3f4..5a6b7c8 100644
--- a/accounts/fixtures/groups.json
+++ b/accounts/fixtures/groups.json
@@ -1,14 +1,15 @@
 {
   "model": "auth.group",
   "pk": 3,
   "fields": {
     "name": "billing-admins",
     "permissions": [
-      ["view_invoice", "billing", "invoice"],
-      ["change_invoice", "billing", "invoice"]
+      ["view_invoice", "billing", "invoice"], ["change_invoice", "billing", "invoice"],
+      ["export_invoice", "billing", "invoice"]
     ]
   }
 }

### h23-067
Our .gitlab-ci.yml clones a sibling repo. The MR diff:

diff --git a/.gitlab-ci.yml b/.gitlab-ci.yml
index b4c2e91..3d07a5f 100644
--- a/.gitlab-ci.yml
+++ b/.gitlab-ci.yml
@@ -14,8 +14,8 @@ build:
   stage: build
   script:
-    - git clone https://gitlab.com/tessera-io/shared-protos.git
+    - git clone [[URL_CREDENTIALS|https://oauth2:@@glpat:k067@@@gitlab.com/tessera-io/shared-protos.git]]
     - make protos
     - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .

The pipeline works now, but a colleague says this is wrong. Why?

### h23-068
Better version? It uses the job token and SSH for local clones.

diff --git a/.gitlab-ci.yml b/.gitlab-ci.yml
index 3d07a5f..8e1c4b0 100644
--- a/.gitlab-ci.yml
+++ b/.gitlab-ci.yml
@@ -14,8 +14,8 @@ build:
   stage: build
   script:
-    - git clone https://gitlab.com/tessera-io/shared-protos.git
+    - git clone "https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.com/tessera-io/shared-protos.git"
     - make protos
     - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .

README snippet for developers:
    git clone git@gitlab.com:tessera-io/shared-protos.git

### h23-069
Can you tidy this commit message before I push? It's for the incident follow-up.

fix(auth): stop logging the admin API key

The key [[SECRET|@@linear:k069@@]] was printed by the debug middleware
on every request since @@hex:c069a:7@@ (v3.4.0). It was visible in the
support dashboard logs. Rotated on 2025-03-07; the old key above is
revoked. Reported by [[EMAIL|security@mosswood.dev]].

Refs: INC-2291, #1442

### h23-070
Tidy this commit message please:

fix(auth): redact API keys in debug middleware

The debug middleware logged request headers verbatim since @@hex:c070a:7@@
(v3.4.0). Authorization, X-Api-Key and Cookie are now replaced by
"[redacted]" before logging. Keys issued before 2025-03-07 were rotated
as a precaution (see INC-2291); no key appears in this commit.
Also bumps jsonwebtoken 9.0.0 -> 9.0.2 (CVE-2022-23529 follow-up).

Refs: #1442, #1447
Reviewed-on: https://git.mosswood.dev/platform/api/pulls/1447

### h23-071
nginx config PR for the metrics endpoint. Is the Basic auth header OK to keep in the config?

diff --git a/nginx/conf.d/metrics.conf b/nginx/conf.d/metrics.conf
index 6a1c3e0..f07b2d9 100644
--- a/nginx/conf.d/metrics.conf
+++ b/nginx/conf.d/metrics.conf
@@ -1,14 +1,15 @@
 location /metrics {
     allow 10.20.0.0/16;
-    allow [[IP_ADDRESS|46.101.12.88]];
+    allow [[IP_ADDRESS|2a03:b0c0:3:d0::1f2e:4001]];
     deny all;
-    proxy_pass http://[[IP_ADDRESS|10.20.4.17]]:9100;
+    proxy_pass http://[[IP_ADDRESS|10.20.4.18]]:9100;
+    proxy_set_header Authorization "Basic [[SECRET|Z3JhZmFuYS1zY3JhcGVyOldyZW4tQ29iYWx0LTUxNTA=]]";
     proxy_read_timeout 15s;
 }

### h23-072
Does `set_real_ip_from` need the IPv6 range too? Diff:

--- a/nginx/conf.d/realip.conf
+++ b/nginx/conf.d/realip.conf
@@ -1,6 +1,9 @@
 set_real_ip_from 10.0.0.0/8;
 set_real_ip_from 172.16.0.0/12;
+set_real_ip_from 2400:cb00::/32;
+set_real_ip_from 173.245.48.0/20;
 real_ip_header X-Forwarded-For;
 real_ip_recursive on;
-listen 127.0.0.1:8080;
+listen 127.0.0.1:8080;
+listen [::1]:8080;
 # netmask reminder: /20 = 255.255.240.0

### h23-073
The test passes locally but fails in CI with 401; here's the diff of the test I added. Is the token expired?

diff --git a/tests/api/test_reports.py b/tests/api/test_reports.py
index 8b1f2e0..c3a9d57 100644
--- a/tests/api/test_reports.py
+++ b/tests/api/test_reports.py
@@ -1,9 +1,16 @@
 import requests
 
+# token copied from my browser session on staging
+TOKEN = "[[JWT|@@jwt:j073:RS256@@]]"
+
 
 def test_monthly_report_download():
-    resp = requests.get(f"{BASE}/reports/2025-02", timeout=10)
+    resp = requests.get(f"{BASE}/reports/2025-02", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
     assert resp.status_code == 200
+    assert resp.json()["owner"] == "[[EMAIL|k.achterberg@veldhuis-groep.nl]]"

### h23-074
Reviewer said to use a fixture instead of module-level doubles. Like this?

diff --git a/tests/api/test_reports.py b/tests/api/test_reports.py
index c3a9d57..0e4b18a 100644
--- a/tests/api/test_reports.py
+++ b/tests/api/test_reports.py
@@ -1,16 +1,18 @@
-import requests
+import pytest
+
+
+@pytest.fixture
+def auth_headers(fake_token_factory):
+    token = fake_token_factory(sub="test-user", scopes=["reports:read"], ttl=300)
+    return {"Authorization": f"Bearer {token}"}
 
 
-def test_monthly_report_download():
-    resp = requests.get(f"{BASE}/reports/2025-02", timeout=10)
+def test_monthly_report_download(client, auth_headers):
+    resp = client.get("/reports/2025-02", headers=auth_headers)
     assert resp.status_code == 200
+    assert resp.json()["owner"] == "test-user"
+    assert resp.headers["ETag"] == '"@@hex:i074:32@@"'

### h23-075
Test resource for the KYC mapper. A colleague says it came from the sandbox bank, I'm not so sure:

diff --git a/src/test/resources/kyc/applicant-ok.json b/src/test/resources/kyc/applicant-ok.json
new file mode 100644
index 0000000..7cb20d1
--- /dev/null
+++ b/src/test/resources/kyc/applicant-ok.json
@@ -0,0 +1,11 @@
+{
+  "applicantId": "app_@@alnum:i075:16@@",
+  "firstName": "Denise",
+  "lastName": "Carrow",
+  "dateOfBirth": "[[DATE_OF_BIRTH|1983-09-17]]",
+  "ssn": "[[US_SSN|@@ssn:s075@@]]",
+  "phone": "[[PHONE|@@phone:r075:US:m:nat@@]]",
+  "email": "[[EMAIL|denise.carrow@yahoo.com]]",
+  "address": { "line1": "418 Alder Crest Rd", "city": "Raleigh", "state": "NC", "zip": "27607" },
+  "consentTimestamp": "2025-02-11T15:22:09Z"
+}

### h23-076
Same mapper, the negative case. Is masking enough to keep this in the repo?

diff --git a/src/test/resources/kyc/applicant-masked.json b/src/test/resources/kyc/applicant-masked.json
new file mode 100644
index 0000000..1d9e2f0
--- /dev/null
+++ b/src/test/resources/kyc/applicant-masked.json
@@ -0,0 +1,10 @@
+{
+  "applicantId": "app_@@alnum:i076:16@@",
+  "firstName": "Test",
+  "lastName": "Applicant",
+  "dateOfBirth": null,
+  "ssn": "***-**-4417",
+  "phone": "(***) ***-0199",
+  "email": null,
+  "consentTimestamp": "2025-02-11T15:22:09Z"
+}

### h23-077
Android PR: signing config moved out of gradle.properties. What else needs rotating?

diff --git a/gradle.properties b/gradle.properties
index 73e0c1d..4a9b2f8 100644
--- a/gradle.properties
+++ b/gradle.properties
@@ -1,9 +1,6 @@
 org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8
 android.useAndroidX=true
-RELEASE_STORE_FILE=../keys/upload.jks
-RELEASE_STORE_PASSWORD=[[SECRET|Magpie&Cedar2023]]
-RELEASE_KEY_PASSWORD=[[SECRET|Magpie&Cedar2023-key]]
-MAPS_API_KEY=[[SECRET|@@aiza:k077@@]]
+# signing and Maps key come from CI env (see app/build.gradle.kts)
 kotlin.code.style=official
diff --git a/app/build.gradle.kts b/app/build.gradle.kts
index 0f2c7d1..9b3e5a4 100644
--- a/app/build.gradle.kts
+++ b/app/build.gradle.kts
@@ -22,7 +22,7 @@ android {
-        versionCode = 4117
+        versionCode = 4118
         versionName = "5.12.0"

### h23-078
Version bump commit for the Play release, does the versionCode scheme make sense?

diff --git a/app/build.gradle.kts b/app/build.gradle.kts
index 9b3e5a4..2c81e07 100644
--- a/app/build.gradle.kts
+++ b/app/build.gradle.kts
@@ -22,12 +22,12 @@ android {
-        versionCode = 2025031101
-        versionName = "5.12.0"
+        versionCode = 2025031802
+        versionName = "5.12.1"
     signingConfigs {
         create("release") {
             storeFile = file(System.getenv("RELEASE_STORE_FILE") ?: "upload.jks")
             storePassword = System.getenv("RELEASE_STORE_PASSWORD")
             keyPassword = System.getenv("RELEASE_KEY_PASSWORD")
             keyAlias = "upload"
         }
     }

### h23-079
Laravel: someone force-added .env. `git diff --cached .env`:

diff --git a/.env b/.env
new file mode 100644
index 0000000..f3c91a4
--- /dev/null
+++ b/.env
@@ -0,0 +1,12 @@
+APP_NAME=Tesselate
+APP_ENV=production
+APP_KEY=[[SECRET|@@laravel:k079a@@]]
+APP_DEBUG=false
+DB_HOST=[[IP_ADDRESS|10.110.0.7]]
+DB_USERNAME=tesselate
+DB_PASSWORD=[[SECRET|Ochre#Pelican#604]]
+MAIL_USERNAME=[[EMAIL|mailer@tesselate.io]]
+MAIL_PASSWORD=[[SECRET|@@alnum:k079b:16@@]]
+PUSHER_APP_ID=1842207
+PUSHER_APP_KEY=@@hex:i079:20@@
+PUSHER_APP_SECRET=[[SECRET|@@hex:k079c:20@@]]

How do I unstage it and make sure it never gets added again?

### h23-080
phpunit.xml diff for the test DB — is `:memory:` SQLite fine with our migrations?

diff --git a/phpunit.xml b/phpunit.xml
index 61b0a2c..e7d53f9 100644
--- a/phpunit.xml
+++ b/phpunit.xml
@@ -20,11 +20,12 @@
     <php>
         <env name="APP_ENV" value="testing"/>
-        <env name="DB_CONNECTION" value="mysql"/>
-        <env name="DB_DATABASE" value="tesselate_test"/>
+        <env name="DB_CONNECTION" value="sqlite"/>
+        <env name="DB_DATABASE" value=":memory:"/>
         <env name="BCRYPT_ROUNDS" value="4"/>
         <env name="MAIL_MAILER" value="array"/>
+        <env name="QUEUE_CONNECTION" value="sync"/>
+        <env name="PUSHER_APP_SECRET" value="testing"/>
     </php>

### h23-081
Build fails on the new runner with 401 from our private index. Here's the requirements diff from the PR:

diff --git a/requirements/prod.txt b/requirements/prod.txt
index 3c0e2d9..8f71ab4 100644
--- a/requirements/prod.txt
+++ b/requirements/prod.txt
@@ -1,5 +1,5 @@
---extra-index-url [[URL_CREDENTIALS|https://ci-reader:Pumice-Otter-4471@pypi.internal.saltmarsh.io/simple/]]
+--extra-index-url [[URL_CREDENTIALS|https://ci-reader:@@alnum:k081:20@@@pypi.internal.saltmarsh.io/simple/]]
 saltmarsh-core==4.8.2
 django==5.1.3
 psycopg[binary]==3.2.3

### h23-082
pip refuses to install with --require-hashes after I added one package. What's missing?

diff --git a/requirements/lock.txt b/requirements/lock.txt
index 2b6f1e8..d8c03a5 100644
--- a/requirements/lock.txt
+++ b/requirements/lock.txt
@@ -40,6 +40,9 @@ certifi==2024.8.30 \
     --hash=sha256:@@hex:i082a:64@@
 charset-normalizer==3.4.0 \
     --hash=sha256:@@hex:i082b:64@@
+idna==3.10 \
+    --hash=sha256:@@hex:i082c:64@@ \
+    --hash=sha256:@@hex:i082d:64@@

ERROR: In --require-hashes mode, all requirements must have their versions pinned with ==. These do not:
    urllib3>=1.21.1 from https://files.pythonhosted.org/packages/ce/ee/urllib3-2.2.3-py3-none-any.whl (from requests==2.32.3)

### h23-083
Copied from the "Files changed" tab of PR #77 (old and new line numbers, then the line). Can you rewrite it to use managed identity?

 18  18      public static BlobServiceClient Create()
 19  19      {
 20     -        var conn = "DefaultEndpointsProtocol=https;AccountName=stmarlowexports;AccountKey=[[SECRET|@@b64:k083:64@@]];EndpointSuffix=core.windows.net";
     20 +        var conn = Environment.GetEnvironmentVariable("EXPORTS_STORAGE");
 21  21          return new BlobServiceClient(conn);
 22  22      }

### h23-084
Managed identity version from PR #78 — is the client id a secret?

 18  18      public static BlobServiceClient Create()
 19  19      {
 20     -        var conn = Environment.GetEnvironmentVariable("EXPORTS_STORAGE");
 21     -        return new BlobServiceClient(conn);
     20 +        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
     21 +        {
     22 +            ManagedIdentityClientId = "@@uuid:i084a@@"
     23 +        });
     24 +        return new BlobServiceClient(new Uri("https://stmarlowexports.blob.core.windows.net"), credential);
 22  25      }

Tenant is @@uuid:i084b@@, subscription @@uuid:i084c@@.

### h23-085
`git diff --cached` before my first infra commit — tell me if I can commit this as is:

diff --git a/envs/prod/terraform.tfvars b/envs/prod/terraform.tfvars
new file mode 100644
index 0000000..b7a21c9
--- /dev/null
+++ b/envs/prod/terraform.tfvars
@@ -0,0 +1,9 @@
+region              = "fra1"
+cloudflare_zone_id  = "@@hex:i085:32@@"
+cloudflare_api_token = "[[SECRET|@@urlsafe:k085a:40@@]]"
+datadog_api_key     = "[[SECRET|@@hex:k085b:32@@]]"
+do_token            = "[[SECRET|@@dop:k085c@@]]"
+admin_cidrs         = ["84.17.40.0/24"]
+db_node_ips         = ["[[IP_ADDRESS|10.133.0.4]]", "[[IP_ADDRESS|10.133.0.5]]"]
+alert_email         = "[[EMAIL|ops@haldane-freight.com]]"

### h23-086
Is this tfvars example clear enough for someone setting up a new environment?

diff --git a/envs/example.tfvars b/envs/example.tfvars
index 09d1c4e..6ab3f27 100644
--- a/envs/example.tfvars
+++ b/envs/example.tfvars
@@ -1,8 +1,9 @@
 region               = "fra1"
-cloudflare_api_token = ""
+cloudflare_api_token = "<cloudflare token with Zone:DNS:Edit>"
 datadog_api_key      = "REPLACE_ME"
 do_token             = "dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
 admin_cidrs          = ["10.0.0.0/8"]
+db_node_count        = 2
+# the token is read from TF_VAR_cloudflare_api_token in CI

### h23-087
`git send-email --dry-run` output for my docs patch — are the recipients right?

Dry-OK. Log says:
Sendmail: /usr/sbin/sendmail -i [[EMAIL|docs@lists.kittiwake.org]] [[EMAIL|m.oyelaran@kittiwake.org]]
From: Chidi Nwosu <[[EMAIL|chidi.nwosu@proton.me]]>
To: [[EMAIL|docs@lists.kittiwake.org]]
Cc: Morenike Oyelaran <[[EMAIL|m.oyelaran@kittiwake.org]]>
Subject: [PATCH] docs: update the press contact
Date: Sat, 8 Mar 2025 20:11:05 +0100

Result: OK

and the patch body:

--- a/docs/contact.md
+++ b/docs/contact.md
@@ -4,4 +4,4 @@
 Press enquiries: Morenike Oyelaran
-Phone: [[PHONE|@@phone:r087a:NG:m:intl@@]]
+Phone: [[PHONE|@@phone:r087b:NG:f:intl@@]]
 Hours: Mon–Fri 09:00–17:00 WAT

### h23-088
What does this `git range-diff` tell me about v1 vs v2 of my series?

$ git range-diff main v1 v2
1:  @@hex:c088a:7@@ = 1:  @@hex:c088b:7@@ docs: fix typo in install guide
2:  @@hex:c088c:7@@ ! 2:  @@hex:c088d:7@@ docs: update the press contact
    @@ docs/contact.md
     Press enquiries: see the newsroom page
    -Hours: Mon–Fri 09:00–17:00
    +Hours: Mon–Fri 09:00–17:00 WAT (UTC+1)
3:  @@hex:c088e:7@@ < -:  ------- docs: drop old fax line
-:  ------- > 3:  @@hex:c088f:7@@ docs: link the 2025 brand kit

### h23-089
Translate my GitLab review comment to German for the contractor, please:

> db/seeds/payroll_test.sql, line 31
> ```
> +INSERT INTO employees (id, name, ssn, date_of_birth) VALUES (1042, 'Marcus Heller', '[[US_SSN|@@ssn:s089@@]]', '[[DATE_OF_BIRTH|1977-03-08]]');
> ```

This looks like a real SSN and birth date (Marcus is on our actual payroll). Test data must use invalid SSNs, not copies from production.

### h23-090
Review comment on the corrected seed file — translate to German please:

> db/seeds/payroll_test.sql, line 31
> ```
> +INSERT INTO employees (id, name, ssn, date_of_birth) VALUES (1042, 'Test Employee', '000-00-0000', '2000-01-01');
> +INSERT INTO employees (id, name, ssn_masked) VALUES (1043, 'Test Employee 2', 'XXX-XX-1234');
> ```

Thanks, this is what I meant: the 000 area number is never issued, so validators reject it. Approving once CI is green (pipeline #88214031).

### h23-091
Someone ran `bin/rails credentials:show` output into a file and committed it. Diff:

diff --git a/config/credentials.txt b/config/credentials.txt
new file mode 100644
index 0000000..e6a0b13
--- /dev/null
+++ b/config/credentials.txt
@@ -0,0 +1,9 @@
+secret_key_base: [[SECRET|@@hex:k091a:128@@]]
+aws:
+  access_key_id: [[SECRET|@@akia:k091b@@]]
+  secret_access_key: [[SECRET|@@awssecret:k091c@@]]
+stripe:
+  publishable_key: pk_live_@@alnum:i091:99@@
+  secret_key: [[SECRET|@@sklive:k091d@@]]
+active_record_encryption:
+  primary_key: [[SECRET|@@alnum:k091e:32@@]]

### h23-092
Why does credentials.yml.enc show a completely different blob when I only changed one key?

diff --git a/config/credentials.yml.enc b/config/credentials.yml.enc
index 4f3e2a1..c09b7d8 100644
--- a/config/credentials.yml.enc
+++ b/config/credentials.yml.enc
@@ -1 +1 @@
-@@b64:i092a:180@@--@@b64:i092b:12@@--@@b64:i092c:16@@
\ No newline at end of file
+@@b64:i092d:186@@--@@b64:i092e:12@@--@@b64:i092f:16@@
\ No newline at end of file

### h23-093
Did I just commit my deploy key? `git show --stat` says two files, here's the diff:

diff --git a/deploy/id_ed25519 b/deploy/id_ed25519
new file mode 100644
index 0000000..8b2e4c1
--- /dev/null
+++ b/deploy/id_ed25519
@@ -0,0 +1,7 @@
+[[SECRET|@@pemdiff:k093:ssh:plus@@]]
diff --git a/deploy/ssh_config b/deploy/ssh_config
new file mode 100644
index 0000000..03c9f7e
--- /dev/null
+++ b/deploy/ssh_config
@@ -0,0 +1,5 @@
+Host prod-web
+    HostName [[IP_ADDRESS|10.220.5.31]]
+    User deploy
+    IdentityFile deploy/id_ed25519
+    StrictHostKeyChecking yes

### h23-094
Adding the deploy public key and pinned host keys — OK to commit?

diff --git a/deploy/id_ed25519.pub b/deploy/id_ed25519.pub
new file mode 100644
index 0000000..4c1f0e7
--- /dev/null
+++ b/deploy/id_ed25519.pub
@@ -0,0 +1 @@
+ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@b64:i094a:32@@ deploy-bot
diff --git a/deploy/known_hosts b/deploy/known_hosts
new file mode 100644
index 0000000..b9d2a31
--- /dev/null
+++ b/deploy/known_hosts
@@ -0,0 +1,2 @@
+|1|@@b64:i094b:20@@|@@b64:i094c:20@@ ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@b64:i094d:32@@
+|1|@@b64:i094e:20@@|@@b64:i094f:20@@ ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI@@b64:i094g:32@@

### h23-095
Rails seeds diff: I want an admin account on every fresh staging DB. Reasonable?

diff --git a/db/seeds.rb b/db/seeds.rb
index 2d7a0e1..9f4b3c6 100644
--- a/db/seeds.rb
+++ b/db/seeds.rb
@@ -1,6 +1,11 @@
 Plan.find_or_create_by!(code: "basic") { |p| p.price_cents = 900 }
 Plan.find_or_create_by!(code: "pro") { |p| p.price_cents = 2900 }
+
+User.find_or_create_by!(email: "[[EMAIL|yusuf.demirci@corvidlabs.com.tr]]") do |u|
+  u.password = "[[SECRET|Karakus-2024!staging]]"
+  u.phone = "[[PHONE|@@phone:r095:TR:m:intl@@]]"
+  u.admin = true
+end

### h23-096
Same seeds file after review. Does `ENV.fetch` without a default break `db:seed` on CI?

diff --git a/db/seeds.rb b/db/seeds.rb
index 9f4b3c6..5e0a8d2 100644
--- a/db/seeds.rb
+++ b/db/seeds.rb
@@ -1,11 +1,12 @@
 Plan.find_or_create_by!(code: "basic") { |p| p.price_cents = 900 }
 Plan.find_or_create_by!(code: "pro") { |p| p.price_cents = 2900 }
 
-User.find_or_create_by!(email: ...) do |u|   # removed: personal account
+User.find_or_create_by!(email: ENV.fetch("SEED_ADMIN_EMAIL")) do |u|
+  u.password = ENV.fetch("SEED_ADMIN_PASSWORD") { SecureRandom.base58(24) }
+  u.phone = nil
   u.admin = true
 end
+Faker::Config.random = Random.new(42)

### h23-097
Resolve this conflict in .env.production for me? Both branches rotated things.

<<<<<<< HEAD
JWT_SIGNING_SECRET=[[SECRET|@@urlsafe:k097a:48@@]]
ADMIN_ALLOW_IP=[[IP_ADDRESS|2a01:4f8:c17:3b2e::14]]
=======
JWT_SIGNING_SECRET=[[SECRET|@@urlsafe:k097b:48@@]]
ADMIN_ALLOW_IP=[[IP_ADDRESS|2a01:4f8:c17:3b2e::15]]
ALERT_WEBHOOK=[[SECRET|@@discordhook:k097c@@]]
>>>>>>> release/2025.03
SUPPORT_PHONE=[[PHONE|@@phone:r097:DE:f:intl@@]]

### h23-098
CHANGELOG conflict while rebasing, which side should win?

## [Unreleased]
<<<<<<< HEAD
#### Fixed
- Retry S3 uploads on 503 (#1442, @@hex:c098a:7@@)
=======
#### Added
- CSV export for invoices (#1447, @@hex:c098b:7@@)
>>>>>>> @@hex:c098c:7@@ (feat: csv export)

## [4.2.0] - 2025-02-27
#### Changed
- Bump Node to 20.18.1; bump pg to 8.13.1
- Migration 20250226101500_add_export_jobs (no downtime)

### h23-099
PR updating the on-call doc. Should this even be in the repo?

diff --git a/docs/oncall.md b/docs/oncall.md
index 7b1e0c2..f3d9a84 100644
--- a/docs/oncall.md
+++ b/docs/oncall.md
@@ -6,9 +6,10 @@ Escalation order for SEV-1:
 | Primary   | Kavya Reddy   | [[PHONE|@@phone:r099a:IN:m:intl@@]] | [[EMAIL|kavya.reddy@pellucid.in]] |
-| Secondary | Rohan Mehta   | [[PHONE|@@phone:r099b:IN:m:intl@@]] | [[EMAIL|rohan.mehta@pellucid.in]] |
+| Secondary | Farah Siddiqui | [[PHONE|@@phone:r099c:IN:m:nat@@]] | [[EMAIL|farah.siddiqui@pellucid.in]] |
 | Manager   | Anil Kapoor   | via PagerDuty | - |
+
+Bridge: https://meet.pellucid.in/sev1 (PIN in the vault)

### h23-100
CODEOWNERS change for the new payments team — is the ordering right so they own the migrations?

diff --git a/.github/CODEOWNERS b/.github/CODEOWNERS
index 3e0a7c1..9d24b5f 100644
--- a/.github/CODEOWNERS
+++ b/.github/CODEOWNERS
@@ -1,8 +1,10 @@
 *                       @pellucid/platform
 /docs/                  @pellucid/docs
-/services/payments/     @pellucid/platform
+/services/payments/     @pellucid/payments
+/db/migrations/*payment* @pellucid/payments @pellucid/dba
 /infra/                 @pellucid/sre
+/.github/workflows/     @pellucid/sre @kavya-r
