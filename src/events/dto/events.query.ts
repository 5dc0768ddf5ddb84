import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { EnumListFilter } from '../../common/query-filters.js';
import { EVENT_PATTERNS } from '../event-types.js';

/** The most events one page holds. */
export const EVENTS_MAX_LIMIT = 500;

const SEQ_PATTERN = /^[0-9]{1,18}$/;

class EventTypesQuery {
  @EnumListFilter(EVENT_PATTERNS, { example: 'lead.*,deal.stage_changed' })
  types?: string[];
}

export class ListEventsQuery extends EventTypesQuery {
  @ApiPropertyOptional({
    pattern: SEQ_PATTERN.source,
    maxLength: 18,
    description: "Events after this id (a previous page's nextAfter); default 0, the oldest kept",
  })
  @IsOptional()
  @IsString()
  @Matches(SEQ_PATTERN, { message: 'after must be an event id' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: EVENTS_MAX_LIMIT, description: 'Default: 100.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(EVENTS_MAX_LIMIT)
  limit = 100;
}

export class StreamQuery extends EventTypesQuery {
  @ApiPropertyOptional({
    description:
      'A stream token (POST /v1/events/stream-tokens), for EventSource, which cannot send an Authorization header',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  token?: string;

  @ApiPropertyOptional({
    pattern: SEQ_PATTERN.source,
    maxLength: 18,
    description:
      'Resume after this event id; the Last-Event-ID header (which EventSource sends when it reconnects) wins. ' +
      'Neither: only events from now on.',
  })
  @IsOptional()
  @IsString()
  @Matches(SEQ_PATTERN, { message: 'lastEventId must be an event id' })
  lastEventId?: string;
}

export const isEventId = (value: string): boolean => SEQ_PATTERN.test(value);
