import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorBody } from '../common/error-body.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { CreateCustomerCommentInput } from './dto/ticket-comment.input.js';
import { PublicTicketCommentOutput, PublicTicketOutput } from './dto/ticket-share.dto.js';
import { PublicTicketsService } from './public-tickets.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'Unknown, expired or revoked link' };

/** The customer view: the share-link token is the only credential. */
@ApiTags('public')
@Public()
@ApiTooManyRequestsResponse({ type: ErrorBody, description: 'Rate limited; see Retry-After' })
@ApiServiceUnavailableResponse({ type: ErrorBody, description: 'Database unavailable' })
@Controller({ path: 'public/tickets', version: '1' })
export class PublicTicketsController {
  constructor(private readonly tickets: PublicTicketsService) {}

  @Get(':token')
  @RateLimited()
  @ApiOperation({ summary: 'The customer view of a shared ticket (no internal comments)' })
  @ApiOkResponse({ type: PublicTicketOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  view(@Param('token') token: string): Promise<PublicTicketOutput> {
    return this.tickets.view(token);
  }

  @Post(':token/comments')
  @RateLimited()
  @ApiOperation({
    summary: 'Answer as the customer',
    description: 'Adds a customer comment; a ticket PENDING_CUSTOMER goes back to IN_PROGRESS.',
  })
  @ApiCreatedResponse({ type: PublicTicketCommentOutput })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input' })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'TICKET_CLOSED' })
  comment(
    @Param('token') token: string,
    @Body() input: CreateCustomerCommentInput,
  ): Promise<PublicTicketCommentOutput> {
    return this.tickets.comment(token, input);
  }
}
