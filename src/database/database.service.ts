import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { ClsService } from 'nestjs-cls';
import pg from 'pg';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { migrate } from './migrator.js';
import { SqlLane, withSqlLane } from './sql-lane.js';
import { openPglite, pgliteSession, pgSession } from './sql-session.js';

// Columns the database maintains for its own lookups (generated match keys): never read
// back by the client, so no query ships them.
const INTERNAL_COLUMNS = { lead: { emailKey: true, phoneKey: true, nameKey: true } } as const;

export const embeddedDataPath = (dataDir: string): string => join(dataDir, 'pglite');

/** Lets tests hand the app an already-open (e.g. in-memory, pre-migrated) PGlite. */
export const EMBEDDED_DB = Symbol('EMBEDDED_DB');

/**
 * Owns the Prisma client: pg pool when DATABASE_URL is set, embedded PGlite otherwise.
 * Application code reaches data through TenantDb, never through this client directly.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private client?: PrismaClient;
  private driver?: SqlDriverAdapter;
  private pglite?: PGlite;
  private pool?: pg.Pool;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMBEDDED_DB) private readonly providedPglite: PGlite | null,
    private readonly cls: ClsService,
  ) {}

  get kind(): 'postgres' | 'pglite' {
    return this.config.database.url ? 'postgres' : 'pglite';
  }

  get prisma(): PrismaClient {
    if (!this.client) throw new Error('DatabaseService used before initialisation');
    return this.client;
  }

  async onModuleInit(): Promise<void> {
    const { url, poolSize, migrateOnBoot } = this.config.database;
    if (url) {
      if (migrateOnBoot) {
        const session = await pgSession(url);
        await this.runMigrations(() => migrate(session)).finally(() => session.close());
      }
      this.pool = this.createPool(url, poolSize);
      await this.connect(new PrismaPg(this.pool));
      return;
    }
    const pglite = this.providedPglite ?? (await openPglite(embeddedDataPath(this.config.dataDir)));
    this.pglite = pglite;
    if (migrateOnBoot) await this.runMigrations(() => migrate(pgliteSession(pglite)));
    // PGlite learns the array types (e.g. "LeadStatus"[]) when it opens: on the first boot
    // the migrations above created them afterwards, and enum-array parameters would be
    // serialized as malformed literals until a restart.
    await pglite.refreshArrayTypes();
    // pglite-prisma-adapter is built against an older @prisma/driver-adapter-utils; same interface.
    await this.connect(new PrismaPGlite(pglite) as unknown as SqlDriverAdapterFactory);
  }

  /**
   * The API's own pg pool, handed to Prisma's adapter. Every connection gets an error
   * listener the moment it exists: a backend that dies while a connection is changing
   * hands (killed right after it connected, before anyone listens) would otherwise raise
   * an unhandled 'error' event and take the process down. The request using it fails on
   * its own, with 503.
   */
  private createPool(url: string, max: number): pg.Pool {
    const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
    const lost = (error: Error) => this.logger.warn(`A database connection was lost: ${error.message}`);
    pool.on('connect', (client) => client.on('error', lost));
    pool.on('error', lost);
    return pool;
  }

  /** One driver adapter (one pool) serves both the units of work and the Prisma client. */
  private async connect(factory: SqlDriverAdapterFactory): Promise<void> {
    this.driver = await factory.connect();
    this.client = new PrismaClient({ adapter: withSqlLane(this.driver, this.cls), omit: INTERNAL_COLUMNS });
  }

  /**
   * Opens a unit of work's transaction on a connection of its own (TenantDb's only caller).
   * No connection within the pool's wait, or no database: 503, as any client would be told.
   */
  async begin(): Promise<SqlLane> {
    if (!this.driver) throw new Error('DatabaseService used before initialisation');
    try {
      return new SqlLane(await this.driver.startTransaction());
    } catch (error) {
      this.logger.warn(`Could not open a transaction: ${error instanceof Error ? error.message : String(error)}`);
      throw new DomainError(503, ErrorCode.DatabaseUnavailable, 'The database is unavailable; retry shortly');
    }
  }

  private async runMigrations(run: () => Promise<{ applied: string[] }>): Promise<void> {
    const { applied } = await run();
    if (applied.length) this.logger.log(`Applied migrations: ${applied.join(', ')}`);
  }

  /** Readiness probe: one round trip. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.client?.$disconnect();
    await this.pool?.end();
    // A PGlite handed in by a test is the test's to close.
    if (this.pglite && !this.providedPglite) await this.pglite.close();
    if (signal) this.logger.log(`Database connections closed after ${signal}`);
  }
}
