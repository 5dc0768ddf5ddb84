import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { BusinessRuleViolation, Conflict, DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import type { OrganizationBilling } from '../generated/prisma/client.js';
import { BillingRepository, type SubscriptionState } from './billing.repository.js';
import type { BillingOutput, BillingRedirectOutput, BillingWebhookOutput } from './dto/billing.output.js';
import { STRIPE } from './stripe.client.js';

const DAY_MS = 86_400_000;
/** Stripe statuses that give access (seed 003's has_access). */
const ACCESS_STATUSES = new Set(['active', 'trialing']);
/** Stripe statuses of a subscription that is over: a new checkout may start another. */
const ENDED_STATUSES = new Set(['canceled', 'incomplete_expired']);
/** The events acted on (docs/billing.md); any other is answered 200 and ignored. */
const HANDLED = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.payment_failed',
]);

const idOf = (ref: string | { id: string } | null | undefined): string | null =>
  typeof ref === 'string' ? ref : (ref?.id ?? null);
const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;

/**
 * Billing through Stripe (docs/billing.md). Stripe is called outside any unit of work (never a
 * transaction held open across the network); webhooks apply each event once, in the
 * organization's unit of work, with the event's id recorded in the same transaction.
 */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(
    @Inject(STRIPE) private readonly client: Stripe | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: TenantDb,
    private readonly billing: BillingRepository,
  ) {}

  /** Every billing route answers 404 BILLING_DISABLED while billing is off. */
  private requireBilling(): Stripe {
    if (!this.client) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        ErrorCode.BillingDisabled,
        'Billing is off on this server (STRIPE_SECRET_KEY is not set): every organization is free',
      );
    }
    return this.client;
  }

  private get stripe(): Stripe {
    return this.requireBilling();
  }

  private get settings(): NonNullable<AppConfig['billing']['stripe']> {
    const settings = this.config.billing.stripe;
    if (!settings) throw new Error('Billing settings read with billing off');
    return settings;
  }

  async status(): Promise<BillingOutput> {
    this.requireBilling();
    const { row, members } = await this.db.run(async () => ({
      row: await this.billing.find(),
      members: await this.billing.memberCount(),
    }));
    return toOutput(row, members);
  }

  /** A Checkout Session for `priceId`, billed for the organization's members; its Stripe customer is made on first use. */
  async checkout(priceId: string): Promise<BillingRedirectOutput> {
    const stripe = this.stripe;
    const { row, members, name, orgId } = await this.db.run(async () => ({
      row: await this.billing.find(),
      members: await this.billing.memberCount(),
      name: await this.billing.organizationName(),
      orgId: this.db.orgId,
    }));
    if (row?.stripeSubscriptionId && !ENDED_STATUSES.has(row.status)) {
      // Past due or unpaid too: a second subscription would bill the organization twice; the portal fixes the card.
      throw new Conflict(
        'The organization already has a subscription: change it, or its card, in the Customer Portal (POST /v1/billing/portal)',
      );
    }
    const customerId = row?.stripeCustomerId ?? (await this.createCustomer(orgId, name));
    const { returnUrl } = this.settings;
    const session = await this.call(() =>
      stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customerId,
        client_reference_id: orgId,
        line_items: [{ price: priceId, quantity: Math.max(members, 1) }],
        subscription_data: { metadata: { organizationId: orgId } },
        success_url: withQuery(returnUrl, 'billing=success'),
        cancel_url: withQuery(returnUrl, 'billing=cancel'),
      }),
    );
    if (!session.url) throw stripeUnavailable('Stripe returned a Checkout Session without a URL');
    return { url: session.url };
  }

  /** A Customer Portal session: the ADMIN changes the plan, the card, or cancels there. */
  async portal(): Promise<BillingRedirectOutput> {
    const stripe = this.stripe;
    const row = await this.db.run(() => this.billing.find());
    if (!row) {
      throw new DomainError(
        HttpStatus.CONFLICT,
        ErrorCode.BillingNotSubscribed,
        'The organization has no Stripe customer yet: subscribe first with POST /v1/billing/checkout',
      );
    }
    const session = await this.call(() =>
      stripe.billingPortal.sessions.create({ customer: row.stripeCustomerId, return_url: this.settings.returnUrl }),
    );
    return { url: session.url };
  }

  /**
   * One Stripe event, already verified (billing-webhook.service.ts). Found by its customer,
   * recorded by id and applied in one transaction: a replay, or the same event delivered
   * twice at once, changes nothing the second time.
   *
   * A subscription event is applied as the subscription is now (fetched from Stripe), not as
   * the event carried it: Stripe does not promise order, and two events of the same second
   * (`created` incomplete, `updated` active) cannot be ordered by their timestamps.
   */
  async apply(event: Stripe.Event): Promise<BillingWebhookOutput> {
    if (!HANDLED.has(event.type)) return ignored;
    const object = event.data.object as { customer?: string | { id: string } | null };
    const customerId = idOf(object.customer);
    const orgId = customerId ? await this.db.runTrusted({}, () => this.billing.organizationOf(customerId)) : null;
    if (!orgId) {
      this.logger.warn(`Stripe event ${event.id} (${event.type}) is for a customer no organization has`);
      return ignored;
    }
    const subscriptionId = subscriptionIdOf(event);
    if (!subscriptionId) return ignored; // a setup or one-off payment session, a one-off invoice
    // Fetched first, outside the transaction.
    const live = event.type === 'invoice.payment_failed' ? null : await this.liveSubscription(subscriptionId);
    return this.db.runTrusted({ orgId, role: 'ADMIN' }, async () => {
      const current = await this.billing.lock();
      if (!current || !(await this.billing.recordEvent(event.id, event.type))) return current ? replayed : ignored;
      const eventAt = new Date(event.created * 1000);
      const recorded = current.stripeSubscriptionId;
      if (event.type === 'invoice.payment_failed') {
        // Only a renewal of the subscription the organization has.
        if (subscriptionId !== recorded) return ignored;
        if (current.lastEventAt && eventAt < current.lastEventAt) return applied;
        await this.billing.saveState(this.paymentFailed(current, eventAt));
        return applied;
      }
      const sub =
        live ?? (event.type === 'checkout.session.completed' ? null : (event.data.object as Stripe.Subscription));
      if (!sub) return ignored;
      const deleted = event.type === 'customer.subscription.deleted';
      // Another subscription than the one recorded (an old one ending, a second one) replaces it only when it pays.
      if (recorded && sub.id !== recorded && (deleted || !ACCESS_STATUSES.has(sub.status))) return ignored;
      // The event's own copy (Stripe did not know the subscription) is only as new as the event.
      if (!live && current.lastEventAt && eventAt < current.lastEventAt) return applied;
      await this.billing.saveState(this.stateOf(sub, current, eventAt, deleted));
      return applied;
    });
  }

  /**
   * The subscription as Stripe has it now; null when Stripe does not know it (a test-mode id on
   * a live key: answered 200 and logged, not retried for days). No answer is a 503, which Stripe
   * retries.
   */
  private async liveSubscription(id: string): Promise<Stripe.Subscription | null> {
    try {
      return await this.stripe.subscriptions.retrieve(id);
    } catch (error) {
      this.logger.warn(`Stripe call failed: ${errorText(error)}`);
      if ((error as { type?: string }).type === 'StripeInvalidRequestError') return null;
      throw stripeUnavailable();
    }
  }

  /** The subscription's state; losing access starts the grace period, which a later loss does not restart. */
  private stateOf(
    sub: Stripe.Subscription,
    current: OrganizationBilling,
    eventAt: Date,
    deleted: boolean,
  ): SubscriptionState {
    const item = sub.items.data[0] as Stripe.SubscriptionItem | undefined;
    const status = deleted ? 'canceled' : sub.status;
    const hasAccess = ACCESS_STATUSES.has(status);
    return {
      subscriptionId: sub.id,
      priceId: item?.price.id ?? current.priceId,
      status,
      seats: item?.quantity ?? current.seats,
      hasAccess,
      currentPeriodEnd: periodEndOf(sub, item) ?? current.currentPeriodEnd,
      graceEndsAt: hasAccess ? null : (current.graceEndsAt ?? this.graceFrom(eventAt)),
      eventAt,
    };
  }

  /** A failed renewal: access is lost now, writes go on for the grace period (Stripe retries the card meanwhile). */
  private paymentFailed(current: OrganizationBilling, eventAt: Date): SubscriptionState {
    return {
      subscriptionId: current.stripeSubscriptionId,
      priceId: current.priceId,
      status: ACCESS_STATUSES.has(current.status) ? 'past_due' : current.status,
      seats: current.seats,
      hasAccess: false,
      currentPeriodEnd: current.currentPeriodEnd,
      graceEndsAt: current.graceEndsAt ?? this.graceFrom(eventAt),
      eventAt,
    };
  }

  private graceFrom(at: Date): Date {
    return new Date(at.getTime() + this.config.billing.graceDays * DAY_MS);
  }

  /** The organization's Stripe customer, made once: Stripe's idempotency key makes a concurrent second call the same customer. */
  private async createCustomer(orgId: string, name: string): Promise<string> {
    const customer = await this.call(() =>
      this.stripe.customers.create(
        { name: name || undefined, metadata: { organizationId: orgId } },
        { idempotencyKey: `organization-customer-${orgId}` },
      ),
    );
    return this.db.run(() => this.billing.saveCustomer(customer.id));
  }

  /**
   * Verifies the Stripe-Signature header on the body's exact text with the endpoint's secret,
   * then applies the event. Anything that does not verify is refused before it is parsed.
   */
  async receive(rawBody: string | undefined, signature: string | string[] | undefined): Promise<BillingWebhookOutput> {
    const stripe = this.stripe;
    let event: Stripe.Event;
    try {
      if (rawBody === undefined || typeof signature !== 'string') throw new Error('no body or no signature');
      event = stripe.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret);
    } catch {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        ErrorCode.StripeSignatureInvalid,
        "The Stripe-Signature header does not verify this body with the endpoint's secret",
      );
    }
    return this.apply(event);
  }

  /**
   * A Stripe API call. A request Stripe refuses (an unknown price) is a 422 naming the parameter
   * and code Stripe names; no answer, or any other refusal (a revoked key), is a 503. Stripe's
   * message is logged, never answered: for an authentication error it names the key.
   */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.logger.warn(`Stripe call failed: ${errorText(error)}`);
      const { type, param, code } = error as { type?: string; param?: string; code?: string };
      if (type === 'StripeInvalidRequestError') {
        const what = [param && `\`${param}\``, code].filter(Boolean).join(': ');
        throw new BusinessRuleViolation(`Stripe refused the request${what ? ` (${what})` : ''}`);
      }
      throw stripeUnavailable();
    }
  }
}

