/**
 * @module settings
 * Server settings from environment variables, validated with zod once at start. DiracX's
 * variable names are used where DiracX has one. A wrong value becomes one line naming the
 * variable and what it expects. Only `src/server.ts` and CLI entry points read the environment.
 */
import { z } from 'zod';
import { ConfigBackendUrlError, parseConfigBackendUrl } from './config/backend-url.ts';
import { decodeBase64Url } from './logic/auth/encoding.ts';
import { DEFAULT_AUTH_FLOW_SETTINGS as FLOWS } from './logic/auth/flows/flow-context.ts';
import { DEFAULT_STATUS_MAX_FUTURE_SECONDS } from './logic/jobs/status-times.ts';
import { DEFAULT_SUBMISSION_LIMITS } from './logic/jobs/submission-limits.ts';
import { DEFAULT_SEARCH_LIMITS } from './logic/jobs/search-limits.ts';
import { parseVersion } from './logic/pep440.ts';
import { DEFAULT_MAX_SANDBOX_SIZE_BYTES } from './logic/sandboxes/models.ts';
import {
  DEFAULT_MCP_CONFIRM_THRESHOLD,
  DEFAULT_MCP_INLINE_FILES_MAX_BYTES,
  DEFAULT_MCP_RATE_LIMIT_PER_MINUTE,
} from './mcp/options.ts';
import { DEFAULT_MAX_BODY_BYTES } from './routes/middleware/body-limit.ts';
import { DEFAULT_MAX_CONCURRENT_UPLOADS } from './storage/local-store.ts';
import { parseMysqlUrl } from './db/mysql/urls.ts';
import { checkMysqlSettings, DB_URL_SETTINGS, OWN_DB_URL_SETTING } from './mysql-settings.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `auto`, or a boolean as `booleanFromEnv` reads one. */
const autoOrBooleanFromEnv = z
  .enum(['auto', 'true', 'false', '1', '0', 'yes', 'no'], { error: 'expected auto, true or false' })
  .transform((v) => (v === 'auto' ? ('auto' as const) : v === 'true' || v === '1' || v === 'yes'));

const integerFromEnv = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `expected an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `expected an integer from ${min} to ${max}` })
        .max(max, { error: `expected an integer from ${min} to ${max}` }),
    );

const jsonStringList = (fallback: string[]) =>
  z
    .string()
    .transform((v, ctx) => {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
      } catch {
        // reported below
      }
      ctx.issues.push({ code: 'custom', message: 'expected a JSON list of strings', input: v });
      return z.NEVER;
    })
    .default(fallback);

/** A 32-byte key in base64url (a DiracX Fernet key, e.g. from `Fernet.generate_key()`, is one). */
const stateKey = z
  .string()
  .refine((v) => decodeBase64Url(v)?.length === 32, { error: 'expected 32 bytes in base64url (a Fernet key)' });

const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const httpUrl = z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v), { error: 'expected an http(s) URL' });

/** A DiracX database URL (`mysql+aiomysql://…/Name` or `mysql://…`). */
const mysqlUrl = z.string().superRefine((v, ctx) => {
  const parsed = parseMysqlUrl(v);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), { error: 'expected a postgres:// or postgresql:// URL' });

/** DiracX's `DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS` (the S3 client's keyword arguments), as JSON. */
const s3ClientKwargs = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.issues.push({ code: 'custom', message: 'expected a JSON object', input: v });
      return z.NEVER;
    }
  })
  .pipe(
    // Other client options DiracX deployments may pass (e.g. botocore `config`) are ignored.
    z.object(
      {
        endpoint_url: httpUrl.optional(),
        aws_access_key_id: z.string().min(1),
        aws_secret_access_key: z.string().min(1),
        aws_session_token: z.string().min(1).optional(),
        region_name: z.string().min(1).default('us-east-1'),
      },
      {
        error:
          'expected a JSON object with aws_access_key_id, ' +
          'aws_secret_access_key, and optionally endpoint_url, region_name',
      },
    ),
  );

/** DiracX's `DIRACX_CONFIG_BACKEND_URL`, parsed (`config/backend-url.ts`). */
const configBackendUrl = z.string().transform((v, ctx) => {
  try {
    return parseConfigBackendUrl(v);
  } catch (err) {
    if (!(err instanceof ConfigBackendUrlError)) throw err;
    ctx.issues.push({ code: 'custom', message: err.message, input: v });
    return z.NEVER;
  }
});

/** Pydantic reads booleans case-insensitively (`True` is common in DiracX deployments). */
const pyBooleanFromEnv = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(booleanFromEnv);

