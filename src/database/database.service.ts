import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { ClsService } from 'nestjs-cls';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { StatementNames } from './connection.js';
import { PgListener } from './listener.js';
import { migrate } from './migrator.js';
import { pgliteRouter, UnitOfWorkPool } from './prisma-routing.js';
import { createSql, type Sql } from './sql.js';
import { openPglite, pgliteSession, pgSession } from './sql-session.js';
import { type Opening, PgliteUnitOfWork, PgUnitOfWork, type TransactionMode, type UnitOfWork } from './unit-of-work.js';

// Columns the database maintains for its own lookups (generated match keys): never read
// back by the client, so no query ships them.
const INTERNAL_COLUMNS = { lead: { emailKey: true, phoneKey: true, nameKey: true } } as const;

export const embeddedDataPath = (dataDir: string): string => join(dataDir, 'pglite');

/** A pool of its own for some units of work (eventsPool). */
export type Lane = 'events';
const EVENTS_LANE_SIZE = 2;

/** Lets tests hand the app an already-open (e.g. in-memory, pre-migrated) PGlite. */
export const EMBEDDED_DB = Symbol('EMBEDDED_DB');

/** The CLS key of the open unit of work. */
export const CLS_UOW = Symbol('unitOfWork');

/** A failure to reach the database at all: logged, and 503 to the client, who may retry. */
const unavailable =
  (logger: Logger) =>
  (error: unknown): never => {
    logger.warn(`Could not open a transaction: ${error instanceof Error ? error.message : String(error)}`);
    throw new DomainError(503, ErrorCode.DatabaseUnavailable, 'The database is unavailable; retry shortly');
  };

