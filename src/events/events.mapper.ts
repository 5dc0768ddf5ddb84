import type { EventRow } from './events.repository.js';
import type { EventOutput } from './dto/event.output.js';

export const toEventOutput = (e: EventRow): EventOutput => ({
  id: e.seq.toString(),
  type: e.type,
  occurredAt: e.createdAt.toISOString(),
  data: {
    entity: e.entity,
    id: e.entityId,
    fields: e.fields,
    ...(e.refs as Record<string, string>),
  },
  actor: { userId: e.actorUserId, apiKeyId: e.actorApiKeyId },
  requestId: e.requestId,
});
