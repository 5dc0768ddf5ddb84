import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { DomainError, ErrorCode } from '../common/errors.js';
import {
  PgConnection,
  type StatementNames,
  PgliteConnection,
  type QueryOptions,
  type SqlConnection,
  StatementCounter,
  type StatementResult,
} from './connection.js';

/** The first statement of a unit of work, compiled: it sets the tenant (app.begin_request and its kin). */
export interface Opening {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * How the transaction is opened: `readWrite` (the default, READ COMMITTED) or `snapshot` —
 * REPEATABLE READ, READ ONLY: every statement sees the data as of the first one, and nothing
 * can be written (an export reading in batches sees one consistent state).
 */
export type TransactionMode = 'readWrite' | 'snapshot';

const BEGIN: Record<TransactionMode, string> = {
  readWrite: 'BEGIN',
  snapshot: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
};

/** `opening` with its $n parameters written in as SQL literals, for a simple query. */
function inlined(client: pg.ClientBase, { sql, parameters }: Opening): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    // A missing parameter must not become NULL: a null organization means "the only one".
    if (index >= parameters.length) throw new RangeError(`The opening statement has no parameter $${n}`);
    const value = parameters[index];
    if (value === null) return 'NULL';
    if (typeof value === 'string') return client.escapeLiteral(value);
    // An escape string of hex digits: the same whatever standard_conforming_strings says, and
    // a constant to the parser (decode() was a function call to plan on every request).
    if (value instanceof Uint8Array) return `E'\\\\x${Buffer.from(value).toString('hex')}'::bytea`;
    throw new TypeError(`An opening statement takes text, bytes or null, not ${typeof value}`);
  });
}

/** A unit of work outlived DATABASE_TX_TIMEOUT_MS and was rolled back: 503, the client may retry. */
export class TransactionTimeoutError extends DomainError {
  constructor() {
    super(503, ErrorCode.DatabaseUnavailable, 'The database did not complete the request in time; retry shortly');
  }
}

/**
 * One unit of work: a transaction on a connection the API checked out itself (a pg pool
 * client, or PGlite's one connection), opened by TenantDb, which sends app.begin_request
 * first and commits or rolls back. The SQL layer and Prisma both run their statements on
 * it (sql.ts, prisma-routing.ts), so they share the transaction by construction.
 */
export abstract class UnitOfWork implements SqlConnection {
  private state: 'open' | 'ended' | 'timedOut' = 'open';
  protected readonly counter = new StatementCounter();

  protected abstract get connection(): SqlConnection;
  protected abstract finish(commit: boolean): Promise<void>;

  /** Statements sent so far (transaction control aside): what a request costs the database. */
  get statementsSent(): number {
    return this.counter.sent;
  }

  /** Prisma's statements reach the connection directly (prisma-routing.ts): counted here. */
  notePrismaStatement(): void {
    this.assertOpen();
    this.counter.sent++;
  }

  query<R>(sql: string, params: readonly unknown[], options?: QueryOptions): Promise<StatementResult<R>> {
    this.assertOpen();
    return this.connection.query<R>(sql, params, options);
  }

  /** COMMIT or ROLLBACK, then the connection is given back; later statements throw. */
  async end(commit: boolean): Promise<void> {
    // Timed out meanwhile: the work was rolled back, so a commit must not look like success.
    if (commit && this.state === 'timedOut') throw new TransactionTimeoutError();
    if (this.state !== 'open') return;
    this.state = 'ended';
    await this.finish(commit);
  }

  /** The unit of work ran too long: roll back now; its next statement throws TransactionTimeoutError. */
  async timeOut(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'timedOut';
    await this.finish(false).catch(() => undefined);
  }

  assertOpen(): void {
    if (this.state === 'timedOut') throw new TransactionTimeoutError();
    if (this.state === 'ended') throw new Error('Statement sent after its unit of work ended');
  }
}

export class PgUnitOfWork extends UnitOfWork {
  private readonly pgConnection: PgConnection;

