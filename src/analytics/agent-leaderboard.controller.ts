import { Get, Query } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { AgentLeaderboardService } from './agent-leaderboard.service.js';
import { AgentLeaderboardOutput } from './dto/agent-leaderboard.output.js';
import { AgentLeaderboardQuery } from './dto/agent-leaderboard.query.js';

@TenantController('analytics')
export class AgentLeaderboardController {
  constructor(private readonly leaderboard: AgentLeaderboardService) {}

  @Get('agents')
  @Roles('ADMIN', 'MANAGER')
  @Endpoint({
    summary:
      "Every member's leads, speed-to-lead, contacts, appointments, won deals and conversion, beside the previous period",
    description:
      'One row per member of the organization, zeros for a member with nothing in the period; agentId narrows to one member. ' +
      'Definitions in docs/analytics.md, "Agent leaderboard".',
    ok: AgentLeaderboardOutput,
  })
  agents(@Query() query: AgentLeaderboardQuery): Promise<AgentLeaderboardOutput> {
    return this.leaderboard.agents(query);
  }
}
