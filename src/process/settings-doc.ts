/**
 * @module process/settings-doc
 * The documentation of every setting of `src/settings.ts` (its default as shown to people, its
 * meaning, its group), and the README tables rendered from it. The compiler makes every setting
 * of the schema have a row here; `bun run settings-doc` writes the tables into README.md between
 * the settings markers, and `test/settings-doc.test.ts` fails when README.md is stale.
 */
import type { Settings } from '../settings.ts';

/** The concerns settings are grouped by, in the order the README shows them. */
export const SETTING_GROUPS = {
  server: 'Server',
  deployment: 'Deployment',
  database: 'Database',
  configuration: 'Configuration',
  tokens: 'Tokens and keys',
  login: 'Login flows',
  rateLimits: 'Rate limits',
  sandboxes: 'Sandboxes',
  jobs: 'Jobs and search',
  mcp: 'MCP',
} as const;
export type SettingGroup = keyof typeof SETTING_GROUPS;

/** One setting's documentation: README cells in Markdown (a `|` inside a cell is written `\|`). */
export interface SettingDoc {
  group: SettingGroup;
  /** The default as people read it (`unset`, `` `8000` ``, what happens when unset). */
  defaultText: string;
  meaning: string;
}

/** Every setting's documentation, keyed by the schema's keys (README order within a group). */
export const SETTINGS_DOC = {
  PORT: {
    group: 'server',
    defaultText: '`8000`',
    meaning: 'TCP port to listen on (`0` picks a free one; the `listening` log line shows it).',
  },
  HOST: {
    group: 'server',
    defaultText: '`0.0.0.0`',
    meaning: 'Address to bind.',
  },
  DIRACX_MIN_CLIENT_VERSION: {
    group: 'server',
    defaultText: '`0.0.1a1`',
    meaning: 'Oldest `DiracX-Client-Version` accepted (PEP 440); older clients get 400 as in DiracX.',
  },
  DIRACX_CORS_ORIGINS: {
    group: 'server',
    defaultText: '`http(s)://localhost:8000,http(s)://localhost:3000`',
    meaning: "Comma-separated browser origins allowed by CORS (DiracX's defaults).",
  },
  DIRACX_ACCESS_LOG: {
    group: 'server',
    defaultText: '`true`',
    meaning: 'One JSON access-log line per request (method, path, status, duration, request id).',
  },
  DIRACX_DEV_CRASH_ON_MISSED_ACCESS_POLICY: {
    group: 'server',
    defaultText: '`false`',
    meaning: 'Answer 500 when a route declared a policy and answered without calling it (development, CI).',
  },
  DIRACX_MAX_REQUEST_BODY_BYTES: {
    group: 'server',
    defaultText: '`16777216` (16 MiB)',
    meaning:
      'Largest request body accepted anywhere (413 beyond it); sandbox uploads to the local store may be as ' +
      'large as `DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES`.',
  },
  DIRACX_SHUTDOWN_GRACE_SECONDS: {
    group: 'deployment',
    defaultText: '`10`',
    meaning: 'On `SIGTERM`/`SIGINT`, how long in-flight requests may finish before connections are closed.',
  },
  DIRACX_SHUTDOWN_LAME_DUCK_SECONDS: {
    group: 'deployment',
    defaultText: '`0`',
    meaning:
      'On `SIGTERM`/`SIGINT`, first keep serving this long with `Connection: close` on every response, so ' +
      "that a reverse proxy's keep-alive pool stops reusing our connections before we stop listening (its " +
      'requests then go to other instances instead of failing). Behind a proxy with keep-alive, `2`; see ' +
      '`deploy/README.md`.',
  },
  DIRACX_FORWARDED_ALLOW_IPS: {
    group: 'deployment',
    defaultText: '`127.0.0.1,::1`',
    meaning:
      'Comma-separated addresses of our reverse proxies (exact addresses). From these peers only: ' +
      '`X-Forwarded-For` names the caller (for the rate limits), and `X-Forwarded-Proto` (`http`/`https`), ' +
      '`X-Forwarded-Host` (`host[:port]`) and `X-Forwarded-Prefix` (a clean path such as `/diracx`) give ' +
      'the public URL used in discovery documents, redirects and the `/mcp` Host check; malformed values ' +
      'are ignored. From other peers they are all ignored. See `deploy/README.md`.',
  },
  DATABASE_URL: {
    group: 'database',
    defaultText: 'unset',
    meaning: '`postgres://user:password@host:port/db`. Unset: the embedded database.',
  },
  DIRACX_DB_URL_AUTHDB: {
    group: 'database',
    defaultText: 'unset',
    meaning:
      "DiracX's AuthDB on MySQL/MariaDB, as DiracX reads it (`mysql+aiomysql://user:password@host:port/AuthDB` " +
      'or `mysql://…`): shared with a DiracX installation beside us. The seven `DIRACX_DB_URL_*` and ' +
      '`DIRACX_OWN_DB_URL` go together, on one server as one user, instead of `DATABASE_URL`. We never ' +
      "alter DiracX's tables; in empty databases the server (or `bun run migrate`) creates them as DiracX's " +
      '`init-sql` does. Served by the server process, not by a worker; tested on MariaDB, not on MySQL ' +
      'proper (`docs/co-deployment.md`, "Databases").',
  },
  DIRACX_DB_URL_JOBDB: {
    group: 'database',
    defaultText: 'unset',
    meaning: "DiracX's JobDB on MySQL/MariaDB (see `DIRACX_DB_URL_AUTHDB`).",
  },
  DIRACX_DB_URL_JOBLOGGINGDB: {
    group: 'database',
    defaultText: 'unset',
    meaning: "DiracX's JobLoggingDB on MySQL/MariaDB (see `DIRACX_DB_URL_AUTHDB`).",
  },
  DIRACX_DB_URL_SANDBOXMETADATADB: {
    group: 'database',
    defaultText: 'unset',
    meaning: "DiracX's SandboxMetadataDB on MySQL/MariaDB (see `DIRACX_DB_URL_AUTHDB`).",
  },
  DIRACX_DB_URL_TASKQUEUEDB: {
    group: 'database',
    defaultText: 'unset',
    meaning: "DiracX's TaskQueueDB on MySQL/MariaDB (see `DIRACX_DB_URL_AUTHDB`).",
  },
  DIRACX_DB_URL_PILOTAGENTSDB: {
    group: 'database',
    defaultText: 'unset',
    meaning: "DiracX's PilotAgentsDB on MySQL/MariaDB (see `DIRACX_DB_URL_AUTHDB`).",
  },
  DIRACX_DB_URL_RESOURCESTATUSDB: {
    group: 'database',
    defaultText: 'unset',
    meaning: "DiracX's ResourceStatusDB on MySQL/MariaDB (see `DIRACX_DB_URL_AUTHDB`).",
  },
  DIRACX_OWN_DB_URL: {
    group: 'database',
    defaultText: 'unset',
    meaning:
      '`mysql://user:password@host:port/db`: with the `DIRACX_DB_URL_*`, the MySQL database of our own ' +
      "tables (OAuth clients, client assertions, extensions' migrations and tables, what DiracX lacks), " +
      "migrated by us under `GET_LOCK`; a database of its own, never one of DiracX's.",
  },
  DIRACX_DB_POOL_SIZE: {
    group: 'database',
    defaultText: '`10`',
    meaning: 'Connections per process in the PostgreSQL pool.',
  },
  DIRACX_DB_STATEMENT_TIMEOUT_MS: {
    group: 'database',
    defaultText: '`30000`',
    meaning:
      "Longest one database statement of a request may run (PostgreSQL's `statement_timeout`; enforced the " +
      'same way on the embedded database); a statement past it is cancelled and the request answers 503 ' +
      'with `Retry-After` (MCP: `UNAVAILABLE`). `0`: no limit. Migrations run without it.',
  },
  DIRACX_DATA_DIR: {
    group: 'database',
    defaultText: '`./.data`',
    meaning: 'Directory of the embedded (PGlite) database; `memory://` keeps it in memory only.',
  },
  DIRACX_CONFIG: {
    group: 'configuration',
    defaultText: '`src/config/default.yml`',
    meaning:
      "The DiracX configuration (YAML or JSON, DiracX's own format: `DIRAC`, `Registry`, `Operations`, `Resources`).",
  },
  DIRACX_CONFIG_BACKEND_URL: {
    group: 'configuration',
    defaultText: 'unset',
    meaning:
      "DiracX's configuration repository, read as DiracX reads it, instead of `DIRACX_CONFIG` (setting both " +
      'stops the start): `git+file:///path` (shared with DiracX), `git+https://host/repo` (cloned, fetched ' +
      'at each poll) or an absolute path, with `?revision=<branch>` (default `master`). The configuration ' +
      'is `default.yml` of that commit; `GET /api/config/` serves the commit sha as `ETag` and its time ' +
      'as `Last-Modified`, as DiracX. A commit that is not a valid configuration is logged and the last ' +
      'good one stays in service. See `docs/co-deployment.md`.',
  },
  DIRACX_CONFIG_RELOAD_SECONDS: {
    group: 'configuration',
    defaultText: '`5`',
    meaning:
      'How often the configuration file or repository is checked for changes (DiracX checks its ' +
      'repository every 5 s); `0` disables polling (send `SIGHUP` to reload).',
  },
  DIRACX_SERVICE_AUTH_TOKEN_ISSUER: {
    group: 'tokens',
    defaultText: '`http://localhost:$PORT`',
    meaning:
      'Our issuer identifier (`iss` of the tokens we sign and accept), and our public URL: discovery ' +
      'documents name endpoints under it (unless a trusted proxy gives the public URL), and client ' +
      'assertions must be addressed to it. Set it to the public URL in production.',
  },
  DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: {
    group: 'tokens',
    defaultText: '`$DIRACX_DATA_DIR/keystore.json`, generated on first run',
    meaning:
      'The signing keys, as DiracX: a JWKS of private keys (`kid`, `alg`, `key_ops`), inline JSON, ' +
      '`file:///path` or a path. A file is re-read when it changes, so rotations need no restart.',
  },
  DIRACX_SERVICE_AUTH_TOKEN_ALLOWED_ALGORITHMS: {
    group: 'tokens',
    defaultText: '`["RS256","Ed25519","EdDSA"]`',
    meaning: 'JSON list of algorithms accepted on tokens (never `none` or HMAC).',
  },
  DIRACX_SERVICE_AUTH_ACCESS_TOKEN_EXPIRE_MINUTES: {
    group: 'tokens',
    defaultText: '`20`',
    meaning: 'Lifetime of access tokens from the login flows.',
  },
  DIRACX_SERVICE_AUTH_REFRESH_TOKEN_EXPIRE_MINUTES: {
    group: 'tokens',
    defaultText: '`60`',
    meaning: 'Lifetime of refresh tokens.',
  },
  DIRACX_SERVICE_AUTH_CLOCK_TOLERANCE_SECONDS: {
    group: 'tokens',
    defaultText: '`10`',
    meaning: 'Clock skew tolerated on `exp`/`nbf`.',
  },
  DIRACX_SERVICE_AUTH_JWKS_URL: {
    group: 'tokens',
    defaultText: 'unset',
    meaning:
      "Verifier-only mode: verify tokens against the issuer's JWKS at this URL (cached, refetched on an " +
      'unknown `kid`) instead of holding keys; such a process issues no tokens.',
  },
  DIRACX_SERVICE_AUTH_JWKS_CACHE_SECONDS: {
    group: 'tokens',
    defaultText: '`600`',
    meaning: 'Verifier-only: how long a fetched JWKS is used.',
  },
  DIRACX_SERVICE_AUTH_JWKS_COOLDOWN_SECONDS: {
    group: 'tokens',
    defaultText: '`30`',
    meaning: 'Verifier-only: minimum time between refetches triggered by unknown key ids.',
  },
  DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY: {
    group: 'tokens',
    defaultText: 'unset (disabled)',
    meaning:
      'Hex SHA-256 of the API key legacy DIRAC presents to `GET /api/auth/legacy-exchange`; unset, that ' +
      'endpoint answers 503.',
  },
  DIRACX_SERVICE_AUTH_STATE_KEY: {
    group: 'login',
    defaultText: 'random per process (logged as a development default)',
    meaning:
      "Key sealing the `state` passed through the VO's identity provider: a Fernet key (32 bytes in base64url), " +
      'sealing as DiracX does, so DiracX and we share one. Set it when running several processes or logins ' +
      'break across processes and restarts.',
  },
  DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS: {
    group: 'login',
    defaultText: '`[]`',
    meaning: 'JSON list of the redirect URIs web clients may use in the authorization-code flow.',
  },
  DIRACX_SERVICE_AUTH_DIRAC_CLIENT_ID: {
    group: 'login',
    defaultText: '`myDIRACClientID`',
    meaning: "The OAuth client id of DiracX's own clients (CLI, web).",
  },
  DIRACX_SERVICE_AUTH_DEVICE_FLOW_EXPIRATION_SECONDS: {
    group: 'login',
    defaultText: '`600`',
    meaning: 'How long a device code (and its user code) can be used.',
  },
  DIRACX_SERVICE_AUTH_AUTHORIZATION_FLOW_EXPIRATION_SECONDS: {
    group: 'login',
    defaultText: '`300`',
    meaning: 'How long an authorization-code flow can be completed and its code redeemed.',
  },
  DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES: {
    group: 'login',
    defaultText: '`60`',
    meaning:
      'Flows older than this are deleted by the clean-up (every 5 minutes, with expired refresh tokens); ' +
      'must exceed both expirations.',
  },
  DIRACX_SERVICE_AUTH_CLIENT_REGISTRATION_TTL_DAYS: {
    group: 'login',
    defaultText: '`30`',
    meaning:
      'A dynamically registered client (an MCP client such as Claude or Cursor) unused for this many days ' +
      'is forgotten; every use extends it, and the clean-up deletes expired registrations.',
  },
  DIRACX_DEV_IDP: {
    group: 'login',
    defaultText: '`auto`',
    meaning:
      "The development identity provider at `/dev-idp/<vo>` (a login page listing the VO's users, no " +
      'password; see "Try it"). `auto`: on with the shipped development configuration only; `true`: on with ' +
      'any configuration (it serves the VOs whose `IdP.URL` is `http://localhost:<port>/dev-idp/<vo>`); ' +
      '`false`: off. When on, the issuer must be a loopback URL (`localhost`, `127.0.0.1`, `[::1]`) or the ' +
      'server refuses to start, and its login answers callers on this computer only.',
  },
  DIRACX_SERVICE_AUTH_TOKEN_RATE_LIMIT_PER_MINUTE: {
    group: 'rateLimits',
    defaultText: '`300`',
    meaning:
      'Token endpoint and revocation attempts per minute per `client_id` and caller address, and four times ' +
      'that per caller address whatever the `client_id` (`0`: no limit); above it, 429 with `Retry-After`. ' +
      'Counted per process.',
  },
  DIRACX_SERVICE_AUTH_LOGIN_RATE_LIMIT_PER_MINUTE: {
    group: 'rateLimits',
    defaultText: '`30`',
    meaning:
      'Device authorizations, user-code lookups and authorization requests per minute per `client_id` and ' +
      'caller address, and four times that per caller address whatever the `client_id` (`0`: no limit). ' +
      'Counted per process.',
  },
  DIRACX_SERVICE_AUTH_REGISTRATION_RATE_LIMIT_PER_MINUTE: {
    group: 'rateLimits',
    defaultText: '`10`',
    meaning:
      'Dynamic client registrations (`POST /api/auth/register`, RFC 7591) per minute per caller address ' +
      '(`0`: no limit); above it, 429 with `Retry-After`. Counted per process.',
  },
  DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS: {
    group: 'sandboxes',
    defaultText: 'unset (local store)',
    meaning:
      "DiracX's S3 client arguments as JSON: `aws_access_key_id`, `aws_secret_access_key`, optional " +
      "`endpoint_url` (any S3-compatible server; AWS's regional endpoint by default), `region_name` " +
      '(`us-east-1`), `aws_session_token`. Set: sandboxes live in S3, uploaded and downloaded through ' +
      'presigned URLs. Unset: the local store below.',
  },
  DIRACX_SANDBOX_STORE_BUCKET_NAME: {
    group: 'sandboxes',
    defaultText: '`sandboxes`',
    meaning: 'The S3 bucket (also part of every sandbox PFN, `/S3/<bucket>/...`, with the local store too).',
  },
  DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET: {
    group: 'sandboxes',
    defaultText: '`false`',
    meaning: 'Create the bucket at start when missing; otherwise a missing bucket stops the server, as in DiracX.',
  },
  DIRACX_SANDBOX_STORE_URL_VALIDITY_SECONDS: {
    group: 'sandboxes',
    defaultText: '`300`',
    meaning: 'Lifetime of presigned upload and download URLs.',
  },
  DIRACX_SANDBOX_STORE_SE_NAME: {
    group: 'sandboxes',
    defaultText: '`SandboxSE`',
    meaning: 'Storage element name in full PFNs (`SB:<se>\\|/S3/...`); letters only.',
  },
  DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES: {
    group: 'sandboxes',
    defaultText: '`104857600`',
    meaning: 'Largest sandbox accepted (DiracX hard-codes 100 MiB).',
  },
  DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: {
    group: 'sandboxes',
    defaultText: '`$DIRACX_DATA_DIR/sandboxes` (in memory with `memory://`)',
    meaning: 'Local store: where sandboxes are kept. Share it between processes serving the same database.',
  },
  DIRACX_SANDBOX_STORE_LOCAL_SECRET: {
    group: 'sandboxes',
    defaultText: 'generated into the store directory (random per process in memory)',
    meaning: 'Local store: key signing its upload and download URLs (32 bytes in base64url).',
  },
  DIRACX_SANDBOX_STORE_LOCAL_PUBLIC_URL: {
    group: 'sandboxes',
    defaultText: "the request's origin",
    meaning:
      'Local store: public base URL of this server, for the upload and download URLs it hands out (set it ' +
      'behind a reverse proxy).',
  },
  DIRACX_SANDBOX_STORE_LOCAL_MAX_CONCURRENT_UPLOADS: {
    group: 'sandboxes',
    defaultText: '`8`',
    meaning:
      'Local store: uploads streaming to disk at once, per process; more answer 503 with `Retry-After: 5`. ' +
      'Each streams (its signature checked before the file is read, one chunk in memory at a time), so this ' +
      'bounds open files and disk bandwidth rather than memory.',
  },
  DIRACX_SANDBOX_STORE_CLEAN_AFTER_DAYS: {
    group: 'sandboxes',
    defaultText: '`15`',
    meaning: '`bun run sandbox-clean` deletes unassigned sandboxes not accessed for this many days (DiracX: 15).',
  },
  DIRACX_SEARCH_MAX_CONDITIONS: {
    group: 'jobs',
    defaultText: '`100`',
    meaning:
      'Most filters, sort keys and requested (or grouping) columns together in one job or pilot search or ' +
      'summary (REST and MCP); more is a 400 naming this setting.',
  },
  DIRACX_SEARCH_MAX_PATTERN_LENGTH: {
    group: 'jobs',
    defaultText: '`256`',
    meaning:
      'Longest `like`/`not like`/`regex` pattern in a search, in characters; longer is a 400. Regular ' +
      'expressions are also refused (400) when they hold a construct that backtracks: backreferences, a ' +
      'quantified group holding a quantifier or an alternation (`(a+)+`, `(a\\|b)*`), a quantifier on a ' +
      'quantifier, counts above 100 (`{1000}`).',
  },
  DIRACX_SEARCH_MAX_VALUES: {
    group: 'jobs',
    defaultText: '`10000`',
    meaning:
      'Most `in`/`not in` values in one search or summary, all filters together (at most `60000`, below ' +
      "PostgreSQL's bound-parameter limit); more is a 400.",
  },
  DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES: {
    group: 'jobs',
    defaultText: '`262144` (256 KiB)',
    meaning:
      'Largest JDL of one job (UTF-8 bytes as stored, after parametric expansion); a submission with a ' +
      "larger one is refused with 400 before any job is built. 4x DiracX's own column (MySQL `TEXT`), 100x " +
      'a typical production JDL.',
  },
  DIRACX_JOB_SUBMISSION_MAX_TOTAL_BYTES: {
    group: 'jobs',
    defaultText: '`67108864` (64 MiB)',
    meaning:
      'Largest sum of the JDLs of one submission (10 000 production jobs of ~6 KiB); a parametric JDL is ' +
      'sized from its template and values before it is expanded, and refused with 400 beyond this.',
  },
  DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS: {
    group: 'jobs',
    defaultText: '`300`',
    meaning:
      'Status updates (`PATCH /api/jobs/status`, the MCP status tools) stamped more than this many seconds ' +
      "ahead of the server's clock are refused with 422 and nothing is recorded: a record from the far " +
      "future would be the job's latest forever and pin its status.",
  },
  DIRACX_SERVE_JOB_PARAMETERS: {
    group: 'jobs',
    defaultText: '`true`, `false` when `DIRACX_DB_URL_JOBDB` or `DIRACX_OS_DB_JOBPARAMETERSDB` is set',
    meaning:
      'Serve the routes that write job parameters, `PATCH /api/jobs/heartbeat` and `PATCH /api/jobs/metadata` ' +
      '(we keep them in our own database). `false`: those two paths are not ours (404; beside DiracX, the ' +
      'proxy sends them to DiracX). `true` beside DiracX (`DIRACX_DB_URL_JOBDB` or ' +
      '`DIRACX_OS_DB_JOBPARAMETERSDB` set) stops the start: DiracX keeps job parameters in OpenSearch, which ' +
      'we do not write (`docs/co-deployment.md`).',
  },
  DIRACX_OS_DB_JOBPARAMETERSDB: {
    group: 'jobs',
    defaultText: 'unset',
    meaning:
      "DiracX's OpenSearch connection of its job parameters. We never connect to it; when it is set (an " +
      'environment shared with DiracX), our job-parameter routes are off (`DIRACX_SERVE_JOB_PARAMETERS`).',
  },
  DIRACX_MCP_RESOURCE_URL: {
    group: 'mcp',
    defaultText: '`$DIRACX_SERVICE_AUTH_TOKEN_ISSUER/mcp`',
    meaning: 'The public URL of `/mcp` (the audience its tokens carry).',
  },
  DIRACX_MCP_ALLOWED_HOSTS: {
    group: 'mcp',
    defaultText: "that URL's host, plus `localhost`/`127.0.0.1`/`[::1]` on `PORT`",
    meaning: 'Comma-separated `host:port` values accepted in `Host` (DNS-rebinding protection; others get 403).',
  },
  DIRACX_MCP_ALLOWED_ORIGINS: {
    group: 'mcp',
    defaultText: "that URL's origin",
    meaning: 'Browser origins accepted in `Origin`.',
  },
  DIRACX_MCP_CONFIRM_THRESHOLD: {
    group: 'mcp',
    defaultText: '`10`',
    meaning:
      'Destructive calls touching more jobs run only once confirmed for exactly that call: a form ' +
      'elicitation when the client can ask, otherwise a first call that changes nothing and answers a ' +
      '`confirmation_token` for a second, identical call (`docs/clients.md`).',
  },
  DIRACX_MCP_RATE_LIMIT_PER_MINUTE: {
    group: 'mcp',
    defaultText: '`600`',
    meaning:
      'Calls per minute to `/mcp` per caller (token subject and OAuth client), and four times that per ' +
      'subject across its clients (`0`: no limit); a JSON-RPC batch counts as its calls and is refused ' +
      'whole when they do not fit; above it, 429 with `Retry-After`. Counted per process.',
  },
  DIRACX_MCP_INLINE_FILES_MAX_BYTES: {
    group: 'mcp',
    defaultText: '`10485760` (10 MiB)',
    meaning:
      'Largest total (decoded) size of the files one `create_sandbox` or `submit_job` call takes inline; ' +
      'they travel base64-encoded or as JSON text in the request, so `DIRACX_MAX_REQUEST_BODY_BYTES` must ' +
      'allow about 4/3 of it.',
  },
} as const satisfies Record<keyof Settings, SettingDoc>;

