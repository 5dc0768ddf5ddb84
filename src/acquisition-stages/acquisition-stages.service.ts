import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, Conflict, ErrorCode, NotFound, ValidationFailed } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { toAcquisitionStageOutput } from './acquisition-stages.mapper.js';
import { type AcquisitionStageRow, AcquisitionStagesRepository } from './acquisition-stages.repository.js';
import {
  type CreateAcquisitionStageInput,
  MAX_STAGES,
  type UpdateAcquisitionStageInput,
} from './dto/acquisition-stage.input.js';
import type { ListAcquisitionStagesQuery } from './dto/list-acquisition-stages.query.js';
import type { AcquisitionStageListOutput, AcquisitionStageOutput } from './dto/acquisition-stage.output.js';

/** How many of a stage's live contacts a 409 ACQUISITION_STAGE_IN_USE names. */
const CONTACTS_NAMED = 10;

/**
 * The contacts' acquisition pipeline (seed 001's acquisition_stages): ADMINs shape it (the
 * controller and RLS both say so), every member reads it. Positions are 1..n without gaps:
 * a new stage goes last, a deleted one closes its gap, reorder renumbers them all — each
 * under the organization's stage lock.
 */
@Injectable()
export class AcquisitionStagesService {
  constructor(
    private readonly db: TenantDb,
    private readonly stages: AcquisitionStagesRepository,
  ) {}

  list(query: ListAcquisitionStagesQuery): Promise<AcquisitionStageListOutput> {
    return this.db.run(async () => ({ data: (await this.stages.list(query.ids)).map(toAcquisitionStageOutput) }));
  }

  get(id: string): Promise<AcquisitionStageOutput> {
    return this.db.run(async () => toAcquisitionStageOutput(await this.mustFind(id)));
  }

  create(input: CreateAcquisitionStageInput): Promise<AcquisitionStageOutput> {
    return this.db.run(async () => {
      await this.stages.lock();
      const count = await this.stages.count();
      if (count >= MAX_STAGES) {
        throw new BusinessRuleViolation(`An organization has at most ${MAX_STAGES} acquisition stages`);
      }
      return toAcquisitionStageOutput(await this.stages.create({ ...input, position: count + 1 }));
    });
  }

  update(id: string, input: UpdateAcquisitionStageInput): Promise<AcquisitionStageOutput> {
    return this.db.run(async () => {
      const { name, defaultProbability, kind } = input;
      // None of the columns can be cleared: an explicit null leaves it as it is.
      const updated = await this.stages.update(id, {
        ...(name != null && { name }),
        ...(defaultProbability != null && { defaultProbability }),
        ...(kind != null && { kind }),
      });
      if (!updated) throw new NotFound('Acquisition stage');
      return toAcquisitionStageOutput(updated);
    });
  }

  /** 409 ACQUISITION_STAGE_IN_USE while a live contact is in it; soft-deleted contacts lose the stage. */
  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      await this.stages.lock();
      await this.stages.lockStage(id); // else a contact moved in meanwhile would lose the stage to ON DELETE SET NULL
      const contactIds = await this.stages.liveContactsIn(id, CONTACTS_NAMED);
      if (contactIds.length) {
        throw new Conflict(
          'Live contacts are in this acquisition stage: move them to another stage first',
          ErrorCode.AcquisitionStageInUse,
          undefined,
          { contactIds },
        );
      }
      if (!(await this.stages.delete(id))) throw new NotFound('Acquisition stage');
    });
  }

  /** All the organization's stages in their new order, in one transaction; 400 when the set differs. */
  reorder(ids: readonly string[]): Promise<AcquisitionStageListOutput> {
    return this.db.run(async () => {
      await this.stages.lock();
      const current = new Set((await this.stages.list()).map((s) => s.id));
      const unknown = ids.filter((id) => !current.has(id));
      const missing = [...current].filter((id) => !ids.includes(id));
      if (unknown.length || missing.length) {
        throw new ValidationFailed(
          [
            ...unknown.map((id) => ({ field: 'ids', message: `not a stage of this organization: ${id}` })),
            ...missing.map((id) => ({ field: 'ids', message: `a stage of this organization is missing: ${id}` })),
          ],
          "ids must list every one of the organization's acquisition stages exactly once",
        );
      }
      await this.stages.reorder(ids);
      return { data: (await this.stages.list()).map(toAcquisitionStageOutput) };
    });
  }

  /**
   * 422 INVALID_REFERENCE unless the id names a stage of the organization (a contact's
   * acquisitionStageId). Call inside the caller's unit of work; null and absent are not checked.
   */
  async assertLinkable(id: string | null | undefined, field = 'acquisitionStageId'): Promise<void> {
    if (!id || (await this.stages.find(id))) return;
    throw new BusinessRuleViolation('A linked record does not exist', ErrorCode.InvalidReference, [
      { field, message: 'no such acquisition stage in this organization' },
    ]);
  }

  private async mustFind(id: string): Promise<AcquisitionStageRow> {
    const stage = await this.stages.find(id);
    if (!stage) throw new NotFound('Acquisition stage');
    return stage;
  }
}
