### h21-011
Slow query log from the old MySQL 5.7 box that runs the legacy billing app. Why is this query doing a full scan? (and yes I know card numbers shouldn't be in there, migration is planned)

# Time: 2025-03-10T18:22:41.772018Z
# User@Host: billing[billing] @  [[[IP_ADDRESS|172.31.9.40]]]  Id: 8812734
# Query_time: 4.918271  Lock_time: 0.000114 Rows_sent: 1  Rows_examined: 2841702
use billing_legacy;
SET timestamp=1741630961;
SELECT c.id, c.customer_id, c.exp_month, c.exp_year FROM stored_cards c WHERE c.pan = '[[CREDIT_CARD|@@card:c011a:visa@@]]' AND c.deleted_at IS NULL;
# Time: 2025-03-10T18:22:47.101554Z
# User@Host: billing[billing] @  [[[IP_ADDRESS|172.31.9.40]]]  Id: 8812734
# Query_time: 5.004417  Lock_time: 0.000097 Rows_sent: 0  Rows_examined: 2841702
SET timestamp=1741630967;
SELECT c.id, c.customer_id, c.exp_month, c.exp_year FROM stored_cards c WHERE c.pan = '[[CREDIT_CARD|@@card:c011b:mc@@]]' AND c.deleted_at IS NULL;
# Time: 2025-03-10T18:23:02.330190Z
# User@Host: report[report] @  [[[IP_ADDRESS|172.31.14.202]]]  Id: 8812761
# Query_time: 12.771904  Lock_time: 0.000201 Rows_sent: 31 Rows_examined: 9120448
SET timestamp=1741630982;
SELECT DATE(created_at) d, COUNT(*) FROM invoices WHERE created_at >= '2025-02-08' GROUP BY d;

mysql> SHOW CREATE TABLE stored_cards\G
  `pan` varchar(19) NOT NULL,
  KEY `idx_customer` (`customer_id`)
) ENGINE=InnoDB AUTO_INCREMENT=2841917 DEFAULT CHARSET=latin1

### h21-012
MySQL 8.0.36 keeps restarting after the host ran out of disk. Error log:

2025-03-11T04:00:12.118823Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1187
2025-03-11T04:00:12.130417Z 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.
2025-03-11T04:00:13.502901Z 1 [ERROR] [MY-012592] [InnoDB] Operating system error number 28 in a file operation.
2025-03-11T04:00:13.502977Z 1 [ERROR] [MY-012596] [InnoDB] Error number 28 means 'No space left on device'
2025-03-11T04:00:13.503012Z 1 [ERROR] [MY-012646] [InnoDB] File ./ibtmp1: 'write' returned OS error 128. Cannot continue operation
2025-03-11T04:00:13.503040Z 1 [ERROR] [MY-012981] [InnoDB] Cannot continue operation.
2025-03-11T04:00:15.881277Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1204
2025-03-11T04:00:17.990014Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.
2025-03-11T04:00:17.990321Z 0 [System] [MY-013602] [Server] Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.
2025-03-11T04:00:18.004125Z 0 [System] [MY-011323] [Server] X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock
2025-03-11T04:00:18.004210Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.
2025-03-11T04:02:41.551907Z 14 [Warning] [MY-010055] [Server] IP address '127.0.0.1' could not be resolved: Name or service not known
2025-03-11T04:02:44.100218Z 15 [Note] [MY-010914] [Server] Aborted connection 15 to db: 'shop' user: 'app' host: 'localhost' (Got an error reading communication packets).

# Time: 2025-03-11T04:03:10.207710Z
# User@Host: app[app] @ localhost []  Id:    19
# Query_time: 3.201774  Lock_time: 0.000009 Rows_sent: 0  Rows_examined: 1048576
SET timestamp=1741665790;
DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL 30 DAY LIMIT 50000;

$ df -h /var/lib/mysql
Filesystem      Size  Used Avail Use% Mounted on
/dev/nvme1n1    200G  200G     0 100% /var/lib/mysql
binlog_expire_logs_seconds = 2592000, 41 binlog files of 1.1G each.

### h21-013
Spring Boot 3.2 service fails on startup only in staging. Stack trace below, config is injected via env. Hibernate logging is on TRACE for now.

