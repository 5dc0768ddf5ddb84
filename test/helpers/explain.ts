// Plans of the statements a route really sends, EXPLAINed as crm_app under RLS.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseService } from '../../src/database/database.service.js';
import type { Opening } from '../../src/database/unit-of-work.js';
import type { SqlSession } from '../../src/database/sql-session.js';

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

export interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
export const planNodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(planNodes)];

/** The relations a plan reads with a sequential scan. */
export const seqScanned = (plan: PlanNode): string[] =>
  planNodes(plan)
    .filter((n) => n['Node Type'] === 'Seq Scan')
    .map((n) => n['Relation Name'] ?? '?');

/** The indexes a plan uses. */
export const indexesUsed = (plan: PlanNode): string[] =>
  planNodes(plan).flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));

/**
 * The statements the app's units of work send (after app.begin_request) while `fn` runs, through
 * the app's own DI as countStatements does: the SQL exactly as the repositories build it.
 */
export async function captureStatements(app: NestFastifyApplication, fn: () => Promise<unknown>): Promise<Statement[]> {
  const database = app.get(DatabaseService);
  const begin = database.begin.bind(database);
  const seen: Statement[] = [];
  database.begin = async <R>(opening: Opening) => {
    const opened = await begin<R>(opening);
    const { uow } = opened;
    const query = uow.query.bind(uow);
    uow.query = (sql, params, options) => {
      seen.push({ sql, params });
      return query(sql, params, options);
    };
    return opened;
  };
  try {
    await fn();
  } finally {
    Reflect.deleteProperty(database, 'begin');
  }
  return seen;
}

/** EXPLAIN (FORMAT JSON) as crm_app for `user` in `org` (app.begin_request, as the API opens a unit of work). */
export async function explainAs(sql: SqlSession, s: Statement, user: string, org: string): Promise<PlanNode> {
  await sql.exec('BEGIN');
  try {
    const [tenant] = await sql.query<{ org_id: string | null }>('SELECT * FROM app.begin_request($1, $2)', [user, org]);
    if (tenant?.org_id !== org) throw new Error('app.begin_request did not set the tenant');
    const [row] = await sql.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, [...s.params]);
    const doc = row!['QUERY PLAN'];
    return (typeof doc === 'string' ? JSON.parse(doc) : doc)[0].Plan as PlanNode;
  } finally {
    await sql.exec('ROLLBACK');
  }
}