/**
 * Owns the database: the pg pool (DATABASE_URL) or the embedded PGlite, the Prisma client and
 * the SQL layer over them, and the units of work TenantDb opens on them. Application code
 * reaches data through TenantDb, never through this service.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private client?: PrismaClient;
  private pool?: UnitOfWorkPool;
  private lanePool?: UnitOfWorkPool;
  private statementNames: StatementNames | null = null;
  private pglite?: PGlite;
  /** Settles once Prisma's routing onto the unit of work is proven (verifyPrismaRouting). */
  private routing?: Promise<void>;
  /** The SQL layer, running on whichever unit of work is open in the calling context. */
  readonly sql: Sql;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMBEDDED_DB) private readonly providedPglite: PGlite | null,
    private readonly cls: ClsService,
  ) {
    this.sql = createSql(() => {
      const uow = this.current();
      if (!uow) throw new Error('The SQL layer was used outside a unit of work');
      return uow;
    });
  }

  get kind(): 'postgres' | 'pglite' {
    return this.config.database.url ? 'postgres' : 'pglite';
  }

  /** Prisma, running on the open unit of work (prisma-routing.ts). */
  get prisma(): PrismaClient {
    if (!this.client) throw new Error('DatabaseService used before initialisation');
    return this.client;
  }

  /** The unit of work open in the calling (CLS) context, if any. */
  current(): UnitOfWork | undefined {
    return this.cls.isActive() ? this.cls.get<UnitOfWork | undefined>(CLS_UOW) : undefined;
  }

  async onModuleInit(): Promise<void> {
    const { url, poolSize, migrateOnBoot } = this.config.database;
    if (url) {
      if (migrateOnBoot) {
        const session = await pgSession(url);
        await this.runMigrations(() => migrate(session)).finally(() => session.close());
      }
      this.pool = this.createPool(url, poolSize);
      if (this.config.database.preparedStatements) this.statementNames = new StatementNames();
      await this.connectPrisma(new PrismaPg(this.pool));
    } else {
      const pglite = this.providedPglite ?? (await openPglite(embeddedDataPath(this.config.dataDir)));
      this.pglite = pglite;
      if (migrateOnBoot) await this.runMigrations(() => migrate(pgliteSession(pglite)));
      // PGlite learns the array types (e.g. "LeadStatus"[]) when it opens: on the first boot
      // the migrations above created them afterwards, and enum-array parameters would be
      // serialized as malformed literals until a restart.
      await pglite.refreshArrayTypes();
      const routed = pgliteRouter(pglite, () => this.current() as PgliteUnitOfWork | undefined);
      // Imported only here: a server on DATABASE_URL never loads it. It is built against an
      // older @prisma/driver-adapter-utils; same interface.
      const { PrismaPGlite } = await import('pglite-prisma-adapter');
      await this.connectPrisma(new PrismaPGlite(routed) as unknown as SqlDriverAdapterFactory);
    }
    // An unreachable database does not stop the boot (the API answers 503 until it is back);
    // the routing is then proven before the first unit of work that opens.
    await this.routingVerified().catch((error: unknown) => {
      if (!(error instanceof DomainError && error.status === 503)) throw error;
      this.logger.warn('The database is unreachable at boot: requests answer 503 until it is back');
    });
  }

  /**
   * The API's own pg pool, handed to Prisma's adapter. Every connection gets an error
   * listener the moment it exists: a backend that dies while a connection is changing
   * hands (killed right after it connected, before anyone listens) would otherwise raise
   * an unhandled 'error' event and take the process down. The request using it fails on
   * its own, with 503.
   */
  private createPool(url: string, max: number): UnitOfWorkPool {
    const pool = new UnitOfWorkPool(
      { connectionString: url, max, connectionTimeoutMillis: 5000 },
      () => this.current() as PgUnitOfWork | undefined,
    );
    const lost = (error: Error) => this.logger.warn(`A database connection was lost: ${error.message}`);
    pool.on('connect', (client) => client.on('error', lost));
    pool.on('error', lost);
    return pool;
  }

  private async connectPrisma(adapter: SqlDriverAdapterFactory): Promise<void> {
    this.client = new PrismaClient({ adapter, omit: INTERNAL_COLUMNS });
    await this.client.$connect();
  }

  /**
   * Opens a unit of work's transaction on a connection of its own, `opening` its first
   * statement (TenantDb's only caller). No connection within the pool's wait, or no
   * database: 503, as any client would be told.
   */
  async begin<R>(opening: Opening, lane?: Lane, mode?: TransactionMode): Promise<{ uow: UnitOfWork; rows: R[] }> {
    await this.routingVerified();
    return this.open<R>(opening, lane, mode);
  }

  private async open<R>(
    opening: Opening,
    lane?: Lane,
    mode?: TransactionMode,
  ): Promise<{ uow: UnitOfWork; rows: R[] }> {
    if (this.pool) {
      const client = await this.checkout(lane === 'events' ? this.eventsPool() : this.pool);
      // A failure here (the connection lost, the opening refused) is the caller's to map; it is logged as before.
      return PgUnitOfWork.open<R>(client, this.statementNames, opening, mode).catch((error: unknown) => {
        this.logger.warn(`Could not open a transaction: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      });
    }
    if (this.pglite) return PgliteUnitOfWork.open<R>(this.pglite, opening, unavailable(this.logger), mode);
    throw new Error('DatabaseService used before initialisation');
  }

  /**
   * The events lane: two connections of their own for the event stream's fan-out, so the
   * delivery of what just committed never queues behind the requests that are writing
   * more (they can hold every connection of the main pool). Opened on first use.
   */
  private eventsPool(): UnitOfWorkPool {
    const url = this.config.database.url;
    if (!url) throw new Error('The events lane is for Postgres');
    this.lanePool ??= this.createPool(url, EVENTS_LANE_SIZE);
    return this.lanePool;
  }

  private checkout(pool: UnitOfWorkPool): Promise<pg.PoolClient> {
    return pool.checkout().catch(unavailable(this.logger));
  }

  /**
   * Proves, once before the first unit of work (at boot unless the database is down), that Prisma's statements — plain and inside its own transactions —
   * run in the unit of work's transaction: a setting made there must be visible to them.
   * This is what prisma-routing.ts relies on from the driver adapters; if an upgrade
   * changes it, the API refuses to start instead of running queries outside the tenant.
   */
  private routingVerified(): Promise<void> {
    this.routing ??= this.verifyPrismaRouting().catch((error: unknown) => {
      this.routing = undefined;
      throw error;
    });
    return this.routing;
  }

  private async verifyPrismaRouting(): Promise<void> {
    const { uow } = await this.open({
      sql: "SELECT set_config('app.routing_probe', 'in-unit-of-work', true)",
      parameters: [],
    });
    try {
      const seen = await this.cls.run({ ifNested: 'inherit' }, async () => {
        this.cls.set(CLS_UOW, uow);
        const [plain] = await this.prisma.$queryRaw<{ probe: string }[]>`
          SELECT current_setting('app.routing_probe', true) AS probe`;
        const [nested] = await this.prisma.$transaction(
          (tx) => tx.$queryRaw<{ probe: string }[]>`
          SELECT current_setting('app.routing_probe', true) AS probe`,
        );
        return [plain?.probe, nested?.probe];
      });
      if (seen.some((probe) => probe !== 'in-unit-of-work')) {
        throw new Error(
          `Prisma's statements no longer run on the unit of work's connection (saw ${JSON.stringify(seen)}): ` +
            'a Prisma or driver-adapter upgrade changed what src/database/prisma-routing.ts relies on',
        );
      }
    } finally {
      await uow.end(false);
    }
  }

  private async runMigrations(run: () => Promise<{ applied: string[] }>): Promise<void> {
    const { applied } = await run();
    if (applied.length) this.logger.log(`Applied migrations: ${applied.join(', ')}`);
  }

  /**
   * Calls `onPayload` with every notification on `channel` until the returned function is
   * called; `onConnect` after every (re)connect (PgListener). PGlite notifies in-process.
   */
  async listen(
    channel: string,
    onPayload: (payload: string) => void,
    onConnect: () => void,
  ): Promise<() => Promise<void>> {
    const { url, directUrl } = this.config.database;
    if (url) {
      const listener = new PgListener(directUrl ?? url, channel, onPayload, onConnect);
      await listener.start();
      return () => listener.stop();
    }
    if (!this.pglite) throw new Error('DatabaseService used before initialisation');
    const unlisten = await this.pglite.listen(channel, onPayload);
    onConnect();
    return unlisten;
  }

  /** Readiness probe: one round trip. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.client?.$disconnect();
    await this.pool?.end();
    await this.lanePool?.end();
    // A PGlite handed in by a test is the test's to close.
    if (this.pglite && !this.providedPglite) await this.pglite.close();
    if (signal) this.logger.log(`Database connections closed after ${signal}`);
  }
}