  private constructor(
    private readonly client: pg.PoolClient,
    names: StatementNames | null,
  ) {
    super();
    this.pgConnection = new PgConnection(client, this.counter, names);
  }

  /** Runs `send` on the connection after the statements sent before it (PgConnection.serially). */
  onClient<T>(send: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.pgConnection.serially(send);
  }

  /**
   * BEGIN and the opening statement on a client of the pool, in one round trip: one simple
   * query of two statements, the opening's parameters written in as literals (pg's own
   * escaping; bytes as a bytea literal). The transaction stays open after it, as after any
   * BEGIN. If either fails, the transaction is rolled back and the client pooled again, or
   * destroyed when it cannot even roll back.
   */
  static async open<R>(
    client: pg.PoolClient,
    names: StatementNames | null,
    opening: Opening,
    mode: TransactionMode = 'readWrite',
  ): Promise<{ uow: UnitOfWork; rows: R[] }> {
    let results: pg.QueryResult[];
    try {
      results = (await client.query(`${BEGIN[mode]}; ${inlined(client, opening)}`)) as unknown as pg.QueryResult[];
    } catch (error) {
      await client.query('ROLLBACK').then(
        () => client.release(),
        () => client.release(error instanceof Error ? error : true),
      );
      throw error;
    }
    const uow = new PgUnitOfWork(client, names);
    uow.counter.sent++;
    return { uow, rows: (results[1]?.rows ?? []) as R[] };
  }

  protected get connection(): SqlConnection {
    return this.pgConnection;
  }

  protected async finish(commit: boolean): Promise<void> {
    try {
      await this.pgConnection.control(commit ? 'COMMIT' : 'ROLLBACK');
    } catch (error) {
      // The connection's state is unknown: destroy it rather than pool it again.
      this.client.release(error instanceof Error ? error : true);
      throw error;
    }
    this.client.release();
  }
}

/**
 * PGlite has one connection and runs one transaction at a time: a unit of work holds
 * PGlite's transaction open until it ends (others queue on PGlite's own lock).
 */
export class PgliteUnitOfWork extends UnitOfWork {
  private readonly pgliteConnection: PgliteConnection;

  private constructor(
    readonly tx: PgliteTransaction,
    private readonly release: () => void,
    private readonly done: Promise<unknown>,
  ) {
    super();
    this.pgliteConnection = new PgliteConnection(tx, this.counter);
  }

  /** PGlite's transaction, then the opening statement in it (PGlite is in-process: no round trip to save). */
  static async open<R>(
    pglite: PGlite,
    opening: Opening,
    unavailable: (error: unknown) => never,
    mode: TransactionMode = 'readWrite',
  ): Promise<{ uow: UnitOfWork; rows: R[] }> {
    const uow = await PgliteUnitOfWork.start(pglite).catch(unavailable);
    try {
      // PGlite sent BEGIN itself; the mode must be set before the first query.
      if (mode === 'snapshot') await uow.tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return { uow, rows: (await uow.query<R>(opening.sql, opening.parameters)).rows };
    } catch (error) {
      await uow.end(false).catch(() => undefined);
      throw error;
    }
  }

  /** Opens PGlite's transaction; fails only when PGlite cannot (503 in DatabaseService). */
  static start(pglite: PGlite): Promise<PgliteUnitOfWork> {
    return new Promise((resolve, reject) => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let opened = false;
      const done: Promise<unknown> = pglite.transaction(async (tx) => {
        opened = true;
        resolve(new PgliteUnitOfWork(tx, release, done));
        await held;
      });
      // Before it opened, a failure is the opener's; after, finish() awaits `done` and sees it.
      done.catch((error: unknown) => {
        if (!opened) reject(error);
      });
    });
  }

  protected get connection(): SqlConnection {
    return this.pgliteConnection;
  }

  protected async finish(commit: boolean): Promise<void> {
    if (!commit && !this.tx.closed) await this.tx.rollback();
    this.release();
    await this.done;
  }
}
