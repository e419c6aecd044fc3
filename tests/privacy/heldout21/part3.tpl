### h21-021
Go service panics right after start in the new cluster. Logs:

{"level":"info","ts":1741689601.204417,"caller":"cmd/main.go:48","msg":"starting notifier","version":"v1.14.2","commit":"@@hex:sha021:40@@","go":"go1.22.1"}
{"level":"info","ts":1741689601.205002,"caller":"store/redis.go:31","msg":"connecting to redis","url":"[[URL_CREDENTIALS|rediss://notifier:Kq2vXe9tLw4zRb@redis-notify.internal:6380/3]]"}
{"level":"error","ts":1741689606.207311,"caller":"store/redis.go:44","msg":"redis ping failed","error":"dial tcp [[IP_ADDRESS|10.31.6.14]]:6380: i/o timeout","attempt":3}
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8f2c4e]

goroutine 1 [running]:
github.com/brightmoor/notifier/internal/store.(*RedisStore).Subscribe(0x0, {0xb1e0c8, 0xc0000a4000}, {0xa21f3b, 0xd})
	/src/internal/store/redis.go:77 +0x2e
main.run({0xb1e0c8, 0xc0000a4000}, 0xc000132000)
	/src/cmd/main.go:63 +0x3c5
main.main()
	/src/cmd/main.go:29 +0x1a5
exit status 2

The error from NewRedisStore is logged but we return nil, nil on timeout. Security group only allows 10.31.0.0/16 → 6380.

### h21-022
Deadlocked Go worker, I sent SIGQUIT. Trimmed goroutine dump:

SIGQUIT: quit
PC=0x46e2a1 m=0 sigcode=0

goroutine 0 gp=0x0 m=0 mp=0x1b7c3a0 [idle]:
runtime.futex(0x1b7c4e0, 0x80, 0x0, 0x0, 0x0, 0x0)
	/usr/local/go/src/runtime/sys_linux_amd64.s:557 +0x21

goroutine 1 gp=0xc000006380 m=nil [semacquire, 14 minutes]:
sync.runtime_SemacquireMutex(0xc0001a2e8c, 0x0, 0x1)
	/usr/local/go/src/runtime/sema.go:77 +0x25
sync.(*Mutex).lockSlow(0xc0001a2e88)
	/usr/local/go/src/sync/mutex.go:171 +0x15d
github.com/tessellate-io/ingest/internal/batch.(*Buffer).Flush(0xc0001a2e80)
	/src/internal/batch/buffer.go:92 +0x45

goroutine 37 gp=0xc000102fc0 m=nil [chan send, 14 minutes]:
github.com/tessellate-io/ingest/internal/batch.(*Buffer).Add(0xc0001a2e80, {0xc0004b2000, 0x1f4, 0x200})
	/src/internal/batch/buffer.go:61 +0x1b8
github.com/tessellate-io/ingest/internal/consumer.(*Consumer).loop(0xc000144120)
	/src/internal/consumer/consumer.go:118 +0x2f1
created by github.com/tessellate-io/ingest/internal/consumer.Start in goroutine 1
	/src/internal/consumer/consumer.go:74 +0x1a8

rax    0xca
rbx    0x0
rcx    0x46e2a3
rip    0x46e2a1
rflags 0x286
exit status 2

Add() holds b.mu while sending on b.out (unbuffered); Flush() takes b.mu too. Go 1.22.1, GOMAXPROCS=4.

### h21-023
Rails 7.1 app: users report "something went wrong" on sign up. production.log excerpt. I think filter_parameters isn't loaded?

