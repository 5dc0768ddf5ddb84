import type { SqlSession } from '../../src/database/sql-session.js';

export interface AppSettings {
  org?: string;
  user?: string;
  role?: string;
}

/**
 * Runs fn inside a transaction as crm_app with the given tenant settings: policies tested in
 * SQL, without the application in the way. Rolls back, unless `commit` is set and fn succeeds.
 */
export async function asApp<T>(
  sql: SqlSession,
  settings: AppSettings,
  fn: () => Promise<T>,
  { commit = false }: { commit?: boolean } = {},
): Promise<T> {
  await sql.exec('BEGIN');
  let done = false;
  try {
    await sql.query(
      `SELECT set_config('role', 'crm_app', true), set_config('app.current_org_id', $1, true),
              set_config('app.current_user_id', $2, true), set_config('app.current_role', $3, true)`,
      [settings.org ?? '', settings.user ?? '', settings.role ?? ''],
    );
    const result = await fn();
    done = true;
    return result;
  } finally {
    await sql.exec(done && commit ? 'COMMIT' : 'ROLLBACK');
  }
}