/** Every variable the server reads, with its default. The README documents each one. */
const SETTINGS_SHAPE = {
  PORT: integerFromEnv(0, 65535).default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  DIRACX_DB_URL_AUTHDB: mysqlUrl.optional(),
  DIRACX_DB_URL_JOBDB: mysqlUrl.optional(),
  DIRACX_DB_URL_JOBLOGGINGDB: mysqlUrl.optional(),
  DIRACX_DB_URL_SANDBOXMETADATADB: mysqlUrl.optional(),
  DIRACX_DB_URL_TASKQUEUEDB: mysqlUrl.optional(),
  DIRACX_DB_URL_PILOTAGENTSDB: mysqlUrl.optional(),
  DIRACX_DB_URL_RESOURCESTATUSDB: mysqlUrl.optional(),
  DIRACX_OWN_DB_URL: mysqlUrl.optional(),
  DIRACX_DB_POOL_SIZE: integerFromEnv(1, 1000).default(10),
  DIRACX_DB_STATEMENT_TIMEOUT_MS: integerFromEnv(0, 86_400_000).default(30_000),
  DIRACX_SEARCH_MAX_CONDITIONS: integerFromEnv(1, 10_000).default(DEFAULT_SEARCH_LIMITS.maxConditions),
  DIRACX_SEARCH_MAX_PATTERN_LENGTH: integerFromEnv(1, 100_000).default(DEFAULT_SEARCH_LIMITS.maxPatternLength),
  // Below PostgreSQL's 65 535 bound parameters per statement.
  DIRACX_SEARCH_MAX_VALUES: integerFromEnv(1, 60_000).default(DEFAULT_SEARCH_LIMITS.maxValues),
  DIRACX_DATA_DIR: z.string().min(1).default('./.data'),
  DIRACX_CONFIG: z.string().min(1).optional(),
  DIRACX_CONFIG_BACKEND_URL: configBackendUrl.optional(),
  DIRACX_CONFIG_RELOAD_SECONDS: integerFromEnv(0, 86400).default(5),
  DIRACX_DEV_IDP: autoOrBooleanFromEnv.default('auto'),
  DIRACX_MIN_CLIENT_VERSION: z
    .string()
    .refine((v) => parseVersion(v) !== undefined, { error: 'expected a PEP 440 version such as 0.0.1a1' })
    .default('0.0.1a1'),
  DIRACX_CORS_ORIGINS: z
    .string()
    .default('http://localhost:8000,https://localhost:8000,http://localhost:3000,https://localhost:3000')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  DIRACX_ACCESS_LOG: booleanFromEnv.default(true),
  DIRACX_SHUTDOWN_GRACE_SECONDS: integerFromEnv(0, 3600).default(10),
  DIRACX_SHUTDOWN_LAME_DUCK_SECONDS: integerFromEnv(0, 600).default(0),
  DIRACX_SERVICE_AUTH_TOKEN_ISSUER: httpUrl.optional(),
  DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: z.string().min(1).optional(),
  DIRACX_SERVICE_AUTH_TOKEN_ALLOWED_ALGORITHMS: jsonStringList(['RS256', 'Ed25519', 'EdDSA']).refine(
    (algs) => algs.length > 0 && algs.every((a) => a !== 'none' && !a.startsWith('HS')),
    { error: 'expected asymmetric algorithms (no "none", no HMAC)' },
  ),
  DIRACX_SERVICE_AUTH_ACCESS_TOKEN_EXPIRE_MINUTES: integerFromEnv(1, 1440).default(FLOWS.accessTokenExpireMinutes),
  DIRACX_SERVICE_AUTH_REFRESH_TOKEN_EXPIRE_MINUTES: integerFromEnv(1, 525600).default(FLOWS.refreshTokenExpireMinutes),
  DIRACX_SERVICE_AUTH_CLOCK_TOLERANCE_SECONDS: integerFromEnv(0, 300).default(10),
  DIRACX_SERVICE_AUTH_JWKS_URL: httpUrl.optional(),
  DIRACX_SERVICE_AUTH_JWKS_CACHE_SECONDS: integerFromEnv(1, 86400).default(600),
  DIRACX_SERVICE_AUTH_JWKS_COOLDOWN_SECONDS: integerFromEnv(0, 3600).default(30),
  DIRACX_DEV_CRASH_ON_MISSED_ACCESS_POLICY: booleanFromEnv.default(false),
  DIRACX_MCP_RESOURCE_URL: httpUrl.optional(),
  DIRACX_MCP_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ?.split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  DIRACX_MCP_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  DIRACX_MCP_CONFIRM_THRESHOLD: integerFromEnv(0, 100000).default(DEFAULT_MCP_CONFIRM_THRESHOLD),
  DIRACX_MCP_RATE_LIMIT_PER_MINUTE: integerFromEnv(0, 1_000_000).default(DEFAULT_MCP_RATE_LIMIT_PER_MINUTE),
  DIRACX_MCP_INLINE_FILES_MAX_BYTES: integerFromEnv(1, 1024 ** 3).default(DEFAULT_MCP_INLINE_FILES_MAX_BYTES),
  DIRACX_SERVICE_AUTH_STATE_KEY: stateKey.optional(),
  DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS: jsonStringList([...FLOWS.allowedRedirects]),
  DIRACX_SERVICE_AUTH_DIRAC_CLIENT_ID: z.string().min(1).default(FLOWS.diracClientId),
  DIRACX_SERVICE_AUTH_DEVICE_FLOW_EXPIRATION_SECONDS: integerFromEnv(1, 86400).default(
    FLOWS.deviceFlowExpirationSeconds,
  ),
  DIRACX_SERVICE_AUTH_AUTHORIZATION_FLOW_EXPIRATION_SECONDS: integerFromEnv(1, 86400).default(
    FLOWS.authorizationFlowExpirationSeconds,
  ),
  DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES: integerFromEnv(1, 525600).default(
    FLOWS.completedFlowRetentionMinutes,
  ),
  DIRACX_SERVICE_AUTH_TOKEN_RATE_LIMIT_PER_MINUTE: integerFromEnv(0, 1_000_000).default(FLOWS.tokenRateLimitPerMinute),
  DIRACX_SERVICE_AUTH_LOGIN_RATE_LIMIT_PER_MINUTE: integerFromEnv(0, 1_000_000).default(FLOWS.loginRateLimitPerMinute),
  DIRACX_SERVICE_AUTH_REGISTRATION_RATE_LIMIT_PER_MINUTE: integerFromEnv(0, 1_000_000).default(
    FLOWS.registrationRateLimitPerMinute,
  ),
  DIRACX_SERVICE_AUTH_CLIENT_REGISTRATION_TTL_DAYS: integerFromEnv(1, 3650).default(FLOWS.clientRegistrationTtlDays),
  DIRACX_FORWARDED_ALLOW_IPS: commaList(FLOWS.trustedProxies.join(',')),
  DIRACX_MAX_REQUEST_BODY_BYTES: integerFromEnv(1024, 1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES: integerFromEnv(1024, 1024 * 1024 * 1024).default(
    DEFAULT_SUBMISSION_LIMITS.maxJobBytes,
  ),
  DIRACX_JOB_SUBMISSION_MAX_TOTAL_BYTES: integerFromEnv(1024, 16 * 1024 * 1024 * 1024).default(
    DEFAULT_SUBMISSION_LIMITS.maxTotalBytes,
  ),
  DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected the hex SHA-256 of the API key (64 hex digits)' })
    .transform((v) => v.toLowerCase())
    .optional(),
  DIRACX_SANDBOX_STORE_BUCKET_NAME: z
    .string()
    .regex(/^[a-z0-9.-]{3,63}$/, { error: 'expected an S3 bucket name (3-63 of a-z 0-9 . -)' })
    .default('sandboxes'),
  DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS: s3ClientKwargs.optional(),
  DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET: pyBooleanFromEnv.default(false),
  DIRACX_SANDBOX_STORE_URL_VALIDITY_SECONDS: integerFromEnv(1, 604800).default(300),
  // Letters only: a full PFN `SB:<se>|...` must match DiracX's SANDBOX_PFN_REGEX.
  DIRACX_SANDBOX_STORE_SE_NAME: z
    .string()
    .regex(/^[A-Za-z]+$/, { error: 'expected letters only' })
    .default('SandboxSE'),
  DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES: integerFromEnv(1, 5 * 1024 ** 3).default(DEFAULT_MAX_SANDBOX_SIZE_BYTES),
  DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: z.string().min(1).optional(),
  DIRACX_SANDBOX_STORE_LOCAL_SECRET: stateKey.optional(),
  DIRACX_SANDBOX_STORE_LOCAL_PUBLIC_URL: httpUrl.optional(),
  DIRACX_SANDBOX_STORE_LOCAL_MAX_CONCURRENT_UPLOADS: integerFromEnv(1, 100_000).default(DEFAULT_MAX_CONCURRENT_UPLOADS),
  DIRACX_SANDBOX_STORE_CLEAN_AFTER_DAYS: integerFromEnv(0, 36500).default(15),
  // DiracX's OpenSearch connection of its JobParametersDB: we never connect; its presence says the
  // environment is shared with a DiracX installation whose job parameters are in OpenSearch.
  DIRACX_OS_DB_JOBPARAMETERSDB: z.string().min(1).optional(),
  DIRACX_SERVE_JOB_PARAMETERS: booleanFromEnv.optional(),
  DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS: integerFromEnv(0, 86400).default(DEFAULT_STATUS_MAX_FUTURE_SECONDS),
} as const;

/** Values never echoed in errors: they may carry passwords. */
const SECRET_SETTINGS = new Set([
  'DATABASE_URL',
  ...Object.values(DB_URL_SETTINGS),
  OWN_DB_URL_SETTING,
  // A git+https URL may carry a token.
  'DIRACX_CONFIG_BACKEND_URL',
  'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE',
  'DIRACX_SERVICE_AUTH_STATE_KEY',
  'DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY',
  'DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS',
  'DIRACX_SANDBOX_STORE_LOCAL_SECRET',
  'DIRACX_OS_DB_JOBPARAMETERSDB',
]);

export const SettingsSchema = z.object(SETTINGS_SHAPE).superRefine((s, ctx) => {
  checkMysqlSettings(s, ctx);
  const besideDiracx = jobParametersInOpenSearch(s);
  if (s.DIRACX_SERVE_JOB_PARAMETERS === true && besideDiracx) {
    ctx.addIssue({
      code: 'custom',
      path: ['DIRACX_SERVE_JOB_PARAMETERS'],
      message: jobParametersNeedOpenSearch(besideDiracx),
    });
  }
  if (s.DIRACX_CONFIG !== undefined && s.DIRACX_CONFIG_BACKEND_URL !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DIRACX_CONFIG_BACKEND_URL'],
      message:
        'cannot be used together with DIRACX_CONFIG: set DIRACX_CONFIG_BACKEND_URL to share a DiracX ' +
        'configuration repository, or DIRACX_CONFIG for a file of our own, not both',
    });
  }
  // DiracX's check: a flow must not be deleted while it can still be completed.
  const retentionSeconds = s.DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES * 60;
  const longestFlow = Math.max(
    s.DIRACX_SERVICE_AUTH_DEVICE_FLOW_EXPIRATION_SECONDS,
    s.DIRACX_SERVICE_AUTH_AUTHORIZATION_FLOW_EXPIRATION_SECONDS,
  );
  if (retentionSeconds <= longestFlow) {
    ctx.addIssue({
      code: 'custom',
      path: ['DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES'],
      message: `must be longer than the device and authorization flow expirations (${longestFlow} s)`,
    });
  }
});
export type Settings = z.output<typeof SettingsSchema>;

