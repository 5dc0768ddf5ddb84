import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Raised at boot when a variable is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DATABASE_TX_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DATA_DIR: z.string().min(1).default('./.data'),
  MIGRATE_ON_BOOT: bool.optional(),
  SUPABASE_URL: z.url().optional(),
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_AUDIENCE: z.string().min(1).default('authenticated'),
  LOCAL_AUTH_ENABLED: bool.default(true),
  LOCAL_AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(3600),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  CORS_ORIGINS: csv.default(['*']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  TRUST_PROXY: bool.default(false),
  STORAGE_DRIVER: z.enum(['local', 'supabase']).optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(20, 'must be at least 20 characters').optional(),
  STORAGE_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{2,62}$/, 'must be 3-63 lowercase letters, digits, dots, dashes or underscores')
    .default('ticket-attachments'),
  SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  PUBLIC_API_URL: z.url().optional(),
});

type Env = z.infer<typeof schema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  database: {
    /** undefined → embedded PGlite under dataDir */
    url?: string;
    poolSize: number;
    txTimeoutMs: number;
    migrateOnBoot: boolean;
  };
  dataDir: string;
  auth: {
    audience: string;
    supabaseUrl?: string;
    supabaseJwtSecret?: string;
    localEnabled: boolean;
    /** Signs and verifies tokens issued by the embedded /v1/auth routes. */
    localJwtSecret?: string;
    tokenTtlSeconds: number;
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
}

/** Where ticket attachments live (src/storage). */
export interface StorageConfig {
  driver: 'local' | 'supabase';
  /** Local driver: files under DATA_DIR/storage, served by signed /v1/files URLs. */
  localDir: string;
  supabaseUrl?: string;
  serviceRoleKey?: string;
  bucket: string;
  signedUrlTtlSeconds: number;
  /** Absolute base of this API for links it hands out (share and local file URLs); unset → paths. */
  publicApiUrl?: string;
}

export const LOCAL_TOKEN_ISSUER = 'brokerage-crm';

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
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
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${formatIssues(parsed.error)}`);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  if (production && !e.SUPABASE_JWT_SECRET && !e.SUPABASE_URL && !e.LOCAL_AUTH_JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration: production needs a way to verify tokens: SUPABASE_JWT_SECRET, SUPABASE_URL (JWKS) or LOCAL_AUTH_JWT_SECRET',
    );
  }
  if (production && e.LOCAL_AUTH_ENABLED && !e.LOCAL_AUTH_JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration: LOCAL_AUTH_JWT_SECRET is required in production while LOCAL_AUTH_ENABLED=true',
    );
  }

  const storageDriver =
    e.STORAGE_DRIVER ?? (e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY ? ('supabase' as const) : ('local' as const));
  if (storageDriver === 'supabase' && !(e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY)) {
    throw new ConfigError(
      'Invalid configuration: STORAGE_DRIVER=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY',
    );
  }

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
      poolSize: e.DATABASE_POOL_SIZE,
      txTimeoutMs: e.DATABASE_TX_TIMEOUT_MS,
      migrateOnBoot: e.MIGRATE_ON_BOOT ?? !e.DATABASE_URL,
    },
    dataDir,
    auth: {
      audience: e.JWT_AUDIENCE,
      supabaseUrl: e.SUPABASE_URL?.replace(/\/+$/, ''),
      supabaseJwtSecret: e.SUPABASE_JWT_SECRET,
      localEnabled: e.LOCAL_AUTH_ENABLED,
      localJwtSecret,
      tokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
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
      signedUrlTtlSeconds: e.SIGNED_URL_TTL_SECONDS,
      publicApiUrl: e.PUBLIC_API_URL?.replace(/\/+$/, ''),
    },
  };
}

/** Injection token for the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
