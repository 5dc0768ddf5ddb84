import { HttpStatus, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type ErrorDetail, Forbidden, ValidationFailed, DetailCode } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { LiveRecordsService } from '../records/live-records.service.js';
import type { BulkAction, BulkLeadData, BulkLeadsInput } from './dto/bulk-leads.input.js';
import type { BulkResultOutput } from './dto/lead-actions.output.js';
import { LeadAssignmentService } from './lead-assignment.service.js';
import { canTransition, nextStatuses } from './lead-status.js';
import { type LeadChanges, type LeadRow, LeadsRepository } from './leads.repository.js';

/** Which fields each action takes in `data`. */
function checkShape(action: BulkAction, data: BulkLeadData | undefined): LeadChanges {
  const fields = Object.entries(data ?? {}).filter(([, v]) => v !== undefined);
  switch (action) {
    case 'delete':
      if (data) throw new ValidationFailed([{ field: 'data', message: 'is not allowed for delete' }]);
      return { deletedAt: new Date() };
    case 'restore':
      if (data) throw new ValidationFailed([{ field: 'data', message: 'is not allowed for restore' }]);
      return { deletedAt: null };
    case 'assign':
      if (!data?.assignedToId || fields.length !== 1) {
        throw new ValidationFailed([{ field: 'data', message: 'must be exactly { assignedToId } for assign' }]);
      }
      return { assignedToId: data.assignedToId };
    case 'update': {
      if (!data || !fields.length)
        throw new ValidationFailed([{ field: 'data', message: 'must set at least one field' }]);
      const { status, source, scoreValue, tags, assignedToId, priority, campaignId } = data;
      return { status, source, scoreValue, tags, assignedToId, priority, campaignId };
    }
  }
}

/** Does the row exist in the state the action needs (live, or deleted for restore)? */
const inState = (action: BulkAction, lead: LeadRow | undefined): lead is LeadRow =>
  lead !== undefined && (action === 'restore' ? lead.deletedAt !== null : lead.deletedAt === null);

/**
 * Bulk actions on up to 100 leads, all or nothing: lock every row, validate every row,
 * then one set-based UPDATE in the same transaction.
 */
@Injectable()
export class LeadBulkService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly assignment: LeadAssignmentService,
    private readonly records: LiveRecordsService,
  ) {}

  run({ action, ids, data }: BulkLeadsInput): Promise<BulkResultOutput> {
    const patch = checkShape(action, data);
    return this.db.run(async () => {
      const assigning = patch.assignedToId !== undefined;
      if (assigning && !this.assignment.mayAssign()) throw new Forbidden('Only an ADMIN or MANAGER can assign leads');
      const byId = new Map((await this.leads.lockMany(ids)).map((l) => [l.id, l]));
      const missing = ids.filter((id) => !inState(action, byId.get(id)));
      if (missing.length) {
        throw new DomainError(
          HttpStatus.NOT_FOUND,
          ErrorCode.NotFound,
          `${missing.length} of the ${ids.length} leads were not found${action === 'restore' ? ' among deleted leads' : ''}; nothing was changed`,
          [{ field: 'ids', message: 'ref.leadIds lists the leads not found', code: DetailCode.NotFound }],
          { leadIds: missing },
        );
      }
      const leads = ids.map((id) => byId.get(id) as LeadRow);
      if (data?.status) this.checkTransitions(leads, data.status);
      await this.records.assertLinks({ campaignId: patch.campaignId }, 'data.');
      const assignee = assigning ? (patch.assignedToId as string | null) : undefined;
      if (assignee) await this.assignment.checkChange(assignee, null);
      const affected = await this.leads.updateMany(ids, patch);
      if (assignee) {
        await this.assignment.notifyAssigned(
          leads.filter((l) => l.assignedToId !== assignee),
          assignee,
        );
      }
      return { affected };
    });
  }

  /** 422 INVALID_STATUS_TRANSITION naming each lead that cannot move to `to`, with what it allows. */
  private checkTransitions(leads: LeadRow[], to: NonNullable<BulkLeadData['status']>): void {
    const blocked = leads.filter((l) => !canTransition(l.status, to));
    const refused: ErrorDetail[] = blocked.map((l) => ({
      field: 'ids',
      message: `${l.id}: ${l.status} → ${to} not allowed (allowed: ${nextStatuses(l.status).join(', ') || 'none'})`,
      code: DetailCode.NotAllowed,
    }));
    if (refused.length) {
      throw new DomainError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ErrorCode.InvalidStatusTransition,
        `${refused.length} of the leads cannot move to ${to}; nothing was changed`,
        refused,
        { leadIds: blocked.map((l) => l.id) },
      );
    }
  }
}
