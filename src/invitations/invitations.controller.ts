import { Body, Delete, Get, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CreateInvitationInput, ListInvitationsQuery } from './dto/invitation.input.js';
import { InvitationOutput } from './dto/invitation.output.js';
import { InvitationsService, RESEND_COOLDOWN_SECONDS } from './invitations.service.js';

@TenantController('invitations')
@Roles('ADMIN', 'MANAGER')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @Endpoint({
    summary: 'Open invitations (not accepted, not revoked), oldest first',
    description: 'A MANAGER sees the AGENT and VIEWER invitations only.',
    ok: PageOf(InvitationOutput),
  })
  list(@Query() query: ListInvitationsQuery): Promise<Page<InvitationOutput>> {
    return this.invitations.list(query);
  }

  @Get(':id')
  @Endpoint({
    summary: 'One open invitation',
    description: 'NOT_FOUND once it is accepted or revoked, as in the list.',
    ok: InvitationOutput,
  })
  get(@IdParam() id: string): Promise<InvitationOutput> {
    return this.invitations.get(id);
  }

  @Post()
  @Endpoint({
    summary: 'Invite someone by email: they get a one-time link valid 7 days',
    description:
      'A MANAGER may invite AGENTs and VIEWERs only (FORBIDDEN otherwise). ALREADY_MEMBER: the address belongs to a member of this organization already (ref.userIds names them). ALREADY_INVITED: an open invitation for it exists. RATE_LIMITED (429, with Retry-After): the organization sent this address an invitation less than a minute ago. The person accepts with POST /v1/invitations/{token}/accept once signed in with the invited address, or signs up with `invitationToken`. With Supabase Auth invitations on (SUPABASE_AUTH_INVITES), Supabase sends the invite email instead of the API, its link returning to the same accept page (docs/invitations.md).',
    ok: InvitationOutput,
    created: '/v1/invitations/{id}',
    errors: [ErrorCode.AlreadyMember, ErrorCode.AlreadyInvited],
  })
  create(@Body() input: CreateInvitationInput): Promise<InvitationOutput> {
    return this.invitations.create(input);
  }

  @Post(':id/resend')
  @Endpoint({
    summary: 'Email the invitation again with a new link, valid 7 days from now',
    description: `The previous link stops working. RATE_LIMITED (429, with Retry-After) within ${RESEND_COOLDOWN_SECONDS} seconds of the last invitation sent to the address.`,
    ok: InvitationOutput,
  })
  resend(@IdParam() id: string): Promise<InvitationOutput> {
    return this.invitations.resend(id);
  }

  @Delete(':id')
  @BillingExempt()
  @Endpoint({ summary: 'Revoke an invitation: its link stops working', ok: null })
  revoke(@IdParam() id: string): Promise<void> {
    return this.invitations.revoke(id);
  }
}
