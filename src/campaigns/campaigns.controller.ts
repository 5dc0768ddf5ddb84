import { Get, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CampaignPerformanceService } from './campaign-performance.service.js';
import { CampaignsService } from './campaigns.service.js';
import { CreateCampaignInput, UpdateCampaignInput } from './dto/campaign.input.js';
import { CampaignOutput } from './dto/campaign.output.js';
import { CampaignPerformanceOutput, TopCampaignsOutput } from './dto/campaign-performance.output.js';
import { CampaignIncludeQuery, ListCampaignsQuery } from './dto/list-campaigns.query.js';
import { TopCampaignsQuery } from './dto/top-campaigns.query.js';

/**
 * UTM_CAMPAIGN_TAKEN: another live campaign has the utmCampaign; INVALID_ASSIGNEE: the owner is not a
 * member who works records; INVALID_REFERENCE: the listing is not a live listing of the organization.
 */
const WRITE_RULES = [
  ErrorCode.UtmCampaignTaken,
  ErrorCode.InvalidAssignee,
  ErrorCode.InvalidReference,
  ErrorCode.BusinessRule,
] as const;

const FIGURES_UNDER_RLS = 'Figures count only the leads you may see: an AGENT gets the figures of their own leads.';

@TenantController('campaigns')
@ResourceRoutes('campaign', {
  create: {
    summary: 'Create a campaign',
    body: CreateCampaignInput,
    ok: CampaignOutput,
    created: '/v1/campaigns/{id}',
    errors: WRITE_RULES,
  },
  list: {
    summary: 'List campaigns',
    description: 'Filters combine with AND; status and channel take comma-separated values; q searches the name.',
    query: ListCampaignsQuery,
    ok: PageOf(CampaignOutput),
  },
  get: { summary: 'Get a campaign', query: CampaignIncludeQuery, ok: CampaignOutput },
  update: {
    summary: 'Update a campaign (only the fields sent)',
    body: UpdateCampaignInput,
    ok: CampaignOutput,
    errors: WRITE_RULES,
  },
  softDelete: { note: ' (its leads keep their campaignId)' },
  restore: { ok: CampaignOutput, errors: [ErrorCode.UtmCampaignTaken] },
  writeRoles: ['ADMIN', 'MANAGER'],
})
export class CampaignsController {
  constructor(
    readonly service: CampaignsService,
    private readonly figures: CampaignPerformanceService,
  ) {}

  @Get('top')
  @Endpoint({
    summary: 'Rank live campaigns with at least one lead by conversion, qualification or response rate',
    description: `Ties go to the campaign with more leads. ${FIGURES_UNDER_RLS}`,
    ok: TopCampaignsOutput,
  })
  top(@Query() query: TopCampaignsQuery): Promise<TopCampaignsOutput> {
    return this.figures.top(query);
  }

  @Get(':id/performance')
  @Endpoint({
    summary: "A campaign's leads, contact, qualification and conversion figures, and what they cost",
    description: `Definitions in docs/campaigns.md. ${FIGURES_UNDER_RLS}`,
    ok: CampaignPerformanceOutput,
  })
  performance(@IdParam() id: string): Promise<CampaignPerformanceOutput> {
    return this.figures.performance(id);
  }
}
