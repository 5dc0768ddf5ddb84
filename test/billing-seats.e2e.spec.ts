import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Stripe from 'stripe';
import { SeatSyncWorker } from '../src/billing/seat-sync.worker.js';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createOrg, markEmailVerified, type Org, type User } from './helpers/fixtures.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';
import { startStripeStub, type StripeCall, type StripeStub, subscription } from './helpers/stripe-stub.js';

const WEBHOOK_SECRET = 'whsec_seatstestsecret0123456789';
const SECRET_KEY = 'sk_test_seatsstub0123456789';
const QUEUE = 'billing.sync-seats';

/** Seat-sync jobs not finished yet (or ever sent), on whichever runner the database has. */
async function seatJobs(t: TestApp, open: boolean): Promise<number> {
  const sql = t.db.url
    ? `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 ${open ? "AND state < 'completed'" : ''}`
    : `SELECT count(*)::int AS n FROM embedded_jobs WHERE queue = $1 ${open ? "AND state IN ('created', 'active')" : ''}`;
  const exists = t.db.url
    ? (
        await t.db.admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'pgboss' AND tablename = 'job'",
        )
      )[0].n
    : 1;
  return exists ? (await t.db.admin.query<{ n: number }>(sql, [QUEUE]))[0].n : 0;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('seat sync: the subscription quantity follows the members (billing on)', () => {
  let stub: StripeStub;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let a: Org;
  let b: Org;
  let agent: User;

  const itemUpdates = (itemId: string): StripeCall[] =>
    stub.calls.filter((c) => c.method === 'POST' && c.path === `/v1/subscription_items/${itemId}`);
  /** The quantity update number `n` (1-based) to the item, once the job has sent it. */
  const nthUpdate = (itemId: string, n: number) =>
    until(`quantity update #${n} of ${itemId}`, () => itemUpdates(itemId)[n - 1]);
  const billingOf = async (org: Org) =>
    (await t.http.get('/v1/billing').set(as(org.admin, org.id)).expect(200)).body as Record<string, unknown>;

  /** A Stripe customer through checkout, then (unless `subscribed` is false) an active subscription for one seat. */
  const subscribe = async (org: Org, subscriptionId: string, subscribed = true) => {
    await t.http.post('/v1/billing/checkout').set(as(org.admin, org.id)).send({ priceId: 'price_pro' }).expect(200);
    const [row] = await t.db.admin.query<{ id: string }>(
      'SELECT stripe_customer_id AS id FROM organization_billing WHERE organization_id = $1',
      [org.id],
    );
    if (!subscribed) return;
    const object = subscription(subscriptionId, row.id, { status: 'active', quantity: 1 });
    stub.subscriptions.set(subscriptionId, object);
    const payload = JSON.stringify({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'customer.subscription.created',
      created: Math.floor(Date.now() / 1000),
      data: { object },
    });
    await t.http
      .post('/v1/billing/webhook')
      .set('content-type', 'application/json')
      .set('stripe-signature', Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }))
      .send(payload)
      .expect(200);
  };

  beforeAll(async () => {
    stub = await startStripeStub();
    smtp = await startSmtp();
    t = await bootApp({
      ...BACKGROUND,
      SMTP_URL: smtp.url,
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stub.url,
      BILLING_RETURN_URL: 'https://app.example.test/billing',
    });
    a = await createOrg(t.http, 'Harbor Realty');
    b = await createOrg(t.http, 'Bay Homes');
    await subscribe(a, 'sub_a');
    await subscribe(b, 'sub_b', false);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await stub?.close();
  });

  it('a member added (POST /v1/members): Stripe gets the new count as the quantity, recorded as synced', async () => {
    agent = await addMember(t.http, a, 'AGENT');
    const update = await nthUpdate('si_sub_a', 1);
    expect(update.form).toEqual({ quantity: '2', proration_behavior: 'create_prorations' });
    expect(update.authorization).toBe(`Bearer ${SECRET_KEY}`);
    const billing = await until('the synced seats', async () => {
      const body = await billingOf(a);
      return body.syncedSeats === 2 ? body : undefined;
    });
    expect(billing).toMatchObject({ seats: 2, syncedSeats: 2, seatsSyncedAt: expect.any(String) });
  });

  it('a member joining through an invitation counts too', async () => {
    const email = `hire-${randomUUID().slice(0, 8)}@example.test`;
    await t.http.post('/v1/invitations').set(as(a.admin, a.id)).send({ email, role: 'VIEWER' }).expect(201);
    const mail = await smtp.waitFor(email, (m) => m.subject?.includes('invited') ?? false);
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
    const signed = await t.http
      .post('/v1/auth/signup')
      .send({ email, password: 'Harbor-lights-2026', fullName: 'New Hire', invitationToken: token })
      .expect(201);
    expect(signed.body.user.id).toEqual(expect.any(String));
    expect((await nthUpdate('si_sub_a', 2)).form.quantity).toBe('3');

    // And one who signs in first, then accepts.
    const other = await t.http
      .post('/v1/auth/signup')
      .send({
        email: `later-${randomUUID().slice(0, 8)}@example.test`,
        password: 'Harbor-lights-2026',
        fullName: 'Later',
      })
      .expect(201);
    const laterEmail = other.body.user.email as string;
    await markEmailVerified(t.http, other.body.user.id);
    await t.http.post('/v1/invitations').set(as(a.admin, a.id)).send({ email: laterEmail, role: 'AGENT' }).expect(201);
    const laterMail = await smtp.waitFor(laterEmail, (m) => m.subject?.includes('invited') ?? false);
    const laterToken = /token=([A-Za-z0-9_-]{43})/.exec(laterMail.text ?? '')?.[1];
    await t.http
      .post(`/v1/invitations/${laterToken}/accept`)
      .set({ authorization: `Bearer ${other.body.accessToken}` })
      .expect(200);
    expect((await nthUpdate('si_sub_a', 3)).form.quantity).toBe('4');
  });

  it('a member removed: the quantity goes down', async () => {
    await t.http.delete(`/v1/members/${agent.id}`).set(as(a.admin, a.id)).expect(204);
    expect((await nthUpdate('si_sub_a', 4)).form.quantity).toBe('3');
    await until('the synced seats', async () => ((await billingOf(a)).syncedSeats === 3 ? true : undefined));
  });

  it('is idempotent: a duplicate job sets the same absolute count and sends Stripe nothing new', async () => {
    const worker = t.app.get(SeatSyncWorker);
    const before = itemUpdates('si_sub_a').length;
    await worker.run({ data: { organizationId: a.id } });
    await worker.run({ data: { organizationId: a.id } });
    expect(itemUpdates('si_sub_a')).toHaveLength(before);
    // Stripe's quantity drifted (changed in the dashboard): the next run sets the count back.
    (stub.subscriptions.get('sub_a') as { items: { data: { quantity: number }[] } }).items.data[0].quantity = 9;
    await worker.run({ data: { organizationId: a.id } });
    expect(itemUpdates('si_sub_a')).toHaveLength(before + 1);
    expect(itemUpdates('si_sub_a').at(-1)?.form.quantity).toBe('3');
  });

  it('an account deleted (DELETE /v1/me) gives its seat back', async () => {
    const sent = itemUpdates('si_sub_a').length;
    const leaver = await addMember(t.http, a, 'AGENT');
    expect((await nthUpdate('si_sub_a', sent + 1)).form.quantity).toBe('4');
    await t.http.delete('/v1/me').set(as(leaver)).send({ password: 'Harbor-lights-2026' }).expect(204);
    expect((await nthUpdate('si_sub_a', sent + 2)).form.quantity).toBe('3');
  });

  it('skips an organization without a subscription: its job runs and calls Stripe for nothing (control: A above)', async () => {
    // A's jobs from above first: a second one for the account deletion may still be reading A's subscription.
    await until('the earlier seat-sync jobs to finish', async () =>
      (await seatJobs(t, true)) === 0 ? true : undefined,
    );
    const callsBefore = stub.calls.length;
    await addMember(t.http, b, 'AGENT');
    await until('the seat-sync jobs to finish', async () => ((await seatJobs(t, true)) === 0 ? true : undefined));
    expect(stub.calls.slice(callsBefore).filter((c) => c.path.startsWith('/v1/subscription'))).toEqual([]);
    expect(await billingOf(b)).toMatchObject({ status: 'none', syncedSeats: null });
  });
});

describe('seat sync with billing off (no STRIPE_SECRET_KEY)', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('enqueues no seat-sync job when members join or leave', async () => {
    t = await bootApp({ ...BACKGROUND });
    const org = await createOrg(t.http, 'Free Brokerage');
    const member = await addMember(t.http, org, 'AGENT');
    await t.http.delete(`/v1/members/${member.id}`).set(as(org.admin, org.id)).expect(204);
    expect(await seatJobs(t, false)).toBe(0);
  });
});
