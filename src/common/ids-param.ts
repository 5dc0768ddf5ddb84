import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from './pagination.js';
import { CommaList } from './query-transforms.js';

/** The most ids one list request may name (a page is at most 100 rows too). */
export const MAX_IDS = 100;

/**
 * `ids=<uuid>,<uuid>` (or the parameter repeated): only these records, ANDed with the other
 * filters. Ids you cannot see (another organization's, another agent's lead) are simply not
 * listed; UUIDs are checked as path ids are, so the same ids work in both.
 */
export function IdsParam(what = 'records', idsName = 'ids'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      format: 'uuid',
      maxItems: MAX_IDS,
      description:
        `Only the ${what} with these ${idsName}: comma-separated UUIDs, at most ${MAX_IDS}; combined with the other ` +
        'filters. Ids you may not see are left out, never an error.',
    }),
    IsOptional(),
    CommaList(),
    ArrayMaxSize(MAX_IDS),
    IsUUID('loose', { each: true }),
  );
}

/** A page of a list whose only filter is `ids` (comments, attachments, share links…). */
export class IdsPageQuery extends PageQuery {
  @IdsParam()
  ids?: string[];
}
