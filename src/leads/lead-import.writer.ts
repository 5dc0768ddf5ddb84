import { Injectable } from '@nestjs/common';
import { DetailCode } from '../common/errors.js';
import type { DuplicatePolicy, ImportRow, RecordImporter, RowOutcome } from '../common/import-rows.js';
import { TenantDb } from '../database/tenant-db.js';
import { CreateLeadInput } from './dto/lead.input.js';
import { LeadDuplicatesRepository } from './lead-duplicates.repository.js';
import { CREATABLE_STATUSES } from './lead-status.js';
import { type LeadChanges, type LeadWrite, LeadsRepository } from './leads.repository.js';

/** A lead of the batch: an existing one, or one of the batch's own creates (by index). */
type Match = { existing: string } | { pending: number };

/**
 * Imported rows → leads, with the create route's rules (CreateLeadInput) and its duplicate
 * keys: a row whose normalized email or phone digits match a live lead — or an earlier row of
 * the same import — is a duplicate. The batch's keys are locked first (as a single create
 * locks its own), so a lead created through the API meanwhile is seen, not duplicated.
 * An update never changes a lead's status (its workflow has its own routes) nor its assignee.
 */
@Injectable()
export class LeadImportWriter implements RecordImporter<CreateLeadInput> {
  readonly target = 'leads';
  readonly input = CreateLeadInput;
  readonly fields = {
    name: 'text',
    email: 'text',
    phone: 'text',
    company: 'text',
    source: 'text',
    status: 'text',
    scoreValue: 'integer',
    budget: 'text',
    timeline: 'text',
    notes: 'text',
    tags: 'list',
    customFields: 'text',
  } as const;

  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly duplicates: LeadDuplicatesRepository,
  ) {}

  async write(rows: ImportRow<CreateLeadInput>[], policy: DuplicatePolicy): Promise<RowOutcome[]> {
    const outcomes: RowOutcome[] = [];
    const writable: ImportRow<CreateLeadInput>[] = [];
    for (const r of rows) {
      if (r.input.status && !CREATABLE_STATUSES.includes(r.input.status)) {
        outcomes[rows.indexOf(r)] = {
          row: r.row,
          result: 'failed',
          error: {
            field: 'status',
            message: `a lead cannot be imported ${r.input.status}; allowed: ${CREATABLE_STATUSES.join(', ')}`,
            code: DetailCode.NotAllowed,
          },
        };
      } else writable.push(r);
    }
    const results = policy === 'create' ? this.allNew(writable) : await this.deduplicated(writable, policy);
    const creates = results.flatMap((x) => (x.create ? [x.create] : []));
    await this.leads.createMany(creates);
    for (const x of results) {
      if (x.update) await this.leads.update(x.update.id, x.update.changes);
      outcomes[rows.findIndex((r) => r.row === x.row)] = { row: x.row, result: x.result };
    }
    return outcomes;
  }

  private allNew(rows: ImportRow<CreateLeadInput>[]): Planned[] {
    return rows.map((r) => ({ row: r.row, result: 'created', create: this.toWrite(r.input) }));
  }

  private async deduplicated(rows: ImportRow<CreateLeadInput>[], policy: 'skip' | 'update'): Promise<Planned[]> {
    const emails = rows.map((r) => r.input.email ?? null);
    const phones = rows.map((r) => r.input.phone ?? null);
    await this.duplicates.lockKeysMany(emails, phones);
    const found = await this.duplicates.matchMany(emails, phones);
    const byEmail = new Map<string, Match>();
    const byPhone = new Map<string, Match>();
    const planned: Planned[] = [];
    rows.forEach((r, i) => {
      const { emailKey, phoneKey, leadId } = found[i];
      const match: Match | undefined =
        (leadId && { existing: leadId }) ||
        (emailKey && byEmail.get(emailKey)) ||
        (phoneKey && byPhone.get(phoneKey)) ||
        undefined;
      if (!match) {
        const index = planned.push({ row: r.row, result: 'created', create: this.toWrite(r.input) }) - 1;
        if (emailKey) byEmail.set(emailKey, { pending: index });
        if (phoneKey) byPhone.set(phoneKey, { pending: index });
      } else if (policy === 'skip') {
        planned.push({ row: r.row, result: 'skipped' });
      } else if ('existing' in match) {
        planned.push({
          row: r.row,
          result: 'updated',
          update: { id: match.existing, changes: this.toChanges(r.input) },
        });
      } else {
        // A later row of the same lead in this batch: folded into the create.
        const target = planned[match.pending];
        target.create = { ...(target.create as LeadWrite), ...this.toChanges(r.input) };
        planned.push({ row: r.row, result: 'updated' });
      }
    });
    return planned;
  }

  private toWrite(input: CreateLeadInput): LeadWrite {
    return { ...input, createdById: this.db.context.userId ?? null } as LeadWrite;
  }

  /** The row's fields, except what an import never changes on an existing lead. */
  private toChanges(input: CreateLeadInput): LeadChanges {
    const { status: _status, assignedToId: _assignee, ...changes } = input;
    return changes as LeadChanges;
  }
}

interface Planned {
  row: number;
  result: 'created' | 'updated' | 'skipped';
  create?: LeadWrite;
  update?: { id: string; changes: LeadChanges };
}
