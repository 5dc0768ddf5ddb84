import { Body, Delete, Get, Post, Query } from '@nestjs/common';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ShowsSecret } from '../idempotency/shows-secret.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CreateTicketShareInput, TicketShareCreatedOutput, TicketShareOutput } from './dto/ticket-share.dto.js';
import { TicketSharesService } from './ticket-shares.service.js';

@TenantController('tickets', 'tickets/:id/share')
export class TicketSharesController {
  constructor(private readonly shares: TicketSharesService) {}

  @Post()
  @ShowsSecret()
  @Endpoint({
    summary: 'Create a customer link to the ticket',
    description:
      'The token (32 random bytes, base64url) is returned once; only its SHA-256 is stored. The customer view ' +
      'at GET /v1/public/tickets/{token} shows the ticket and its public comments until the link expires or is revoked.',
    ok: TicketShareCreatedOutput,
    created: '/v1/tickets/{:id}/share/{id}',
  })
  create(@IdParam() id: string, @Body() input: CreateTicketShareInput): Promise<TicketShareCreatedOutput> {
    return this.shares.create(id, input);
  }

  @Get()
  @Endpoint({ summary: 'The ticket’s customer links (without tokens), newest first', ok: PageOf(TicketShareOutput) })
  list(@IdParam() id: string, @Query() page: IdsPageQuery): Promise<Page<TicketShareOutput>> {
    return this.shares.list(id, page);
  }

  @Get(':linkId')
  @Endpoint({ summary: 'One customer link of the ticket (without its token)', ok: TicketShareOutput })
  get(@IdParam() id: string, @IdParam('linkId') linkId: string): Promise<TicketShareOutput> {
    return this.shares.get(id, linkId);
  }

  @Delete()
  @Endpoint({ summary: 'Revoke every active customer link of the ticket', ok: null })
  revokeAll(@IdParam() id: string): Promise<void> {
    return this.shares.revokeAll(id);
  }

  @Delete(':linkId')
  @Endpoint({ summary: 'Revoke one customer link', ok: null })
  revoke(@IdParam() id: string, @IdParam('linkId') linkId: string): Promise<void> {
    return this.shares.revoke(id, linkId);
  }
}
