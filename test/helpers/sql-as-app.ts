import type { SqlSession } from '../../src/database/sql-session.js';

export interface AppSettings {
  org?: string;
  user?: string;
  role?: string;
}

/**
 * Runs fn inside a transaction as crm_app with the given tenant settings, then rolls back:
 * policies tested in SQL, without the application in the way.
 */
export async function asApp<T>(sql: SqlSession, settings: AppSettings, fn: () => Promise<T>): Promise<T> {
  await sql.exec('BEGIN');
  try {
    await sql.query(
      `SELECT set_config('role', 'crm_app', true), set_config('app.current_org_id', $1, true),
              set_config('app.current_user_id', $2, true), set_config('app.current_role', $3, true)`,
      [settings.org ?? '', settings.user ?? '', settings.role ?? ''],
    );
    return await fn();
  } finally {
    await sql.exec('ROLLBACK');
  }
}
