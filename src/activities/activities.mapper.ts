import type { ActivityRow } from './activities.repository.js';
import type { ActivityOutput } from './dto/activity.output.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toActivityOutput(a: ActivityRow, now = new Date()): ActivityOutput {
  return {
    id: a.id,
    type: a.type,
    title: a.title,
    description: a.description,
    outcome: a.outcome,
    durationMinutes: a.durationMinutes,
    dueDate: a.dueDate?.toISOString() ?? null,
    completedAt: a.completedAt?.toISOString() ?? null,
    overdue: a.completedAt === null && a.dueDate !== null && a.dueDate < now,
    leadId: a.leadId,
    contactId: a.contactId,
    dealId: a.dealId,
    listingId: a.listingId,
    assignedToId: a.assignedToId,
    createdById: a.createdById,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}