const stripeUnavailable = (message = 'Stripe did not answer, or refused this server: try again later'): DomainError =>
  new DomainError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.StripeUnavailable, message);

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const ignored: BillingWebhookOutput = { received: true, outcome: 'ignored' };
const applied: BillingWebhookOutput = { received: true, outcome: 'applied' };
const replayed: BillingWebhookOutput = { received: true, outcome: 'replayed' };

/**
 * The subscription an event is about: the session's; the invoice's (its `subscription` before
 * Stripe's API version 2025-03-31, `parent.subscription_details.subscription` since); or the
 * subscription event's own.
 */
function subscriptionIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as unknown as Record<string, unknown>;
  type Ref = string | { id: string } | null | undefined;
  if (event.type === 'checkout.session.completed') return idOf(object.subscription as Ref);
  if (event.type === 'invoice.payment_failed') {
    const parent = object.parent as { subscription_details?: { subscription?: Ref } } | null | undefined;
    return idOf((object.subscription as Ref) ?? parent?.subscription_details?.subscription);
  }
  return idOf(object.id as Ref);
}

/** The paid period's end: on the item since Stripe's API version 2025-03-31, on the subscription before. */
function periodEndOf(sub: Stripe.Subscription, item: Stripe.SubscriptionItem | undefined): Date | null {
  const end = item?.current_period_end ?? (sub as unknown as { current_period_end?: number }).current_period_end;
  return typeof end === 'number' ? new Date(end * 1000) : null;
}

const withQuery = (url: string, query: string): string => `${url}${url.includes('?') ? '&' : '?'}${query}`;

function toOutput(row: OrganizationBilling | null, members: number): BillingOutput {
  const lapsed = row !== null && !row.hasAccess && row.graceEndsAt !== null && row.graceEndsAt <= new Date();
  return {
    plan: row?.priceId ?? null,
    status: row?.status ?? 'none',
    seats: members,
    subscribedSeats: row?.seats ?? null,
    syncedSeats: row?.seatsSynced ?? null,
    seatsSyncedAt: iso(row?.seatsSyncedAt),
    hasAccess: row?.hasAccess ?? false,
    writesAllowed: !lapsed,
    currentPeriodEnd: iso(row?.currentPeriodEnd),
    graceEndsAt: iso(row?.graceEndsAt),
  };
}
