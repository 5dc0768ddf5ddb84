import { Get, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ChangeDealStageInput, CreateDealInput, UpdateDealInput } from './dto/deal.input.js';
import { DealOutput, DealStageChangeOutput, PipelineOutput } from './dto/deal.output.js';
import { DealIncludeQuery, ListDealsQuery, PipelineQuery } from './dto/list-deals.query.js';
import { DEFAULT_PROBABILITY_TEXT } from './deal-stage.js';
import { DealsService } from './deals.service.js';

/** What a deal write may break (INVALID_REFERENCE: leadId/contactId/listingId not a live row of this organization). */
const WRITE_RULES = [
  ErrorCode.InvalidAssignee,
  ErrorCode.InvalidReference,
  ErrorCode.LostReasonRequired,
  ErrorCode.InvalidStageTransition,
  ErrorCode.BusinessRule,
] as const;

/** The stage rules (deal-stage.ts), as POST /deals/{id}/stage documents them. */
const STAGE_RULES =
  'CLOSED_WON sets status WON and actualCloseDate (today unless given). CLOSED_LOST requires lostReason and ' +
  'sets status LOST. A closed deal reopens only to an open stage (status ACTIVE, close date and lost reason ' +
  'cleared); closed → the other closed stage is INVALID_STAGE_TRANSITION. Probability takes the stage ' +
  `default unless given: ${DEFAULT_PROBABILITY_TEXT}.`;

@TenantController('deals')
@ResourceRoutes('deal', {
  create: {
    summary: 'Create a deal (the initial stage is recorded in its history)',
    body: CreateDealInput,
    ok: DealOutput,
    created: '/v1/deals/{id}',
    errors: WRITE_RULES,
  },
  list: {
    summary: 'List deals',
    description: 'An AGENT sees only deals assigned to or created by them.',
    query: ListDealsQuery,
    ok: PageOf(DealOutput),
  },
  get: { summary: 'Get a deal', query: DealIncludeQuery, ok: DealOutput },
  update: {
    summary: 'Update a deal (only the fields sent; a stage change follows the stage rules)',
    body: UpdateDealInput,
    ok: DealOutput,
    errors: WRITE_RULES,
  },
  softDelete: {},
  restore: { ok: DealOutput },
  actions: {
    changeStage: {
      path: 'stage',
      summary: 'Move a deal to a stage',
      description: STAGE_RULES,
      body: ChangeDealStageInput,
      ok: DealOutput,
      errors: [ErrorCode.LostReasonRequired, ErrorCode.InvalidStageTransition, ErrorCode.BusinessRule],
    },
  },
  histories: {
    history: {
      path: 'history',
      summary: "A deal's stage changes, newest first (the first one is the stage it was created in)",
      ok: PageOf(DealStageChangeOutput),
    },
  },
})
export class DealsController {
  constructor(readonly service: DealsService) {}

  @Get('pipeline')
  @Endpoint({
    summary: 'Pipeline summary: count, total and weighted value per stage, in pipeline order',
    description:
      'Live deals only, ABANDONED ones excluded; an AGENT sees the pipeline of their own deals. ' +
      'weightedValue = Σ value × probability / 100.',
    ok: PipelineOutput,
  })
  pipeline(@Query() query: PipelineQuery): Promise<PipelineOutput> {
    return this.service.pipeline(query);
  }
}
