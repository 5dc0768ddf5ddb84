import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { CreateTicketShareInput, TicketShareCreatedOutput, TicketShareListOutput } from './dto/ticket-share.dto.js';
import { TicketSharesService } from './ticket-shares.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such ticket in this organization (or not visible to an AGENT)' };

@ApiTags('tickets')
@TenantRoute()
@Controller({ path: 'tickets/:id/share', version: '1' })
export class TicketSharesController {
  constructor(private readonly shares: TicketSharesService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a customer link to the ticket',
    description:
      'The token (32 random bytes, base64url) is returned once; only its SHA-256 is stored. The customer view ' +
      'at GET /v1/public/tickets/{token} shows the ticket and its public comments until the link expires or is revoked.',
  })
  @ApiCreatedResponse({ type: TicketShareCreatedOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  create(@IdParam() id: string, @Body() input: CreateTicketShareInput): Promise<TicketShareCreatedOutput> {
    return this.shares.create(id, input);
  }

  @Get()
  @ApiOperation({ summary: 'The ticket’s customer links (without tokens)' })
  @ApiOkResponse({ type: TicketShareListOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  list(@IdParam() id: string): Promise<TicketShareListOutput> {
    return this.shares.list(id);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke every active customer link of the ticket' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse(NOT_FOUND)
  revokeAll(@IdParam() id: string): Promise<void> {
    return this.shares.revokeAll(id);
  }

  @Delete(':linkId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one customer link' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such ticket or link' })
  revoke(@IdParam() id: string, @IdParam('linkId') linkId: string): Promise<void> {
    return this.shares.revoke(id, linkId);
  }
}
