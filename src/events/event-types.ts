/**
 * Every event type the outbox trigger (app.emit_event, migration 20261206050000) writes:
 * `<entity>.<verb>`. Subscribers (the stream's ?types=, webhooks' events[]) name them
 * exactly or by pattern: `lead.*`, or `*` for all.
 */
export const EVENT_TYPES = [
  'lead.created',
  'lead.updated',
  'lead.deleted',
  'lead.restored',
  'lead.assigned',
  'lead.converted',
  'lead.merged',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.restored',
  'deal.created',
  'deal.updated',
  'deal.stage_changed',
  'deal.deleted',
  'deal.restored',
  'listing.created',
  'listing.updated',
  'listing.price_changed',
  'listing.status_changed',
  'listing.deleted',
  'listing.restored',
  'activity.created',
  'activity.updated',
  'activity.deleted',
  'appointment.created',
  'appointment.updated',
  'appointment.cancelled',
  'appointment.deleted',
  'ticket.created',
  'ticket.updated',
  'ticket.transitioned',
  'ticket.assigned',
  'ticket.comment_added',
  'ticket.deleted',
  'notification.created',
  'member.created',
  'member.updated',
  'member.deleted',
  'import.started',
  'import.progress',
  'import.paused',
  'import.completed',
  'import.failed',
  'import.cancelled',
  'import.log',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const ENTITIES = [...new Set(EVENT_TYPES.map((t) => t.split('.')[0]))];

/** Every pattern a subscriber may name: each type, `<entity>.*`, and `*`. */
export const EVENT_PATTERNS: readonly string[] = ['*', ...ENTITIES.map((e) => `${e}.*`), ...EVENT_TYPES];

/** Whether `type` is named by one of `patterns` (each one of EVENT_PATTERNS). */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}
