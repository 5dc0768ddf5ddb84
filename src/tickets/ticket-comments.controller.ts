import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { CreateTicketCommentInput } from './dto/ticket-comment.input.js';
import { TicketCommentOutput } from './dto/ticket.output.js';
import { TicketCommentsService } from './ticket-comments.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such ticket in this organization (or not visible to an AGENT)' };

@ApiTags('tickets')
@TenantRoute()
@Controller({ path: 'tickets/:id/comments', version: '1' })
export class TicketCommentsController {
  constructor(private readonly comments: TicketCommentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Comment on a ticket',
    description: 'isInternal=true keeps it among members. The first public comment sets firstResponseAt.',
  })
  @ApiCreatedResponse({ type: TicketCommentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  add(@IdParam() id: string, @Body() input: CreateTicketCommentInput): Promise<TicketCommentOutput> {
    return this.comments.add(id, input);
  }

  @Get()
  @ApiOperation({ summary: 'Comments of a ticket, oldest first (internal ones included, for members)' })
  @ApiOkResponse({ type: PageOf(TicketCommentOutput) })
  @ApiNotFoundResponse(NOT_FOUND)
  list(@IdParam() id: string, @Query() page: PageQuery): Promise<Page<TicketCommentOutput>> {
    return this.comments.list(id, page);
  }
}
