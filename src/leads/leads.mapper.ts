import type { LeadOutput } from './dto/lead.output.js';
import type { LeadListRow } from './leads.repository.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toLeadOutput(l: LeadListRow): LeadOutput {
  return {
    id: l.id,
    name: l.name,
    email: l.email,
    phone: l.phone,
    company: l.company,
    source: l.source,
    status: l.status,
    score: l.score,
    scoreValue: l.scoreValue,
    scoreOverridden: l.scoreOverride,
    computedScore: l.computedScore,
    priority: l.priority,
    budget: l.budget === null ? null : l.budget.toFixed(2),
    timeline: l.timeline,
    notes: l.notes,
    tags: l.tags,
    customFields: (l.customFields as Record<string, unknown> | null) ?? null,
    assignedToId: l.assignedToId,
    createdById: l.createdById,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    version: l.version,
    lastContactAt: l.lastContactAt?.toISOString() ?? null,
    deletedAt: l.deletedAt?.toISOString() ?? null,
    convertedContactId: l.convertedContactId,
    campaignId: l.campaignId,
  };
}
