import type { TicketAttachment, TicketComment } from '../generated/prisma/client.js';
import type {
  TicketAssigneeOutput,
  TicketAttachmentOutput,
  TicketCommentOutput,
  TicketOutput,
  TicketStatusChangeOutput,
} from './dto/ticket.output.js';
import { isOpenStatus, ticketReference } from './ticket-status.js';
import type { TicketAssigneeRow, TicketRow, TicketStatusChangeRow } from './tickets.repository.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toAssigneeOutput(a: TicketAssigneeRow): TicketAssigneeOutput {
  return { userId: a.userId, assignedById: a.assignedById, assignedAt: a.assignedAt.toISOString() };
}

/** Exactly the fields that leave the server (no organization_id). */
export function toTicketOutput(t: TicketRow, now = new Date()): TicketOutput {
  const overdue = isOpenStatus(t.status) && t.dueAt !== null && t.dueAt < now;
  return {
    id: t.id,
    number: t.number,
    reference: ticketReference(t.number),
    title: t.title,
    description: t.description,
    priority: t.priority,
    status: t.status,
    category: t.category,
    contactId: t.contactId,
    listingId: t.listingId,
    createdById: t.createdById,
    assignees: t.assignees.map(toAssigneeOutput),
    dueAt: iso(t.dueAt),
    firstResponseAt: iso(t.firstResponseAt),
    resolvedAt: iso(t.resolvedAt),
    closedAt: iso(t.closedAt),
    overdue,
    isOverdue: overdue,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    version: t.version,
  };
}

export function toStatusChangeOutput(h: TicketStatusChangeRow): TicketStatusChangeOutput {
  return {
    id: h.id,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    note: h.note,
    changedById: h.changedById,
    changedAt: h.changedAt.toISOString(),
  };
}

export function toCommentOutput(c: TicketComment): TicketCommentOutput {
  return {
    id: c.id,
    body: c.body,
    isInternal: c.isInternal,
    authorType: c.authorType,
    createdById: c.createdById,
    createdAt: c.createdAt.toISOString(),
  };
}

export function toAttachmentOutput(a: TicketAttachment): TicketAttachmentOutput {
  return {
    id: a.id,
    fileName: a.fileName,
    fileSize: a.fileSize,
    mimeType: a.mimeType,
    uploadedById: a.uploadedById,
    uploadedAt: a.uploadedAt.toISOString(),
  };
}
