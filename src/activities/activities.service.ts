import { Injectable } from '@nestjs/common';
import { AssigneesService } from '../assignees/assignees.service.js';
import { BusinessRuleViolation, Conflict, ErrorCode, NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import { ACTIVITY_INCLUDES, type ActivityInclude } from './activities.includes.js';
import { toActivityOutput } from './activities.mapper.js';
import { type ActivityRow, ActivitiesRepository } from './activities.repository.js';
import type { CompleteActivityInput, CreateActivityInput, UpdateActivityInput } from './dto/activity.input.js';
import type { ActivityOutput } from './dto/activity.output.js';
import type { ListActivitiesQuery } from './dto/list-activities.query.js';
import { LiveRecordsService, type RecordLinks } from '../records/live-records.service.js';

function assertHasSubject(links: RecordLinks): void {
  if (links.leadId || links.contactId || links.dealId || links.listingId) return;
  throw new BusinessRuleViolation(
    'An activity must belong to at least one lead, contact, deal or listing',
    ErrorCode.ActivitySubjectRequired,
    [{ field: 'leadId', message: 'one of leadId, contactId, dealId, listingId is required' }],
  );
}

/**
 * Calls, emails, meetings, showings, tasks and notes on leads, contacts, deals and listings.
 * A completed CALL, EMAIL, MEETING or SHOWING also moves the linked lead's and contact's
 * lastContactAt (and a NEW_LEAD to IN_CONTACT): a database trigger does that in the same
 * transaction, whichever route completed it (see the 20261123060000 migration).
 */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly db: TenantDb,
    private readonly activities: ActivitiesRepository,
    private readonly links: LiveRecordsService,
    private readonly assignees: AssigneesService,
    private readonly includes: IncludesService,
  ) {}

  /** Re-points a lead's activities at another lead (a merge). Joins the caller's unit of work. */
  relinkLead(fromLeadId: string, toLeadId: string): Promise<number> {
    return this.db.run(() => this.activities.relinkLead(fromLeadId, toLeadId));
  }

  list(query: ListActivitiesQuery): Promise<Page<ActivityOutput>> {
    return this.db.run(async () => {
      const now = new Date();
      const [rows, total] = await this.activities.list(query, now);
      const data = rows.map((r) => toActivityOutput(r, now));
      return pageOf(await this.includes.expand(data, query.include, ACTIVITY_INCLUDES), total, query);
    });
  }

  get(id: string, include?: readonly ActivityInclude[]): Promise<ActivityOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toActivityOutput(await this.mustFind(id)), include, ACTIVITY_INCLUDES),
    );
  }

  create(input: CreateActivityInput): Promise<ActivityOutput> {
    return this.db.run(async () => {
      assertHasSubject(input);
      await this.links.assertLinks(input);
      await this.assignees.assertAssignable(input.assignedToId);
      const activity = await this.activities.create({
        ...input,
        // Unless told otherwise, whoever logs it owns it ("my open tasks").
        assignedToId: input.assignedToId === undefined ? this.db.userId : input.assignedToId,
        createdById: this.db.userId,
      });
      return toActivityOutput(activity);
    });
  }

  update(id: string, input: UpdateActivityInput): Promise<ActivityOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      const { type, title, ...nullable } = input;
      assertHasSubject({
        leadId: input.leadId === undefined ? current.leadId : input.leadId,
        contactId: input.contactId === undefined ? current.contactId : input.contactId,
        dealId: input.dealId === undefined ? current.dealId : input.dealId,
        listingId: input.listingId === undefined ? current.listingId : input.listingId,
      });
      await this.links.assertLinks(input);
      await this.assignees.assertAssignable(input.assignedToId);
      // Required columns ignore an explicit null.
      const updated = await this.activities.update(id, {
        ...nullable,
        ...(type != null && { type }),
        ...(title != null && { title }),
      });
      return toActivityOutput(this.found(updated));
    });
  }

  complete(id: string, input: CompleteActivityInput): Promise<ActivityOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      if (current.completedAt)
        throw new Conflict('The activity is already completed', ErrorCode.ActivityAlreadyCompleted);
      const updated = await this.activities.update(id, {
        completedAt: new Date(),
        ...(input.outcome !== undefined && { outcome: input.outcome }),
      });
      return toActivityOutput(this.found(updated));
    });
  }

  reopen(id: string): Promise<ActivityOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      if (!current.completedAt) throw new Conflict('The activity is not completed', ErrorCode.ActivityNotCompleted);
      // The lead's lastContactAt is left alone: the contact did happen.
      return toActivityOutput(this.found(await this.activities.update(id, { completedAt: null })));
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      if (!(await this.activities.delete(id))) throw new NotFound('Activity');
    });
  }

  private async mustFind(id: string): Promise<ActivityRow> {
    return this.found(await this.activities.find(id));
  }

  private found(row: ActivityRow | null): ActivityRow {
    if (!row) throw new NotFound('Activity');
    return row;
  }
}
