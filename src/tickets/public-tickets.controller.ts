import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { CreateCustomerCommentInput } from './dto/ticket-comment.input.js';
import { PublicTicketCommentOutput, PublicTicketOutput, SHARE_TOKEN_PATTERN } from './dto/ticket-share.dto.js';
import { PublicTicketsService } from './public-tickets.service.js';

/** The customer view: the share-link token is the only credential (NOT_FOUND: unknown, expired or revoked). */
@ApiTags('public')
@ApiParam({
  name: 'token',
  description: 'The token of the share link',
  schema: { type: 'string', pattern: SHARE_TOKEN_PATTERN, maxLength: 43 },
})
@Public()
@Controller({ path: 'public/tickets', version: '1' })
export class PublicTicketsController {
  constructor(private readonly tickets: PublicTicketsService) {}

  @Get(':token')
  @RateLimited()
  @Endpoint({
    summary: 'The customer view of a shared ticket (no internal comments)',
    ok: PublicTicketOutput,
    errors: [ErrorCode.NotFound],
  })
  view(@Param('token') token: string): Promise<PublicTicketOutput> {
    return this.tickets.view(token);
  }

  @Post(':token/comments')
  @RateLimited()
  @Endpoint({
    summary: 'Answer as the customer',
    description: 'Adds a customer comment; a ticket PENDING_CUSTOMER goes back to IN_PROGRESS.',
    ok: PublicTicketCommentOutput,
    created: '/v1/public/tickets/{:token}',
    errors: [ErrorCode.NotFound, ErrorCode.TicketClosed],
  })
  comment(
    @Param('token') token: string,
    @Body() input: CreateCustomerCommentInput,
  ): Promise<PublicTicketCommentOutput> {
    return this.tickets.comment(token, input);
  }
}
