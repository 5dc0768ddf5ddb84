import type { ContactOutput } from './dto/contact.output.js';
import type { ContactRow } from './contacts.repository.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toContactOutput(c: ContactRow): ContactOutput {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    company: c.company,
    position: c.position,
    type: c.type,
    status: c.status,
    notes: c.notes,
    tags: c.tags,
    customFields: (c.customFields as Record<string, unknown> | null) ?? null,
    linkedinUrl: c.linkedinUrl,
    twitterUrl: c.twitterUrl,
    preferredContactMethod: c.preferredContactMethod,
    assignedToId: c.assignedToId,
    createdById: c.createdById,
    sourceLeadId: c.sourceLeadId,
    productId: c.productId,
    acquisitionStageId: c.acquisitionStageId,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    lastContactAt: c.lastContactAt?.toISOString() ?? null,
    deletedAt: c.deletedAt?.toISOString() ?? null,
  };
}
