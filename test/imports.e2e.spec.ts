import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ImportRunner } from '../src/imports/import-runner.js';
import { BACKGROUND } from './helpers/app.js';
import { addMember, as, createLead, type User, twoOrganizations } from './helpers/fixtures.js';
import { LEAD_MAPPING, leadsCsv, uploadImport, waitForImport } from './helpers/imports.js';
import { SseClient } from './helpers/sse.js';

describe('CSV imports of leads', () => {
  const { t, a, b } = twoOrganizations({ ...BACKGROUND, IMPORT_BATCH_SIZE: '10' });
  let manager: User;
  let agent: User;
  let viewer: User;

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const leadsNamed = async (prefix: string): Promise<any[]> => {
    const res = await t.http
      .get(`/v1/leads?q=${encodeURIComponent(prefix)}&pageSize=100`)
      .set(as(a.admin, a.id))
      .expect(200);
    return res.body.data;
  };

  async function runImport(
    csv: string,
    fields: Record<string, unknown> = {},
    user = manager,
  ): Promise<Record<string, any>> {
    const created = await uploadImport(t.http, user, a.id, csv, fields).expect(201);
    expect(created.body.status).toBe('pending');
    await t.http.post(`/v1/imports/${created.body.id}/start`).set(as(user, a.id)).expect(200);
    return waitForImport(t.http, user, a.id, created.body.id);
  }

  it('imports a CSV end to end: pending → running → completed, with exact counts, logs, events and a notification', async () => {
    const created = await uploadImport(t.http, manager, a.id, leadsCsv(25, 'alpha')).expect(201);
    expect(created.headers.location).toBe(`/v1/imports/${created.body.id}`);
    expect(created.body).toMatchObject({
      status: 'pending',
      target: 'leads',
      duplicatePolicy: 'skip',
      mapping: LEAD_MAPPING,
      fileName: 'leads.csv',
      progress: { rowsRead: 0, created: 0, updated: 0, skipped: 0, failed: 0, checkpointRow: 0 },
    });
    // Nothing is written before start.
    expect(await leadsNamed('alpha')).toHaveLength(0);
    const started = await t.http.post(`/v1/imports/${created.body.id}/start`).set(as(manager, a.id)).expect(200);
    expect(started.body.status).toBe('running');
    const done = await waitForImport(t.http, manager, a.id, created.body.id);
    expect(done).toMatchObject({
      status: 'completed',
      progress: { rowsRead: 25, created: 25, updated: 0, skipped: 0, failed: 0, checkpointRow: 26 },
      error: null,
    });
    expect(done.finishedAt).not.toBeNull();

    const leads = await leadsNamed('alpha');
    expect(leads).toHaveLength(25);
    const one = leads.find((l) => l.name === 'alpha 7');
    expect(one).toMatchObject({
      email: 'alpha-7@example.com',
      tags: ['buyer', 'csv'],
      customFields: { area: 'North' },
    });

    const logs = await t.http
      .get(`/v1/imports/${created.body.id}/logs?pageSize=100`)
      .set(as(manager, a.id))
      .expect(200);
    expect(logs.body.data.map((l: any) => l.message)).toEqual(
      expect.arrayContaining(['Rows 2–11: 10 created, 0 updated, 0 skipped, 0 failed', 'Completed: 25 rows read']),
    );
    const warnings = await t.http
      .get(`/v1/imports/${created.body.id}/logs?level=warning`)
      .set(as(manager, a.id))
      .expect(200);
    expect(warnings.body.data).toEqual([]);

    const events = await t.http.get('/v1/events?types=import.*&limit=500').set(as(a.admin, a.id)).expect(200);
    const ofJob = events.body.data.filter((e: any) => e.data.id === created.body.id);
    const mine = ofJob.map((e: any) => e.type).filter((type: string) => type !== 'import.log');
    expect(mine[0]).toBe('import.started');
    expect(mine.filter((x: string) => x === 'import.progress')).toHaveLength(3);
    expect(mine.at(-1)).toBe('import.completed');
    // Every log line is on the stream too, with its level and text, in the order written.
    const lines = ofJob
      .filter((e: any) => e.type === 'import.log')
      .map(({ data }: any) => ({ seq: data.logSeq, level: data.level, message: data.message }));
    expect(lines).toEqual(logs.body.data.map(({ seq, level, message }: any) => ({ seq, level, message })));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    // Import events are for those who may read imports: a VIEWER sees none of them, but does
    // see the leads the import created (the control).
    const seenByViewer = await t.http.get('/v1/events?limit=500').set(as(viewer, a.id)).expect(200);
    expect(seenByViewer.body.data.filter((e: any) => e.data.entity === 'import')).toEqual([]);
    expect(seenByViewer.body.data.filter((e: any) => e.type === 'lead.created').length).toBeGreaterThanOrEqual(25);

    const notes = await t.http.get('/v1/notifications').set(as(manager, a.id)).expect(200);
    expect(notes.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'IMPORT_COMPLETED', data: { importId: created.body.id } }),
      ]),
    );
  });

  it('streams the log lines live to a MANAGER; a VIEWER gets the leads but nothing of the import', async () => {
    await t.app.listen(0, '127.0.0.1').catch(() => undefined);
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/v1/events/stream`;
    const managerStream = await SseClient.open(`${base}?types=import.log`, as(manager, a.id));
    const viewerStream = await SseClient.open(`${base}?types=import.*,lead.created`, as(viewer, a.id));
    try {
      const done = await runImport(leadsCsv(12, 'streamed'));
      const data = (c: SseClient) => c.messages.map((m) => ({ type: m.event, ...JSON.parse(m.data!).data }));
      await managerStream.until((c) =>
        data(c).some((d) => d.id === done.id && d.message === 'Completed: 12 rows read'),
      );
      expect(
        data(managerStream)
          .filter((d) => d.id === done.id)
          .map((d) => d.type),
      ).toEqual(expect.arrayContaining(['import.log']));
      expect(data(managerStream).every((d) => d.type === 'import.log' && typeof d.level === 'string')).toBe(true);
      await viewerStream.until((c) => data(c).filter((d) => d.type === 'lead.created').length >= 12);
      expect(data(viewerStream).filter((d) => d.entity === 'import')).toEqual([]);
    } finally {
      managerStream.close();
      viewerStream.close();
    }
  });

  it("records per-row errors (the create route's rules) and serves them as a page and as CSV", async () => {
    const csv = [
      'Full Name,E-mail,Phone,Tags,Area',
      'Good One,good-1@example.com,,,',
      ',no-name@example.com,,,',
      'Bad Mail,not-an-email,,,',
      '"Quoted, Name","quoted@example.com",,,',
      'Bad Phone,,"abc!",,',
    ].join('\n');
    const done = await runImport(csv);
    expect(done.progress).toMatchObject({ rowsRead: 5, created: 2, failed: 3 });
    const errors = await t.http.get(`/v1/imports/${done.id}/errors`).set(as(manager, a.id)).expect(200);
    expect(errors.body.data).toEqual([
      { row: 3, field: 'name', message: expect.any(String) },
      { row: 4, field: 'email', message: 'must be an email' },
      { row: 6, field: 'phone', message: expect.stringContaining('may contain digits') },
    ]);
    expect(errors.body.meta.total).toBe(3);
    const csvOut = await t.http.get(`/v1/imports/${done.id}/errors.csv`).set(as(manager, a.id)).expect(200);
    expect(csvOut.headers['content-type']).toMatch(/^text\/csv/);
    expect(csvOut.text.split('\r\n')[0]).toBe('row,field,message');
    expect(csvOut.text).toContain('4,email,must be an email');
    expect((await leadsNamed('Quoted, Name')).length).toBe(1);
  });

  it('finds duplicates by the leads match keys: skip, update, or create anyway; in-file repeats too', async () => {
    await createLead(t.http, a.admin, a.id, { name: 'Existing Dup', email: 'DUP-1@Example.com' });
    const csv = [
      'Full Name,E-mail,Phone,Tags,Area',
      'Dup Renamed, dup-1@example.com ,,,',
      'Dup New,dup-new@example.com,,,',
      'Dup New Again,DUP-NEW@example.com,,,',
    ].join('\n');
    const skipped = await runImport(csv, { duplicatePolicy: 'skip' });
    expect(skipped.progress).toMatchObject({ rowsRead: 3, created: 1, skipped: 2, updated: 0 });
    expect((await leadsNamed('Dup')).map((l) => l.name).sort()).toEqual(['Dup New', 'Existing Dup']);

    const updated = await runImport(csv, { duplicatePolicy: 'update' });
    expect(updated.progress).toMatchObject({ rowsRead: 3, created: 0, updated: 3, skipped: 0 });
    expect((await leadsNamed('Dup')).map((l) => l.name).sort()).toEqual(['Dup New Again', 'Dup Renamed']);

    const created = await runImport(csv, { duplicatePolicy: 'create' });
    expect(created.progress).toMatchObject({ created: 3 });
    expect(await leadsNamed('Dup')).toHaveLength(5);
  });

  it('dry run: previews the first 50 rows with their errors and writes nothing', async () => {
    const csv = `${leadsCsv(60, 'dry')}Broken,not-mail,,,\n`;
    const before = await t.http.get('/v1/imports').set(as(manager, a.id)).expect(200);
    const res = await uploadImport(t.http, manager, a.id, csv, {}, '/v1/imports/dry-run').expect(200);
    expect(res.body).toMatchObject({ dryRun: true, target: 'leads', invalidRows: 0 });
    expect(res.body.columns).toEqual(['Full Name', 'E-mail', 'Phone', 'Tags', 'Area']);
    expect(res.body.rows).toHaveLength(50);
    expect(res.body.rows[0]).toEqual({
      row: 2,
      values: { name: 'dry 1', email: 'dry-1@example.com', tags: ['buyer', 'csv'], customFields: { area: 'North' } },
      errors: [],
    });
    const bad = await uploadImport(
      t.http,
      manager,
      a.id,
      'Full Name,E-mail,Phone,Tags,Area\nX,nope,,,\n',
      {},
      '/v1/imports/dry-run',
    ).expect(200);
    expect(bad.body.invalidRows).toBe(1);
    expect(bad.body.rows[0].errors).toEqual([{ row: 2, field: 'email', message: 'must be an email' }]);
    expect(await leadsNamed('dry')).toHaveLength(0);
    const after = await t.http.get('/v1/imports').set(as(manager, a.id)).expect(200);
    expect(after.body.meta.total).toBe(before.body.meta.total);
    const missing = await uploadImport(t.http, manager, a.id, 'Name\nX\n', {}, '/v1/imports/dry-run').expect(400);
    expect(missing.body.details[0]).toMatchObject({ field: 'file', message: expect.stringContaining('no column') });
  });

  it('refuses bad input with 400 details: target, mapping, policy, no file', async () => {
    const badTarget = await uploadImport(t.http, manager, a.id, leadsCsv(1), { target: 'deals' }).expect(400);
    expect(badTarget.body.details).toEqual([expect.objectContaining({ field: 'target' })]);
    const badField = await uploadImport(t.http, manager, a.id, leadsCsv(1), {
      mapping: { 'Full Name': 'password' },
    }).expect(400);
    expect(badField.body.details[0]).toMatchObject({ field: 'mapping.Full Name', code: 'INVALID_VALUE' });
    const badJson = await uploadImport(t.http, manager, a.id, leadsCsv(1), { mapping: '{nope' }).expect(400);
    expect(badJson.body.details[0]).toMatchObject({ field: 'mapping', code: 'INVALID_FORMAT' });
    await uploadImport(t.http, manager, a.id, leadsCsv(1), { duplicatePolicy: 'merge' }).expect(400);
    const noFile = await t.http
      .post('/v1/imports')
      .set(as(manager, a.id))
      .field('target', 'leads')
      .field('mapping', '{"a":"name"}')
      .expect(400);
    expect(noFile.body.details[0].field).toBe('file');
    const json = await t.http.post('/v1/imports').set(as(manager, a.id)).send({ target: 'leads' }).expect(400);
    expect(json.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'dataSourceId' })]));
  });

  it('fails an import whose file lacks a mapped column, and tells its creator', async () => {
    const done = await runImport('Name,Mail\nX,x@example.com\n');
    expect(done).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^The file has no column .*"Full Name"/),
    });
    const logs = await t.http.get(`/v1/imports/${done.id}/logs?level=error`).set(as(manager, a.id)).expect(200);
    expect(logs.body.data).toHaveLength(1);
    const notes = await t.http.get('/v1/notifications').set(as(manager, a.id)).expect(200);
    expect(notes.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'IMPORT_FAILED', data: { importId: done.id } })]),
    );
  });

  it('hands a long import to a new job at the end of each slice: every row once, exact counts', async () => {
    // Each batch outlasts the slice (IMPORT_JOB_SLICE_SECONDS): every run writes one batch and
    // enqueues the next, as an import of hours would every few minutes.
    const runner = t.app.get(ImportRunner);
    const runs = jest.spyOn(runner, 'run');
    const slice = t.config.imports.sliceMs;
    t.config.imports.sliceMs = 0;
    try {
      const done = await runImport(leadsCsv(35, 'sliced'));
      expect(done).toMatchObject({
        status: 'completed',
        progress: { rowsRead: 35, created: 35, updated: 0, skipped: 0, failed: 0, checkpointRow: 36 },
      });
      expect(runs).toHaveBeenCalledTimes(4); // rows 2–11, 12–21, 22–31, then 32–36 and the end
      const logs = await t.http.get(`/v1/imports/${done.id}/logs?pageSize=100`).set(as(manager, a.id)).expect(200);
      expect(logs.body.data.map((l: any) => l.message)).toEqual(
        expect.arrayContaining([
          'Continuing in a new job from row 12',
          'Continuing in a new job from row 22',
          'Continuing in a new job from row 32',
        ]),
      );
      const names = (await leadsNamed('sliced')).map((l) => l.name);
      expect(new Set(names).size).toBe(35);
      expect(names).toHaveLength(35);
    } finally {
      t.config.imports.sliceMs = slice;
    }
  });

  it('resumes after a crash between batches from the checkpoint: no duplicates, exact counts', async () => {
    const runner = t.app.get(ImportRunner);
    const original = runner.afterBatch.bind(runner);
    let crashed = false;
    jest.spyOn(runner, 'afterBatch').mockImplementation(async (id, n) => {
      if (n === 2 && !crashed) {
        crashed = true;
        throw new Error('simulated crash after batch 2');
      }
      return original(id, n);
    });
    const done = await runImport(leadsCsv(35, 'crash'));
    expect(crashed).toBe(true);
    expect(done).toMatchObject({
      status: 'completed',
      progress: { rowsRead: 35, created: 35, updated: 0, skipped: 0, failed: 0, checkpointRow: 36 },
    });
    const leads = await leadsNamed('crash');
    expect(leads).toHaveLength(35);
    expect(new Set(leads.map((l) => l.email)).size).toBe(35);
    const warnings = await t.http.get(`/v1/imports/${done.id}/logs?level=warning`).set(as(manager, a.id)).expect(200);
    expect(warnings.body.data.map((l: any) => l.message)).toEqual([
      expect.stringContaining('retrying from the checkpoint'),
    ]);
  });

  it('pauses between batches, resumes from the checkpoint, and answers 409 to illegal transitions', async () => {
    const runner = t.app.get(ImportRunner);
    let id = '';
    jest.spyOn(runner, 'afterBatch').mockImplementation(async (_id, n) => {
      if (n === 1) await t.http.post(`/v1/imports/${id}/pause`).set(as(manager, a.id)).expect(200);
    });
    const created = await uploadImport(t.http, manager, a.id, leadsCsv(30, 'pause')).expect(201);
    id = created.body.id;
    await t.http.post(`/v1/imports/${id}/resume`).set(as(manager, a.id)).expect(409);
    await t.http.post(`/v1/imports/${id}/pause`).set(as(manager, a.id)).expect(409);
    await t.http.post(`/v1/imports/${id}/start`).set(as(manager, a.id)).expect(200);
    const paused = await waitForImport(t.http, manager, a.id, id, ['paused']);
    expect(paused.progress).toMatchObject({ rowsRead: 10, created: 10, checkpointRow: 11 });
    await t.http.post(`/v1/imports/${id}/start`).set(as(manager, a.id)).expect(409);
    jest.restoreAllMocks();
    await t.http.post(`/v1/imports/${id}/resume`).set(as(manager, a.id)).expect(200);
    const done = await waitForImport(t.http, manager, a.id, id);
    expect(done).toMatchObject({ status: 'completed', progress: { rowsRead: 30, created: 30, checkpointRow: 31 } });
    expect(await leadsNamed('pause')).toHaveLength(30);
    const conflict = await t.http.post(`/v1/imports/${id}/cancel`).set(as(manager, a.id)).expect(409);
    expect(conflict.body).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('completed cannot cancel'),
    });
  });

  it('cancels a pending or paused import; nothing more is written', async () => {
    const created = await uploadImport(t.http, manager, a.id, leadsCsv(5, 'cancelled')).expect(201);
    const cancelled = await t.http.post(`/v1/imports/${created.body.id}/cancel`).set(as(manager, a.id)).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', finishedAt: expect.any(String) });
    await t.http.post(`/v1/imports/${created.body.id}/start`).set(as(manager, a.id)).expect(409);
    expect(await leadsNamed('cancelled')).toHaveLength(0);
  });

  describe('who may import', () => {
    it('ADMINs and MANAGERs; AGENTs and VIEWERs get 403 on every route', async () => {
      const mine = await uploadImport(t.http, a.admin, a.id, leadsCsv(1, 'roles')).expect(201);
      for (const user of [agent, viewer]) {
        await t.http.get('/v1/imports').set(as(user, a.id)).expect(403);
        await uploadImport(t.http, user, a.id, leadsCsv(1, 'roles')).expect(403);
        await uploadImport(t.http, user, a.id, leadsCsv(1, 'roles'), {}, '/v1/imports/dry-run').expect(403);
        await t.http.get(`/v1/imports/${mine.body.id}`).set(as(user, a.id)).expect(403);
        await t.http.post(`/v1/imports/${mine.body.id}/start`).set(as(user, a.id)).expect(403);
        await t.http.get(`/v1/imports/${mine.body.id}/errors.csv`).set(as(user, a.id)).expect(403);
      }
      await t.http.get(`/v1/imports/${mine.body.id}`).set(as(manager, a.id)).expect(200);
      await t.http.post(`/v1/imports/${mine.body.id}/cancel`).set(as(manager, a.id)).expect(200);
    });

    it("another organization's import is 404 on every route (its own are 200), and never listed", async () => {
      const theirs = await uploadImport(t.http, a.admin, a.id, leadsCsv(2, 'tenant')).expect(201);
      const id = theirs.body.id;
      const own = await uploadImport(t.http, b.admin, b.id, leadsCsv(2, 'tenant-b')).expect(201);
      for (const path of [
        `/v1/imports/${id}`,
        `/v1/imports/${id}/logs`,
        `/v1/imports/${id}/errors`,
        `/v1/imports/${id}/errors.csv`,
      ]) {
        await t.http.get(path).set(as(b.admin, b.id)).expect(404);
        await t.http.get(path).set(as(a.admin, a.id)).expect(200);
      }
      for (const action of ['start', 'pause', 'resume', 'cancel']) {
        await t.http.post(`/v1/imports/${id}/${action}`).set(as(b.admin, b.id)).expect(404);
      }
      await t.http.post(`/v1/imports/${randomUUID()}/start`).set(as(a.admin, a.id)).expect(404);
      const listB = await t.http.get('/v1/imports?pageSize=100').set(as(b.admin, b.id)).expect(200);
      expect(listB.body.data.map((j: any) => j.id)).toEqual([own.body.id]);
      // A's import is still A's, pending, untouched.
      const still = await t.http.get(`/v1/imports/${id}`).set(as(a.admin, a.id)).expect(200);
      expect(still.body.status).toBe('pending');
    });
  });
});