export const SETTINGS_BEGIN = '<!-- settings:begin -->';
export const SETTINGS_END = '<!-- settings:end -->';

/** The generated section: one table per group, each under a small heading. */
export function renderSettingsTables(): string {
  const docs: [string, SettingDoc][] = Object.entries(SETTINGS_DOC);
  const parts: string[] = [];
  for (const [group, title] of Object.entries(SETTING_GROUPS)) {
    const rows = docs.filter(([, doc]) => doc.group === group);
    if (rows.length === 0) continue;
    parts.push(
      [
        `### ${title}`,
        '',
        '| variable | default | meaning |',
        '|---|---|---|',
        ...rows.map(([name, doc]) => `| \`${name}\` | ${doc.defaultText} | ${doc.meaning} |`),
      ].join('\n'),
    );
  }
  return parts.join('\n\n');
}

/** `readme` with the text between the settings markers replaced by the generated tables. */
export function withSettingsTables(readme: string): string {
  const begin = readme.indexOf(SETTINGS_BEGIN);
  const end = readme.indexOf(SETTINGS_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${SETTINGS_BEGIN} ... ${SETTINGS_END} section`);
  return `${readme.slice(0, begin + SETTINGS_BEGIN.length)}\n${renderSettingsTables()}\n${readme.slice(end)}`;
}
