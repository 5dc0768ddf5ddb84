import {
  type ArgType,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import type { ClsService } from 'nestjs-cls';
import pg from 'pg';
import { DomainError, ErrorCode } from '../common/errors.js';
import { Prisma } from '../generated/prisma/client.js';

/** The CLS key of the open unit of work's lane. */
export const CLS_LANE = 'sqlLane';

/** A unit of work outlived DATABASE_TX_TIMEOUT_MS and was rolled back: 503, the client may retry. */
export class TransactionTimeoutError extends DomainError {
  constructor() {
    super(503, ErrorCode.DatabaseUnavailable, 'The database did not complete the request in time; retry shortly');
  }
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/**
 * One unit of work's database transaction, held on the driver adapter's own connection
 * (a pg pool client, or PGlite's transaction): TenantDb opens it, sends app.begin_request
 * first, and commits or rolls it back. Repositories send SQL through it directly
 * (`TenantDb.sql`), one driver round trip per statement with none of Prisma's
 * per-statement work (query compilation, its interpreter, result mapping: ≈ 200 µs of CPU
 * each; docs/performance.md). Prisma, when a repository uses it, runs in an interactive
 * transaction bound to this same connection (withSqlLane), so both see one transaction.
 */
export class SqlLane {
  private state: 'open' | 'ended' | 'timedOut' = 'open';

  private sent = 0;

  /**
   * Statements sent so far, both ways in (COMMIT/ROLLBACK aside): what a request costs the
   * database, e.g. for the tests proving include= adds one statement per relation, not per row.
   */
  get statementsSent(): number {
    return this.sent;
  }

  /** On Postgres, the pool client under the adapter's transaction: rows straight from pg. */
  private readonly pgClient?: pg.ClientBase;

  constructor(private readonly tx: Transaction) {
    const client = (tx as unknown as { client?: unknown }).client;
    if (tx.adapterName === PG_ADAPTER && client instanceof pg.Client) this.pgClient = client;
  }

  /** Rows as objects keyed by column name, values decoded as Prisma's raw queries decode them. */
  async query<T>(query: Prisma.Sql): Promise<T[]> {
    const driverQuery = toDriver(query);
    if (!this.pgClient) return decodeRows<T>(await this.driverQuery(driverQuery));
    // Postgres: skip the adapter's per-statement work (debug log, a type-parser closure, its
    // array rows) — ≈ 5 % of a GET's CPU; pg decodes with the same rules (PG_TYPES).
    this.assertOpen();
    this.sent++;
    const result = await this.pgClient.query<T & pg.QueryResultRow>({
      text: driverQuery.sql,
      values: driverQuery.args,
      types: PG_TYPES,
    });
    return result.rows;
  }

  /** Whether statements go straight to pg (Postgres) rather than through the adapter (PGlite). */
  get direct(): boolean {
    return this.pgClient !== undefined;
  }

  /** The affected row count. */
  async execute(query: Prisma.Sql): Promise<number> {
    const driverQuery = toDriver(query);
    if (!this.pgClient) return this.driverExecute(driverQuery);
    this.assertOpen();
    this.sent++;
    const result = await this.pgClient.query({ text: driverQuery.sql, values: driverQuery.args, types: PG_TYPES });
    return result.rowCount ?? 0;
  }

  driverQuery(query: SqlQuery): Promise<SqlResultSet> {
    this.assertOpen();
    this.sent++;
    return this.tx.queryRaw(query);
  }

  driverExecute(query: SqlQuery): Promise<number> {
    this.assertOpen();
    this.sent++;
    return this.tx.executeRaw(query);
  }

  /** COMMIT or ROLLBACK, then the connection goes back to the pool; later statements throw. */
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

  private async finish(commit: boolean): Promise<void> {
    // pg's adapter leaves COMMIT/ROLLBACK to its caller; PGlite's ends its transaction itself.
    if (!this.tx.options.usePhantomQuery) {
      const end = commit ? 'COMMIT' : 'ROLLBACK';
      try {
        await (this.pgClient ? this.pgClient.query(end) : this.tx.executeRaw(statement(end)));
      } catch (error) {
        // The connection's state is unknown: on Postgres destroy it rather than pool it again.
        if (this.pgClient) (this.pgClient as pg.PoolClient).release(error instanceof Error ? error : true);
        else await this.tx.rollback();
        throw error;
      }
    }
    await (commit ? this.tx.commit() : this.tx.rollback());
  }

  private assertOpen(): void {
    if (this.state === 'timedOut') throw new TransactionTimeoutError();
    if (this.state === 'ended') throw new Error('Statement sent after its unit of work ended');
  }
}

const PG_ADAPTER = '@prisma/adapter-pg';

/**
 * pg's own parsers, made to decode as the lane's adapter path does (decodeRows): numeric as
 * Prisma.Decimal, int8 as bigint, timestamp without time zone as UTC, date as its text.
 * timestamptz (a Date), json/jsonb (parsed) and arrays are pg's defaults already.
 */
const PG_OVERRIDES: Partial<Record<number, (v: string) => unknown>> = {
  1700: (v) => new Prisma.Decimal(v),
  20: (v) => BigInt(v),
  1114: (v) => new Date(`${v.replace(' ', 'T')}Z`),
  1082: (v) => v,
};
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    PG_OVERRIDES[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function toDriver(query: Prisma.Sql): SqlQuery {
  const args: unknown[] = [];
  const argTypes: ArgType[] = [];
  for (const value of query.values) {
    const [arg, type] = driverArg(value);
    args.push(arg);
    argTypes.push(type);
  }
  return { sql: query.text, args, argTypes };
}

const SCALAR = { scalarType: 'unknown', arity: 'scalar' } as const satisfies ArgType;
const LIST = { scalarType: 'unknown', arity: 'list' } as const satisfies ArgType;

/** Values reach Postgres as text (every placeholder in our SQL carries its own ::cast). */
function driverArg(value: unknown): [unknown, ArgType] {
  if (value === undefined || value === null) return [null, SCALAR];
  if (Array.isArray(value)) return [value.map((v) => driverArg(v)[0]), LIST];
  if (value instanceof Date) return [value.toISOString(), SCALAR];
  if (typeof value === 'bigint') return [value.toString(), SCALAR];
  if (Prisma.Decimal.isDecimal(value)) return [value.toString(), SCALAR];
  if (typeof value === 'object' && !ArrayBuffer.isView(value)) return [JSON.stringify(value), SCALAR];
  return [value, SCALAR];
}

type Decoder = (v: unknown) => unknown;
const toDate: Decoder = (v) => (typeof v === 'string' ? new Date(v) : v);
const toJson: Decoder = (v) => (typeof v === 'string' ? JSON.parse(v) : v);
const toDecimal: Decoder = (v) => new Prisma.Decimal(v as string);
const toBigInt: Decoder = (v) => BigInt(v as string);
const each =
  (d: Decoder): Decoder =>
  (v) =>
    Array.isArray(v) ? v.map((x) => (x === null ? null : d(x))) : v;

const DECODERS: Partial<Record<number, Decoder>> = {
  [ColumnTypeEnum.DateTime]: toDate,
  [ColumnTypeEnum.DateTimeArray]: each(toDate),
  [ColumnTypeEnum.Json]: toJson,
  [ColumnTypeEnum.JsonArray]: each(toJson),
  [ColumnTypeEnum.Numeric]: toDecimal,
  [ColumnTypeEnum.NumericArray]: each(toDecimal),
  [ColumnTypeEnum.Int64]: toBigInt,
  [ColumnTypeEnum.Int64Array]: each(toBigInt),
};

function decodeRows<T>({ columnNames, columnTypes, rows }: SqlResultSet): T[] {
  const decoders = columnTypes.map((t) => DECODERS[t]);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) {
      const v = row[i];
      const d = decoders[i];
      out[columnNames[i]] = v === null || d === undefined ? v : d(v);
    }
    return out as T;
  });
}

