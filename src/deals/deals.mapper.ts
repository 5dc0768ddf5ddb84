import { calendarDate } from '../common/dates.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DealOutput, DealStageChangeOutput } from './dto/deal.output.js';
import type { DealRow, DealStageChangeRow } from './deals.repository.js';

/** value × probability / 100, to the cent (half-up). */
export function weightedValue(value: Prisma.Decimal, probability: number): string {
  return value.mul(probability).div(100).toFixed(2, Prisma.Decimal.ROUND_HALF_UP);
}

/** Exactly the fields that leave the server (no organization_id). */
export function toDealOutput(d: DealRow): DealOutput {
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    value: d.value.toFixed(2),
    stage: d.stage,
    status: d.status,
    probability: d.probability,
    weightedValue: weightedValue(d.value, d.probability),
    expectedCloseDate: d.expectedCloseDate && calendarDate(d.expectedCloseDate),
    actualCloseDate: d.actualCloseDate && calendarDate(d.actualCloseDate),
    lostReason: d.lostReason,
    notes: d.notes,
    tags: d.tags,
    customFields: (d.customFields as Record<string, unknown> | null) ?? null,
    leadId: d.leadId,
    contactId: d.contactId,
    listingId: d.listingId,
    assignedToId: d.assignedToId,
    createdById: d.createdById,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    version: d.version,
    deletedAt: d.deletedAt?.toISOString() ?? null,
  };
}

export function toDealStageChangeOutput(h: DealStageChangeRow): DealStageChangeOutput {
  return {
    id: h.id,
    fromStage: h.fromStage,
    toStage: h.toStage,
    changedById: h.changedById,
    changedAt: h.changedAt.toISOString(),
  };
}
