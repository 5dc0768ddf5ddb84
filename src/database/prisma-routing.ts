import type { PGlite, QueryOptions, Results, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import pg from 'pg';
import type { PgliteUnitOfWork, PgUnitOfWork } from './unit-of-work.js';

/**
 * How Prisma reaches the unit of work's connection — through the public interfaces its
 * driver adapters are built on, never through their private fields:
 *
 * - @prisma/adapter-pg takes a pg.Pool: it sends a statement with `pool.query(config)` and
 *   opens an interactive transaction with `pool.connect()` and the statements BEGIN /
 *   COMMIT / ROLLBACK. UnitOfWorkPool is a pg.Pool whose `query` runs on the open unit of
 *   work's client, and whose `connect` hands out that client wrapped so that Prisma's own
 *   transaction becomes a savepoint inside the unit of work's.
 * - pglite-prisma-adapter takes a PGlite: it calls `query`, `exec` and `transaction`.
 *   pgliteRouter answers them on the open unit of work's PGlite transaction, a Prisma
 *   transaction again becoming a savepoint.
 *
 * Outside a unit of work both fall through to the pool or PGlite itself (only the
 * readiness probe does that). DatabaseService checks at boot that Prisma's statements land
 * in the unit of work's transaction; a Prisma upgrade that changes these paths fails there,
 * loudly, not silently in production.
 */

const SAVEPOINT = 'prisma_in_unit_of_work';

/** Prisma's transaction control, as the savepoint it is inside a unit of work. */
function asSavepoint(sql: string): string | undefined {
  switch (sql.trim().toUpperCase()) {
    case 'BEGIN':
      return `SAVEPOINT ${SAVEPOINT}`;
    case 'COMMIT':
      return `RELEASE SAVEPOINT ${SAVEPOINT}`;
    case 'ROLLBACK':
      return `ROLLBACK TO SAVEPOINT ${SAVEPOINT}`;
    default:
      return undefined;
  }
}

/** The unit of work's client as Prisma's transaction sees it: BEGIN/COMMIT/ROLLBACK become savepoint statements. */
function savepointClient(uow: PgUnitOfWork): pg.PoolClient {
  const query = (config: string | pg.QueryConfig, values?: unknown[]) => {
    const text = typeof config === 'string' ? config : config.text;
    const savepoint = asSavepoint(text);
    if (savepoint) return uow.onClient((client) => client.query(savepoint));
    uow.notePrismaStatement();
    return uow.onClient((client) => (typeof config === 'string' ? client.query(config, values) : client.query(config)));
  };
  // The facade implements the part of pg.PoolClient the adapter's transaction uses.
  return {
    query,
    release: () => undefined,
    on: () => undefined,
    removeListener: () => undefined,
  } as unknown as pg.PoolClient;
}

export class UnitOfWorkPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly current: () => PgUnitOfWork | undefined,
  ) {
    super(config);
  }

  /** A client for a new unit of work (the pool's own `connect`). */
  checkout(): Promise<pg.PoolClient> {
    return super.connect();
  }

  // pg.Pool's query and connect are overloaded; these keep every overload's behaviour and
  // only choose the client.
  override query(...args: unknown[]): never {
    const uow = this.current();
    if (!uow) return (super.query as (...a: unknown[]) => never)(...args);
    uow.notePrismaStatement();
    return uow.onClient((client) =>
      (client.query as unknown as (...a: unknown[]) => Promise<unknown>)(...args),
    ) as never;
  }

  override connect(...args: unknown[]): never {
    const uow = this.current();
    if (!uow) return (super.connect as (...a: unknown[]) => never)(...args);
    return Promise.resolve(savepointClient(uow)) as never;
  }
}

/** A PGlite transaction as Prisma's nested transaction: a savepoint of the unit of work's. */
async function inSavepoint<T>(uow: PgliteUnitOfWork, callback: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
  await uow.tx.query(`SAVEPOINT ${SAVEPOINT}`);
  let rolledBack = false;
  const nested: PgliteTransaction = {
    query: (sql, params, options) => {
      uow.notePrismaStatement();
      return uow.tx.query(sql, params, options);
    },
    sql: (strings, ...params) => uow.tx.sql(strings, ...params),
    exec: (sql, options) => uow.tx.exec(sql, options),
    listen: (channel, callback) => uow.tx.listen(channel, callback),
    rollback: async () => {
      rolledBack = true;
      await uow.tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    },
    get closed() {
      return uow.tx.closed;
    },
  };
  try {
    const result = await callback(nested);
    if (!rolledBack) await uow.tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return result;
  } catch (error) {
    if (!rolledBack) await uow.tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`).catch(() => undefined);
    throw error;
  }
}

/** The PGlite Prisma's adapter is given: PGlite itself, or the open unit of work's transaction. */
export function pgliteRouter(pglite: PGlite, current: () => PgliteUnitOfWork | undefined): PGlite {
  const router = {
    query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
      const uow = current();
      if (!uow) return pglite.query<T>(sql, params, options);
      uow.notePrismaStatement();
      return uow.tx.query<T>(sql, params, options);
    },
    exec(sql: string, options?: QueryOptions): Promise<Results[]> {
      const uow = current();
      return uow ? uow.tx.exec(sql, options) : pglite.exec(sql, options);
    },
    transaction<T>(callback: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
      const uow = current();
      return uow ? inSavepoint(uow, callback) : pglite.transaction(callback);
    },
  };
  // The adapter's constructor is typed with the PGlite class; it uses only the three methods above.
  return router as unknown as PGlite;
}
