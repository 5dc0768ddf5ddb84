import type { TimelineItem } from './dto/timeline.output.js';
import type { TimelineRow } from './timeline.repository.js';

const label = (value: unknown): string => {
  const s = String(value ?? '')
    .toLowerCase()
    .replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** One line a person reads in the feed; `data` has the details. */
function summarize(row: TimelineRow): string {
  const d: Record<string, unknown> = { ...row.data };
  switch (row.kind) {
    case 'activity':
      return `${label(d.type)}: ${String(d.title)}${d.completedAt ? '' : ' (open)'}`;
    case 'appointment':
      return `${label(d.type)}: ${String(d.title)} (${String(d.status)})`;
    case 'stage_change':
      return d.fromStage ? `Stage ${String(d.fromStage)} → ${String(d.toStage)}` : `Stage set to ${String(d.toStage)}`;
    case 'price_change':
      return d.oldPrice ? `Price ${String(d.oldPrice)} → ${String(d.newPrice)}` : `Price set to ${String(d.newPrice)}`;
    case 'status_change':
      return d.fromStatus
        ? `Status ${String(d.fromStatus)} → ${String(d.toStatus)}`
        : `Status set to ${String(d.toStatus)}`;
  }
}

export function toTimelineItem(row: TimelineRow): TimelineItem {
  // Each branch of the repository's query builds exactly its kind's data (timeline.repository.ts).
  return {
    type: row.kind,
    // The keyset text has microseconds; the API speaks milliseconds.
    occurredAt: new Date(row.at).toISOString(),
    actor: row.actorId ? { id: row.actorId, name: row.actorName } : null,
    summary: summarize(row),
    data: row.data,
  } as TimelineItem;
}
