import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { ApiKeysRepository } from '../src/api-keys/api-keys.repository.js';
import { TenantDb } from '../src/database/tenant-db.js';
import { bootApp } from './helpers/app.js';
import { addMember, as, createLead, createOrg, type Org, twoOrganizations, type User } from './helpers/fixtures.js';

const SECRET = /^bcrm_[A-Za-z0-9_-]{43}$/;

interface Key {
  id: string;
  secret: string;
  body: Record<string, any>;
}

const bearer = (secret: string, orgId?: string): Record<string, string> => ({
  authorization: `Bearer ${secret}`,
  ...(orgId ? { 'x-organization-id': orgId } : {}),
});

async function createKey(http: TestAgent, admin: User, orgId: string, body: Record<string, unknown>): Promise<Key> {
  const res = await http
    .post('/v1/api-keys')
    .set(as(admin, orgId))
    .send({ name: 'Integration', ...body })
    .expect(201);
  return { id: res.body.id, secret: res.body.secret, body: res.body };
}

/** A well-formed secret no key has. */
const madeUp = (): string => `bcrm_${randomBytes(32).toString('base64url')}`;

const FAMILIES = ['leads', 'contacts', 'deals', 'listings', 'activities', 'appointments', 'tickets'];
/** Each family's list (appointments are listed for a window of time). */
const listOf = (family: string): string =>
  family === 'appointments' ? '/v1/appointments?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z' : `/v1/${family}`;

