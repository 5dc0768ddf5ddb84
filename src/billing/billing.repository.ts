import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { OrganizationBilling } from '../generated/prisma/client.js';

/** A subscription's state as a webhook brings it (billing.service.ts works it out from the Stripe objects). */
export interface SubscriptionState {
  subscriptionId: string | null;
  priceId: string | null;
  status: string;
  seats: number | null;
  hasAccess: boolean;
  currentPeriodEnd: Date | null;
  graceEndsAt: Date | null;
  eventAt: Date;
}

/** The organization's billing row and its Stripe events; every method runs in the organization's unit of work. */
@Injectable()
export class BillingRepository {
  constructor(private readonly db: TenantDb) {}

  find(): Promise<OrganizationBilling | null> {
    return this.db.tx.organizationBilling.findUnique({ where: { organizationId: this.db.orgId } });
  }

  /** The organization's row, locked until the unit of work ends: webhooks for one organization apply in turn. */
  async lock(): Promise<OrganizationBilling | null> {
    const { rows } = await sql<{ organization_id: string }>`
      SELECT organization_id FROM organization_billing WHERE organization_id = ${this.db.orgId} FOR UPDATE`.execute(
      this.db.sql,
    );
    return rows.length ? this.find() : null;
  }

  async organizationName(): Promise<string> {
    const org = await this.db.tx.organization.findUnique({ where: { id: this.db.orgId }, select: { name: true } });
    return org?.name ?? '';
  }

  /** Members of the organization now: the seats a checkout bills for. */
  async memberCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM memberships`.execute(this.db.sql);
    return rows[0]?.n ?? 0;
  }

  /** Records the organization's Stripe customer; the one already recorded wins a race. */
  async saveCustomer(customerId: string): Promise<string> {
    const { rows } = await sql<{ stripe_customer_id: string }>`
      INSERT INTO organization_billing (organization_id, stripe_customer_id) VALUES (${this.db.orgId}, ${customerId})
      ON CONFLICT (organization_id) DO UPDATE SET updated_at = organization_billing.updated_at
      RETURNING stripe_customer_id`.execute(this.db.sql);
    return rows[0].stripe_customer_id;
  }

  /** Records a Stripe event as handled; false when it was already (a replay). */
  async recordEvent(id: string, type: string): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      INSERT INTO stripe_events (id, organization_id, type) VALUES (${id}, ${this.db.orgId}, ${type})
      ON CONFLICT (id) DO NOTHING RETURNING id`.execute(this.db.sql);
    return rows.length === 1;
  }

  saveState(state: SubscriptionState): Promise<OrganizationBilling> {
    return this.db.tx.organizationBilling.update({
      where: { organizationId: this.db.orgId },
      data: {
        stripeSubscriptionId: state.subscriptionId,
        priceId: state.priceId,
        status: state.status,
        seats: state.seats,
        hasAccess: state.hasAccess,
        currentPeriodEnd: state.currentPeriodEnd,
        graceEndsAt: state.graceEndsAt,
        lastEventAt: state.eventAt,
      },
    });
  }

  /** Records the quantity the seat sync set on the subscription. */
  async saveSyncedSeats(quantity: number): Promise<void> {
    await this.db.tx.organizationBilling.update({
      where: { organizationId: this.db.orgId },
      data: { seatsSynced: quantity, seatsSyncedAt: new Date() },
    });
  }

  /** The organization a Stripe customer is billed to (app.billing_organization_of), in a unit of work with no tenant. */
  async organizationOf(customerId: string): Promise<string | null> {
    const { rows } = await sql<{ org: string | null }>`
      SELECT app.billing_organization_of(${customerId}) AS org`.execute(this.db.sql);
    return rows[0]?.org ?? null;
  }
}
