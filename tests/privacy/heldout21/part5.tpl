### h21-041
GitHub Actions publish job fails at `npm publish` with E404. I added a debug step... and just noticed the token is NOT masked in the log (it comes from a previous step's output, not from secrets.*). Log:

2025-03-11T10:18:02.4418821Z ##[group]Run actions/setup-node@v4
2025-03-11T10:18:02.4419003Z with:
2025-03-11T10:18:02.4419127Z   node-version: 20
2025-03-11T10:18:02.4419250Z   registry-url: https://registry.npmjs.org
2025-03-11T10:18:02.4419371Z ##[endgroup]
2025-03-11T10:18:05.1120417Z ##[group]Run cat "$NPM_CONFIG_USERCONFIG"
2025-03-11T10:18:05.1121887Z //registry.npmjs.org/:_authToken=[[SECRET|@@npm:n041@@]]
2025-03-11T10:18:05.1122001Z registry=https://registry.npmjs.org/
2025-03-11T10:18:05.1122119Z always-auth=true
2025-03-11T10:18:05.1122240Z ##[endgroup]
2025-03-11T10:18:06.9021774Z ##[group]Run docker login ghcr.io -u helix-ci -p "$GHCR_TOKEN"
2025-03-11T10:18:06.9023310Z + docker login ghcr.io -u helix-ci -p [[SECRET|@@ghp:g041@@]]
2025-03-11T10:18:06.9023511Z WARNING! Using --password via the CLI is insecure. Use --password-stdin.
2025-03-11T10:18:07.6610090Z Login Succeeded
2025-03-11T10:18:07.6610241Z ##[endgroup]
2025-03-11T10:18:09.0041187Z ##[group]Run npm publish --access public
2025-03-11T10:18:11.8830211Z npm notice 📦  @helix-ui/tokens@0.14.0
2025-03-11T10:18:11.8830992Z npm notice === Tarball Details ===
2025-03-11T10:18:11.8831104Z npm notice shasum:        @@hex:shasum041:40@@
2025-03-11T10:18:11.8831215Z npm notice total files:   38
2025-03-11T10:18:12.9907714Z npm ERR! code E404
2025-03-11T10:18:12.9908011Z npm ERR! 404 Not Found - PUT https://registry.npmjs.org/@helix-ui%2ftokens - Not found
2025-03-11T10:18:12.9908502Z npm ERR! 404  '@helix-ui/tokens@0.14.0' is not in this registry.
2025-03-11T10:18:13.0142279Z ##[error]Process completed with exit code 1.

### h21-042
GitHub Actions: the deploy step can't assume the role. Log (secrets masked as ***):

2025-03-11T09:01:44.2210014Z ##[group]Run aws-actions/configure-aws-credentials@v4
2025-03-11T09:01:44.2210198Z with:
2025-03-11T09:01:44.2210315Z   role-to-assume: arn:aws:iam::@@digits:acct042:12@@:role/gha-deploy
2025-03-11T09:01:44.2210433Z   aws-region: eu-north-1
2025-03-11T09:01:44.2210550Z   audience: sts.amazonaws.com
2025-03-11T09:01:44.2210667Z ##[endgroup]
2025-03-11T09:01:44.9937112Z ##[error]Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity
2025-03-11T09:01:45.0014401Z ##[group]Run echo "token: $SLACK_TOKEN / db: $DATABASE_URL"
2025-03-11T09:01:45.0016620Z token: *** / db: ***
2025-03-11T09:01:45.0016788Z ##[endgroup]
2025-03-11T09:01:45.0120339Z Post job cleanup.
2025-03-11T09:01:45.2004118Z [command]/usr/bin/git version
2025-03-11T09:01:45.2119035Z git version 2.43.2
2025-03-11T09:01:45.2207733Z [command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader
2025-03-11T09:01:45.2401118Z Cleaning up orphan processes

workflow: permissions: id-token: write, contents: read. Trust policy condition: "token.actions.githubusercontent.com:sub": "repo:varde-labs/infra:ref:refs/heads/main". The run is on refs/heads/release/2025.03 (run id @@digits:run042:10@@, commit @@hex:sha042:40@@).

### h21-043
GitLab CI deploy job: the clone of the config repo fails and the job log shows the token in the URL (our script builds it). Runner is self-hosted. Why 403?

Running with gitlab-runner 16.9.1 (@@hex:rsha043:8@@)
  on docker-runner-eu-2 @@alnum:rid043:8@@, system ID: s_@@hex:sys043:12@@
Preparing the "docker" executor
Using docker image sha256:@@hex:img043:64@@ for alpine/git:2.43.0 with digest alpine/git@sha256:@@hex:d043:64@@ ...
Getting source from Git repository
Fetching changes with git depth set to 20...
Checking out @@hex:sha043:8@@ as detached HEAD (ref is main)...
Executing "step_script" stage of the job script
$ git clone --depth 1 "https://deploy-bot:${CONFIG_REPO_TOKEN}@gitlab.frostline.io/platform/env-config.git" cfg
Cloning into 'cfg'...
remote: HTTP Basic: Access denied. The provided password or token is incorrect or your account has 2FA enabled and you must use a personal access token instead of a password.
fatal: Authentication failed for '[[URL_CREDENTIALS|https://deploy-bot:@@glpat:g043@@@gitlab.frostline.io/platform/env-config.git/]]'
$ ssh -o StrictHostKeyChecking=no deploy@[[IP_ADDRESS|10.70.1.15]] "sudo systemctl restart frostline-api"
Warning: Permanently added '[[IP_ADDRESS|10.70.1.15]]' (ED25519) to the list of known hosts.
Cleaning up project directory and file based variables
ERROR: Job failed: exit code 128

CONFIG_REPO_TOKEN is a project variable, "Masked" unchecked because it contained a character GitLab didn't accept at the time.

### h21-044
GitLab job hangs at "Waiting for services". Log:

Running with gitlab-runner 16.9.1 (@@hex:rsha044:8@@)
  on gitlab-runner-k8s-7f9c8b6d5-qx2lm @@alnum:rid044:8@@, system ID: r_@@hex:sys044:12@@
Preparing the "kubernetes" executor
Using Kubernetes namespace: gitlab-ci
Using Kubernetes executor with image python:3.12-slim ...
Using attach strategy to execute scripts...
Waiting for pod gitlab-ci/runner-@@alnum:pod044:8@@-project-4417-concurrent-0-@@alnum:pod044b:8@@ to be running, status is Pending
	ContainersNotReady: "containers with unready status: [build helper svc-0]"
Waiting for pod gitlab-ci/runner-@@alnum:pod044:8@@-project-4417-concurrent-0-@@alnum:pod044b:8@@ to be running, status is Pending
	ContainersNotReady: "containers with unready status: [build helper svc-0]"
$ export DATABASE_URL="postgresql://test:[MASKED]@localhost:5432/test"
$ pytest -q --maxfail=1
ERROR: Job failed: execution took longer than 1h0m0s seconds

.gitlab-ci.yml:
test:
  image: python:3.12-slim
  services:
    - name: postgres:16.2
      alias: db
  variables:
    POSTGRES_PASSWORD: $CI_TEST_DB_PASSWORD
    FF_NETWORK_PER_BUILD: "true"

Pipeline #@@digits:pl044:7@@, job #@@digits:job044:9@@, commit @@hex:sha044:40@@.

### h21-045
Jenkins pipeline that triggers a downstream job through the REST API gets 403 "No valid crumb". Console output (set -x is on in that sh step, sorry):

Started by upstream project "release/build" build number 812
[Pipeline] Start of Pipeline
[Pipeline] node
Running on agent-linux-04 in /var/lib/jenkins/workspace/release_deploy
[Pipeline] {
[Pipeline] sh
+ curl -sS -X POST -u svc-release:[[SECRET|@@jenkins:j045@@]] 'https://ci.moorgate-data.co.uk/job/deploy/buildWithParameters?ENV=prod&VERSION=4.2.0'
<html><head><meta http-equiv='refresh' content='1;url=/login?from=%2Fjob%2Fdeploy%2FbuildWithParameters'/></head><body>HTTP ERROR 403 No valid crumb was included in the request</body></html>
[Pipeline] sh
+ curl -sS -I https://ci.moorgate-data.co.uk/crumbIssuer/api/json -H 'Authorization: Basic [[SECRET|@@basic:b045:admin:18@@]]'
HTTP/2 200
x-jenkins: 2.440.1
x-instance-identity: @@b64:iid045:48@@
x-content-type-options: nosniff
[Pipeline] }
[Pipeline] // node
[Pipeline] End of Pipeline
ERROR: script returned exit code 22
Finished: FAILURE

### h21-046
Jenkins build fails with "credentials not found" even though it's defined on the folder. Console:

Started by user Release Bot
Obtained Jenkinsfile from git https://git.moorgate-data.co.uk/platform/ledger.git
[Pipeline] Start of Pipeline
[Pipeline] node
Running on agent-linux-02 in /var/lib/jenkins/workspace/ledger_main
[Pipeline] {
[Pipeline] withCredentials
Masking supported pattern matches of $REG_USER or $REG_PASS
[Pipeline] {
[Pipeline] sh
+ echo ****
+ docker login -u **** --password-stdin registry.moorgate-data.co.uk
Login Succeeded
[Pipeline] }
[Pipeline] // withCredentials
[Pipeline] withCredentials
[Pipeline] // withCredentials
[Pipeline] }
[Pipeline] End of Pipeline
ERROR: Could not find credentials entry with ID 'sonar-token'
Finished: FAILURE

Jenkins 2.440.1, Credentials plugin 1319.v7eb_51b_3a_c97b_, Folders 6.901.vb_4c7a_da_75da_. The credential "sonar-token" lives in folder "platform", the job is in "finance/ledger" (build #@@digits:b046:4@@, agent JNLP secret not shown).

### h21-047
terraform apply worked but the plan output shows the RDS password in clear text in our CI log?! Isn't it supposed to be hidden? Plan excerpt:

  # aws_db_instance.orders will be updated in-place
  ~ resource "aws_db_instance" "orders" {
        id                       = "db-@@alnum:dbid047:26@@"
      ~ instance_class           = "db.t4g.large" -> "db.r7g.large"
        identifier               = "orders-prod"
        tags                     = {}
        # (47 unchanged attributes hidden)
    }

  # module.app.aws_ssm_parameter.db_url will be created
  + resource "aws_ssm_parameter" "db_url" {
      + arn       = (known after apply)
      + name      = "/orders/prod/database_url"
      + type      = "String"
      + value     = "[[URL_CREDENTIALS|postgres://orders_admin:Fjord%21Quay%2377@orders-prod.c@@alnum:rds047:12@@.eu-north-1.rds.amazonaws.com:5432/orders]]"
    }

  # module.app.aws_instance.bastion will be updated in-place
  ~ resource "aws_instance" "bastion" {
        id                       = "i-0@@hex:i047:16@@"
        private_ip               = "[[IP_ADDRESS|10.50.1.12]]"
      ~ public_ip                = "[[IP_ADDRESS|13.48.201.77]]" -> (known after apply)
    }

Plan: 1 to add, 2 to change, 0 to destroy.

Outputs:
smtp_password = "[[SECRET|@@alnum:smtp047:24@@]]"

### h21-048
Terraform: "Error acquiring the state lock". What's safe to do?

│ Error: Error acquiring the state lock
│
│ Error message: ConditionalCheckFailedException: The conditional request failed
│ Lock Info:
│   ID:        @@uuid:lock048@@
│   Path:      varde-tfstate/prod/network/terraform.tfstate
│   Operation: OperationTypeApply
│   Who:       runner@gha-@@hex:who048:12@@
│   Version:   1.7.4
│   Created:   2025-03-11 07:58:41.004117334 +0000 UTC
│   Info:
│
│ Terraform acquires a state lock to protect the state from being written
│ by multiple users at the same time. Please resolve the issue above and try
│ again. For most commands, you can disable locking with the "-lock=false"
│ flag, but this is not recommended.

Earlier plan from the same run:
  + resource "aws_db_instance" "ledger" {
      + password            = (sensitive value)
      + endpoint            = (known after apply)
      + allocated_storage   = 100
      + kms_key_id          = "arn:aws:kms:eu-north-1:@@digits:acct048:12@@:key/@@uuid:kms048@@"
    }
  + resource "aws_vpc" "main" {
      + cidr_block          = "10.50.0.0/16"
    }
  + resource "aws_security_group_rule" "https" {
      + cidr_blocks         = ["0.0.0.0/0"]
      + ipv6_cidr_blocks    = ["::/0"]
      + from_port           = 443
    }
Plan: 12 to add, 0 to change, 0 to destroy.

The GitHub run that held the lock was cancelled (run @@digits:run048:10@@).

### h21-049
Ansible playbook fails on one host only. I ran with -vvv; the become password shows up in the output, is that normal?

TASK [postgres : create replication user] ***************************************
task path: /home/ops/infra/roles/postgres/tasks/replication.yml:12
<[[IP_ADDRESS|10.44.2.17]]> ESTABLISH SSH CONNECTION FOR USER: ops
<[[IP_ADDRESS|10.44.2.17]]> SSH: EXEC ssh -C -o ControlMaster=auto -o ControlPersist=60s -o 'User="ops"' -o ConnectTimeout=10 [[IP_ADDRESS|10.44.2.17]] '/bin/sh -c '"'"'echo ~ops && sleep 0'"'"''
fatal: [db-replica-2]: FAILED! => {
    "changed": false,
    "invocation": {
        "module_args": {
            "login_host": "[[IP_ADDRESS|10.44.2.10]]",
            "login_user": "postgres",
            "login_password": "[[SECRET|Repl1ca-Kelp-Forest]]",
            "name": "replicator",
            "password": "[[SECRET|Str3am!ng-Wal-Bay]]",
            "role_attr_flags": "REPLICATION,LOGIN",
            "port": 5432
        }
    },
    "msg": "unable to connect to database: connection to server at \"[[IP_ADDRESS|10.44.2.10]]\", port 5432 failed: FATAL:  no pg_hba.conf entry for host \"[[IP_ADDRESS|10.44.2.17]]\", user \"postgres\", database \"postgres\", SSL encryption"
}

PLAY RECAP *********************************************************************
db-primary                 : ok=14   changed=0    unreachable=0    failed=0    skipped=2    rescued=0    ignored=0
db-replica-2               : ok=9    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0

### h21-050
Ansible: "Timeout (12s) waiting for privilege escalation prompt". Output (no_log is on for the secret tasks):

TASK [common : install base packages] ******************************************
ok: [web-01]
ok: [web-02]
fatal: [web-03]: FAILED! => {"msg": "Timeout (12s) waiting for privilege escalation prompt: "}

TASK [app : write env file] ****************************************************
changed: [web-01]
changed: [web-02]
fatal: [web-04]: FAILED! => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": false}

TASK [app : restart service] ***************************************************
changed: [web-01] => {"changed": true, "name": "orders-api", "state": "started", "status": {"ActiveEnterTimestamp": "Tue 2025-03-11 09:41:17 UTC", "MainPID": "48211", "MemoryCurrent": "311672832"}}

PLAY RECAP *********************************************************************
web-01                     : ok=23   changed=4    unreachable=0    failed=0    skipped=3    rescued=0    ignored=0
web-02                     : ok=22   changed=3    unreachable=0    failed=0    skipped=3    rescued=0    ignored=0
web-03                     : ok=2    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
web-04                     : ok=17   changed=1    unreachable=0    failed=1    skipped=1    rescued=0    ignored=0

group_vars/all/vault.yml is encrypted ($ANSIBLE_VAULT;1.1;AES256), become_pass comes from it. web-03 has "Defaults requiretty" in sudoers? ansible-core 2.16.4.