describe('API keys', () => {
  const { t, a, b } = twoOrganizations();
  const key = (scopes: string[], extra: Record<string, unknown> = {}) =>
    createKey(t.http, a.admin, a.id, { scopes, ...extra });

  describe('managing keys', () => {
    it('shows the secret once: on creation, never in a list, a get or the database', async () => {
      const k = await key(['leads:read'], { name: 'Website forms' });
      expect(k.secret).toMatch(SECRET);
      expect(k.body).toMatchObject({
        name: 'Website forms',
        scopes: ['leads:read'],
        role: 'ADMIN',
        hint: `bcrm_…${k.secret.slice(-4)}`,
        createdById: a.admin.id,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      });
      const list = await t.http.get('/v1/api-keys').set(as(a.admin, a.id)).expect(200);
      expect(list.body.data.map((x: { id: string }) => x.id)).toContain(k.id);
      const one = await t.http.get(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).expect(200);
      for (const body of [list.body, one.body]) {
        expect(JSON.stringify(body)).not.toContain(k.secret);
        expect(JSON.stringify(body)).not.toContain('"secret"');
      }
      const [row] = await t.db.admin.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [k.id]);
      const stored = Object.values(row!).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
      expect(JSON.stringify(stored)).not.toContain(k.secret);
      expect(Buffer.from(row!.key_hash as Uint8Array).equals(createHash('sha256').update(k.secret).digest())).toBe(
        true,
      );
    });

    it('is for ADMINs signed in as themselves: a MANAGER is refused, and so is a key', async () => {
      const manager = await addMember(t.http, a, 'MANAGER');
      await t.http
        .post('/v1/api-keys')
        .set(as(manager, a.id))
        .send({ name: 'x', scopes: ['leads:read'] })
        .expect(403);
      await t.http.get('/v1/api-keys').set(as(manager, a.id)).expect(403);
      const k = await key(['*:read', 'leads:write']);
      const res = await t.http.get('/v1/api-keys').set(bearer(k.secret)).expect(403);
      expect(res.body.code).toBe('API_KEY_NOT_ALLOWED');
      await t.http.get('/v1/api-keys').set(as(a.admin, a.id)).expect(200); // control
    });

    it('validates: scopes from the list, a name, a future expiry, a grace period of at most 24 h', async () => {
      const bad = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: '', scopes: ['leads:delete'], expiresAt: '2020-01-01T00:00:00Z' })
        .expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'scopes']);
      const past = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'x', scopes: ['leads:read'], expiresAt: '2020-01-01T00:00:00Z' })
        .expect(400);
      expect(past.body.details[0]).toMatchObject({ field: 'expiresAt', code: 'OUT_OF_RANGE' });
      await t.http.post('/v1/api-keys').set(as(a.admin, a.id)).send({ name: 'x', scopes: [] }).expect(400);
      const k = await key(['leads:read']);
      await t.http
        .post(`/v1/api-keys/${k.id}/rotate`)
        .set(as(a.admin, a.id))
        .send({ gracePeriodSeconds: 86_401 })
        .expect(400);
    });

    it('refuses an Idempotency-Key where the answer shows a secret (a replay would have to store it)', async () => {
      const res = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .set('idempotency-key', 'key-create-1')
        .send({ name: 'x', scopes: ['leads:read'] })
        .expect(400);
      expect(res.body.details[0]).toMatchObject({ field: 'Idempotency-Key', code: 'NOT_ALLOWED' });
      const [{ n }] = await t.db.admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'key-create-1'",
      );
      expect(n).toBe(0);
    });

    it("keeps keys to their organization: B's ADMIN cannot list, see or revoke A's", async () => {
      const k = await key(['leads:read']);
      const bList = await t.http.get('/v1/api-keys?pageSize=100').set(as(b.admin, b.id)).expect(200);
      expect(bList.body.data.map((x: { id: string }) => x.id)).not.toContain(k.id);
      const aList = await t.http.get('/v1/api-keys?pageSize=100').set(as(a.admin, a.id)).expect(200);
      expect(aList.body.data.map((x: { id: string }) => x.id)).toContain(k.id); // control
      await t.http.get(`/v1/api-keys/${k.id}`).set(as(b.admin, b.id)).expect(404);
      await t.http.delete(`/v1/api-keys/${k.id}`).set(as(b.admin, b.id)).expect(404);
      await t.http.get(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).expect(200); // control
    });
  });

  describe('acting with a key', () => {
    it("acts in the key's organization without X-Organization-Id; naming another organization is 403", async () => {
      const lead = await createLead(t.http, a.admin, a.id, { name: 'Seen by the key' });
      const bLead = await createLead(t.http, b.admin, b.id, { name: 'Not seen' });
      const k = await key(['leads:read']);
      const list = await t.http.get('/v1/leads?pageSize=100').set(bearer(k.secret)).expect(200);
      const ids = list.body.data.map((l: { id: string }) => l.id);
      expect(ids).toContain(lead.id);
      expect(ids).not.toContain(bLead.id);
      await t.http.get(`/v1/leads/${bLead.id}`).set(bearer(k.secret)).expect(404);
      const other = await t.http.get('/v1/leads').set(bearer(k.secret, b.id)).expect(403);
      expect(other.body.code).toBe('NOT_A_MEMBER');
      await t.http.get('/v1/leads').set(bearer(k.secret, a.id)).expect(200); // its own, named: allowed
    });

    it('needs the scope of every route family, and names the one missing', async () => {
      for (const family of FAMILIES) {
        const other = FAMILIES.find((f) => f !== family)!;
        const denied = await key([`${other}:read`, `${other}:write`]);
        const reader = await key([`${family}:read`]);
        const writer = await key([`${family}:write`]);

        const noRead = await t.http.get(listOf(family)).set(bearer(denied.secret)).expect(403);
        expect(noRead.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', ref: { scope: `${family}:read` } });
        await t.http.get(listOf(family)).set(bearer(reader.secret)).expect(200);

        const noWrite = await t.http.post(`/v1/${family}`).set(bearer(reader.secret)).send({}).expect(403);
        expect(noWrite.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', ref: { scope: `${family}:write` } });
        // Past the scope check, the empty body is the route's own 400.
        const written = await t.http.post(`/v1/${family}`).set(bearer(writer.secret)).send({});
        expect(written.status).toBe(400);
        // Writing does not grant reading.
        await t.http.get(listOf(family)).set(bearer(writer.secret)).expect(403);
      }
      const notifications = await key(['notifications:read']);
      await t.http.get('/v1/notifications').set(bearer(notifications.secret)).expect(200);
      await t.http.post('/v1/notifications/read-all').set(bearer(notifications.secret)).expect(403);
      const notificationsWriter = await key(['notifications:write', 'notifications:read']);
      await t.http.post('/v1/notifications/read-all').set(bearer(notificationsWriter.secret)).expect(200);
    });

    it('*:read does not read the audit history: audit:read is granted by name only', async () => {
      const all = await key(['*:read']);
      const res = await t.http.get('/v1/audit').set(bearer(all.secret)).expect(403);
      expect(res.body.ref).toEqual({ scope: 'audit:read' });
      const auditor = await key(['audit:read']);
      await t.http.get('/v1/audit').set(bearer(auditor.secret)).expect(200);
    });

    it('*:read reads every family and writes none; timelines and sub-resources follow their family', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const k = await key(['*:read']);
      for (const family of FAMILIES) {
        await t.http.get(listOf(family)).set(bearer(k.secret)).expect(200);
      }
      await t.http.get(`/v1/leads/${lead.id}/timeline`).set(bearer(k.secret)).expect(200);
      const write = await t.http.post('/v1/leads').set(bearer(k.secret)).send({ name: 'No' }).expect(403);
      expect(write.body.ref).toEqual({ scope: 'leads:write' });
      const contactsOnly = await key(['contacts:read']);
      const timeline = await t.http.get(`/v1/leads/${lead.id}/timeline`).set(bearer(contactsOnly.secret)).expect(403);
      expect(timeline.body.ref).toEqual({ scope: 'leads:read' });
    });

    it('is closed out of account, membership and organization routes', async () => {
      const k = await key(['*:read']);
      for (const path of ['/v1/members', '/v1/organizations', '/v1/me', '/v1/api-keys']) {
        const res = await t.http.get(path).set(bearer(k.secret)).expect(403);
        expect(res.body.code).toBe('API_KEY_NOT_ALLOWED');
        await t.http.get(path).set(as(a.admin, a.id)).expect(200); // control: the ADMIN may
      }
    });

    it('writes as its creator with its role: created leads are the creator’s, a VIEWER key cannot write', async () => {
      const writer = await key(['leads:write', 'leads:read']);
      const created = await t.http.post('/v1/leads').set(bearer(writer.secret)).send({ name: 'From the website' });
      expect(created.status).toBe(201);
      expect(created.body.createdById).toBe(a.admin.id);
      const viewer = await key(['leads:write'], { role: 'VIEWER' });
      expect(viewer.body.role).toBe('VIEWER');
      const refused = await t.http.post('/v1/leads').set(bearer(viewer.secret)).send({ name: 'No' }).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    });

    it('answers 401 with a code of its own for a made-up, a malformed, a revoked and an expired key', async () => {
      const unknown = await t.http.get('/v1/leads').set(bearer(madeUp())).expect(401);
      expect(unknown.body.code).toBe('API_KEY_INVALID');
      const malformed = await t.http.get('/v1/leads').set(bearer('bcrm_short')).expect(401);
      expect(malformed.body.code).toBe('API_KEY_INVALID');

      const revoked = await key(['leads:read']);
      await t.http.get('/v1/leads').set(bearer(revoked.secret)).expect(200); // works, and is now cached
      const del = await t.http.delete(`/v1/api-keys/${revoked.id}`).set(as(a.admin, a.id)).expect(200);
      expect(del.body.revokedAt).not.toBeNull();
      const afterRevoke = await t.http.get('/v1/leads').set(bearer(revoked.secret)).expect(401);
      expect(afterRevoke.body.code).toBe('API_KEY_REVOKED');
      await t.http.delete(`/v1/api-keys/${revoked.id}`).set(as(a.admin, a.id)).expect(200); // idempotent
      await t.http.patch(`/v1/api-keys/${revoked.id}`).set(as(a.admin, a.id)).send({ name: 'x' }).expect(422);

      const expiring = await key(['leads:read'], { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      await t.http.get('/v1/leads').set(bearer(expiring.secret)).expect(200);
      await t.db.admin.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [
        expiring.id,
      ]);
      const expired = await t.http.get('/v1/leads').set(bearer(expiring.secret)).expect(401);
      expect(expired.body.code).toBe('API_KEY_EXPIRED');
    });

    it('takes new scopes at once, narrower and wider', async () => {
      const k = await key(['leads:read', 'contacts:read']);
      await t.http.get('/v1/contacts').set(bearer(k.secret)).expect(200);
      await t.http
        .patch(`/v1/api-keys/${k.id}`)
        .set(as(a.admin, a.id))
        .send({ scopes: ['leads:read'] })
        .expect(200);
      await t.http.get('/v1/contacts').set(bearer(k.secret)).expect(403);
      await t.http
        .patch(`/v1/api-keys/${k.id}`)
        .set(as(a.admin, a.id))
        .send({ scopes: ['leads:read', 'deals:read'], name: 'Renamed' })
        .expect(200);
      await t.http.get('/v1/deals').set(bearer(k.secret)).expect(200);
      await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200);
    });

    it('rotates: the old secret works through the grace period only, the new one at once', async () => {
      const k = await key(['leads:read']);
      const graced = await t.http
        .post(`/v1/api-keys/${k.id}/rotate`)
        .set(as(a.admin, a.id))
        .send({ gracePeriodSeconds: 3600 })
        .expect(200);
      expect(graced.body.secret).toMatch(SECRET);
      expect(graced.body.secret).not.toBe(k.secret);
      expect(graced.body.hint).toBe(`bcrm_…${graced.body.secret.slice(-4)}`);
      expect(Date.parse(graced.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 3_500_000);
      await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200);
      await t.http.get('/v1/leads').set(bearer(graced.body.secret)).expect(200);

      const now = await t.http.post(`/v1/api-keys/${k.id}/rotate`).set(as(a.admin, a.id)).send({}).expect(200);
      expect(now.body.previousSecretExpiresAt).toBeNull();
      for (const old of [k.secret, graced.body.secret]) {
        const res = await t.http.get('/v1/leads').set(bearer(old)).expect(401);
        expect(res.body.code).toBe('API_KEY_INVALID');
      }
      await t.http.get('/v1/leads').set(bearer(now.body.secret)).expect(200);
    });

    it('needs the scopes of everything a route writes: a conversion creates a contact and a deal', async () => {
      const lead = await createLead(t.http, a.admin, a.id, { status: 'QUALIFIED' });
      const leadsOnly = await key(['leads:write', 'leads:read']);
      const denied = await t.http.post(`/v1/leads/${lead.id}/convert`).set(bearer(leadsOnly.secret)).send({});
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', ref: { scope: 'contacts:write' } });
      const converter = await key(['leads:write', 'contacts:write', 'deals:write']);
      const converted = await t.http.post(`/v1/leads/${lead.id}/convert`).set(bearer(converter.secret)).send({});
      expect(converted.status).toBe(200);
      // A timeline shows activities and appointments: it needs their read scopes too.
      await t.http.get(`/v1/leads/${lead.id}/timeline`).set(bearer(leadsOnly.secret)).expect(403);
    });

    it("keeps a key's Idempotency-Keys apart from its creator's", async () => {
      const k = await key(['leads:write', 'leads:read']);
      const mine = await t.http
        .post('/v1/leads')
        .set(as(a.admin, a.id))
        .set('idempotency-key', 'same-key-1')
        .send({ name: 'By the ADMIN' })
        .expect(201);
      const keys = await t.http
        .post('/v1/leads')
        .set(bearer(k.secret))
        .set('idempotency-key', 'same-key-1')
        .send({ name: 'By the key' });
      expect({ status: keys.status, body: keys.body }).toMatchObject({ status: 201 });
      expect(keys.headers['idempotent-replayed']).toBeUndefined();
      expect(keys.body.id).not.toBe(mine.body.id);
      const replay = await t.http
        .post('/v1/leads')
        .set(bearer(k.secret))
        .set('idempotency-key', 'same-key-1')
        .send({ name: 'By the key' })
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true'); // control: the key's own replay
      expect(replay.body.id).toBe(keys.body.id);
    });

    it('never acts above its creator’s current role, even when its stored role says more', async () => {
      const viewer = await addMember(t.http, a, 'VIEWER');
      const secret = madeUp();
      // Written as the owner, past the API's own check: the database still caps it at VIEWER.
      await t.db.admin.query(
        `INSERT INTO api_keys (organization_id, name, scopes, role, key_hash, last_four, created_by_id)
         VALUES ($1, 'forged', '{leads:write,leads:read}', 'ADMIN', $2, right($3, 4), $4)`,
        [a.id, createHash('sha256').update(secret).digest(), secret, viewer.id],
      );
      await t.http.get('/v1/leads').set(bearer(secret)).expect(200);
      const refused = await t.http.post('/v1/leads').set(bearer(secret)).send({ name: 'No' }).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    });

    it('answers PATCH with null for a name or scopes with 400, not a change', async () => {
      const k = await key(['leads:read']);
      for (const body of [{ name: null }, { scopes: null }]) {
        const res = await t.http.patch(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).send(body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const org = await t.http.patch(`/v1/organizations/${a.id}`).set(as(a.admin)).send({ name: null }).expect(400);
      expect(org.body.details[0].field).toBe('name');
      await t.http.get(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).expect(200);
    });

    it('rotates only over the secret it read: a rotation that lost the race changes nothing (409)', async () => {
      const k = await key(['leads:read']);
      const keys = t.app.get(ApiKeysRepository);
      const db = t.app.get(TenantDb);
      const admin = { userId: a.admin.id, orgId: a.id, role: 'ADMIN' as const };
      const [row] = await t.db.admin.query<{ key_hash: Uint8Array }>('SELECT key_hash FROM api_keys WHERE id = $1', [
        k.id,
      ]);
      const update = { lastFour: 'zzzz' };
      // Another rotation came first: the hash this one read is gone.
      const stale = await db.runTrusted(admin, () =>
        keys.rotate(k.id, createHash('sha256').update('old').digest(), update),
      );
      expect(stale).toBeNull();
      await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200); // the secret still works
      const current = await db.runTrusted(admin, () => keys.rotate(k.id, Buffer.from(row!.key_hash), update));
      expect(current?.lastFour).toBe('zzzz'); // control: over the hash it read, it rotates
    });

    it('records its last use when the API looks it up, at most once a minute', async () => {
      const k = await key(['leads:read']);
      await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200);
      const first = await t.http.get(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).expect(200);
      expect(first.body.lastUsedAt).not.toBeNull();
      const lastUse = async () =>
        (
          await t.db.admin.query<{ at: string; fresh: boolean }>(
            "SELECT last_used_at::text AS at, last_used_at > now() - interval '1 minute' AS fresh FROM api_keys WHERE id = $1",
            [k.id],
          )
        )[0]!;
      // A new secret is looked up afresh on its first use (an active key's lookup is reused for 30 s).
      const useNewSecret = async () => {
        const rotated = await t.http.post(`/v1/api-keys/${k.id}/rotate`).set(as(a.admin, a.id)).send({}).expect(200);
        await t.http.get('/v1/leads').set(bearer(rotated.body.secret)).expect(200);
      };
      await t.db.admin.query("UPDATE api_keys SET last_used_at = now() - interval '30 seconds' WHERE id = $1", [k.id]);
      const before = await lastUse();
      await useNewSecret();
      expect((await lastUse()).at).toBe(before.at); // less than a minute old: left alone
      await t.db.admin.query("UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1", [k.id]);
      await useNewSecret();
      expect((await lastUse()).fresh).toBe(true);
    });

    it("follows its creator: a lowered role lowers the key's, removal revokes it", async () => {
      const admin2 = await addMember(t.http, a, 'ADMIN');
      const k = await createKey(t.http, admin2, a.id, { scopes: ['leads:read', 'leads:write'] });
      expect(k.body.role).toBe('ADMIN');
      await t.http.patch(`/v1/members/${admin2.id}`).set(as(a.admin, a.id)).send({ role: 'VIEWER' }).expect(200);
      const demoted = await t.http.get(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).expect(200);
      expect(demoted.body.role).toBe('VIEWER');
      await t.http.post('/v1/leads').set(bearer(k.secret)).send({ name: 'No' }).expect(403);
      await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200);
      await t.http.delete(`/v1/members/${admin2.id}`).set(as(a.admin, a.id)).expect(204);
      const removed = await t.http.get('/v1/leads').set(bearer(k.secret)).expect(401);
      expect(removed.body.code).toBe('API_KEY_REVOKED');
    });
  });
});

