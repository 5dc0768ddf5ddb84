import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Raised at boot when a variable is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The sections of docs/configuration.md and .env.example, in this order. */
export const CONFIG_SECTIONS = [
  'Server',
  'Database',
  'Auth',
  'Rate limits',
  'HTTP',
  'Storage',
  'Events',
  'Jobs',
  'Webhooks',
  'Email',
  'Imports',
  'Billing',
] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

// What configSchema's .meta() carries besides `description`; z.toJSONSchema copies every
// field into the variable's JSON Schema, which is what `npm run config:docs` renders.
declare module 'zod' {
  interface GlobalMeta {
    /** The docs section that lists the variable. */
    section?: ConfigSection;
    /** The allowed values in words, where the JSON Schema alone does not say them (a pattern, a list). */
    allowed?: string;
    /** The default that loadConfig() works out when the variable is unset and the schema has none. */
    derivedDefault?: string;
  }
}

// Defaults are given as input strings (.prefault), so that the JSON Schema of the input shows them.
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
/** A string matching `pattern`; `meaning` words it once, for the error message and the docs. */
const matching = (pattern: RegExp, meaning: string) =>
  z.string().regex(pattern, `must be ${meaning}`).meta({ allowed: meaning });

/**
 * Every variable the app reads, with its description: docs/configuration.md and .env.example
 * are generated from this schema (`npm run config:docs`), so edit them here.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').meta({
    section: 'Server',
    description:
      'Runtime mode. `production` refuses to start without a way to verify tokens (see the rules across variables) and never generates a development JWT secret.',
  }),
  HOST: z.string().min(1).default('0.0.0.0').meta({
    section: 'Server',
    description: 'Interface to listen on: a host name or IP address.',
  }),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).meta({
    section: 'Server',
    description: 'TCP port to listen on.',
  }),
  DATABASE_URL: matching(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional()
    .meta({
      section: 'Database',
      description: 'Postgres connection string. Unset: the embedded PGlite database in `DATA_DIR/pglite`.',
    }),
  DATABASE_DIRECT_URL: matching(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional()
    .meta({
      section: 'Database',
      description:
        "A direct, session-mode connection to the same database, for what needs a session of its own: `LISTEN` for the event stream's fan-out, and the job runner (pg-boss, which keeps its tables in schema `pgboss`). Supabase's pooler in transaction mode (port 6543) cannot hold them: use the direct connection (port 5432) or the session pooler.",
      derivedDefault: '`DATABASE_URL`',
    }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10).meta({
    section: 'Database',
    description: 'Maximum connections in the pg pool (Postgres only).',
  }),
  DATABASE_PREPARED_STATEMENTS: bool.optional().meta({
    section: 'Database',
    description:
      "Send the SQL layer's statements as named prepared statements, parsed and planned once per connection (about a third of the database CPU they cost unnamed). Must be `false` behind a pooler in transaction mode (PgBouncer, Supabase's pooler on port 6543): the next transaction may run on a server connection that never prepared them.",
    derivedDefault:
      "`false` when `DATABASE_URL` uses port 6543 (Supabase's transaction pooler) or has `pgbouncer=true` (Prisma's marker for such poolers), else `true`",
  }),
  DATABASE_TX_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000).meta({
    section: 'Database',
    description:
      'Timeout of one unit of work (tenant transaction) in milliseconds; past it the transaction is rolled back and the request answers 503.',
  }),
  DATABASE_EXPORT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(600_000).meta({
    section: 'Database',
    description:
      'Timeout of one export (`GET /v1/exports/*`, and each table of an organization export) in milliseconds: its read-only transaction streams rows for at most this long, then the download is cut off (docs/exports.md). On the embedded database other requests wait while an export reads.',
  }),
  DATA_DIR: z.string().min(1).default('./.data').meta({
    section: 'Server',
    description:
      'Writable directory holding the embedded database (`pglite/`), the generated development JWT secret (`dev-jwt-secret`), local attachments (`storage/`) and the key signing their URLs (`storage-signing-key`).',
  }),
  MIGRATE_ON_BOOT: bool.optional().meta({
    section: 'Database',
    description: 'Apply pending migrations at boot.',
    derivedDefault: '`true` without `DATABASE_URL`, else `false`',
  }),
  SUPABASE_URL: z
    .url()
    .optional()
    .meta({
      section: 'Auth',
      description:
        'Supabase project URL. Enables RS256/ES256 access tokens, verified with the keys at `SUPABASE_URL/auth/v1/.well-known/jwks.json`, and is the Storage endpoint of the Supabase driver.',
      examples: ['https://<project-ref>.supabase.co'],
    }),
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional().meta({
    section: 'Auth',
    description: 'Supabase JWT secret. Enables HS256 Supabase access tokens.',
  }),
  JWT_AUDIENCE: z.string().min(1).default('authenticated').meta({
    section: 'Auth',
    description: 'The `aud` claim every access token must carry; also written into embedded-auth tokens.',
  }),
  LOCAL_AUTH_ENABLED: bool.prefault('true').meta({
    section: 'Auth',
    description:
      'Embedded auth: serve `/v1/auth/signup` and `/v1/auth/login` and accept their tokens. Set `false` in production with Supabase Auth.',
  }),
  LOCAL_AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional().meta({
    section: 'Auth',
    description:
      'HS256 secret of embedded-auth tokens. Required in production while `LOCAL_AUTH_ENABLED=true`; elsewhere, when unset, one is generated into `DATA_DIR/dev-jwt-secret` and kept across restarts. Not used when `LOCAL_AUTH_ENABLED=false`.',
  }),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(900).meta({
    section: 'Auth',
    description:
      'Lifetime of embedded-auth access tokens, in seconds. Short: a client keeps its session with `POST /v1/auth/refresh` (docs/auth.md).',
  }),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(31_536_000).default(2_592_000).meta({
    section: 'Auth',
    description:
      'Lifetime of an embedded-auth refresh token, in seconds (default 30 days). Each refresh returns a new one with a full lifetime, so a session used at least this often lasts; an idle one ends.',
  }),
  SESSION_STATUS_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30).meta({
    section: 'Auth',
    description:
      "How long each API process takes an embedded session's status on trust before reading it again: a session signed out on another replica stops working there within this many seconds (at once on the replica that signed it out). `0` reads it on every request.",
  }),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30).meta({
    section: 'Rate limits',
    description:
      'Requests per minute per client IP, signed in or not, on each of the strictly limited routes, counted per route: every `/v1/auth/…` route (`signup`, `login`, `refresh`, `logout`, `logout-all`, `verify`, `verify/resend`, `recover`, `reset`), `/v1/me/password`, `/v1/invitations/{token}/accept` and the customer share-link routes `/v1/public/tickets/…`.',
  }),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200).meta({
    section: 'Rate limits',
    description:
      'Requests per minute per signed-in user and organization (`X-Organization-Id`) on every other route, once the bearer token is verified.',
  }),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300).meta({
    section: 'Rate limits',
    description:
      'Requests per minute per client IP without a verified token on every other route. Health probes (`/health`) are not counted.',
  }),
  REDIS_URL: matching(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional()
    .meta({
      section: 'Rate limits',
      description:
        'Keeps the rate-limit counters in Redis, so every API replica draws from one budget; while Redis is unreachable, requests are let through (and logged) rather than refused. Unset: counters in memory, per process.',
    }),
  CORS_ORIGINS: csv.prefault('*').meta({
    section: 'HTTP',
    description: 'Browser origins allowed by CORS; `*` allows any origin.',
    // Not `examples`: z.toJSONSchema drops them from the input side of a transform.
    allowed: '`*`, or origins separated by commas such as `https://app.example.com,https://admin.example.com`',
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({
    section: 'Server',
    description: 'Minimum log level. Logs are JSON lines on stdout, carrying the request id.',
  }),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576).meta({
    section: 'HTTP',
    description:
      'Largest JSON request body, in bytes; larger bodies get 413. Attachment uploads have their own 50 MiB limit.',
  }),
  TRUST_PROXY: bool.prefault('false').meta({
    section: 'HTTP',
    description:
      'Trust `X-Forwarded-*` headers (client IP, used by the rate limits; protocol). Enable only behind a proxy you control.',
  }),
  STORAGE_DRIVER: z.enum(['local', 'supabase']).optional().meta({
    section: 'Storage',
    description:
      'Where ticket attachment bytes go: `local` (files under `DATA_DIR/storage`, served by signed `/v1/files` URLs) or `supabase` (a private Supabase Storage bucket). The local driver keeps files on the machine running the API: with several replicas, give them a shared `DATA_DIR` or use `supabase`.',
    derivedDefault: '`supabase` when `SUPABASE_URL` and `SUPABASE_SERVICE_ROLE_KEY` are both set, else `local`',
  }),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(20, 'must be at least 20 characters').optional().meta({
    section: 'Storage',
    description:
      "The Supabase project's `service_role` key, used by the server only: for Storage (with the `supabase` driver) and for Supabase Auth invitations (`SUPABASE_AUTH_INVITES`). A secret: never logged, never sent to a browser (it bypasses RLS).",
  }),
  SUPABASE_AUTH_INVITES: bool.optional().meta({
    section: 'Auth',
    description:
      '`POST /v1/invitations` also invites the person through Supabase Auth (`auth.admin.inviteUserByEmail`), so Supabase sends its invite email and the person sets a password there; the link returns to `APP_URL/invitations/accept?token=…` (docs/invitations.md). Set `false` when Supabase serves Storage only.',
    derivedDefault: '`true` when `SUPABASE_URL` and `SUPABASE_SERVICE_ROLE_KEY` are both set, else `false`',
  }),
  STORAGE_BUCKET: matching(/^[a-z0-9][a-z0-9._-]{2,62}$/, '3-63 lowercase letters, digits, dots, dashes or underscores')
    .default('ticket-attachments')
    .meta({
      section: 'Storage',
      description:
        'Supabase Storage bucket of attachments; created private (50 MiB limit, allowed MIME types only) on the first upload if missing.',
    }),
  STORAGE_FILES_BUCKET: matching(
    /^[a-z0-9][a-z0-9._-]{2,62}$/,
    '3-63 lowercase letters, digits, dots, dashes or underscores',
  )
    .default('organization-files')
    .meta({
      section: 'Storage',
      description:
        "Supabase Storage bucket of the files the API writes itself: uploaded import CSVs and organization archives (gzip, often over 50 MiB). Created private on first use, without the attachments' MIME allow-list or size limit (the project's upload limit applies).",
    }),
  SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300).meta({
    section: 'Storage',
    description: 'Lifetime of attachment download URLs (either driver), in seconds.',
  }),
  EVENTS_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15).meta({
    section: 'Events',
    description:
      'Seconds between heartbeats (an SSE comment line) on `GET /v1/events/stream`, so proxies and browsers keep an idle stream open.',
  }),
  EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30).meta({
    section: 'Events',
    description:
      'Days the outbox keeps events (GET /v1/events, stream resumption, webhook catch-up); older ones are deleted daily.',
  }),
  EVENTS_STREAM_BUFFER_BYTES: z.coerce.number().int().min(16_384).max(67_108_864).default(1_048_576).meta({
    section: 'Events',
    description:
      'Bytes a stream may have unsent (a client reading slower than events arrive) before the server ends it; the client resumes with `Last-Event-ID`.',
  }),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.prefault('false').meta({
    section: 'Webhooks',
    description:
      'Let webhooks target loopback, private (RFC 1918, IPv6 ULA) and carrier-grade NAT addresses, and plain `http://` URLs: for tests and on-premises receivers only. Link-local, multicast, reserved and cloud metadata addresses (169.254.169.254, fd00:ec2::254, 100.100.100.200, metadata.google.internal…) are refused whatever this says (docs/webhooks.md).',
  }),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000).meta({
    section: 'Webhooks',
    description:
      'How long one delivery attempt may take, from connecting to the end of the response, in milliseconds; past it the attempt fails and is retried.',
  }),
  WEBHOOK_RETRY_SCHEDULE_SECONDS: matching(
    /^\d{1,6}(,\d{1,6}){0,19}$/,
    'up to 20 whole numbers of seconds separated by commas',
  )
    .prefault('5,300,1800,7200,18000,36000,36000')
    .transform((v) => v.split(',').map(Number))
    .meta({
      section: 'Webhooks',
      description:
        'Delays before each retry of a failed delivery, in seconds: by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about 27 hours).',
    }),
  WEBHOOK_MAX_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20).meta({
    section: 'Webhooks',
    description:
      "Deliveries in a row given up on (every retry failed) before a webhook is disabled and the organization's ADMINs are notified; a delivered one resets the count. A 410 Gone answer disables it at once.",
  }),
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1000).meta({
    section: 'Webhooks',
    description:
      "How often this process asks the job runner to turn new outbox events into webhook deliveries, in milliseconds; `0`: never (another process does). The delay from a commit to its webhook's first attempt is at most about this plus the job runner's polling.",
  }),
  WEBHOOK_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(32).meta({
    section: 'Webhooks',
    description: 'Webhook deliveries this process sends at once.',
  }),
  DATA_SOURCE_ENCRYPTION_KEY: matching(
    /^[A-Za-z0-9+/_-]{43}=?$/,
    '32 bytes in base64 or base64url (43 characters, `=` optional)',
  )
    .optional()
    .meta({
      section: 'Imports',
      description:
        "AES-256-GCM key that encrypts data sources' credentials at rest (docs/imports.md). Required in production; elsewhere, when unset, one is generated into `DATA_DIR/data-source-key` and kept across restarts. Generate one with `openssl rand -base64 32`. Changing it makes stored credentials unreadable (enter them again).",
      derivedDefault: 'generated into `DATA_DIR/data-source-key` (not in production)',
    }),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500).meta({
    section: 'Imports',
    description:
      "Rows an import writes per transaction; each batch commits with the job's checkpoint, so a crash redoes at most one batch's reading, never its writes.",
  }),
  IMPORT_JOB_SLICE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300).meta({
    section: 'Imports',
    description:
      "How long one run of an import's job writes before it hands the rest to a new job (from the checkpoint): no job outlives the runner's expiry (pg-boss: 15 minutes), and other jobs get their turn.",
  }),
  APP_URL: z
    .url()
    .optional()
    .meta({
      section: 'HTTP',
      description:
        'Absolute base URL of the web app that opens the links emailed to people: `<APP_URL>/verify-email?token=…` (email verification) and `<APP_URL>/invitations/accept?token=…` (invitations), `<APP_URL>/reset-password?token=…` (password recovery); the app posts the token to `/v1/auth/verify`, `/v1/invitations/{token}/accept` or `/v1/auth/reset`. Unset: the links are those paths alone.',
      examples: ['https://crm.example.com'],
    }),
  PUBLIC_API_URL: z
    .url()
    .optional()
    .meta({
      section: 'HTTP',
      description:
        'Absolute base URL of this API as clients reach it, used in the links it hands out: customer share links and local-driver file URLs. Unset: those links are paths (`/v1/public/tickets/…`).',
      examples: ['https://api.example.com'],
    }),
  SMTP_URL: matching(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional()
    .meta({
      section: 'Email',
      description:
        'SMTP server that delivers email (nodemailer URL: `smtp://user:pass@host:587`, `smtps://…:465` for implicit TLS; URL-encode special characters in the password). Unset: the log transport — each message is written as an `.eml` file under `DATA_DIR/mail/` and only its recipient, subject and file are logged.',
      examples: ['smtps://apikey:secret@smtp.example.com:465'],
    }),
  EMAIL_FROM: z.string().min(3).max(320).default('Brokerage CRM <no-reply@localhost>').meta({
    section: 'Email',
    description:
      'The From header of every email: an address, optionally with a display name (`Harbor Realty <crm@harbor.example>`). Use an address your SMTP provider lets you send as.',
  }),
  JOBS_WORKERS: bool.prefault('true').meta({
    section: 'Jobs',
    description:
      'Run background jobs in this process (the API). `false`: the API only enqueues, and `npm run worker` processes run them (docs/jobs.md).',
  }),
  JOBS_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000).meta({
    section: 'Jobs',
    description:
      'On shutdown, how long running jobs may take to finish, in milliseconds; past it they are released (Postgres: failed, so another process retries them).',
  }),
  JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2000).meta({
    section: 'Jobs',
    description:
      'How often an idle worker looks for due jobs (and retries whose delay has passed), in milliseconds; on Postgres at least 500. A job sent from this process wakes its workers at once.',
  }),
  STRIPE_SECRET_KEY: matching(/^(sk|rk)_[A-Za-z0-9_]{8,250}$/, 'a Stripe secret or restricted key (`sk_…`, `rk_…`)')
    .optional()
    .meta({
      section: 'Billing',
      description:
        'Turns billing on (docs/billing.md): organizations subscribe through Stripe Checkout, and once access is lost past the grace period their writes answer 402. Unset: billing is off, every organization is free and unlimited, and the /v1/billing routes answer 404 BILLING_DISABLED.',
      examples: ['sk_test_51Hx…'],
    }),
  STRIPE_WEBHOOK_SECRET: matching(/^whsec_[A-Za-z0-9+/=_]{8,250}$/, "a webhook endpoint's signing secret (`whsec_…`)")
    .optional()
    .meta({
      section: 'Billing',
      description:
        'The signing secret of the Stripe webhook endpoint that posts to `/v1/billing/webhook`; events whose `Stripe-Signature` it does not verify are refused (400). Required with STRIPE_SECRET_KEY.',
    }),
  STRIPE_API_URL: z.url().optional().meta({
    section: 'Billing',
    description:
      "Where the Stripe client sends API calls, instead of Stripe's own (`https://api.stripe.com`): a local mock such as stripe-mock, or the tests' stub. Leave unset in production.",
  }),
  BILLING_RETURN_URL: z
    .url()
    .optional()
    .meta({
      section: 'Billing',
      description:
        'The page of your app that Stripe Checkout and the Customer Portal send the user back to (`?billing=success` or `?billing=cancel` is added after a checkout). Required with STRIPE_SECRET_KEY.',
      examples: ['https://app.example.com/settings/billing'],
    }),
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(7).meta({
    section: 'Billing',
    description:
      'Days an organization keeps writing after it loses access (a failed payment, a cancelled subscription); past them its writes answer 402 PAYMENT_REQUIRED until it pays, while reads and exports keep working.',
  }),
});

type Env = z.infer<typeof configSchema>;

/** STORAGE_DRIVER, or when unset: supabase if it is configured, else local. */
const storageDriverOf = (e: Env): StorageConfig['driver'] =>
  e.STORAGE_DRIVER ?? (e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY ? 'supabase' : 'local');

