import { EVENT_PATTERNS, matchesEventType } from '../events/event-types.js';

/**
 * What a webhook may subscribe to: every pattern of the outbox's event types
 * (src/events/event-types.ts, the one list) but the personal ones: a notification is for
 * its recipient only and never leaves the server.
 */
export const WEBHOOK_EVENT_PATTERNS: readonly string[] = EVENT_PATTERNS.filter((p) => !p.startsWith('notification.'));

/** The type of the ping POST /v1/webhooks/{id}/test sends (not an outbox event). */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Whether a webhook subscribed to `patterns` receives an outbox event of `type`. */
export const subscribes = (patterns: readonly string[], type: string): boolean =>
  !type.startsWith('notification.') && matchesEventType(patterns, type);
