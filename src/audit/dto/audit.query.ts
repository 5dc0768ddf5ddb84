import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { EnumListFilter, UuidFilter } from '../../common/query-filters.js';
import { AuditAction } from '../../generated/prisma/enums.js';
import { AUDITED_TABLES, type AuditedTable } from '../audited-tables.js';

/** The most entries one page of history holds. */
export const AUDIT_MAX_LIMIT = 200;

/** A page of history: newest first, `limit` entries after the `cursor` of the previous page. */
export class AuditPageQuery {
  @ApiPropertyOptional({ description: 'Opaque: the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by this endpoint' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: AUDIT_MAX_LIMIT, description: 'Default: 50.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_MAX_LIMIT)
  limit = 50;
}

export class ListAuditQuery extends AuditPageQuery {
  @EnumListFilter(AUDITED_TABLES, { example: 'leads,contacts' })
  table?: AuditedTable[];

  @UuidFilter('Only the changes to this record (with table, the record of that table)')
  recordId?: string;

  @UuidFilter('Only the changes this member made, themselves or through their API keys')
  actorId?: string;

  @UuidFilter('Only the changes made with this API key (its id)')
  keyId?: string;

  @EnumListFilter(AuditAction, { example: 'SOFT_DELETE,RESTORE' })
  action?: AuditAction[];

  @RangeFrom('Changes', 'instant')
  from?: Date;

  @RangeTo('Changes', 'instant')
  to?: Date;
}