/** Why job-parameter routes cannot be served beside DiracX (`docs/co-deployment.md`). */
const jobParametersNeedOpenSearch = (setting: string): string =>
  `cannot be true while ${setting} is set: DiracX keeps job parameters in OpenSearch, which this server ` +
  'does not write, so PATCH /api/jobs/heartbeat and /api/jobs/metadata must be served by DiracX (unset it ' +
  'or set false; see docs/co-deployment.md)';

/**
 * The setting that says we run beside DiracX, whose job parameters are in OpenSearch: its JobDB
 * (`DIRACX_DB_URL_JOBDB`) or its OpenSearch connection in our environment; undefined standalone.
 */
function jobParametersInOpenSearch(
  s: Pick<Settings, 'DIRACX_DB_URL_JOBDB' | 'DIRACX_OS_DB_JOBPARAMETERSDB'>,
): string | undefined {
  if (s.DIRACX_DB_URL_JOBDB !== undefined) return 'DIRACX_DB_URL_JOBDB';
  if (s.DIRACX_OS_DB_JOBPARAMETERSDB !== undefined) return 'DIRACX_OS_DB_JOBPARAMETERSDB';
  return undefined;
}

/**
 * Whether we serve the routes that write job parameters: as set, or by default unless we run
 * beside DiracX (on its JobDB, or with its OpenSearch connection in our environment).
 */
export function servesJobParameters(settings: Settings): boolean {
  return settings.DIRACX_SERVE_JOB_PARAMETERS ?? jobParametersInOpenSearch(settings) === undefined;
}

/** Thrown with one line per wrong variable, each naming it and what it expects. */
export class SettingsError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('; '));
    this.name = 'SettingsError';
  }
}

/** Parses the settings out of an environment; empty strings count as unset. */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(SETTINGS_SHAPE)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = SettingsSchema.safeParse(relevant);
  if (result.success) return result.data;
  throw new SettingsError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const shown = SECRET_SETTINGS.has(name) ? '<redacted>' : JSON.stringify(relevant[name] ?? '');
      return `${name}=${shown} is invalid: ${issue.message}`;
    }),
  );
}