/** Supabase Auth invitations: on by default wherever the service role key is configured. */
const supabaseInvitesOf = (e: Env): AppConfig['auth']['supabaseInvites'] =>
  (e.SUPABASE_AUTH_INVITES ?? true) && e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY
    ? { url: e.SUPABASE_URL.replace(/\/+$/, ''), serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY }
    : undefined;

/**
 * Rules that span variables, checked in order once each variable is valid on its own. The
 * first one broken stops the boot with its `rule`, which docs/configuration.md also lists.
 */
export const CROSS_VARIABLE_RULES: readonly { rule: string; broken: (e: Env) => boolean }[] = [
  {
    rule:
      'production needs a way to verify tokens: SUPABASE_JWT_SECRET, SUPABASE_URL (JWKS) or LOCAL_AUTH_JWT_SECRET ' +
      'with LOCAL_AUTH_ENABLED=true',
    broken: (e) =>
      e.NODE_ENV === 'production' &&
      !e.SUPABASE_JWT_SECRET &&
      !e.SUPABASE_URL &&
      !(e.LOCAL_AUTH_ENABLED && e.LOCAL_AUTH_JWT_SECRET),
  },
  {
    rule: 'LOCAL_AUTH_JWT_SECRET is required in production while LOCAL_AUTH_ENABLED=true',
    broken: (e) => e.NODE_ENV === 'production' && e.LOCAL_AUTH_ENABLED && !e.LOCAL_AUTH_JWT_SECRET,
  },
  {
    rule: "DATA_SOURCE_ENCRYPTION_KEY is required in production (data sources' credentials are encrypted with it)",
    broken: (e) => e.NODE_ENV === 'production' && !e.DATA_SOURCE_ENCRYPTION_KEY,
  },
  {
    rule: 'DATABASE_DIRECT_URL needs DATABASE_URL (without it the embedded database is used)',
    broken: (e) => Boolean(e.DATABASE_DIRECT_URL) && !e.DATABASE_URL,
  },
  {
    rule: 'STORAGE_DRIVER=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY',
    broken: (e) => storageDriverOf(e) === 'supabase' && !(e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY),
  },
  {
    rule: 'SUPABASE_AUTH_INVITES=true needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY',
    broken: (e) => e.SUPABASE_AUTH_INVITES === true && !(e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY),
  },
  {
    rule: 'STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET and BILLING_RETURN_URL (docs/billing.md)',
    broken: (e) => Boolean(e.STRIPE_SECRET_KEY) && !(e.STRIPE_WEBHOOK_SECRET && e.BILLING_RETURN_URL),
  },
];

