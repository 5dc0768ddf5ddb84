import { Injectable } from '@nestjs/common';
import { AssigneesService } from '../assignees/assignees.service.js';
import { NotFound } from '../common/errors.js';
import { assertMayIncludeDeleted } from '../common/include-deleted.js';
import { type Page, type PageQuery, pageOf } from '../common/pagination.js';
import { jsonInput } from '../common/prisma-json.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import { LiveRecordsService } from '../records/live-records.service.js';
import { type DealStageRequest, resolveDealStage } from './deal-stage.js';
import type { ChangeDealStageInput, CreateDealInput, UpdateDealInput } from './dto/deal.input.js';
import type { DealOutput, DealStageChangeOutput, PipelineOutput } from './dto/deal.output.js';
import type { ListDealsQuery, PipelineQuery } from './dto/list-deals.query.js';
import { DEAL_INCLUDES, type DealInclude } from './deals.includes.js';
import { toDealOutput, toDealStageChangeOutput } from './deals.mapper.js';
import { type DealReferences, type DealRow, DealsRepository } from './deals.repository.js';
import type { DealFilters } from './deals.repository.js';

/** What a lead's conversion asks of its deal (DealsService.createFromLead). */
export interface DealFromLead {
  title: string;
  value: string;
  expectedCloseDate: Date | null;
  leadId: string;
  contactId: string;
  listingId: string | null;
  assignedToId: string | null;
}

/** The stage-rule fields of an input; undefined when the input does not touch any of them. */
function stageRequest(input: DealStageRequest): DealStageRequest | undefined {
  const { stage, status, probability, lostReason, actualCloseDate } = input;
  const req = { stage, status, probability, lostReason, actualCloseDate };
  return Object.values(req).some((v) => v !== undefined) ? req : undefined;
}

@Injectable()
export class DealsService {
  constructor(
    private readonly db: TenantDb,
    private readonly deals: DealsRepository,
    private readonly assignees: AssigneesService,
    private readonly includes: IncludesService,
    private readonly records: LiveRecordsService,
  ) {}

  list(query: ListDealsQuery): Promise<Page<DealOutput>> {
    return this.db.run(async () => {
      assertMayIncludeDeleted(query.includeDeleted, this.db.role);
      const [rows, total] = await this.deals.list(query);
      const data = await this.includes.expand(rows.map(toDealOutput), query.include, DEAL_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  /**
   * Every row of the list (its filters and sort, no pages), mapped as the list maps them, in
   * batches: for an export, in the caller's unit of work (a snapshot: src/exports).
   */
  async *exportBatches(query: DealFilters): AsyncGenerator<DealOutput[]> {
    assertMayIncludeDeleted(query.includeDeleted, this.db.role);
    for await (const rows of this.deals.exportBatches(query)) yield rows.map(toDealOutput);
  }

  get(id: string, include?: readonly DealInclude[]): Promise<DealOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toDealOutput(await this.mustFind(id)), include, DEAL_INCLUDES),
    );
  }

  create(input: CreateDealInput): Promise<DealOutput> {
    return this.db.run(async () => {
      await this.assignees.assertAssignable(input.assignedToId);
      await this.checkReferences(input);
      const { customFields, stage, status, probability, lostReason, actualCloseDate, ...rest } = input;
      const state = resolveDealStage(null, { stage, status, probability, lostReason, actualCloseDate });
      const deal = await this.deals.create({
        ...rest,
        ...state,
        customFields: jsonInput(customFields),
        createdById: this.db.userId,
      });
      return toDealOutput(deal);
    });
  }

  /**
   * The deal a lead's conversion opens, in stage QUALIFIED under the same stage rules as any
   * new deal (its default probability included). Joins the caller's unit of work, so the
   * conversion's writes commit or roll back together. `listingId` must be a live listing:
   * checked by the caller, which names its own field.
   */
  createFromLead(input: DealFromLead): Promise<DealOutput> {
    return this.db.run(async () => {
      const state = resolveDealStage(null, { stage: 'QUALIFIED' });
      const deal = await this.deals.create({ ...input, ...state, createdById: this.db.userId });
      return toDealOutput(deal);
    });
  }

  /** Re-points a lead's deals (deleted ones too) at another lead: a merge. Joins the caller's unit of work. */
  relinkLead(fromLeadId: string, toLeadId: string): Promise<number> {
    return this.db.run(() => this.deals.relinkLead(fromLeadId, toLeadId));
  }

  update(id: string, input: UpdateDealInput): Promise<DealOutput> {
    return this.db.run(async () => {
      const current = await this.mustLock(id);
      await this.assignees.assertAssignable(input.assignedToId);
      await this.checkReferences(input);
      const req = stageRequest(input);
      // The stage fields go through the stage rules (req); required columns ignore an explicit null.
      const { customFields, title, value, tags, ...other } = input;
      const { stage: _s, status: _st, probability: _p, lostReason: _l, actualCloseDate: _a, ...nullable } = other;
      const updated = await this.deals.update(id, {
        ...nullable,
        ...(title != null && { title }),
        ...(value != null && { value }),
        ...(tags != null && { tags }),
        ...(req && resolveDealStage(current, req)),
        customFields: jsonInput(customFields),
      });
      if (!updated) throw new NotFound('Deal');
      return toDealOutput(updated);
    });
  }

  changeStage(id: string, input: ChangeDealStageInput): Promise<DealOutput> {
    return this.db.run(async () => {
      const current = await this.mustLock(id);
      const updated = await this.deals.update(id, resolveDealStage(current, input));
      if (!updated) throw new NotFound('Deal');
      return toDealOutput(updated);
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      const deleted = await this.deals.update(id, { deletedAt: new Date() });
      if (!deleted) throw new NotFound('Deal');
    });
  }

  restore(id: string): Promise<DealOutput> {
    return this.db.run(async () => {
      const restored = await this.deals.update(id, { deletedAt: null }, true);
      if (!restored) throw new NotFound('Deleted deal');
      return toDealOutput(restored);
    });
  }

  history(id: string, page: PageQuery): Promise<Page<DealStageChangeOutput>> {
    return this.db.run(async () => {
      await this.mustFind(id);
      const [rows, total] = await this.deals.stageHistory(id, page);
      return pageOf(rows.map(toDealStageChangeOutput), total, page);
    });
  }

  pipeline(query: PipelineQuery): Promise<PipelineOutput> {
    return this.db.run(async () => ({ stages: await this.deals.pipeline(query) }));
  }

  private async mustFind(id: string): Promise<DealRow> {
    const deal = await this.deals.findLive(id);
    if (!deal) throw new NotFound('Deal');
    return deal;
  }

  private async mustLock(id: string): Promise<DealRow> {
    const deal = await this.deals.lockLive(id);
    if (!deal) throw new NotFound('Deal');
    return deal;
  }

  /** 422 INVALID_REFERENCE naming every lead/contact/listing id that is not a live record of this organization. */
  private checkReferences({ leadId, contactId, listingId }: DealReferences): Promise<void> {
    return this.records.assertLinks({ leadId, contactId, listingId });
  }
}