I, [2025-03-11T07:31:08.441279 #24]  INFO -- : [@@uuid:rq023@@] Started POST "/users" for [[IP_ADDRESS|86.131.77.214]] at 2025-03-11 07:31:08 +0000
I, [2025-03-11T07:31:08.443102 #24]  INFO -- : [@@uuid:rq023@@] Processing by Users::RegistrationsController#create as HTML
I, [2025-03-11T07:31:08.443290 #24]  INFO -- : [@@uuid:rq023@@]   Parameters: {"authenticity_token"=>"@@urlsafe:csrf023:86@@", "user"=>{"email"=>"[[EMAIL|gemma.pryce77@btinternet.com]]", "phone"=>"[[PHONE|@@phone:GB:m:national@@]]", "password"=>"[[SECRET|Llandudno-Pier-88]]", "password_confirmation"=>"[[SECRET|Llandudno-Pier-88]]", "terms"=>"1"}, "commit"=>"Create account"}
I, [2025-03-11T07:31:08.502774 #24]  INFO -- : [@@uuid:rq023@@] Completed 500 Internal Server Error in 59ms (ActiveRecord: 11.2ms | Allocations: 18204)
F, [2025-03-11T07:31:08.503390 #24] FATAL -- : [@@uuid:rq023@@]
[@@uuid:rq023@@] Phonelib::InvalidFormat (phone is invalid for region US):
[@@uuid:rq023@@] app/models/user.rb:27:in `normalize_phone'
[@@uuid:rq023@@] app/controllers/users/registrations_controller.rb:14:in `create'

config/initializers/filter_parameter_logging.rb exists but is named filter_parameter_logging.rb.bak after a merge.

### h21-024
Rails request takes 4 s on the orders page. Log with params filtered:

I, [2025-03-11T09:12:30.118804 #31]  INFO -- : [@@uuid:rq024@@] Started GET "/admin/orders?page=3&status=shipped" for 127.0.0.1 at 2025-03-11 09:12:30 +0000
I, [2025-03-11T09:12:30.120113 #31]  INFO -- : [@@uuid:rq024@@] Processing by Admin::OrdersController#index as HTML
I, [2025-03-11T09:12:30.120201 #31]  INFO -- : [@@uuid:rq024@@]   Parameters: {"page"=>"3", "status"=>"shipped", "api_token"=>"[FILTERED]"}
D, [2025-03-11T09:12:30.131917 #31] DEBUG -- : [@@uuid:rq024@@]   Order Load (2.4ms)  SELECT "orders".* FROM "orders" WHERE "orders"."status" = $1 ORDER BY "orders"."created_at" DESC LIMIT $2 OFFSET $3  [["status", "shipped"], ["LIMIT", 25], ["OFFSET", 50]]
D, [2025-03-11T09:12:30.134562 #31] DEBUG -- : [@@uuid:rq024@@]   Customer Load (0.9ms)  SELECT "customers".* FROM "customers" WHERE "customers"."id" = $1 LIMIT $2  [["id", 88213], ["LIMIT", 1]]
D, [2025-03-11T09:12:30.135311 #31] DEBUG -- : [@@uuid:rq024@@]   Customer Load (0.8ms)  SELECT "customers".* FROM "customers" WHERE "customers"."id" = $1 LIMIT $2  [["id", 88214], ["LIMIT", 1]]
  ... (25 more Customer Load lines)
I, [2025-03-11T09:12:34.201009 #31]  INFO -- : [@@uuid:rq024@@]   Rendered admin/orders/index.html.erb within layouts/admin (Duration: 4061.2ms | Allocations: 911224)
I, [2025-03-11T09:12:34.204772 #31]  INFO -- : [@@uuid:rq024@@] Completed 200 OK in 4084ms (Views: 3990.4ms | ActiveRecord: 71.3ms | Allocations: 913006)

Rails.application.config.filter_parameters += [:passw, :email, :secret, :token, :_key, :crypt, :salt, :certificate, :otp, :ssn, :phone]

### h21-025
Django keeps mailing us "Invalid HTTP_HOST header" and now a 500. This is the error e-mail body (trimmed). Is the session cookie in here a problem?

[Django] ERROR (EXTERNAL IP): Internal Server Error: /account/export/

Traceback (most recent call last):
  File "/srv/app/accounts/views.py", line 211, in export
    data = build_export(request.user)
  File "/srv/app/accounts/export.py", line 48, in build_export
    "iban": user.payout_account.iban,
AttributeError: 'NoneType' object has no attribute 'iban'

Request information:
USER: [[EMAIL|dirk.vanlaere@skynet.be]]
GET: No GET data
POST: No POST data
FILES: No FILES data
COOKIES:
csrftoken = '@@alnum:csrf025:32@@'
sessionid = '[[SECRET|@@alnum:sess025:32@@]]'
_ga = 'GA1.2.1183049221.1740912044'
META:
HTTP_X_FORWARDED_FOR = '[[IP_ADDRESS|178.51.90.212]]'
HTTP_USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15'
REMOTE_ADDR = '[[IP_ADDRESS|10.0.1.23]]'
REQUEST_METHOD = 'GET'
SERVER_NAME = 'portal.vanlaere-bouw.be'
SERVER_PORT = '8000'
wsgi.multiprocess = True

Settings:
Using settings module portal.settings.production
DEBUG = False
SECRET_KEY = '********************'

### h21-026
Why does Django return 400 Bad Request behind our load balancer? Log + settings excerpt:

[11/Mar/2025 08:40:03] WARNING django.security.DisallowedHost: Invalid HTTP_HOST header: 'internal-alb-8841.eu-west-1.elb.amazonaws.com'. You may need to add 'internal-alb-8841.eu-west-1.elb.amazonaws.com' to ALLOWED_HOSTS.
[11/Mar/2025 08:40:03] "GET /health/ HTTP/1.1" 400 143
[11/Mar/2025 08:40:33] WARNING django.security.DisallowedHost: Invalid HTTP_HOST header: 'internal-alb-8841.eu-west-1.elb.amazonaws.com'. You may need to add 'internal-alb-8841.eu-west-1.elb.amazonaws.com' to ALLOWED_HOSTS.
[11/Mar/2025 08:40:33] "GET /health/ HTTP/1.1" 400 143
[11/Mar/2025 08:40:41] "GET /static/css/app.4f9c1e2b.css HTTP/1.1" 200 48211
[11/Mar/2025 08:40:41] "POST /api/v1/cart/ HTTP/1.1" 201 612

settings/production.py:
DEBUG = False
ALLOWED_HOSTS = ["shop.weltenbummler-reisen.de", "localhost", "127.0.0.1"]
CSRF_TRUSTED_ORIGINS = ["https://shop.weltenbummler-reisen.de"]
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASES = {"default": env.db("DATABASE_URL")}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False

Target group health check: path /health/, port traffic-port, matcher 200, interval 30s, healthy threshold 5. ALB listener 443, cert arn:aws:acm:eu-west-1:@@digits:acct026:12@@:certificate/@@uuid:acm026@@.

### h21-027
Laravel 10 log after the deploy. Registration is broken and I don't get why the duplicate happens. I also pasted the .env from the server in case it matters.

[2025-03-11 06:58:02] production.ERROR: SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry '[[EMAIL|ines.carvalho@sapo.pt]]' for key 'users.users_email_unique' (Connection: mysql, SQL: insert into `users` (`name`, `email`, `password`, `updated_at`, `created_at`) values (Inês Carvalho, [[EMAIL|ines.carvalho@sapo.pt]], $2y$12$@@alnum:bc027:53@@, 2025-03-11 06:58:02, 2025-03-11 06:58:02)) {"exception":"[object] (Illuminate\\Database\\UniqueConstraintViolationException(code: 23000): SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:817)
[stacktrace]
#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/MySqlConnection.php(42): Illuminate\\Database\\Connection->runQueryCallback()
#1 /var/www/html/app/Http/Controllers/Auth/RegisteredUserController.php(44): Illuminate\\Database\\Eloquent\\Builder->create()
#2 {main}
"}

.env
APP_NAME=Azulejo
APP_ENV=production
APP_KEY=[[SECRET|@@laravel:k027@@]]
APP_DEBUG=false
DB_CONNECTION=mysql
DB_HOST=[[IP_ADDRESS|10.110.0.4]]
DB_PORT=3306
DB_DATABASE=azulejo
DB_USERNAME=azulejo
DB_PASSWORD=[[SECRET|pastel-de-nata-42]]
QUEUE_CONNECTION=redis

### h21-028
Laravel queue worker keeps dying with "Allowed memory size exhausted". storage/logs/laravel-2025-03-11.log:

[2025-03-11 02:00:01] production.INFO: Processing jobs from the [default] queue.
[2025-03-11 02:14:38] production.ERROR: Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) {"exception":"[object] (Symfony\\Component\\ErrorHandler\\Error\\FatalError(code: 0): Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Eloquent/Collection.php:417)
[stacktrace]
#0 {main}
"}
[2025-03-11 02:14:39] production.WARNING: Job App\\Jobs\\RebuildSearchIndex [@@uuid:job028@@] failed after 3 attempts.
[2025-03-11 02:14:39] production.INFO: Queue worker pid 48211 exited with code 255.

.env (relevant part):
APP_KEY=${LARAVEL_APP_KEY}
DB_PASSWORD=
REDIS_PASSWORD=null
QUEUE_CONNECTION=redis
MAIL_PASSWORD=<redacted>

php -i | grep memory_limit → memory_limit => 128M => 128M
The job does Product::with('variants')->get() on 410k products. PHP 8.2.16, Laravel 10.48.2, supervisor numprocs=4.

### h21-029
Sentry event JSON from our Flask API. Why is `user` empty in some events but not this one? And the Authorization header isn't scrubbed here.

{
  "event_id": "@@hex:ev029:32@@",
  "timestamp": 1741680317.448120,
  "platform": "python",
  "level": "error",
  "release": "lumen-api@3.9.0",
  "environment": "production",
  "server_name": "lumen-api-5d8f7b9c6-2wz8k",
  "exception": {"values": [{"type": "KeyError", "value": "'tier'", "stacktrace": {"frames": [{"filename": "app/billing.py", "function": "quota_for", "lineno": 73}]}}]},
  "request": {
    "url": "https://api.lumenreader.app/v2/quota",
    "method": "GET",
    "headers": {
      "Authorization": "Bearer [[JWT|@@jwt:j029:HS256@@]]",
      "User-Agent": "LumenReader/5.2 (Android 14; Pixel 8)",
      "X-Request-Id": "@@uuid:x029@@"
    },
    "env": {"REMOTE_ADDR": "[[IP_ADDRESS|2600:1700:3ec1:9a20:8c4f:1e22:d7b3:a901]]"}
  },
  "user": {"id": "u_88213", "email": "[[EMAIL|jordan.whitcombe@icloud.com]]", "ip_address": "[[IP_ADDRESS|2600:1700:3ec1:9a20:8c4f:1e22:d7b3:a901]]"},
  "contexts": {"runtime": {"name": "CPython", "version": "3.12.2"}, "trace": {"trace_id": "@@hex:tr029:32@@", "span_id": "@@hex:sp029:16@@"}},
  "sdk": {"name": "sentry.python.flask", "version": "1.40.6"}
}

sentry_sdk.init(send_default_pii=True, traces_sample_rate=0.1)

### h21-030
Sentry groups these two errors separately although they're the same bug. Event JSON (scrubbed by Sentry's server-side scrubbing):

{
  "event_id": "@@hex:ev030:32@@",
  "timestamp": 1741681102.009311,
  "platform": "javascript",
  "level": "error",
  "release": "web@2025.03.10+@@hex:sha030:7@@",
  "environment": "production",
  "fingerprint": ["{{ default }}"],
  "exception": {"values": [{"type": "TypeError", "value": "Cannot read properties of null (reading 'items')", "stacktrace": {"frames": [
    {"filename": "https://cdn.lumenreader.app/assets/index-@@hex:bundle030:8@@.js", "function": "renderCart", "lineno": 1, "colno": 48211, "in_app": true},
    {"filename": "https://cdn.lumenreader.app/assets/vendor-@@hex:vendor030:8@@.js", "function": "Ns", "lineno": 1, "colno": 109442}
  ]}}]},
  "request": {
    "url": "https://lumenreader.app/cart?session=[Filtered]",
    "headers": {"Authorization": "[Filtered]", "Cookie": "[Filtered]", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"}
  },
  "user": {"id": "u_90417", "ip_address": null, "email": "[Filtered]"},
  "contexts": {"browser": {"name": "Chrome", "version": "122.0.0.0"}, "os": {"name": "Linux"}, "trace": {"trace_id": "@@hex:tr030:32@@", "span_id": "@@hex:sp030:16@@"}},
  "_meta": {"user": {"ip_address": {"": {"rem": [ ["@ip:replace", "s", 0, 4] ]}}}},
  "sdk": {"name": "sentry.javascript.react", "version": "7.105.0"}
}

The other event has colno 48207 because of a new build. Source maps are uploaded for release web@2025.03.10+@@hex:sha030:7@@ only.
