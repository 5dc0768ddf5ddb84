import { beforeAll, describe, expect, it } from '@jest/globals';
import { HousekeepingService } from '../src/jobs/housekeeping.service.js';
import { addMember, as, createLead, type Org, type User, twoOrganizations } from './helpers/fixtures.js';

function expectError(res: { status: number; body: any }, statusCode: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: statusCode });
  if (code) expect(res.body.code).toBe(code);
}

const SOURCES = [
  'WEBSITE',
  'REFERRAL',
  'GOOGLE_ADS',
  'SOCIAL_MEDIA',
  'COLD_CALL',
  'EMAIL_CAMPAIGN',
  'EVENT',
  'PARTNER',
  'OTHER',
] as const;

// The defaults, written out from docs/lead-scoring.md (independently of the migration).
const DEFAULTS = {
  sourceWeights: {
    REFERRAL: 25,
    PARTNER: 20,
    EVENT: 15,
    WEBSITE: 10,
    EMAIL_CAMPAIGN: 10,
    GOOGLE_ADS: 8,
    SOCIAL_MEDIA: 6,
    OTHER: 5,
    COLD_CALL: 4,
  },
  budgetWeight: 15,
  timelineWeight: 15,
  completenessWeight: 9,
  priorityWeight: 9,
  activityPoints: 2,
  activityMax: 10,
  appointmentPoints: 5,
  appointmentMax: 10,
  recencyWeight: 10,
  qualifiedBonus: 10,
  requirePreApproval: true,
  requireBudgetConfirmed: true,
  maxTimelineMonths: 12,
};

// A complete lead: REFERRAL 25 + budget 750k (2/3 of 15) 10 + timeline 6 months (2/3 of 15) 10
// + complete (email, phone, full name) 9 + MEDIUM (1/3 of 9) 3 = 57 with the defaults.
let serial = 0;
const complete = () => {
  serial += 1;
  return {
    name: 'Jane Doe',
    email: `jane-${serial}@example.test`,
    phone: `+1 415 555 ${String(serial).padStart(4, '0')}`,
    source: 'REFERRAL',
    budget: '750000.00',
    timeline: '3-6 months',
  };
};

