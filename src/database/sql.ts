import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { SqlConnection, StatementResult } from './connection.js';
import { columnName } from './model-names.js';
import type { DB } from './schema.js';

/** The typed SQL layer: a Kysely query builder whose statements run on the open unit of work. */
export type Sql = Kysely<DB>;

/** A compiled statement on a unit of work's connection, as the SQL layer runs each: the columns named as the model names them. */
export function runCompiled<R>(connection: SqlConnection, query: CompiledQuery): Promise<StatementResult<R>> {
  return connection.query<R>(query.sql, query.parameters, { modelNames: true });
}

const refuse = (what: string) => () => {
  throw new Error(`${what}: a unit of work owns its transaction (TenantDb.run*)`);
};

/**
 * Kysely's Driver over whatever connection the current unit of work holds: Kysely compiles
 * and decodes, the unit of work (TenantDb) opened the transaction and sent app.begin_request,
 * and it alone commits. There is no pool here, and no transaction API.
 */
class UnitOfWorkDriver implements Driver {
  constructor(private readonly current: () => SqlConnection) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    const connection = this.current();
    return Promise.resolve({
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        const { rows, affectedRows } = await runCompiled<R>(connection, query);
        return {
          rows,
          ...(affectedRows !== undefined && { numAffectedRows: BigInt(affectedRows) }),
        };
      },
      streamQuery: refuse('Streaming through the SQL layer'),
    });
  }

  beginTransaction = refuse('Kysely transactions');
  commitTransaction = refuse('Kysely transactions');
  rollbackTransaction = refuse('Kysely transactions');

  releaseConnection(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Postgres SQL with every identifier (table, column, alias) written as the migrations name it.
 * Renaming while compiling costs nothing per query, where a plugin would rebuild the whole
 * query tree first (Kysely's CamelCasePlugin doubled the build time of an INSERT and also
 * renamed keys inside JSON values).
 */
class ColumnNamesCompiler extends PostgresQueryCompiler {
  protected override sanitizeIdentifier(identifier: string): string {
    return super.sanitizeIdentifier(columnName(identifier));
  }
}

class UnitOfWorkDialect implements Dialect {
  constructor(private readonly current: () => SqlConnection) {}

  createDriver(): Driver {
    return new UnitOfWorkDriver(this.current);
  }

  createQueryCompiler(): QueryCompiler {
    return new ColumnNamesCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

/**
 * The SQL layer, bound to the unit of work `current()` returns (it throws when there is none).
 * Columns are written as the Prisma model names them (scoreValue) and sent as the migrations
 * name them (score_value); rows come back with the model's names and types.
 */
export function createSql(current: () => SqlConnection): Sql {
  return new Kysely<DB>({ dialect: new UnitOfWorkDialect(current) });
}