2025-03-11 09:14:22.004 DEBUG 1 --- [           main] org.hibernate.SQL                        : select u1_0.id,u1_0.email,u1_0.status from app_user u1_0 where u1_0.email=?
2025-03-11 09:14:22.005 TRACE 1 --- [           main] org.hibernate.orm.jdbc.bind              : binding parameter (1:VARCHAR) <- [[[EMAIL|svc-seeder@lindqvist-logistik.se]]]
2025-03-11 09:14:22.411  WARN 1 --- [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Exception during pool initialization.
2025-03-11 09:14:22.417 ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed

org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'entityManagerFactory' defined in class path resource [org/springframework/boot/autoconfigure/orm/jpa/HibernateJpaConfiguration.class]: Failed to initialize dependency 'dataSourceScriptDatabaseInitializer'
	at org.springframework.beans.factory.support.AbstractBeanFactory.doGetBean(AbstractBeanFactory.java:326)
	at org.springframework.boot.SpringApplication.run(SpringApplication.java:334)
	at se.lindqvist.tms.TmsApplication.main(TmsApplication.java:21)
Caused by: org.postgresql.util.PSQLException: Connection to [[IP_ADDRESS|10.8.2.57]]:5433 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.
	at org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)
	at org.postgresql.Driver.makeConnection(Driver.java:443)
	... 58 common frames omitted

env of the pod:
SPRING_DATASOURCE_URL=jdbc:postgresql://[[IP_ADDRESS|10.8.2.57]]:5433/tms?user=tms_app&password=[[SECRET|T0rsby-Fjord-2291]]&ssl=true&sslmode=verify-full
SPRING_JPA_HIBERNATE_DDL_AUTO=validate
JAVA_OPTS=-XX:MaxRAMPercentage=75.0 -Dfile.encoding=UTF-8
SERVER_PORT=8080

In prod the URL points at tms-db.prod.internal:5432 and it works.

### h21-014
Connection pool exhaustion under load. Trace and Hikari stats:

2025-03-11 11:02:48.771  WARN 7 --- [nio-8080-exec-37] o.h.engine.jdbc.spi.SqlExceptionHelper   : SQL Error: 0, SQLState: 08001
2025-03-11 11:02:48.771 ERROR 7 --- [nio-8080-exec-37] o.h.engine.jdbc.spi.SqlExceptionHelper   : HikariPool-1 - Connection is not available, request timed out after 30000ms (total=20, active=20, idle=0, waiting=143)
2025-03-11 11:02:48.779 ERROR 7 --- [nio-8080-exec-37] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception

org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection [HikariPool-1 - Connection is not available, request timed out after 30000ms (total=20, active=20, idle=0, waiting=143)] [n/a]
	at org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:275)
	at org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:466)
	at com.northwind.catalog.service.PriceService$$SpringCGLIB$$0.recalculate(<generated>)
	at com.northwind.catalog.web.PriceController.recalc(PriceController.kt:58)
Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms (total=20, active=20, idle=0, waiting=143)
	at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:686)
	at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:179)
	... 112 common frames omitted

