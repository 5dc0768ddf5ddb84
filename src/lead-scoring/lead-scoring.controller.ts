import { Body, Get, Put } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { LeadScoringSettingsInput } from './dto/lead-scoring-settings.input.js';
import { LeadScoringSettingsOutput, LeadScoringSettingsUpdateOutput } from './dto/lead-scoring-settings.output.js';
import { LeadScoringService } from './lead-scoring.service.js';

/** The organization's lead-scoring weights and qualification rule (docs/lead-scoring.md). Closed to API keys. */
@TenantController('lead-scoring', 'settings/lead-scoring')
export class LeadScoringController {
  constructor(private readonly scoring: LeadScoringService) {}

  @Get()
  @Roles('ADMIN', 'MANAGER')
  @Endpoint({
    summary:
      "The organization's lead-scoring weights and qualification rule (the defaults until an ADMIN changes them)",
    ok: LeadScoringSettingsOutput,
  })
  get(): Promise<LeadScoringSettingsOutput> {
    return this.scoring.get();
  }

  @Put()
  @Roles('ADMIN')
  @Endpoint({
    summary: 'Replace the weights and qualification rule; every lead is rescored in the same transaction',
    description:
      'Every field is required (send back what GET answered, changed). Leads whose computed score changes get a ' +
      'new version and a lead.updated event; manual scores (scoreOverridden) keep their scoreValue.',
    ok: LeadScoringSettingsUpdateOutput,
  })
  update(@Body() input: LeadScoringSettingsInput): Promise<LeadScoringSettingsUpdateOutput> {
    return this.scoring.update(input);
  }
}
