import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { EnumListFilter, IncludeDeletedFilter, SearchFilter, UuidFilter } from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { CampaignStatus, LeadSource } from '../../generated/prisma/enums.js';
import { CAMPAIGN_INCLUDE_NAMES, type CampaignInclude } from '../campaigns.includes.js';

export const CAMPAIGN_SORT_FIELDS = ['createdAt', 'updatedAt', 'name', 'startsOn'] as const;
export type CampaignSortField = (typeof CAMPAIGN_SORT_FIELDS)[number];

export class ListCampaignsQuery extends PageQuery {
  @SortParam(CAMPAIGN_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(CampaignStatus, { example: 'ACTIVE,PAUSED' })
  status?: CampaignStatus[];

  @EnumListFilter(LeadSource, { example: 'GOOGLE_ADS,SOCIAL_MEDIA' })
  channel?: LeadSource[];

  @UuidFilter('Only campaigns this member runs')
  ownerId?: string;

  @UuidFilter('Only campaigns promoting this listing')
  listingId?: string;

  @SearchFilter('Case-insensitive search over the name')
  q?: string;

  @IncludeDeletedFilter('campaigns')
  includeDeleted?: boolean;

  @IdsParam('campaigns')
  ids?: string[];

  @IncludeParam(CAMPAIGN_INCLUDE_NAMES)
  include?: CampaignInclude[];
}

/** GET /v1/campaigns/{id}: the related records to add. */
export class CampaignIncludeQuery {
  @IncludeParam(CAMPAIGN_INCLUDE_NAMES)
  include?: CampaignInclude[];
}
