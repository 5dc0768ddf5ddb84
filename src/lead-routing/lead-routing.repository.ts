import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { LeadRouting, LeadRoutingAgent } from '../generated/prisma/client.js';
import type { RoutingMode } from './dto/lead-routing.dto.js';

@Injectable()
export class LeadRoutingRepository {
  constructor(private readonly db: TenantDb) {}

  rule(): Promise<LeadRouting | null> {
    return this.db.tx.leadRouting.findUnique({ where: { organizationId: this.db.orgId } });
  }

  saveRule(mode: RoutingMode, agentId: string | null): Promise<LeadRouting> {
    const organizationId = this.db.orgId;
    return this.db.tx.leadRouting.upsert({
      where: { organizationId },
      create: { organizationId, mode, agentId },
      update: { mode, agentId, updatedAt: new Date() },
    });
  }

  /** The opted-in agents in turn order (the next one first). */
  agents(): Promise<LeadRoutingAgent[]> {
    return this.db.tx.leadRoutingAgent.findMany({
      where: { organizationId: this.db.orgId },
      orderBy: [{ lastAssignedAt: { sort: 'asc', nulls: 'first' } }, { userId: 'asc' }],
    });
  }

  findAgent(userId: string): Promise<LeadRoutingAgent | null> {
    return this.db.tx.leadRoutingAgent.findUnique({
      where: { organizationId_userId: { organizationId: this.db.orgId, userId } },
    });
  }

  async optIn(): Promise<LeadRoutingAgent> {
    const organizationId = this.db.orgId;
    const userId = this.db.userId;
    await this.db.sql
      .insertInto('lead_routing_agents')
      .values({ organizationId, userId })
      .onConflict((oc) => oc.columns(['organizationId', 'userId']).doNothing())
      .execute();
    return (await this.findAgent(userId)) as LeadRoutingAgent;
  }

  async optOut(): Promise<void> {
    await this.db.tx.leadRoutingAgent.deleteMany({ where: { organizationId: this.db.orgId, userId: this.db.userId } });
  }

  /**
   * The next AGENT in turn, moved to the back of the queue, or undefined when nobody opted in.
   * A transaction advisory lock per organization serializes the picks until commit, and the
   * turn is stamped with clock_timestamp() under it, so concurrent captures take distinct turns.
   */
  async takeTurn(): Promise<string | undefined> {
    const org = this.db.orgId;
    await sql`SELECT pg_advisory_xact_lock(hashtextextended('lead-routing:' || ${org}::text, 0))`.execute(this.db.sql);
    const { rows } = await sql<{ userId: string }>`
      UPDATE lead_routing_agents a
         SET last_assigned_at = clock_timestamp(), assigned_count = a.assigned_count + 1
        FROM (SELECT r.user_id
                FROM lead_routing_agents r
                JOIN memberships m ON m.organization_id = r.organization_id AND m.user_id = r.user_id
               WHERE r.organization_id = ${org}::uuid AND m.role = 'AGENT'
               ORDER BY r.last_assigned_at NULLS FIRST, r.user_id
               LIMIT 1) next
       WHERE a.organization_id = ${org}::uuid AND a.user_id = next.user_id
      RETURNING a.user_id`.execute(this.db.sql);
    return rows[0]?.userId;
  }
}
