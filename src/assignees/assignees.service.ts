import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode } from '../common/errors.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { AssigneesRepository } from './assignees.repository.js';

/** Roles that work records; a VIEWER is read-only, so nothing can be assigned to them. */
export const ASSIGNABLE_ROLES: readonly MemberRole[] = ['ADMIN', 'MANAGER', 'AGENT'];

/** Who a record (lead, contact…) may be assigned to. Call inside a TenantDb unit of work. */
@Injectable()
export class AssigneesService {
  constructor(private readonly assignees: AssigneesRepository) {}

  /** 422 INVALID_ASSIGNEE unless userId is an ADMIN, MANAGER or AGENT of the current organization. */
  async assertAssignable(userId: string | null | undefined, field = 'assignedToId'): Promise<void> {
    if (!userId) return;
    const role = await this.assignees.roleOf(userId);
    if (role && ASSIGNABLE_ROLES.includes(role)) return;
    const why = role ? 'is a VIEWER (read-only) of this organization' : 'is not a member of this organization';
    throw new BusinessRuleViolation(
      `${field} must be an ADMIN, MANAGER or AGENT of this organization`,
      ErrorCode.InvalidAssignee,
      [{ field, message: why }],
    );
  }

  /** 422 INVALID_ASSIGNEE naming every id that is not a member of the current organization (any role). */
  async assertMembers(userIds: readonly string[], field: string): Promise<void> {
    const members = await this.assignees.membersAmong(userIds);
    const strangers = userIds.filter((u) => !members.has(u));
    if (strangers.length) {
      throw new BusinessRuleViolation(
        'Assignees must be members of this organization',
        ErrorCode.InvalidAssignee,
        strangers.map((u) => ({ field, message: `${u} is not a member of this organization` })),
      );
    }
  }

  actorName(): Promise<string | null> {
    return this.assignees.actorName();
  }
}