/**
 * The adapter factory Prisma is given. Outside a unit of work it is `driver` itself (the
 * readiness probe). Inside one (a CLS context holding a SqlLane), a Prisma interactive
 * transaction does not take a second connection: it runs on the lane's transaction, which
 * stays TenantDb's to commit or roll back (Prisma's own end of it is a no-op).
 */
export function withSqlLane(driver: SqlDriverAdapter, cls: ClsService): SqlDriverAdapterFactory {
  const bound = Object.assign(Object.create(driver) as SqlDriverAdapter, {
    startTransaction(...args: Parameters<SqlDriverAdapter['startTransaction']>): Promise<Transaction> {
      const lane = cls.isActive() ? cls.get<SqlLane | undefined>(CLS_LANE) : undefined;
      if (!lane) return driver.startTransaction(...args);
      return Promise.resolve({
        provider: driver.provider,
        adapterName: driver.adapterName,
        options: { usePhantomQuery: true },
        queryRaw: (q: SqlQuery) => lane.driverQuery(q),
        executeRaw: (q: SqlQuery) => lane.driverExecute(q),
        commit: () => Promise.resolve(),
        rollback: () => Promise.resolve(),
      });
    },
  });
  return {
    provider: driver.provider,
    adapterName: driver.adapterName,
    connect: () => Promise.resolve(bound),
  };
}
