import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../database/tenant-repository.js';
import type { AuditAction, MemberRole } from '../generated/prisma/enums.js';
import type { AuditedTable, RecordTable } from './audited-tables.js';

export interface AuditFilter {
  tables?: readonly AuditedTable[];
  recordId?: string;
  actorId?: string;
  apiKeyId?: string;
  actions?: readonly AuditAction[];
  from?: Date;
  to?: Date;
}

/** The roles audit_log's policy shows the whole organization's history; the others see their own changes. */
const SEES_ALL: readonly MemberRole[] = ['ADMIN', 'MANAGER'];

/**
 * The audit history, read newest first by id (the trigger of migration 20261206020000 writes it;
 * nothing here writes). Each filter the caller leaves out is no condition; RLS decides what the
 * caller sees.
 */
@Injectable()
export class AuditRepository extends TenantRepository {
  /**
   * Up to `take` entries with id below `before`, newest first. Ordered by the identity alone, so
   * a page is one index range: (organization_id, id), or (…, table_name, record_id, id) for a
   * record, or (…, actor_user_id, id) for a person.
   */
  page(filter: AuditFilter, before: bigint | undefined, take: number) {
    let query = this.db.sql
      .selectFrom('audit_log')
      .select([
        'id',
        'tableName',
        'recordId',
        'action',
        'changes',
        'actorUserId',
        'actorApiKeyId',
        'requestId',
        'createdAt',
      ])
      .where('organizationId', '=', this.orgId);
    // The policy's rule for the other roles, restated so the planner reads their own changes
    // from the actor index instead of filtering the whole organization's history.
    if (!SEES_ALL.includes(this.db.role)) query = query.where('actorUserId', '=', this.db.userId);
    if (filter.tables?.length) query = query.where('tableName', 'in', [...filter.tables]);
    if (filter.recordId) query = query.where('recordId', '=', filter.recordId);
    if (filter.actorId) query = query.where('actorUserId', '=', filter.actorId);
    if (filter.apiKeyId) query = query.where('actorApiKeyId', '=', filter.apiKeyId);
    if (filter.actions?.length) query = query.where('action', 'in', [...filter.actions]);
    if (filter.from) query = query.where('createdAt', '>=', filter.from);
    if (filter.to) query = query.where('createdAt', '<', filter.to);
    if (before !== undefined) query = query.where('id', '<', before);
    return query.orderBy('id', 'desc').limit(take).execute();
  }

  /**
   * Whether the record exists in this organization and the caller may see it (RLS: another
   * agent's lead is not found). Soft-deleted records count: who deleted one is a question
   * its history answers. A read of another feature's table, as the timeline's are.
   */
  async recordVisible(table: RecordTable, id: string): Promise<boolean> {
    const row = await this.db.sql
      .selectFrom(table)
      .select('id')
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }
}
