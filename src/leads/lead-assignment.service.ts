import { Injectable } from '@nestjs/common';
import { AssigneesService } from '../assignees/assignees.service.js';
import { Forbidden } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { assignmentEmail } from '../email/templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { NotificationType } from '../notifications/dto/notification.output.js';

/** Roles that decide who works a lead (seed 002: managers assign, agents work their own). */
export const ASSIGNING_ROLES: readonly MemberRole[] = ['ADMIN', 'MANAGER'];

export const LEAD_ASSIGNED: NotificationType = 'LEAD_ASSIGNED';

/**
 * The one place that rules on a lead's assignee, whichever route changes it
 * (create, PATCH, assign, bulk, merge), and tells the new assignee.
 * Call inside a TenantDb unit of work.
 */
@Injectable()
export class LeadAssignmentService {
  constructor(
    private readonly db: TenantDb,
    private readonly assignees: AssigneesService,
    private readonly notifications: NotificationsService,
  ) {}

  /** ADMIN and MANAGER may (re)assign any lead. */
  mayAssign(): boolean {
    return ASSIGNING_ROLES.includes(this.db.role);
  }

  /**
   * Checks that the caller may set `next` as the assignee of a lead now assigned to
   * `current` and that `next` can work leads; returns whether the assignee changes.
   * An AGENT may create a lead for themself, but never reassigns one (403).
   */
  async checkChange(next: string | null | undefined, current: string | null, creating = false): Promise<boolean> {
    if (next === undefined || next === current) return false;
    const selfOnCreate = creating && next === this.db.userId;
    if (!this.mayAssign() && !selfOnCreate) throw new Forbidden('Only an ADMIN or MANAGER can assign leads');
    await this.assignees.assertAssignable(next);
    return true;
  }

  /**
   * One LEAD_ASSIGNED notification per lead for the assignee, in the caller's transaction (none
   * to oneself), and one email for all of them (a bulk assignment is one message, not fifty).
   */
  async notifyAssigned(leads: { id: string; name: string }[], assigneeId: string | null): Promise<void> {
    if (!assigneeId || assigneeId === this.db.userId || !leads.length) return;
    const actor = await this.assignees.actorName();
    await this.notifications.notify(
      ...leads.map((lead, i) => ({
        userId: assigneeId,
        type: LEAD_ASSIGNED,
        title: `Lead assigned to you: ${lead.name}`,
        body: actor ? `Assigned by ${actor}` : undefined,
        data: { leadId: lead.id },
        ...(i === 0 && {
          email: (to: { fullName: string | null }) =>
            assignmentEmail({
              recipientName: to.fullName,
              actorName: actor,
              record: 'lead',
              records: leads.map((l) => ({ name: l.name })),
            }),
        }),
      })),
    );
  }
}