const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('lead scoring: computed scores, weights, override, qualify', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let viewer: User;

  const lead = (body: Record<string, unknown> = {}, user?: User, org: Org = a) =>
    createLead(t.http, user ?? org.admin, org.id, body);
  const getLead = async (id: string, user: User = a.admin) =>
    (await t.http.get(`/v1/leads/${id}`).set(as(user, a.id)).expect(200)).body;
  const putSettings = (body: Record<string, unknown>, user: User = a.admin, org: Org = a) =>
    t.http.put('/v1/settings/lead-scoring').set(as(user, org.id)).send(body);
  const activity = async (leadId: string, body: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/v1/activities')
        .set(as(a.admin, a.id))
        .send({ type: 'NOTE', title: 'Note', leadId, ...body })
        .expect(201)
    ).body;
  const leadEvents = async (id: string) =>
    t.db.admin.query<{ type: string; fields: string[] }>(
      'SELECT type, fields FROM events WHERE entity_id = $1 ORDER BY seq',
      [id],
    );
  const auditRows = async (id: string) =>
    t.db.admin.query<{ changes: Record<string, unknown> }>(
      "SELECT changes FROM audit_log WHERE table_name = 'leads' AND record_id = $1 ORDER BY id",
      [id],
    );
  const qualify = (id: string, body: Record<string, unknown>, user: User = a.admin, org: Org = a) =>
    t.http.post(`/v1/leads/${id}/qualify`).set(as(user, org.id)).send(body);
  const inContact = (body: Record<string, unknown> = {}) => lead({ ...complete(), status: 'IN_CONTACT', ...body });

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  describe('GET/PUT /v1/settings/lead-scoring', () => {
    it('shows the defaults until an ADMIN changes them, to ADMINs and MANAGERs only', async () => {
      const res = await t.http.get('/v1/settings/lead-scoring').set(as(a.admin, a.id)).expect(200);
      expect(res.body).toEqual({ ...DEFAULTS, isDefault: true, updatedAt: null, updatedById: null });
      await t.http.get('/v1/settings/lead-scoring').set(as(manager, a.id)).expect(200);
      expectError(await t.http.get('/v1/settings/lead-scoring').set(as(agent, a.id)), 403, 'FORBIDDEN');
      expectError(await t.http.get('/v1/settings/lead-scoring').set(as(viewer, a.id)), 403, 'FORBIDDEN');
    });

    it('is changed by an ADMIN only', async () => {
      expectError(await putSettings(DEFAULTS, manager), 403, 'FORBIDDEN');
      expectError(await putSettings(DEFAULTS, agent), 403, 'FORBIDDEN');
      const res = await putSettings(DEFAULTS).expect(200);
      expect(res.body).toMatchObject({ ...DEFAULTS, isDefault: false, updatedById: a.admin.id, rescoredLeads: 0 });
      const read = await t.http.get('/v1/settings/lead-scoring').set(as(manager, a.id)).expect(200);
      expect(read.body).toMatchObject({ ...DEFAULTS, isDefault: false, updatedAt: expect.any(String) });
    });

    it.each([
      ['a weight above its bound', { budgetWeight: 31 }, 'budgetWeight'],
      ['a negative weight', { activityPoints: -1 }, 'activityPoints'],
      ['a fraction', { recencyWeight: 1.5 }, 'recencyWeight'],
      ['a timeline beyond 120 months', { maxTimelineMonths: 121 }, 'maxTimelineMonths'],
      ['a source above 30', { sourceWeights: { ...DEFAULTS.sourceWeights, REFERRAL: 31 } }, 'sourceWeights.REFERRAL'],
      ['a missing source', { sourceWeights: { ...DEFAULTS.sourceWeights, OTHER: undefined } }, 'sourceWeights.OTHER'],
      ['an unknown source', { sourceWeights: { ...DEFAULTS.sourceWeights, BILLBOARD: 3 } }, 'sourceWeights.BILLBOARD'],
      ['a missing field', { qualifiedBonus: undefined }, 'qualifiedBonus'],
      ['a rule that is not a boolean', { requirePreApproval: 'yes' }, 'requirePreApproval'],
    ])('refuses %s with 400 naming the field, changing nothing', async (_, change, field) => {
      const res = await putSettings({ ...DEFAULTS, budgetWeight: 1, ...change });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      const read = await t.http.get('/v1/settings/lead-scoring').set(as(a.admin, a.id)).expect(200);
      expect(read.body.budgetWeight).toBe(DEFAULTS.budgetWeight);
    });

    it('is closed to API keys', async () => {
      const key = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'crm sync', scopes: ['leads:read', 'leads:write'] })
        .expect(201);
      const res = await t.http.get('/v1/settings/lead-scoring').set({ authorization: `Bearer ${key.body.secret}` });
      expectError(res, 403, 'API_KEY_NOT_ALLOWED');
    });
  });

  describe('the computed score', () => {
    it('is computed by the database from the lead, exactly', async () => {
      const full = await lead(complete());
      expect(full).toMatchObject({ computedScore: 57, scoreValue: 57, score: 'WARM', scoreOverridden: false });
      // WEBSITE 10 + MEDIUM 3; no email, phone, full name, budget or timeline.
      const bare = await lead({ name: 'Jane', source: 'WEBSITE' });
      expect(bare).toMatchObject({ computedScore: 13, scoreValue: 13, score: 'COLD' });
      // Timelines are read from the text: "ASAP" → 0 months (all 15), "2 years" → 24 (none).
      expect(await lead({ name: 'Jane', source: 'WEBSITE', timeline: 'ASAP' })).toMatchObject({ computedScore: 28 });
      expect(await lead({ name: 'Jane', source: 'WEBSITE', timeline: 'in 2 years' })).toMatchObject({
        computedScore: 13,
      });
      expect(await lead({ name: 'Jane', source: 'WEBSITE', budget: '1500000' })).toMatchObject({ computedScore: 28 });
    });

    it('follows a change of the lead itself, in the same write (one version)', async () => {
      const created = await lead({ name: 'Jane', source: 'WEBSITE' });
      const res = await t.http
        .patch(`/v1/leads/${created.id}`)
        .set(as(a.admin, a.id))
        .send({ source: 'REFERRAL', email: 'j@example.test' })
        .expect(200);
      // REFERRAL 25 + MEDIUM 3 + email (1/3 of 9) 3.
      expect(res.body).toMatchObject({ computedScore: 31, scoreValue: 31, version: created.version + 1 });
    });

    it('counts priority (a column the API does not write yet)', async () => {
      const created = await lead({ name: 'Jane', source: 'WEBSITE' });
      // One statement, in the organization: the trigger rescores only inside an organization's work.
      await t.db.admin.query(
        `UPDATE leads SET priority = 'URGENT' WHERE id = $2 AND set_config('app.current_org_id', $1, true) IS NOT NULL`,
        [a.id, created.id],
      );
      expect(await getLead(created.id)).toMatchObject({ computedScore: 19 });
    });

    it('follows activities and appointments: added, moved, cancelled, deleted', async () => {
      const created = await lead(complete());
      const note = await activity(created.id);
      let current = await getLead(created.id);
      expect(current).toMatchObject({ computedScore: 59, scoreValue: 59, version: created.version + 1 });
      // A completed call is a contact now: + 2 (activity) + 10 (recency); it also moves NEW_LEAD → IN_CONTACT.
      await activity(created.id, { type: 'CALL', title: 'Intro call', completedAt: new Date().toISOString() });
      current = await getLead(created.id);
      expect(current).toMatchObject({ computedScore: 71, score: 'HOT', status: 'IN_CONTACT' });

      const appt = (
        await t.http
          .post('/v1/appointments')
          .set(as(a.admin, a.id))
          .send({ title: 'Showing', leadId: created.id, startsAt: hoursFromNow(48), endsAt: hoursFromNow(49) })
          .expect(201)
      ).body;
      expect(await getLead(created.id)).toMatchObject({ computedScore: 76 });
      await t.http.post(`/v1/appointments/${appt.id}/cancel`).set(as(a.admin, a.id)).send({}).expect(200);
      expect(await getLead(created.id)).toMatchObject({ computedScore: 71 });

      // Moving the note to another lead rescores both.
      const other = await lead({ name: 'Jane', source: 'WEBSITE' });
      await t.http.patch(`/v1/activities/${note.id}`).set(as(a.admin, a.id)).send({ leadId: other.id }).expect(200);
      expect(await getLead(created.id)).toMatchObject({ computedScore: 69 });
      expect(await getLead(other.id)).toMatchObject({ computedScore: 15 });
      await t.http.delete(`/v1/activities/${note.id}`).set(as(a.admin, a.id)).expect(204);
      expect(await getLead(other.id)).toMatchObject({ computedScore: 13 });
    });

    it('loses its recency as days pass: the daily job rescores the leads whose band lapsed', async () => {
      const created = await lead(complete());
      await activity(created.id, { type: 'CALL', title: 'Call', completedAt: new Date().toISOString() });
      const contacted = await getLead(created.id);
      expect(contacted.computedScore).toBe(69); // 57 + 2 (activity) + 10 (contacted today)
      const other = await lead(complete(), undefined, b);
      // Ten days pass (written without an organization: nothing rescores by itself).
      for (const id of [created.id, other.id])
        await t.db.admin.query(
          "UPDATE leads SET last_contact_at = now() - interval '10 days', computed_score = 80 WHERE id = $1",
          [id],
        );
      const task = t.app
        .get(HousekeepingService)
        .list()
        .find((x) => x.name === 'housekeeping.lead-recency');
      expect(await task!.run()).toBeGreaterThanOrEqual(2);
      expect(await getLead(created.id)).toMatchObject({ computedScore: 64, scoreValue: 64 }); // half the recency
      const [row] = await t.db.admin.query<{ computed_score: number }>(
        'SELECT computed_score FROM leads WHERE id = $1',
        [other.id],
      );
      expect(row.computed_score).toBe(62); // B's lead, in B: 57 + 5
      expect(await task!.run()).toBe(0);
    });

    it('writes nothing when a recompute changes nothing: no version, no event, no audit row', async () => {
      const created = await lead(complete());
      for (let i = 0; i < 5; i++) await activity(created.id); // 5 × 2 = the 10-point cap
      const capped = await getLead(created.id);
      expect(capped.computedScore).toBe(67);
      const [events, audits] = [await leadEvents(created.id), await auditRows(created.id)];
      await activity(created.id); // a sixth: still 10 points
      const note = await activity(created.id);
      await t.http.patch(`/v1/activities/${note.id}`).set(as(a.admin, a.id)).send({ title: 'Renamed' }).expect(200);
      expect(await getLead(created.id)).toMatchObject({ computedScore: 67, version: capped.version });
      expect(await leadEvents(created.id)).toHaveLength(events.length);
      expect(await auditRows(created.id)).toHaveLength(audits.length);
    });

    it('emits lead.updated naming computedScore and scoreValue when a recompute changes the score', async () => {
      const created = await lead(complete());
      await activity(created.id);
      const events = await leadEvents(created.id);
      expect(events.at(-1)).toEqual({ type: 'lead.updated', fields: ['computedScore', 'scoreValue'] });
      const audits = await auditRows(created.id);
      expect(audits.at(-1)?.changes).toEqual({ computedScore: [57, 59], scoreValue: [57, 59] });
    });

    it('uses the same activities whoever writes: an AGENT rescoring counts what they cannot see', async () => {
      const own = await lead(complete(), agent);
      // An ADMIN's note on the agent's lead linked to a deal the agent cannot see is hidden from the agent…
      const deal = (
        await t.http.post('/v1/deals').set(as(a.admin, a.id)).send({ title: 'Hidden deal', value: '1.00' }).expect(201)
      ).body;
      const seen = await t.http.get(`/v1/activities?leadId=${own.id}`).set(as(agent, a.id)).expect(200);
      await activity(own.id, { dealId: deal.id, assignedToId: null });
      expect((await getLead(own.id)).computedScore).toBe(59);
      const hidden = await t.http.get(`/v1/activities?leadId=${own.id}`).set(as(agent, a.id)).expect(200);
      expect(hidden.body.meta.total).toBe(seen.body.meta.total);
      // …yet when the agent changes the lead, the score still counts it.
      const res = await t.http.patch(`/v1/leads/${own.id}`).set(as(agent, a.id)).send({ timeline: 'ASAP' }).expect(200);
      expect(res.body.computedScore).toBe(64);
    });
  });

  describe('weights', () => {
    it("change every lead's score, exactly, in the PUT's transaction; manual scores are kept", async () => {
      const full = await lead(complete());
      const bare = await lead({ name: 'Jane', source: 'WEBSITE' });
      const manual = await lead({ ...complete(), scoreValue: 42 });
      const zero = Object.fromEntries(SOURCES.map((s) => [s, 0]));
      const custom = {
        ...DEFAULTS,
        sourceWeights: { ...zero, REFERRAL: 30 },
        budgetWeight: 30,
        timelineWeight: 0,
        completenessWeight: 30,
        priorityWeight: 0,
        activityPoints: 10,
        activityMax: 30,
        appointmentPoints: 0,
        appointmentMax: 0,
        recencyWeight: 0,
        qualifiedBonus: 0,
      };
      const res = await putSettings(custom).expect(200);
      expect(res.body.rescoredLeads).toBeGreaterThanOrEqual(3);
      // REFERRAL 30 + budget 750k (2/3 of 30) 20 + complete 30.
      expect(await getLead(full.id)).toMatchObject({ computedScore: 80, scoreValue: 80, score: 'HOT' });
      expect(await getLead(bare.id)).toMatchObject({ computedScore: 0, scoreValue: 0, score: 'COLD' });
      expect(await getLead(manual.id)).toMatchObject({ computedScore: 80, scoreValue: 42, scoreOverridden: true });
      await activity(full.id);
      expect(await getLead(full.id)).toMatchObject({ computedScore: 90 });

      // The same weights again: nothing to rescore.
      const again = await putSettings(custom).expect(200);
      expect(again.body.rescoredLeads).toBe(0);

      // Organization B's leads and settings are untouched.
      const bLead = await lead(complete(), undefined, b);
      expect(bLead.computedScore).toBe(57);
      const bSettings = await t.http.get('/v1/settings/lead-scoring').set(as(b.admin, b.id)).expect(200);
      expect(bSettings.body).toMatchObject({ isDefault: true, budgetWeight: 15 });

      await putSettings(DEFAULTS).expect(200);
      expect(await getLead(full.id)).toMatchObject({ computedScore: 59 });
    });

    it("B's ADMIN changing B's weights leaves A's scores alone", async () => {
      const aLead = await lead(complete());
      await putSettings({ ...DEFAULTS, budgetWeight: 0 }, b.admin, b).expect(200);
      expect(await getLead(aLead.id)).toMatchObject({ computedScore: 57 });
      await putSettings(DEFAULTS, b.admin, b).expect(200);
    });
  });

  describe('manual override', () => {
    it('a written scoreValue is kept across input changes, then released by DELETE …/score-override', async () => {
      const created = await lead(complete());
      const patched = await t.http
        .patch(`/v1/leads/${created.id}`)
        .set(as(a.admin, a.id))
        .send({ scoreValue: 90 })
        .expect(200);
      expect(patched.body).toMatchObject({ scoreValue: 90, score: 'HOT', scoreOverridden: true, computedScore: 57 });
      await activity(created.id);
      await t.http.patch(`/v1/leads/${created.id}`).set(as(a.admin, a.id)).send({ timeline: 'ASAP' }).expect(200);
      const kept = await getLead(created.id);
      expect(kept).toMatchObject({ scoreValue: 90, scoreOverridden: true, computedScore: 64 });

      const stale = await t.http
        .delete(`/v1/leads/${created.id}/score-override`)
        .set({ ...as(a.admin, a.id), 'if-match': `"${kept.version - 1}"` });
      expectError(stale, 412, 'PRECONDITION_FAILED');
      const released = await t.http
        .delete(`/v1/leads/${created.id}/score-override`)
        .set({ ...as(a.admin, a.id), 'if-match': `"${kept.version}"` })
        .expect(200);
      expect(released.body).toMatchObject({ scoreValue: 64, score: 'WARM', scoreOverridden: false, computedScore: 64 });
      expect(released.headers.etag).toBe(`"${kept.version + 1}"`);
      // Releasing again changes nothing.
      const again = await t.http.delete(`/v1/leads/${created.id}/score-override`).set(as(a.admin, a.id)).expect(200);
      expect(again.body.version).toBe(kept.version + 1);
    });

    it('PATCH scoreOverride: false releases too; with a scoreValue it is a 400', async () => {
      const created = await lead({ ...complete(), scoreValue: 5 });
      expect(created).toMatchObject({ scoreValue: 5, scoreOverridden: true, computedScore: 57 });
      const bad = await t.http
        .patch(`/v1/leads/${created.id}`)
        .set(as(a.admin, a.id))
        .send({ scoreOverride: false, scoreValue: 10 });
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'scoreOverride' })]);
      const res = await t.http
        .patch(`/v1/leads/${created.id}`)
        .set(as(a.admin, a.id))
        .send({ scoreOverride: false })
        .expect(200);
      expect(res.body).toMatchObject({ scoreValue: 57, scoreOverridden: false });
    });

    it('a bulk update of scoreValue overrides too', async () => {
      const created = await lead(complete());
      await t.http
        .post('/v1/leads/bulk')
        .set(as(a.admin, a.id))
        .send({ action: 'update', ids: [created.id], data: { scoreValue: 33 } })
        .expect(200);
      await activity(created.id);
      expect(await getLead(created.id)).toMatchObject({ scoreValue: 33, scoreOverridden: true, computedScore: 59 });
    });

    it('is refused to a VIEWER (403), and 404 for another organization beside the allowed control', async () => {
      const created = await lead({ ...complete(), scoreValue: 5 });
      expectError(
        await t.http.delete(`/v1/leads/${created.id}/score-override`).set(as(viewer, a.id)),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.delete(`/v1/leads/${created.id}/score-override`).set(as(b.admin, b.id)),
        404,
        'NOT_FOUND',
      );
      expectError(await t.http.delete(`/v1/leads/${created.id}/score-override`).set(as(agent, a.id)), 404, 'NOT_FOUND');
      expect((await getLead(created.id)).scoreOverridden).toBe(true);
      await t.http.delete(`/v1/leads/${created.id}/score-override`).set(as(manager, a.id)).expect(200);
    });
  });

  describe('POST /v1/leads/{id}/qualify', () => {
    const MET = { preApproved: true, budgetConfirmed: true, timelineMonths: 6 };

    it("qualifies by the organization's rule, with the reasons, a NOTE activity and the notes", async () => {
      const created = await inContact({ notes: 'First call went well' });
      const res = await qualify(created.id, { ...MET, notes: 'Pre-approved with Acme Bank' }).expect(200);
      expect(res.body).toEqual({
        qualified: true,
        reasons: [
          { criterion: 'preApproved', met: true, message: 'Pre-approved for a mortgage: yes' },
          { criterion: 'budgetConfirmed', met: true, message: 'Budget confirmed: yes' },
          { criterion: 'timelineMonths', met: true, message: "Buying within 6 months: within the organization's 12" },
        ],
        lead: expect.objectContaining({
          id: created.id,
          status: 'QUALIFIED',
          notes: 'First call went well\n\nPre-approved with Acme Bank',
          // 57 + the NOTE activity 2 + qualified 10.
          computedScore: 69,
          scoreValue: 69,
        }),
      });
      expect(res.body.lead.version).toBe((await getLead(created.id)).version);
      const notes = await t.http.get(`/v1/activities?leadId=${created.id}`).set(as(a.admin, a.id)).expect(200);
      expect(notes.body.data).toEqual([
        expect.objectContaining({
          type: 'NOTE',
          title: 'Qualified',
          description: expect.stringContaining('Pre-approved: yes; budget confirmed: yes; timeline: 6 months'),
        }),
      ]);
      expect(notes.body.data[0].description).toContain('Pre-approved with Acme Bank');
    });

    it('moves the lead to UNQUALIFIED naming each criterion that failed', async () => {
      const created = await inContact();
      const res = await qualify(created.id, { preApproved: false, budgetConfirmed: true, timelineMonths: 18 }).expect(
        200,
      );
      expect(res.body).toMatchObject({ qualified: false, lead: { status: 'UNQUALIFIED' } });
      expect(res.body.reasons).toEqual([
        {
          criterion: 'preApproved',
          met: false,
          message: 'Pre-approved for a mortgage: no, and the organization requires it',
        },
        { criterion: 'budgetConfirmed', met: true, message: 'Budget confirmed: yes' },
        { criterion: 'timelineMonths', met: false, message: "Buying within 18 months: beyond the organization's 12" },
      ]);
    });

    it('follows a changed rule', async () => {
      await putSettings({ ...DEFAULTS, requirePreApproval: false, maxTimelineMonths: 24 }).expect(200);
      try {
        const created = await inContact();
        const res = await qualify(created.id, { preApproved: false, budgetConfirmed: true, timelineMonths: 18 }).expect(
          200,
        );
        expect(res.body).toMatchObject({ qualified: true, lead: { status: 'QUALIFIED' } });
        expect(res.body.reasons[0]).toEqual({
          criterion: 'preApproved',
          met: true,
          message: 'Pre-approved for a mortgage: no (not required by the organization)',
        });
      } finally {
        await putSettings(DEFAULTS).expect(200);
      }
    });

    it('follows the lead workflow: 422 from NEW_LEAD, CONVERTED, and QUALIFIED → UNQUALIFIED, changing nothing', async () => {
      const fresh = await lead(complete());
      const res = await qualify(fresh.id, MET);
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'status', message: 'allowed: IN_CONTACT, LOST' }),
      ]);

      const converted = await inContact({ email: 'convert-me@example.test' });
      await t.http.post(`/v1/leads/${converted.id}/convert`).set(as(a.admin, a.id)).send({}).expect(200);
      expectError(await qualify(converted.id, MET), 422, 'INVALID_STATUS_TRANSITION');

      const qualified = await inContact();
      await qualify(qualified.id, MET).expect(200);
      expectError(await qualify(qualified.id, { ...MET, preApproved: false }), 422, 'INVALID_STATUS_TRANSITION');
      // Qualifying a QUALIFIED lead again is allowed.
      await qualify(qualified.id, MET).expect(200);

      const acts = await t.http.get(`/v1/activities?leadId=${fresh.id}`).set(as(a.admin, a.id)).expect(200);
      expect(acts.body.data).toEqual([]);
    });

    it('honours If-Match and a manual score', async () => {
      const created = await inContact();
      const stale = await t.http
        .post(`/v1/leads/${created.id}/qualify`)
        .set({ ...as(a.admin, a.id), 'if-match': `"${created.version + 5}"` })
        .send(MET);
      expectError(stale, 412, 'PRECONDITION_FAILED');
      const res = await t.http
        .post(`/v1/leads/${created.id}/qualify`)
        .set({ ...as(a.admin, a.id), 'if-match': `"${created.version}"` })
        .send({ ...MET, scoreValue: 95 })
        .expect(200);
      expect(res.body.lead).toMatchObject({ scoreValue: 95, scoreOverridden: true, computedScore: 69 });
    });

    it.each([
      [{}, 'preApproved'],
      [{ ...MET, preApproved: 'yes' }, 'preApproved'],
      [{ ...MET, timelineMonths: 121 }, 'timelineMonths'],
      [{ ...MET, timelineMonths: -1 }, 'timelineMonths'],
      [{ ...MET, timelineMonths: 2.5 }, 'timelineMonths'],
      [{ ...MET, scoreValue: 101 }, 'scoreValue'],
      [{ ...MET, extra: 1 }, 'extra'],
    ])('rejects the body %j with 400', async (body, field) => {
      const created = await inContact();
      const res = await qualify(created.id, body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it("is refused to a VIEWER (403), to an AGENT on a lead not theirs and to another organization (404), beside A's control", async () => {
      const created = await inContact();
      expectError(await qualify(created.id, MET, viewer), 403, 'FORBIDDEN');
      expectError(await qualify(created.id, MET, agent), 404, 'NOT_FOUND');
      expectError(await qualify(created.id, MET, b.admin, b), 404, 'NOT_FOUND');
      expect((await getLead(created.id)).status).toBe('IN_CONTACT');
      const own = await inContact({ assignedToId: agent.id });
      await qualify(own.id, MET, agent).expect(200);
      await qualify(created.id, MET, manager).expect(200);
    });
  });
});