2025-03-11 11:02:50.002 DEBUG 7 --- [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Pool stats (total=20, active=20, idle=0, waiting=151)

spring.datasource.url=jdbc:postgresql://catalog-db.prod.internal:5432/catalog
spring.datasource.username=${DB_USER}
spring.datasource.password=${DB_PASSWORD}
spring.datasource.hikari.maximum-pool-size=20
spring.datasource.hikari.leak-detection-threshold=60000

Thread dump shows 20 threads in "nio-8080-exec-*" holding connections inside PriceService.recalculate (tid=0x00007f3a2c0b8000 nid=0x4b1f waiting on condition [0x00007f39f2dfe000]).

### h21-015
Sentry sent me this from our signup endpoint, the locals include the raw password?! How do I turn that off, and what's the actual bug?

IntegrityError: duplicate key value violates unique constraint "accounts_user_email_key"
DETAIL:  Key (email)=([[EMAIL|kavya.raghunathan@rediffmail.com]]) already exists.

  File "accounts/views.py", line 88, in signup
    user = User.objects.create_user(email=form.cleaned_data["email"], password=raw_password)

    Local variables:
      form = <SignupForm bound=True, valid=True, fields=(email;phone;password;accept_terms)>
      raw_password = '[[SECRET|Chai&Monsoon#1987]]'
      phone = '[[PHONE|@@phone:IN:m:intl@@]]'
      request = <WSGIRequest: POST '/accounts/signup/'>
      self = <accounts.views.SignupView object at 0x7f6c1a2e9d90>

  File "django/db/backends/utils.py", line 105, in _execute
    return self.cursor.execute(sql, params)

    Local variables:
      sql = 'INSERT INTO "accounts_user" ("password", "last_login", "email", "phone", "date_joined") VALUES (%s, %s, %s, %s, %s) RETURNING "accounts_user"."id"'
      params = ('pbkdf2_sha256$720000$@@alnum:salt015:22@@$@@b64:hash015:32@@', None, '[[EMAIL|kavya.raghunathan@rediffmail.com]]', '[[PHONE|@@phone:IN:m:intl@@]]', datetime.datetime(2025, 3, 11, 6, 41, 9, 112004))

Event ID: @@hex:ev015:32@@
Release: accounts@2025.3.2 (@@hex:sha015:40@@)
User: id 18822, ip_address [[IP_ADDRESS|49.207.51.188]]
Browser: Chrome Mobile 122.0.6261 / Android 14

### h21-016
Celery task fails with this traceback (Sentry "locals" view copied). Looks like a timezone thing?

TypeError: can't compare offset-naive and offset-aware datetimes

  File "billing/tasks.py", line 142, in close_period
    if invoice.due_at < cutoff:

    Local variables:
      invoice = <Invoice: INV-2025-004417 (draft)>
      cutoff = datetime.datetime(2025, 3, 1, 0, 0)
      period_id = 20250301
      api_key = '[Filtered]'
      stripe_secret = '[Filtered]'
      customer_email = '[Filtered]'
      self = <@task: billing.tasks.close_period of billing at 0x7f80d2b1e6a0>

  File "celery/app/trace.py", line 453, in trace_task
    R = retval = fun(*args, **kwargs)

    Local variables:
      task_id = '@@uuid:t016@@'
      args = (20250301,)
      kwargs = {}
      retries = 3
      eta = None
      hostname = 'celery@billing-worker-7c4d9f6b8-qm2zx'

Event ID: @@hex:ev016:32@@
Release: billing@4.18.0 (@@hex:sha016:40@@)
Worker: billing-worker-7c4d9f6b8-qm2zx, pid 23, concurrency 8
Occurrences: 1,284 in 24h, first seen 2025-03-09T00:00:04Z

USE_TZ = True, CELERY_TIMEZONE = "Europe/Berlin".

### h21-017
Express app crashes on this request, error handler logs the whole req. Body parser limit? Also is it OK that the token is in there?

[2025-03-11T10:44:19.552Z] ERROR unhandledRejection: TypeError: Cannot read properties of undefined (reading 'postcode')
    at normalizeAddress (/app/dist/lib/address.js:41:29)
    at createOrder (/app/dist/routes/orders.js:118:22)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
request: {
  method: 'POST',
  url: '/api/orders',
  headers: {
    host: 'api.fieldfare.com.au',
    'user-agent': 'Fieldfare/3.8.1 (iPhone; iOS 17.3.1; Scale/3.00)',
    authorization: 'Bearer [[JWT|@@jwt:j017:RS256@@]]',
    'content-type': 'application/json',
    'content-length': '412',
    'x-forwarded-for': '[[IP_ADDRESS|1.144.109.72]]',
    'x-request-id': '@@uuid:x017@@'
  },
  body: {
    customer: { name: 'Tahlia Brennan', email: '[[EMAIL|tahlia.brennan@bigpond.com]]', mobile: '[[PHONE|@@phone:AU:m:intl@@]]' },
    delivery: { line1: '14 Wattle Grove', suburb: 'Bentleigh', state: 'VIC' },
    items: [ { sku: 'FF-BOX-M', qty: 1 }, { sku: 'FF-ADDON-EGG', qty: 2 } ],
    notes: 'leave at door'
  }
}
node v20.11.1, express 4.18.2, pid 1, uptime 18422.7s, heapUsed 211.4 MB

### h21-018
Node 20 process dies with "JavaScript heap out of memory". Full output:

<--- Last few GCs --->

[1:0x6b4e2a0]  7302711 ms: Mark-Compact 2038.4 (2082.1) -> 2031.9 (2083.6) MB, 1891.27 / 0.00 ms  (average mu = 0.118, current mu = 0.021) allocation failure; scavenge might not succeed
[1:0x6b4e2a0]  7304688 ms: Mark-Compact 2047.2 (2083.6) -> 2040.5 (2088.9) MB, 1944.10 / 0.00 ms  (average mu = 0.066, current mu = 0.017) allocation failure; scavenge might not succeed

<--- JS stacktrace --->

FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
 1: 0xc99970 node::Abort() [node]
 2: 0xb6ffcb  [node]
 3: 0xebe910 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]
 4: 0xebebf7 v8::internal::V8::FatalProcessOutOfMemory(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]
 5: 0x10d06a5  [node]
 6: 0x10e8528 v8::internal::Heap::CollectGarbage(v8::internal::AllocationSpace, v8::internal::GarbageCollectionReason, v8::GCCallbackFlags) [node]
 7: 0x10be641 v8::internal::HeapAllocator::AllocateRawWithLightRetrySlowPath(v8::internal::AllocationType, v8::internal::AllocationOrigin, v8::internal::AllocationAlignment) [node]
 8: 0x1519a96 v8::internal::Runtime_AllocateInYoungGeneration(int, unsigned long*, v8::internal::Isolate*) [node]
 9: 0x7f1b0dd99ef6
