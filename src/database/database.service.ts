import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { migrate } from './migrator.js';
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
  private pglite?: PGlite;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMBEDDED_DB) private readonly providedPglite: PGlite | null,
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
      const adapter = new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
      this.client = new PrismaClient({ adapter, omit: INTERNAL_COLUMNS });
      return;
    }
    const pglite = this.providedPglite ?? (await openPglite(embeddedDataPath(this.config.dataDir)));
    this.pglite = pglite;
    if (migrateOnBoot) await this.runMigrations(() => migrate(pgliteSession(pglite)));
    this.client = new PrismaClient({ adapter: new PrismaPGlite(pglite), omit: INTERNAL_COLUMNS });
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
    // A PGlite handed in by a test is the test's to close.
    if (this.pglite && !this.providedPglite) await this.pglite.close();
    if (signal) this.logger.log(`Database connections closed after ${signal}`);
  }
}
