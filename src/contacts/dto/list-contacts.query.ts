import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList, QueryBoolean, Trim } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { ContactStatus, ContactType } from '../../generated/prisma/enums.js';
import { CONTACT_INCLUDE_NAMES, type ContactInclude } from '../contacts.includes.js';

export const CONTACT_SORT_FIELDS = ['createdAt', 'updatedAt', 'name'] as const;
export type ContactSortField = (typeof CONTACT_SORT_FIELDS)[number];

export class ListContactsQuery extends PageQuery {
  @SortParam(CONTACT_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({ enum: ContactType, isArray: true, description: 'Comma-separated, e.g. CLIENT,PROSPECT' })
  @IsOptional()
  @CommaList()
  @IsEnum(ContactType, { each: true })
  type?: ContactType[];

  @ApiPropertyOptional({ enum: ContactStatus, isArray: true, description: 'Comma-separated, e.g. ACTIVE' })
  @IsOptional()
  @CommaList()
  @IsEnum(ContactStatus, { each: true })
  status?: ContactStatus[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({})
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive search over name, email, phone and company',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Also list soft-deleted contacts (ADMIN only)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeDeleted?: boolean;

  @IdsParam('contacts')
  ids?: string[];

  @IncludeParam(CONTACT_INCLUDE_NAMES)
  include?: ContactInclude[];
}

/** GET /v1/contacts/{id}: the related records to add. */
export class ContactIncludeQuery {
  @IncludeParam(CONTACT_INCLUDE_NAMES)
  include?: ContactInclude[];
}