Aborted (core dumped)

npm ERR! code ELIFECYCLE
npm ERR! errno 134
npm ERR! report-service@2.4.1 start: `node --max-old-space-size=2048 dist/index.js`
npm ERR! Exit status 134

The service builds a 1.8M-row CSV in memory (rows.push(...)), container limit 2560Mi, NODE_ENV=production.

### h21-019
.NET 8 API throws on the first DB call after we moved to the new SQL VM. Exception from App Insights:

System.Data.SqlClient.SqlException (0x80131904): A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible. Verify that the instance name is correct and that SQL Server is configured to allow remote connections. (provider: TCP Provider, error: 0 - No such host is known.)
 ---> System.ComponentModel.Win32Exception (11001): No such host is known.
   at System.Data.SqlClient.SqlInternalConnectionTds..ctor(DbConnectionPoolIdentity identity, SqlConnectionString connectionOptions, Object providerInfo, Boolean redirectedUserInstance)
   at Harborline.Claims.Data.ClaimsDbContext.OnConfiguring(DbContextOptionsBuilder optionsBuilder) in /src/Harborline.Claims.Data/ClaimsDbContext.cs:line 37
   at Harborline.Claims.Api.Controllers.ClaimsController.Get(Int32 id) in /src/Harborline.Claims.Api/Controllers/ClaimsController.cs:line 52
ClientConnectionId:00000000-0000-0000-0000-000000000000
Error Number:11001,State:0,Class:20

customDimensions:
  ConnectionString: Server=tcp:sqlvm-claims-02,1433;Initial Catalog=Claims;User ID=claims_api;Password=[[SECRET|Hbr#Claims2025!vm]];Encrypt=True;TrustServerCertificate=True;Connection Timeout=30;
  FallbackServer: [[IP_ADDRESS|10.60.4.21]]
  AspNetCoreEnvironment: Production
  OperationId: @@hex:op019:32@@
  RoleInstance: claims-api-@@hex:ri019:10@@-7xk2p

nslookup sqlvm-claims-02 from the pod returns NXDOMAIN; the VM's private IP is [[IP_ADDRESS|10.60.4.21]].

### h21-020
EF Core throws this after upgrading to .NET 8 (only on Linux containers):

Microsoft.Data.SqlClient.SqlException (0x80131904): A connection was successfully established with the server, but then an error occurred during the pre-login handshake. (provider: TCP Provider, error: 35 - An internal exception was caught)
 ---> System.Security.Authentication.AuthenticationException: The remote certificate was rejected by the provided RemoteCertificateValidationCallback.
   at System.Net.Security.SslStream.SendAuthResetSignal(ReadOnlySpan`1 alert, ExceptionDispatchInfo exception)
   at Microsoft.Data.SqlClient.SNI.SNITCPHandle.EnableSsl(UInt32 options)
   at Microsoft.EntityFrameworkCore.Storage.RelationalConnection.OpenInternalAsync(Boolean errorsExpected, CancellationToken cancellationToken)
   at Contoso.Ledger.Api.Program.<Main>$(String[] args) in /src/Contoso.Ledger.Api/Program.cs:line 64
ClientConnectionId:@@uuid:cc020@@
Error Number:-2146893019,State:0,Class:20

appsettings.Production.json:
{
  "ConnectionStrings": {
    "Ledger": "Server=tcp:ledger-sql-prod.database.windows.net,1433;Initial Catalog=ledger;Authentication=Active Directory Managed Identity;User Id=@@uuid:mi020@@;Encrypt=True;"
  },
  "Logging": { "LogLevel": { "Default": "Information", "Microsoft.EntityFrameworkCore.Database.Command": "Warning" } }
}

Base image mcr.microsoft.com/dotnet/aspnet:8.0.2-bookworm-slim@sha256:@@hex:d020:64@@, OpenSSL 3.0.11. Microsoft.Data.SqlClient 5.1.5.