describe('API key rate limits', () => {
  it('gives a known key a budget of its own; made-up keys count on the IP address', async () => {
    const t = await bootApp({ RATE_LIMIT_PER_MINUTE: '5', PUBLIC_RATE_LIMIT_PER_MINUTE: '4' });
    try {
      // The IP budget: the new token's first request (creating the organization) is its first.
      const org: Org = await createOrg(t.http, 'Limited');
      const k = await createKey(t.http, org.admin, org.id, { scopes: ['leads:read'] });
      await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200); // IP: 2, and the key is now known
      const madeUpStatuses: number[] = [];
      for (let i = 0; i < 3; i++) madeUpStatuses.push((await t.http.get('/v1/leads').set(bearer(madeUp()))).status);
      expect(madeUpStatuses).toEqual([401, 401, 429]);
      // The known key is not held back by the IP's spent budget: it has five of its own.
      for (let i = 0; i < 5; i++) await t.http.get('/v1/leads').set(bearer(k.secret)).expect(200);
      const limited = await t.http.get('/v1/leads').set(bearer(k.secret)).expect(429);
      expect(limited.headers['retry-after']).toBeDefined();
      // Nor is its creator held back by the key's.
      await t.http.get('/v1/leads').set(as(org.admin, org.id)).expect(200);
    } finally {
      await t.close();
    }
  });
});
