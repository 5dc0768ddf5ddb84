import { Body, Get, Post, Query } from '@nestjs/common';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CreateTicketCommentInput } from './dto/ticket-comment.input.js';
import { TicketCommentOutput } from './dto/ticket.output.js';
import { TicketCommentsService } from './ticket-comments.service.js';

@TenantController('tickets', 'tickets/:id/comments')
export class TicketCommentsController {
  constructor(private readonly comments: TicketCommentsService) {}

  @Post()
  @Endpoint({
    summary: 'Comment on a ticket',
    description: 'isInternal=true keeps it among members. The first public comment sets firstResponseAt.',
    ok: TicketCommentOutput,
    created: '/v1/tickets/{:id}/comments/{id}',
  })
  add(@IdParam() id: string, @Body() input: CreateTicketCommentInput): Promise<TicketCommentOutput> {
    return this.comments.add(id, input);
  }

  @Get()
  @Endpoint({
    summary: 'Comments of a ticket, oldest first (internal ones included, for members)',
    ok: PageOf(TicketCommentOutput),
  })
  list(@IdParam() id: string, @Query() page: IdsPageQuery): Promise<Page<TicketCommentOutput>> {
    return this.comments.list(id, page);
  }

  @Get(':commentId')
  @Endpoint({ summary: 'One comment of a ticket', ok: TicketCommentOutput })
  get(@IdParam() id: string, @IdParam('commentId') commentId: string): Promise<TicketCommentOutput> {
    return this.comments.get(id, commentId);
  }
}
