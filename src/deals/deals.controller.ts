import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ChangeDealStageInput, CreateDealInput, UpdateDealInput } from './dto/deal.input.js';
import { DealOutput, DealStageChangeOutput, PipelineOutput } from './dto/deal.output.js';
import { ListDealsQuery, PipelineQuery } from './dto/list-deals.query.js';
import { DealsService } from './deals.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such deal in this organization (or not visible to an AGENT)' };
const WRITE_RULES = {
  type: ErrorBody,
  description:
    'INVALID_ASSIGNEE, INVALID_REFERENCE (leadId/contactId/listingId not a live row of this organization), ' +
    'LOST_REASON_REQUIRED, INVALID_STAGE_TRANSITION, BUSINESS_RULE_VIOLATION',
};

@ApiTags('deals')
@TenantRoute()
@Controller({ path: 'deals', version: '1' })
export class DealsController {
  constructor(private readonly deals: DealsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a deal (the initial stage is recorded in its history)' })
  @ApiCreatedResponse({ type: DealOutput })
  @ApiUnprocessableEntityResponse(WRITE_RULES)
  create(@Body() input: CreateDealInput): Promise<DealOutput> {
    return this.deals.create(input);
  }

  @Get()
  @ApiOperation({ summary: 'List deals (an AGENT sees only deals assigned to or created by them)' })
  @ApiOkResponse({ type: PageOf(DealOutput) })
  list(@Query() query: ListDealsQuery): Promise<Page<DealOutput>> {
    return this.deals.list(query);
  }

  @Get('pipeline')
  @ApiOperation({
    summary: 'Pipeline summary: count, total and weighted value per stage, in pipeline order',
    description:
      'Live deals only, ABANDONED ones excluded; an AGENT sees the pipeline of their own deals. ' +
      'weightedValue = Σ value × probability / 100.',
  })
  @ApiOkResponse({ type: PipelineOutput })
  pipeline(@Query() query: PipelineQuery): Promise<PipelineOutput> {
    return this.deals.pipeline(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a deal' })
  @ApiOkResponse({ type: DealOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<DealOutput> {
    return this.deals.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a deal (only the fields sent; a stage change follows the stage rules)' })
  @ApiOkResponse({ type: DealOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse(WRITE_RULES)
  update(@IdParam() id: string, @Body() input: UpdateDealInput): Promise<DealOutput> {
    return this.deals.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Soft-delete a deal' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.deals.remove(id);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Restore a soft-deleted deal' })
  @ApiOkResponse({ type: DealOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No deleted deal with this id' })
  restore(@IdParam() id: string): Promise<DealOutput> {
    return this.deals.restore(id);
  }

  @Post(':id/stage')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Move a deal to a stage',
    description:
      'CLOSED_WON sets status WON and actualCloseDate (now unless given). CLOSED_LOST requires lostReason and ' +
      'sets status LOST. A closed deal reopens only to an open stage (status ACTIVE, close date and lost reason ' +
      'cleared); closed → the other closed stage is INVALID_STAGE_TRANSITION. Probability takes the stage ' +
      'default unless given: LEAD 10, QUALIFIED 25, PROPOSAL 50, NEGOTIATION 70, CLOSING 90, CLOSED_WON 100, ' +
      'CLOSED_LOST 0.',
  })
  @ApiOkResponse({ type: DealOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'LOST_REASON_REQUIRED, INVALID_STAGE_TRANSITION, BUSINESS_RULE_VIOLATION',
  })
  changeStage(@IdParam() id: string, @Body() input: ChangeDealStageInput): Promise<DealOutput> {
    return this.deals.changeStage(id, input);
  }

  @Get(':id/history')
  @ApiOperation({ summary: "A deal's stage changes, newest first (the first one is the stage it was created in)" })
  @ApiOkResponse({ type: PageOf(DealStageChangeOutput) })
  @ApiNotFoundResponse(NOT_FOUND)
  history(@IdParam() id: string, @Query() page: PageQuery): Promise<Page<DealStageChangeOutput>> {
    return this.deals.history(id, page);
  }
}
