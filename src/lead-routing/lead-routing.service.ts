import { Injectable } from '@nestjs/common';
import { AssigneesService } from '../assignees/assignees.service.js';
import { DetailCode, ValidationFailed } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { LeadRoutingAgent } from '../generated/prisma/client.js';
import type {
  LeadRoutingInput,
  LeadRoutingOutput,
  RoutingAgentOutput,
  RoutingMode,
  RoutingOptInInput,
  RoutingOptInOutput,
} from './dto/lead-routing.dto.js';
import { LeadRoutingRepository } from './lead-routing.repository.js';

const toAgent = (a: LeadRoutingAgent): RoutingAgentOutput => ({
  userId: a.userId,
  optedInAt: a.optedInAt.toISOString(),
  lastAssignedAt: a.lastAssignedAt?.toISOString() ?? null,
  assignedCount: a.assignedCount,
});

/** Each organization's rule for who gets a captured lead (docs/capture.md, "Routing"). */
@Injectable()
export class LeadRoutingService {
  constructor(
    private readonly db: TenantDb,
    private readonly routing: LeadRoutingRepository,
    private readonly assignees: AssigneesService,
  ) {}

  get(): Promise<LeadRoutingOutput> {
    return this.db.run(() => this.current());
  }

  put(input: LeadRoutingInput): Promise<LeadRoutingOutput> {
    return this.db.run(async () => {
      const agentId = input.agentId ?? null;
      if ((input.mode === 'FIXED') !== (agentId !== null)) {
        throw new ValidationFailed([
          {
            field: 'agentId',
            message: input.mode === 'FIXED' ? 'is required when mode is FIXED' : 'is only allowed when mode is FIXED',
            code: input.mode === 'FIXED' ? DetailCode.Required : DetailCode.NotAllowed,
          },
        ]);
      }
      await this.assignees.assertAssignable(agentId, 'agentId');
      await this.routing.saveRule(input.mode, agentId);
      return this.current();
    });
  }

  /** The calling AGENT joins or leaves the round-robin. */
  optIn(input: RoutingOptInInput): Promise<RoutingOptInOutput> {
    return this.db.run(async () => {
      if (!input.optIn) {
        await this.routing.optOut();
        return { optIn: false, optedInAt: null };
      }
      const agent = await this.routing.optIn();
      return { optIn: true, optedInAt: agent.optedInAt.toISOString() };
    });
  }

  /**
   * Who gets a new captured lead under the organization's rule, or null: inside the capture's
   * unit of work, so the round-robin turn is taken only if the lead is.
   */
  async assignee(): Promise<string | null> {
    const rule = await this.routing.rule();
    const mode = (rule?.mode ?? 'NONE') as RoutingMode;
    if (mode === 'FIXED') return rule?.agentId ?? null;
    if (mode === 'ROUND_ROBIN') return (await this.routing.takeTurn()) ?? null;
    return null;
  }

  private async current(): Promise<LeadRoutingOutput> {
    const [rule, agents] = await Promise.all([this.routing.rule(), this.routing.agents()]);
    return {
      mode: (rule?.mode ?? 'NONE') as RoutingMode,
      agentId: rule?.agentId ?? null,
      agents: agents.map(toAgent),
    };
  }
}