export interface AppConfig {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  database: {
    /** undefined → embedded PGlite under dataDir */
    url?: string;
    /** A session-mode connection for LISTEN and the job runner; defaults to url. */
    directUrl?: string;
    poolSize: number;
    /** Named prepared statements for the SQL layer (not through a transaction-mode pooler). */
    preparedStatements: boolean;
    txTimeoutMs: number;
    /** An export's read-only transaction (src/exports). */
    exportTimeoutMs: number;
    migrateOnBoot: boolean;
  };
  dataDir: string;
  /** Background jobs (src/jobs, docs/jobs.md). */
  jobs: {
    /** This process runs jobs (the API by default; `npm run worker` always). */
    workers: boolean;
    shutdownTimeoutMs: number;
    pollIntervalMs: number;
  };
  auth: {
    audience: string;
    supabaseUrl?: string;
    supabaseJwtSecret?: string;
    localEnabled: boolean;
    /** Signs and verifies tokens issued by the embedded /v1/auth routes. */
    localJwtSecret?: string;
    tokenTtlSeconds: number;
    /** Lifetime of a refresh token of the embedded auth (each refresh issues a new one). */
    refreshTtlSeconds: number;
    /** How long a process trusts a session's status it read (0: read on every request). */
    sessionStatusCacheSeconds: number;
    /** Base of the web app the emailed links (verification, invitations) open; unset → paths. */
    appUrl?: string;
    /** Invitations also go through Supabase Auth's admin invite (docs/invitations.md); unset → ours only. */
    supabaseInvites?: { url: string; serviceRoleKey: string };
  };
  /** Requests per minute (common/rate-limit.ts). */
  rateLimit: {
    /** A signed-in user in one organization. */
    perUser: number;
    /** An anonymous client IP. */
    perIp: number;
    /** A client IP on sign-up, login and share links. */
    strict: number;
    /** Counters in Redis, shared by every replica; unset → in memory. */
    redisUrl?: string;
  };
  corsOrigins: string[];
  logLevel: Env['LOG_LEVEL'];
  bodyLimitBytes: number;
  trustProxy: boolean;
  storage: StorageConfig;
  events: { heartbeatMs: number; streamBufferBytes: number; retentionDays: number };
  webhooks: WebhooksConfig;
  email: EmailConfig;
  imports: ImportsConfig;
  billing: BillingConfig;
}

