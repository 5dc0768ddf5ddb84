import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import type TestAgent from 'supertest/lib/agent.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createLead, createOrg, type Org, type User } from './helpers/fixtures.js';
import { countStatements } from './helpers/statements.js';
import { startStripeStub, type StripeStub, subscription } from './helpers/stripe-stub.js';

const WEBHOOK_SECRET = 'whsec_billingtestsecret0123456789';
const RETURN_URL = 'https://app.example.test/settings/billing';
const DAY_MS = 86_400_000;

const eventOf = (id: string, type: string, object: Record<string, unknown>, created = Math.floor(Date.now() / 1000)) =>
  JSON.stringify({
    id,
    object: 'event',
    type,
    created,
    api_version: '2026-11-18.endive',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });

const signed = (payload: string, secret = WEBHOOK_SECRET): string =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret });

/** Posts a Stripe event, signed with the endpoint's secret unless `signature` says otherwise (null: no header). */
const postEvent = (http: TestAgent, payload: string, signature: string | null = signed(payload)) => {
  const req = http.post('/v1/billing/webhook').set('content-type', 'application/json');
  return (signature === null ? req : req.set('stripe-signature', signature)).send(payload);
};

describe('billing with Stripe (STRIPE_SECRET_KEY set)', () => {
  let stub: StripeStub;
  let t: TestApp;
  let a: Org;
  let b: Org;
  let agent: User;
  let viewer: User;
  let customerId: string;

  beforeAll(async () => {
    stub = await startStripeStub();
    t = await bootApp({
      STRIPE_SECRET_KEY: 'sk_test_billingstub0123456789',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stub.url,
      BILLING_RETURN_URL: RETURN_URL,
    });
    a = await createOrg(t.http, 'Harbor Realty');
    b = await createOrg(t.http, 'Bay Homes');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  /** A change of a subscription as Stripe makes it: the subscription changes (what a fetch returns), then its event is sent. */
  const subscriptionEvent = (id: string, type: string, sub: Record<string, unknown>, created?: number): string => {
    stub.subscriptions.set(sub.id as string, sub);
    return eventOf(id, type, sub, created);
  };

  const billingOf = async (org: Org) =>
    (await t.http.get('/v1/billing').set(as(org.admin, org.id)).expect(200)).body as Record<string, unknown>;

  it('shows an organization that never subscribed: no plan, members counted as seats, writes allowed', async () => {
    expect(await billingOf(a)).toEqual({
      plan: null,
      status: 'none',
      seats: 3, // the ADMIN, the AGENT and the VIEWER
      subscribedSeats: null,
      syncedSeats: null,
      seatsSyncedAt: null,
      hasAccess: false,
      writesAllowed: true,
      currentPeriodEnd: null,
      graceEndsAt: null,
    });
    await createLead(t.http, agent, a.id);
  });

  it('is for ADMINs: an AGENT or VIEWER gets 403 on every billing route, the ADMIN 200 (control)', async () => {
    for (const user of [agent, viewer]) {
      await t.http.get('/v1/billing').set(as(user, a.id)).expect(403);
      await t.http.post('/v1/billing/checkout').set(as(user, a.id)).send({ priceId: 'price_pro' }).expect(403);
      await t.http.post('/v1/billing/portal').set(as(user, a.id)).expect(403);
    }
    // Organization B's ADMIN is not a member of A.
    await t.http.get('/v1/billing').set(as(b.admin, a.id)).expect(403);
    await t.http.get('/v1/billing').set(as(a.admin, a.id)).expect(200);
  });

  it('refuses the portal before there is a customer (409 BILLING_NOT_SUBSCRIBED)', async () => {
    const res = await t.http.post('/v1/billing/portal').set(as(a.admin, a.id)).expect(409);
    expect(res.body.code).toBe('BILLING_NOT_SUBSCRIBED');
    expect(stub.calls).toHaveLength(0);
  });

  it('validates the price id (400) and passes on a price Stripe refuses (422)', async () => {
    const bad = await t.http.post('/v1/billing/checkout').set(as(a.admin, a.id)).send({ priceId: 'pro' }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details[0].field).toBe('priceId');
    await t.http.post('/v1/billing/checkout').set(as(a.admin, a.id)).send({}).expect(400);
    const refused = await t.http
      .post('/v1/billing/checkout')
      .set(as(a.admin, a.id))
      .send({ priceId: 'price_unknown' })
      .expect(422);
    // Stripe's parameter, not its message (which, for an authentication error, names the key).
    expect(refused.body.message).toContain('line_items[0][price]');
  });

  it('creates the Stripe customer once and a Checkout Session billed for the members', async () => {
    const customersBefore = stub.calls.filter((c) => c.path === '/v1/customers').length;
    expect(customersBefore).toBe(1); // made by the refused checkout above, and kept
    const res = await t.http
      .post('/v1/billing/checkout')
      .set(as(a.admin, a.id))
      .send({ priceId: 'price_pro' })
      .expect(200);
    expect(res.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_\d+$/);

    const customers = stub.calls.filter((c) => c.path === '/v1/customers');
    expect(customers).toHaveLength(1);
    expect(customers[0].form).toMatchObject({ name: 'Harbor Realty', 'metadata[organizationId]': a.id });
    expect(customers[0].idempotencyKey).toBe(`organization-customer-${a.id}`);
    expect(customers[0].authorization).toBe('Bearer sk_test_billingstub0123456789');
    customerId = 'cus_stub1';

    const session = stub.calls.filter((c) => c.path === '/v1/checkout/sessions').at(-1);
    expect(session?.form).toMatchObject({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: a.id,
      'line_items[0][price]': 'price_pro',
      'line_items[0][quantity]': '3',
      'subscription_data[metadata][organizationId]': a.id,
      success_url: `${RETURN_URL}?billing=success`,
      cancel_url: `${RETURN_URL}?billing=cancel`,
    });
    const [row] = await t.db.admin.query<{ stripe_customer_id: string; status: string }>(
      'SELECT stripe_customer_id, status FROM organization_billing WHERE organization_id = $1',
      [a.id],
    );
    expect(row).toEqual({ stripe_customer_id: customerId, status: 'none' });
  });

  it('opens the Customer Portal for the organization’s customer', async () => {
    const res = await t.http.post('/v1/billing/portal').set(as(a.admin, a.id)).expect(200);
    expect(res.body.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_\d+$/);
    expect(stub.calls.at(-1)).toMatchObject({
      path: '/v1/billing_portal/sessions',
      form: { customer: customerId, return_url: RETURN_URL },
    });
  });

  describe('the webhook', () => {
    const completed = () =>
      eventOf('evt_checkout_1', 'checkout.session.completed', {
        id: 'cs_test_done',
        object: 'checkout.session',
        customer: customerId,
        subscription: 'sub_a',
        client_reference_id: a.id,
      });

    it('refuses a missing, wrong or stale signature, and a body changed after signing (400), before reading it', async () => {
      const payload = completed();
      const cases: (string | null)[] = [
        null,
        'garbage',
        signed(payload, 'whsec_someoneelsessecret0123'),
        Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: WEBHOOK_SECRET,
          timestamp: Math.floor(Date.now() / 1000) - 3600,
        }),
      ];
      for (const signature of cases) {
        const res = await postEvent(t.http, payload, signature);
        expect([res.status, res.body.code, res.body.message]).toEqual([
          400,
          'STRIPE_SIGNATURE_INVALID',
          expect.any(String),
        ]);
      }
      const tampered = payload.replace('sub_a', 'sub_b');
      await postEvent(t.http, tampered, signed(payload)).expect(400);
      const rows = await t.db.admin.query('SELECT id FROM stripe_events');
      expect(rows).toHaveLength(0);
    });

    it('applies a signed checkout.session.completed: the subscription fetched from Stripe is recorded', async () => {
      stub.subscriptions.set(
        'sub_a',
        subscription('sub_a', customerId, { status: 'active', quantity: 3, periodEnd: 1_799_000_000 }),
      );
      const res = await postEvent(t.http, completed()).expect(200);
      expect(res.body).toEqual({ received: true, outcome: 'applied' });
      expect(stub.calls.at(-1)).toMatchObject({ method: 'GET', path: '/v1/subscriptions/sub_a' });
      expect(await billingOf(a)).toEqual({
        plan: 'price_pro',
        status: 'active',
        seats: 3,
        subscribedSeats: 3,
        syncedSeats: null,
        seatsSyncedAt: null,
        hasAccess: true,
        writesAllowed: true,
        currentPeriodEnd: new Date(1_799_000_000 * 1000).toISOString(),
        graceEndsAt: null,
      });
      // Organization B is untouched.
      expect((await billingOf(b)).status).toBe('none');
    });

    it('treats a replayed event id as a no-op (200 replayed), even after a newer change', async () => {
      const downgrade = subscriptionEvent(
        'evt_sub_updated_1',
        'customer.subscription.updated',
        subscription('sub_a', customerId, { status: 'active', priceId: 'price_basic', quantity: 2 }),
      );
      expect((await postEvent(t.http, downgrade).expect(200)).body.outcome).toBe('applied');
      expect(await billingOf(a)).toMatchObject({ plan: 'price_basic', subscribedSeats: 2 });

      // Stripe delivers the checkout event again (a retry): it would put price_pro back if applied.
      const replay = await postEvent(t.http, completed()).expect(200);
      expect(replay.body).toEqual({ received: true, outcome: 'replayed' });
      const again = await postEvent(t.http, downgrade).expect(200);
      expect(again.body.outcome).toBe('replayed');
      expect(await billingOf(a)).toMatchObject({ plan: 'price_basic', subscribedSeats: 2 });
      const rows = await t.db.admin.query<{ id: string }>(
        'SELECT id FROM stripe_events WHERE organization_id = $1 ORDER BY id',
        [a.id],
      );
      expect(rows.map((r) => r.id)).toEqual(['evt_checkout_1', 'evt_sub_updated_1']);
    });

    it('applies the same event delivered twice at once only once', async () => {
      const payload = subscriptionEvent(
        'evt_sub_updated_twice',
        'customer.subscription.updated',
        subscription('sub_a', customerId, { status: 'active', priceId: 'price_basic', quantity: 2 }),
      );
      const outcomes = await Promise.all([postEvent(t.http, payload), postEvent(t.http, payload)]);
      expect(outcomes.map((r) => r.status)).toEqual([200, 200]);
      expect(outcomes.map((r) => r.body.outcome as string).sort()).toEqual(['applied', 'replayed']);
      const rows = await t.db.admin.query('SELECT id FROM stripe_events WHERE id = $1', ['evt_sub_updated_twice']);
      expect(rows).toHaveLength(1);
    });

    it('answers 200 and ignores an event type it does not act on, or a customer no organization has', async () => {
      const other = eventOf('evt_other', 'customer.created', { id: customerId, object: 'customer' });
      expect((await postEvent(t.http, other).expect(200)).body.outcome).toBe('ignored');
      const stranger = eventOf('evt_stranger', 'invoice.payment_failed', { id: 'in_x', customer: 'cus_nobody' });
      expect((await postEvent(t.http, stranger).expect(200)).body.outcome).toBe('ignored');
      expect((await billingOf(a)).hasAccess).toBe(true);
    });
    it('ignores what is not about the recorded subscription: a session without one, a one-off invoice, another subscription ending', async () => {
      const before = await billingOf(a);
      const setup = eventOf('evt_setup_session', 'checkout.session.completed', {
        id: 'cs_setup',
        object: 'checkout.session',
        mode: 'setup',
        customer: customerId,
        subscription: null,
      });
      const oneOff = eventOf('evt_invoice_one_off', 'invoice.payment_failed', {
        id: 'in_one_off',
        object: 'invoice',
        customer: customerId,
        subscription: null,
      });
      const otherInvoice = eventOf('evt_invoice_other', 'invoice.payment_failed', {
        id: 'in_other',
        object: 'invoice',
        customer: customerId,
        parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_old' } },
      });
      const oldEnds = subscriptionEvent(
        'evt_sub_old_deleted',
        'customer.subscription.deleted',
        subscription('sub_old', customerId, { status: 'canceled', priceId: 'price_basic', quantity: 1 }),
        Math.floor(Date.now() / 1000) + 30,
      );
      for (const payload of [setup, oneOff, otherInvoice, oldEnds]) {
        expect((await postEvent(t.http, payload).expect(200)).body.outcome).toBe('ignored');
      }
      expect(await billingOf(a)).toEqual(before);
      expect(before).toMatchObject({ status: 'active', hasAccess: true });
    });
  });

  describe('losing access: a grace period, then 402 on writes only', () => {
    let leadId: string;

    it('keeps writes working during the grace period after a failed payment', async () => {
      leadId = (await createLead(t.http, agent, a.id)).id as string;
      const created = Math.floor(Date.now() / 1000);
      const failed = eventOf(
        'evt_invoice_failed_1',
        'invoice.payment_failed',
        { id: 'in_1', object: 'invoice', customer: customerId, subscription: 'sub_a' },
        created,
      );
      expect((await postEvent(t.http, failed).expect(200)).body.outcome).toBe('applied');
      const billing = await billingOf(a);
      expect(billing).toMatchObject({ status: 'past_due', hasAccess: false, writesAllowed: true });
      // Seven days (BILLING_GRACE_DAYS' default) from the failure.
      expect(billing.graceEndsAt).toBe(new Date(created * 1000 + 7 * DAY_MS).toISOString());
      await createLead(t.http, agent, a.id);
      await t.http.patch(`/v1/leads/${leadId}`).set(as(agent, a.id)).send({ notes: 'still writable' }).expect(200);
      // A second subscription would bill the organization twice: the card is fixed in the portal.
      await t.http.post('/v1/billing/checkout').set(as(a.admin, a.id)).send({ priceId: 'price_pro' }).expect(409);
    });

    it('a second failure does not restart the grace period', async () => {
      const before = (await billingOf(a)).graceEndsAt;
      const later = Math.floor(Date.now() / 1000) + 60;
      const failed = eventOf(
        'evt_invoice_failed_2',
        'invoice.payment_failed',
        { id: 'in_2', customer: customerId, subscription: 'sub_a' },
        later,
      );
      await postEvent(t.http, failed).expect(200);
      expect((await billingOf(a)).graceEndsAt).toBe(before);
    });

    it('past the grace period: writes answer 402 PAYMENT_REQUIRED; reads, exports and billing still work', async () => {
      await t.db.admin.query(
        "UPDATE organization_billing SET grace_ends_at = now() - interval '1 minute' WHERE organization_id = $1",
        [a.id],
      );
      const create = await t.http.post('/v1/leads').set(as(agent, a.id)).send({ name: 'Blocked' }).expect(402);
      expect(create.body.code).toBe('PAYMENT_REQUIRED');
      await t.http.patch(`/v1/leads/${leadId}`).set(as(a.admin, a.id)).send({ notes: 'no' }).expect(402);
      await t.http.delete(`/v1/leads/${leadId}`).set(as(a.admin, a.id)).expect(402);

      const list = await t.http.get('/v1/leads').set(as(agent, a.id)).expect(200);
      expect(list.body.meta.total).toBe(3); // one from the first test, two written in the grace period
      await t.http.get(`/v1/leads/${leadId}`).set(as(viewer, a.id)).expect(200);
      const csv = await t.http.get('/v1/exports/leads.csv').set(as(a.admin, a.id)).expect(200);
      expect(csv.text.split('\n').filter(Boolean)).toHaveLength(4); // a header and the three leads
      await t.http.post('/v1/exports/organization').set(as(a.admin, a.id)).expect(202);
      expect(await billingOf(a)).toMatchObject({ hasAccess: false, writesAllowed: false });
      await t.http.post('/v1/billing/portal').set(as(a.admin, a.id)).expect(200);
      // A VIEWER is refused a write for their role first (403), as before.
      await t.http.post('/v1/leads').set(as(viewer, a.id)).send({ name: 'x' }).expect(403);
      // Organization B (control) writes on.
      await createLead(t.http, b.admin, b.id);
    });

    it('refuses an API key’s writes alike, and lets it read', async () => {
      await t.db.admin.query(
        'UPDATE organization_billing SET grace_ends_at = NULL, has_access = true WHERE organization_id = $1',
        [a.id],
      );
      const key = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'Portal sync', scopes: ['leads:read', 'leads:write'] })
        .expect(201);
      await t.db.admin.query(
        "UPDATE organization_billing SET grace_ends_at = now() - interval '1 minute', has_access = false WHERE organization_id = $1",
        [a.id],
      );
      const bearer = { authorization: `Bearer ${key.body.secret as string}` };
      const res = await t.http.post('/v1/leads').set(bearer).send({ name: 'By key' }).expect(402);
      expect(res.body.code).toBe('PAYMENT_REQUIRED');
      await t.http.get('/v1/leads').set(bearer).expect(200);
    });

    it('still lets an ADMIN take access away: remove a member, revoke a key or an invitation (a lead write is the 402 control)', async () => {
      const lapse = (hasAccess: boolean) =>
        t.db.admin.query(
          `UPDATE organization_billing SET has_access = $2, grace_ends_at = ${hasAccess ? 'NULL' : "now() - interval '1 minute'"} WHERE organization_id = $1`,
          [a.id, hasAccess],
        );
      await lapse(true);
      const leaver = await addMember(t.http, a, 'AGENT');
      const key = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'Leaked', scopes: ['leads:read'] })
        .expect(201);
      const invitation = await t.http
        .post('/v1/invitations')
        .set(as(a.admin, a.id))
        .send({ email: 'not-anymore@example.test', role: 'AGENT' })
        .expect(201);
      await lapse(false);

      await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'Blocked' }).expect(402);
      await t.http.get('/v1/leads').set(as(leaver, a.id)).expect(200);
      await t.http.patch(`/v1/members/${leaver.id}`).set(as(a.admin, a.id)).send({ role: 'VIEWER' }).expect(200);
      await t.http.delete(`/v1/members/${leaver.id}`).set(as(a.admin, a.id)).expect(204);
      await t.http.get('/v1/leads').set(as(leaver, a.id)).expect(403);
      await t.http
        .delete(`/v1/api-keys/${key.body.id as string}`)
        .set(as(a.admin, a.id))
        .expect(200);
      await t.http
        .get('/v1/leads')
        .set({ authorization: `Bearer ${key.body.secret as string}` })
        .expect(401);
      await t.http
        .delete(`/v1/invitations/${invitation.body.id as string}`)
        .set(as(a.admin, a.id))
        .expect(204);
    });

    it('costs no statement: a refused write sends only its opening statement, an allowed one as many as with billing off', async () => {
      const counter = countStatements(t.app);
      try {
        const refused = await counter.count(() =>
          t.http.post('/v1/leads').set(as(agent, a.id)).send({ name: 'Counted' }).expect(402),
        );
        expect(refused).toBe(1);
        const read = await counter.count(() => t.http.get(`/v1/leads/${leadId}`).set(as(agent, a.id)).expect(200));
        const bWrite = await counter.count(() =>
          t.http.post('/v1/leads').set(as(b.admin, b.id)).send({ name: 'Counted B' }).expect(201),
        );
        expect(read).toBeGreaterThan(0);
        expect(bWrite).toBeGreaterThan(1);
      } finally {
        counter.restore();
      }
    });

    it('lifts the 402 as soon as a paid subscription is reported', async () => {
      const paid = subscriptionEvent(
        'evt_sub_updated_paid',
        'customer.subscription.updated',
        subscription('sub_a', customerId, { status: 'active', priceId: 'price_basic', quantity: 3 }),
        Math.floor(Date.now() / 1000) + 120,
      );
      await postEvent(t.http, paid).expect(200);
      expect(await billingOf(a)).toMatchObject({
        status: 'active',
        hasAccess: true,
        writesAllowed: true,
        graceEndsAt: null,
      });
      await createLead(t.http, agent, a.id);
    });

    it('a cancelled subscription starts a new grace period from the cancellation', async () => {
      const at = Math.floor(Date.now() / 1000) + 180;
      const deleted = subscriptionEvent(
        'evt_sub_deleted',
        'customer.subscription.deleted',
        subscription('sub_a', customerId, { status: 'canceled', priceId: 'price_basic', quantity: 3 }),
        at,
      );
      await postEvent(t.http, deleted).expect(200);
      expect(await billingOf(a)).toMatchObject({
        status: 'canceled',
        hasAccess: false,
        writesAllowed: true,
        graceEndsAt: new Date(at * 1000 + 7 * DAY_MS).toISOString(),
      });
      await createLead(t.http, agent, a.id);
    });

    it('applies a subscription as Stripe has it now, not as a late event carried it (Stripe does not promise order)', async () => {
      // Stripe has the subscription cancelled (above); an event from an hour ago, delivered now, said active.
      const late = eventOf(
        'evt_sub_late',
        'customer.subscription.updated',
        subscription('sub_a', customerId, { status: 'active' }),
        Math.floor(Date.now() / 1000) - 3600,
      );
      expect((await postEvent(t.http, late).expect(200)).body.outcome).toBe('applied');
      expect(await billingOf(a)).toMatchObject({ status: 'canceled', hasAccess: false });
      expect(stub.calls.at(-1)).toMatchObject({ method: 'GET', path: '/v1/subscriptions/sub_a' });
    });

    it('two events of the same second in reverse order end on the newer state (incomplete, then active)', async () => {
      const second = Math.floor(Date.now() / 1000) + 240;
      const created = subscription('sub_a', customerId, { status: 'incomplete', priceId: 'price_basic', quantity: 3 });
      stub.subscriptions.set(
        'sub_a',
        subscription('sub_a', customerId, { status: 'active', priceId: 'price_basic', quantity: 3 }),
      );
      const updated = eventOf(
        'evt_same_second_updated',
        'customer.subscription.updated',
        stub.subscriptions.get('sub_a')!,
        second,
      );
      await postEvent(t.http, updated).expect(200);
      await postEvent(
        t.http,
        eventOf('evt_same_second_created', 'customer.subscription.created', created, second),
      ).expect(200);
      expect(await billingOf(a)).toMatchObject({ status: 'active', hasAccess: true, graceEndsAt: null });
    });
  });
});

