import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { type AuditedTable, RECORD_NAMES, type RecordTable } from './audited-tables.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit.cursor.js';
import { type AuditFilter, AuditRepository } from './audit.repository.js';
import type { AuditChanges, AuditEntryOutput, AuditPage } from './dto/audit.output.js';
import type { AuditPageQuery, ListAuditQuery } from './dto/audit.query.js';

type AuditRow = Awaited<ReturnType<AuditRepository['page']>>[number];

const toOutput = (row: AuditRow): AuditEntryOutput => ({
  id: row.id.toString(),
  // Written by the trigger from TG_TABLE_NAME of the tables it is attached to: AUDITED_TABLES.
  table: row.tableName as AuditedTable,
  recordId: row.recordId,
  action: row.action,
  // The trigger writes an object of [old, new] pairs (migration 20261206020000).
  changes: row.changes as AuditChanges,
  actor: { userId: row.actorUserId, apiKeyId: row.actorApiKeyId },
  requestId: row.requestId,
  at: row.createdAt.toISOString(),
});

@Injectable()
export class AuditService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditRepository,
  ) {}

  /** The organization's history (ADMIN, MANAGER), or the caller's own changes (other roles), filtered. */
  list(query: ListAuditQuery): Promise<AuditPage> {
    const filter: AuditFilter = {
      tables: query.table,
      recordId: query.recordId,
      actorId: query.actorId,
      apiKeyId: query.keyId,
      actions: query.action,
      from: query.from,
      to: query.to,
    };
    return this.page(filter, query);
  }

  /** One record's history; 404 unless the record exists and the caller may see it. */
  record(table: RecordTable, id: string, query: AuditPageQuery): Promise<AuditPage> {
    return this.page({ tables: [table], recordId: id }, query, async () => {
      if (!(await this.audit.recordVisible(table, id))) throw new NotFound(RECORD_NAMES[table]);
    });
  }

  private page(filter: AuditFilter, query: AuditPageQuery, check?: () => Promise<void>): Promise<AuditPage> {
    const before = query.cursor ? decodeAuditCursor(query.cursor) : undefined;
    return this.db.run(async () => {
      await check?.();
      // One extra row tells whether another page exists.
      const rows = await this.audit.page(filter, before, query.limit + 1);
      const more = rows.length > query.limit;
      const page = more ? rows.slice(0, query.limit) : rows;
      const last = page.at(-1);
      return { data: page.map(toOutput), nextCursor: more && last ? encodeAuditCursor(last.id) : null };
    });
  }
}
