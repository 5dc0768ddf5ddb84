import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { CreateLeadInput, UpdateLeadInput } from './dto/lead.input.js';
import type { LeadOutput } from './dto/lead.output.js';
import type { ListLeadsQuery } from './dto/list-leads.query.js';
import { toLeadOutput } from './leads.mapper.js';
import { LeadsRepository } from './leads.repository.js';

/** JSON null must reach Prisma as DbNull for a Json? column. */
function jsonValue(v: Record<string, unknown> | null | undefined) {
  return v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue | undefined);
}

@Injectable()
export class LeadsService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
  ) {}

  list(query: ListLeadsQuery): Promise<Page<LeadOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.leads.list(query);
      return pageOf(rows.map(toLeadOutput), total, query);
    });
  }

  get(id: string): Promise<LeadOutput> {
    return this.db.run(async () => toLeadOutput(await this.mustFind(id)));
  }

  create(input: CreateLeadInput): Promise<LeadOutput> {
    return this.db.run(async () => {
      await this.checkAssignee(input.assignedToId);
      const { customFields, ...rest } = input;
      const lead = await this.leads.create({
        ...rest,
        customFields: jsonValue(customFields),
        createdById: this.db.userId,
      });
      return toLeadOutput(lead);
    });
  }

  update(id: string, input: UpdateLeadInput): Promise<LeadOutput> {
    return this.db.run(async () => {
      await this.mustFind(id);
      await this.checkAssignee(input.assignedToId);
      const { customFields, name, source, status, scoreValue, tags, ...nullable } = input;
      // Required columns ignore an explicit null (validation already refused it for name).
      const updated = await this.leads.update(id, {
        ...nullable,
        ...(name != null && { name }),
        ...(source != null && { source }),
        ...(status != null && { status }),
        ...(scoreValue != null && { scoreValue }),
        ...(tags != null && { tags }),
        customFields: jsonValue(customFields),
      });
      if (!updated) throw new NotFound('Lead');
      return toLeadOutput(updated);
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      const deleted = await this.leads.update(id, { deletedAt: new Date() });
      if (!deleted) throw new NotFound('Lead');
    });
  }

  restore(id: string): Promise<LeadOutput> {
    return this.db.run(async () => {
      const restored = await this.leads.update(id, { deletedAt: null }, true);
      if (!restored) throw new NotFound('Deleted lead');
      return toLeadOutput(restored);
    });
  }

  private async mustFind(id: string) {
    const lead = await this.leads.findLive(id);
    if (!lead) throw new NotFound('Lead');
    return lead;
  }

  private async checkAssignee(userId: string | null | undefined): Promise<void> {
    if (userId && !(await this.leads.isMember(userId))) {
      throw new BusinessRuleViolation('assignedToId must be a member of this organization', ErrorCode.InvalidAssignee, [
        { field: 'assignedToId', message: 'is not a member of this organization' },
      ]);
    }
  }
}