/** Stripe billing (src/billing, docs/billing.md); `stripe` undefined → billing is off. */
export interface BillingConfig {
  stripe?: {
    secretKey: string;
    webhookSecret: string;
    /** The API's address when not Stripe's own (a mock, the tests' stub). */
    api?: { protocol: 'http' | 'https'; host: string; port: number };
    returnUrl: string;
  };
  graceDays: number;
}

/** Data sources and import jobs (src/imports, src/data-sources). */
export interface ImportsConfig {
  /** 32 bytes: the AES-256-GCM key of data sources' credentials; unset outside production → devKeyFile. */
  encryptionKey?: Buffer;
  /** Where the development key is generated on first use (never in production: the key is required there). */
  devKeyFile: string;
  batchSize: number;
  /** How long one job run of an import writes before it continues in a new job. */
  sliceMs: number;
}

/** Outbound webhooks (src/webhooks). */
export interface WebhooksConfig {
  /** Loopback, private and CGNAT targets, and http://, allowed (tests, on-premises). Metadata addresses never are. */
  allowPrivateTargets: boolean;
  timeoutMs: number;
  /** Seconds before each retry; its length is the number of retries. */
  retryScheduleSeconds: number[];
  maxConsecutiveFailures: number;
  /** 0: this process never sweeps the outbox. */
  dispatchIntervalMs: number;
  deliveryConcurrency: number;
}

