import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { LeadScoringSettings, Prisma } from '../generated/prisma/client.js';

export type SettingsRow = LeadScoringSettings;
export type SettingsWrite = Omit<Prisma.LeadScoringSettingsUncheckedCreateInput, 'organizationId' | 'updatedById'>;

/**
 * lead_scoring_settings (migration 20261206120000): read by MANAGERs and ADMINs, written by
 * ADMINs (its policies). The defaults and the scoring itself live in SQL functions.
 */
@Injectable()
export class LeadScoringRepository {
  constructor(private readonly db: TenantDb) {}

  /** The organization's row, or null when it never changed the defaults (or the role may not read it). */
  find(): Promise<SettingsRow | null> {
    return this.db.tx.leadScoringSettings.findUnique({ where: { organizationId: this.db.orgId } });
  }

  /** The defaults (app.lead_scoring_defaults): what an organization without a row scores with. */
  async defaults(): Promise<SettingsRow> {
    const { rows } = await sql<SettingsRow>`SELECT * FROM app.lead_scoring_defaults(${this.db.orgId}::uuid)`.execute(
      this.db.sql,
    );
    return rows[0];
  }

  /**
   * The settings in force for any member (app.lead_scoring_in_force, a definer: an AGENT
   * qualifying a lead needs the rule, not the right to read the table).
   */
  async inForce(): Promise<SettingsRow> {
    const { rows } = await sql<SettingsRow>`SELECT * FROM app.lead_scoring_in_force()`.execute(this.db.sql);
    return rows[0];
  }

  save(data: SettingsWrite): Promise<SettingsRow> {
    const values = { ...data, updatedById: this.db.userId };
    return this.db.tx.leadScoringSettings.upsert({
      where: { organizationId: this.db.orgId },
      create: { ...values, organizationId: this.db.orgId },
      update: values,
    });
  }

  /**
   * Every organization's leads whose recency may have lapsed, rescored (app.rescore_lapsed_recency):
   * for the job runner's unit of work (no user, no organization). How many changed.
   */
  async rescoreLapsedRecency(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT app.rescore_lapsed_recency() AS n`.execute(this.db.sql);
    return rows[0].n;
  }

  /** Rescores every lead of the organization in one UPDATE, writing only the changed ones; their count. */
  async rescoreAll(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT app.rescore_leads() AS n`.execute(this.db.sql);
    return rows[0].n;
  }
}
