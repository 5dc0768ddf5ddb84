import { Body, Get, Put } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { LeadRoutingInput, LeadRoutingOutput, RoutingOptInInput, RoutingOptInOutput } from './dto/lead-routing.dto.js';
import { LeadRoutingService } from './lead-routing.service.js';

/** Who gets a captured lead: the organization's rule, and the AGENTs' opt-in to round-robin. */
@TenantController('lead-routing', 'settings/lead-routing')
export class LeadRoutingController {
  constructor(private readonly routing: LeadRoutingService) {}

  @Get()
  @Roles('ADMIN', 'MANAGER')
  @Endpoint({
    summary: "The organization's lead routing rule and the AGENTs in its round-robin",
    ok: LeadRoutingOutput,
  })
  get(): Promise<LeadRoutingOutput> {
    return this.routing.get();
  }

  @Put()
  @Roles('ADMIN')
  @Endpoint({
    summary: 'Set how captured leads are assigned: NONE, FIXED (agentId) or ROUND_ROBIN among opted-in AGENTs',
    description: 'INVALID_ASSIGNEE: agentId is not an ADMIN, MANAGER or AGENT of the organization.',
    ok: LeadRoutingOutput,
    errors: [ErrorCode.InvalidAssignee],
  })
  put(@Body() input: LeadRoutingInput): Promise<LeadRoutingOutput> {
    return this.routing.put(input);
  }

  @Put('me')
  @Roles('AGENT')
  @Endpoint({
    summary: 'As an AGENT, join (optIn: true) or leave (false) the round-robin of captured leads',
    ok: RoutingOptInOutput,
  })
  optIn(@Body() input: RoutingOptInInput): Promise<RoutingOptInOutput> {
    return this.routing.optIn(input);
  }
}