/** How email leaves (src/email). */
export interface EmailConfig {
  /** SMTP server URL; undefined → the log transport writes .eml files under mailDir. */
  smtpUrl?: string;
  from: string;
  mailDir: string;
}

/** Where ticket attachments live (src/storage). */
export interface StorageConfig {
  driver: 'local' | 'supabase';
  /** Local driver: files under DATA_DIR/storage, served by signed /v1/files URLs. */
  localDir: string;
  supabaseUrl?: string;
  serviceRoleKey?: string;
  bucket: string;
  /** Supabase driver: the bucket of import uploads and organization archives. */
  filesBucket: string;
  signedUrlTtlSeconds: number;
  /** Absolute base of this API for links it hands out (share and local file URLs); unset → paths. */
  publicApiUrl?: string;
}

export const LOCAL_TOKEN_ISSUER = 'brokerage-crm';

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
}

/**
 * A connection through a transaction-mode pooler: Supabase's on port 6543, or any URL with
 * `pgbouncer=true` (Prisma's marker for such poolers). Read without `new URL`, which refuses
 * connection strings pg takes (a Unix socket: `postgres://u@/crm?host=/var/run/postgresql`).
 */
function behindTransactionPooler(url: string | undefined): boolean {
  if (url === undefined) return false;
  const [address, query = ''] = url.split('?', 2);
  const hosts = address.replace(/^[a-z]+:\/\/(?:[^@/]*@)?/i, '').split('/')[0];
  return /:6543(?:,|$)/.test(hosts) || new URLSearchParams(query).get('pgbouncer') === 'true';
}

