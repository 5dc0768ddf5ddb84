import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import pg from 'pg';
import postgresDate from 'postgres-date';
import { Prisma } from '../generated/prisma/client.js';
import { withModelNames } from './model-names.js';

/** One statement's result, as both drivers give it. */
export interface StatementResult<R> {
  rows: R[];
  affectedRows?: number;
}

/** How a statement's rows come back. */
export interface QueryOptions {
  /** Each row's columns under the model's names (score_value → scoreValue): the SQL layer's rows. */
  modelNames?: boolean;
}

/** A unit of work's connection, inside its open transaction: what the SQL layer runs statements on. */
export interface SqlConnection {
  query<R>(sql: string, params: readonly unknown[], options?: QueryOptions): Promise<StatementResult<R>>;
}

// Postgres type OIDs decoded the way the Prisma model declares them, so a row read through the
// SQL layer is a row of the model: numeric → Prisma.Decimal, int8 → bigint, date → the UTC
// midnight Date Prisma returns for @db.Date, timestamp without zone → UTC. json/jsonb (parsed),
// booleans, ints and text[] are both drivers' defaults already; timestamptz (a Date) is PGlite's
// default, and pg's through a faster parser (below). All of it reads Postgres's ISO DateStyle, its
// default.
const NUMERIC = 1700;
const INT8 = 20;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const MODEL_PARSERS: Record<number, (text: string) => unknown> = {
  [NUMERIC]: (v) => new Prisma.Decimal(v),
  [INT8]: (v) => BigInt(v),
  [DATE]: (v) => new Date(`${v}T00:00:00.000Z`),
  [TIMESTAMP]: (v) => new Date(`${v.replace(' ', 'T')}Z`),
};
// pg's own timestamptz parser is postgres-date 1 (regular expressions per value); version 2
// reads the text character by character, same Dates, ≈ 2.4× faster: a 25-lead page holds ≈ 75
// timestamps. PGlite parses them itself.
// Its types declare an ES default export; the package is one CommonJS function, which is what
// Node's default import gives.
const parseTimestamp = postgresDate as unknown as typeof postgresDate.default;
if (typeof parseTimestamp !== 'function') throw new Error('postgres-date did not load as a function');
const PG_PARSERS: Record<number, (text: string) => unknown> = { ...MODEL_PARSERS, [TIMESTAMPTZ]: parseTimestamp };
/** The pg driver's parsers for the SQL layer (exported for its tests). */
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    PG_PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Parameters as both drivers take them: a decimal or a bigint as its exact text (pg would
 * JSON-encode a Decimal object, quotes included).
 */
function toParam(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Prisma.Decimal.isDecimal(value)) return value.toString();
  return value;
}

/**
 * Names for the SQL layer's statements, so each is parsed and planned once per connection
 * (a named prepared statement, as PostGraphile sends them) instead of on every execution:
 * with the row-level security policies to plan, that is most of a simple statement's
 * database CPU (docs/performance.md). The same text always gets the same name, on every
 * connection. Bounded: past `limit` distinct texts (dynamic filters, id lists of every
 * length), statements go unnamed, so no connection keeps more than `limit` of them.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly limit = 1000) {}

  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.limit) {
      name = `crm_${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/** Counts what a unit of work sends, for tests proving what a request costs. */
export class StatementCounter {
  sent = 0;
}

/** send(client), a synchronous throw as a rejection (as inside a then). */
function sendNow<T>(send: (client: pg.PoolClient) => Promise<T>, client: pg.PoolClient): Promise<T> {
  try {
    return send(client);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

export class PgConnection implements SqlConnection {
  private tail: Promise<unknown> = Promise.resolve();
  /** Statements handed to the client and not settled yet. */
  private pending = 0;
  private readonly settled = (): void => {
    this.pending--;
  };

  constructor(
    private readonly client: pg.PoolClient,
    private readonly counter: StatementCounter,
    /** null: every statement unnamed (a pooler in transaction mode cannot keep them). */
    private readonly names: StatementNames | null,
  ) {}

  /**
   * Hands the client to `send` once every statement sent before has finished, so statements
   * issued together (Promise.all in a service, Prisma's own batching) run one after another
   * in the order they were sent: a connection runs one at a time anyway, and pg 9 refuses
   * a query on a client that is still busy.
   */
  serially<T>(send: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // Nothing in flight (most statements): sent at once, without waiting a turn of the queue.
    const result = this.pending === 0 ? sendNow(send, this.client) : this.tail.then(() => send(this.client));
    this.pending++;
    this.tail = result.then(this.settled, this.settled);
    return result;
  }

  async query<R>(text: string, params: readonly unknown[], options?: QueryOptions): Promise<StatementResult<R>> {
    this.counter.sent++;
    const query = { name: this.names?.nameOf(text), text, values: params.map(toParam), types: PG_TYPES };
    if (options?.modelNames) {
      const result = await this.serially((client) => client.query<unknown[]>({ ...query, rowMode: 'array' }));
      return { rows: withModelNames(result.fields, result.rows) as R[], affectedRows: result.rowCount ?? undefined };
    }
    const result = await this.serially((client) => client.query<R & pg.QueryResultRow>(query));
    return { rows: result.rows, affectedRows: result.rowCount ?? undefined };
  }

  /** For transaction control, not counted. */
  async control(sql: string): Promise<void> {
    await this.serially((client) => client.query(sql));
  }
}

export class PgliteConnection implements SqlConnection {
  constructor(
    readonly tx: PgliteTransaction,
    private readonly counter: StatementCounter,
  ) {}

  async query<R>(text: string, params: readonly unknown[], options?: QueryOptions): Promise<StatementResult<R>> {
    this.counter.sent++;
    if (options?.modelNames) {
      const result = await this.tx.query<unknown[]>(text, params.map(toParam), {
        parsers: MODEL_PARSERS,
        rowMode: 'array',
      });
      return { rows: withModelNames(result.fields, result.rows) as R[], affectedRows: result.affectedRows };
    }
    const result = await this.tx.query<R>(text, params.map(toParam), { parsers: MODEL_PARSERS });
    return { rows: result.rows, affectedRows: result.affectedRows };
  }
}
