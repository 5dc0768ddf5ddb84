import type { DispatchEvent } from './webhook-deliveries.repository.js';
import { TEST_EVENT_TYPE } from './webhook-events.js';

/**
 * A delivery's body, in the Standard Webhooks payload shape `{type, timestamp, data}`. Like
 * the outbox, it carries ids and the names of changed fields, never values: a receiver
 * reads the record through the API, under its own key's scopes and row-level security.
 */
export function eventPayload(organizationId: string, e: DispatchEvent): string {
  return JSON.stringify({
    type: e.type,
    timestamp: e.createdAt.toISOString(),
    data: {
      eventId: e.seq.toString(),
      organizationId,
      entity: e.entity,
      id: e.entityId,
      fields: e.fields,
      refs: e.refs,
      actor: { userId: e.actorUserId, apiKeyId: e.actorApiKeyId },
    },
  });
}

/** The ping POST /v1/webhooks/{id}/test sends. */
export const testPayload = (organizationId: string, webhookId: string): string =>
  JSON.stringify({ type: TEST_EVENT_TYPE, timestamp: new Date().toISOString(), data: { organizationId, webhookId } });