/** STRIPE_API_URL as the Stripe client's host, port and protocol options. */
function stripeApiOf(url: string): { protocol: 'http' | 'https'; host: string; port: number } {
  const u = new URL(url);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { protocol, host: u.hostname, port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443 };
}

/** A development secret kept in DATA_DIR, so tokens survive restarts without any setup. */
function devSecret(dataDir: string): string {
  const file = join(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/**
 * Loads ./.env into process.env when the file exists (variables already set win),
 * so `npm start` picks up a copied .env.example with no extra flags.
 */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings (VAR= in a .env) mean "unset", as most users expect.
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${formatIssues(parsed.error)}`);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  const broken = CROSS_VARIABLE_RULES.find((r) => r.broken(e));
  if (broken) throw new ConfigError(`Invalid configuration: ${broken.rule}`);
  const storageDriver = storageDriverOf(e);

  const dataDir = resolve(e.DATA_DIR);
  const localJwtSecret = e.LOCAL_AUTH_ENABLED
    ? (e.LOCAL_AUTH_JWT_SECRET ?? (production ? undefined : devSecret(dataDir)))
    : undefined;

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    database: {
      url: e.DATABASE_URL,
      directUrl: e.DATABASE_DIRECT_URL ?? e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      preparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? !behindTransactionPooler(e.DATABASE_URL),
      txTimeoutMs: e.DATABASE_TX_TIMEOUT_MS,
      exportTimeoutMs: e.DATABASE_EXPORT_TIMEOUT_MS,
      migrateOnBoot: e.MIGRATE_ON_BOOT ?? !e.DATABASE_URL,
    },
    dataDir,
    jobs: {
      workers: e.JOBS_WORKERS,
      shutdownTimeoutMs: e.JOBS_SHUTDOWN_TIMEOUT_MS,
      pollIntervalMs: e.JOBS_POLL_INTERVAL_MS,
    },
    auth: {
      audience: e.JWT_AUDIENCE,
      supabaseUrl: e.SUPABASE_URL?.replace(/\/+$/, ''),
      supabaseJwtSecret: e.SUPABASE_JWT_SECRET,
      localEnabled: e.LOCAL_AUTH_ENABLED,
      localJwtSecret,
      tokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      sessionStatusCacheSeconds: e.SESSION_STATUS_CACHE_SECONDS,
      appUrl: e.APP_URL?.replace(/\/+$/, ''),
      supabaseInvites: supabaseInvitesOf(e),
    },
    rateLimit: {
      perUser: e.RATE_LIMIT_PER_MINUTE,
      perIp: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
      strict: e.AUTH_RATE_LIMIT_PER_MINUTE,
      redisUrl: e.REDIS_URL,
    },
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    storage: {
      driver: storageDriver,
      localDir: join(dataDir, 'storage'),
      supabaseUrl: e.SUPABASE_URL?.replace(/\/+$/, ''),
      serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY,
      bucket: e.STORAGE_BUCKET,
      filesBucket: e.STORAGE_FILES_BUCKET,
      signedUrlTtlSeconds: e.SIGNED_URL_TTL_SECONDS,
      publicApiUrl: e.PUBLIC_API_URL?.replace(/\/+$/, ''),
    },
    events: {
      heartbeatMs: e.EVENTS_HEARTBEAT_SECONDS * 1000,
      streamBufferBytes: e.EVENTS_STREAM_BUFFER_BYTES,
      retentionDays: e.EVENTS_RETENTION_DAYS,
    },
    webhooks: {
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryScheduleSeconds: e.WEBHOOK_RETRY_SCHEDULE_SECONDS,
      maxConsecutiveFailures: e.WEBHOOK_MAX_CONSECUTIVE_FAILURES,
      dispatchIntervalMs: e.WEBHOOK_DISPATCH_INTERVAL_MS,
      deliveryConcurrency: e.WEBHOOK_DELIVERY_CONCURRENCY,
    },
    email: { smtpUrl: e.SMTP_URL, from: e.EMAIL_FROM, mailDir: join(dataDir, 'mail') },
    imports: {
      encryptionKey: e.DATA_SOURCE_ENCRYPTION_KEY ? Buffer.from(e.DATA_SOURCE_ENCRYPTION_KEY, 'base64') : undefined,
      devKeyFile: join(dataDir, 'data-source-key'),
      batchSize: e.IMPORT_BATCH_SIZE,
      sliceMs: e.IMPORT_JOB_SLICE_SECONDS * 1000,
    },
    billing: {
      stripe:
        e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET && e.BILLING_RETURN_URL
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              api: e.STRIPE_API_URL ? stripeApiOf(e.STRIPE_API_URL) : undefined,
              returnUrl: e.BILLING_RETURN_URL,
            }
          : undefined,
      graceDays: e.BILLING_GRACE_DAYS,
    },
  };
}

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