describe('billing off (no STRIPE_SECRET_KEY): free and unlimited', () => {
  let t: TestApp;
  let a: Org;

  beforeAll(async () => {
    t = await bootApp();
    a = await createOrg(t.http, 'Free Brokerage');
  });
  afterAll(() => t?.close());

  it('answers 404 BILLING_DISABLED on every billing route, the webhook included', async () => {
    const routes = [
      t.http.get('/v1/billing').set(as(a.admin, a.id)),
      t.http.post('/v1/billing/checkout').set(as(a.admin, a.id)).send({ priceId: 'price_pro' }),
      t.http.post('/v1/billing/portal').set(as(a.admin, a.id)),
      postEvent(t.http, eventOf('evt_off', 'invoice.payment_failed', { customer: 'cus_x' })),
    ];
    for (const route of routes) {
      const res = await route.expect(404);
      expect(res.body.code).toBe('BILLING_DISABLED');
    }
  });

  it('never answers 402, even for an organization whose recorded subscription lapsed long ago', async () => {
    await t.db.admin.query(
      `INSERT INTO organization_billing (organization_id, stripe_customer_id, status, has_access, grace_ends_at)
       VALUES ($1, 'cus_lapsed', 'canceled', false, now() - interval '30 days')`,
      [a.id],
    );
    await createLead(t.http, a.admin, a.id);
  });
});
