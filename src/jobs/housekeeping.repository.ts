import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';

/**
 * The housekeeping statements that are not a feature's own: each calls a definer function
 * written for the job runner, which touches only what is due (expired, past retention,
 * queued for deletion). Run in a trusted unit of work with no organization.
 */
@Injectable()
export class HousekeepingRepository {
  constructor(private readonly db: TenantDb) {}

  /** Deletes audit entries past their organization's retention (migration 20261206020000), at most `limit`. */
  async purgeAuditLog(limit: number): Promise<number> {
    const { rows } = await sql<{ n: string }>`SELECT app.purge_audit_log(${limit}) AS n`.execute(this.db.sql);
    return Number(rows[0]?.n ?? 0);
  }

  /** Storage paths of deleted attachment rows, queued at least `graceSeconds` ago. */
  async storageDeletionsDue(graceSeconds: number, limit: number): Promise<string[]> {
    const { rows } = await sql<{ path: string }>`
      SELECT app.storage_deletions_due(${graceSeconds}, ${limit}) AS path`.execute(this.db.sql);
    return rows.map((r) => r.path);
  }

  async storageDeletionsDone(paths: readonly string[]): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT app.storage_deletions_done(${paths}::text[]) AS n`.execute(
      this.db.sql,
    );
    return rows[0]?.n ?? 0;
  }
}
