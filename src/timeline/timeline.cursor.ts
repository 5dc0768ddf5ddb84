import { ValidationFailed, DetailCode } from '../common/errors.js';
import { isUuid } from '../common/uuid-param.pipe.js';
import { TIMELINE_ITEM_TYPES, type TimelineItemType } from './dto/timeline.output.js';
import type { TimelineKey } from './timeline.repository.js';

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}Z$/;

/** base64url of "occurredAt|kind|id": opaque to clients, checked when it comes back. */
export function encodeCursor(key: TimelineKey): string {
  return Buffer.from(`${key.at}|${key.kind}|${key.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): TimelineKey {
  const [at = '', kind = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const valid =
    rest.length === 0 &&
    AT.test(at) &&
    !Number.isNaN(Date.parse(at)) &&
    TIMELINE_ITEM_TYPES.includes(kind as TimelineItemType) &&
    isUuid(id);
  if (!valid)
    throw new ValidationFailed([
      { field: 'cursor', message: 'is not a cursor returned by this endpoint', code: DetailCode.InvalidFormat },
    ]);
  return { at, kind: kind as TimelineItemType, id: id.toLowerCase() };
}
