import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PinoLogger } from 'nestjs-pino';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { as, createOrg, type Org } from './helpers/fixtures.js';
import { waitForImport } from './helpers/imports.js';
import { baseUrlOf } from './helpers/net.js';

const AUTH = 'Bearer logged-token-never-0451';
const CLIENT_SECRET = 'logged-client-secret-9d1e';

/** Credentials never reach the logs: not on save, test, a failing import, or a failing token request. */
describe('data source credentials in logs', () => {
  let t: TestApp;
  let org: Org;
  let server: Server;
  let base: string;
  const logged: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      // Everything fails, so every error path logs what it logs.
      res
        .writeHead(req.url?.startsWith('/oauth') ? 401 : 500, { 'content-type': 'application/json' })
        .end('{"error":"nope"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = baseUrlOf(server);
    t = await bootApp({ ...BACKGROUND, LOG_LEVEL: 'debug', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      jest.spyOn(PinoLogger.root, level).mockImplementation(((...args: unknown[]) => {
        logged.push(
          JSON.stringify(args, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
        );
      }) as never);
    }
    org = await createOrg(t.http, 'Logged');
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('logs requests and failures, never a credential', async () => {
    const api = await t.http
      .post('/v1/data-sources')
      .set(as(org.admin, org.id))
      .send({
        name: 'Failing API',
        type: 'JSON_API',
        settings: { url: `${base}/api`, mapping: { n: 'name' } },
        credentials: { authHeader: AUTH },
      })
      .expect(201);
    const reso = await t.http
      .post('/v1/data-sources')
      .set(as(org.admin, org.id))
      .send({
        name: 'Failing MLS',
        type: 'RESO_WEB_API',
        settings: { baseUrl: `${base}/odata`, tokenUrl: `${base}/oauth/token`, clientId: 'crm' },
        credentials: { clientSecret: CLIENT_SECRET },
      })
      .expect(201);
    await t.http
      .patch(`/v1/data-sources/${api.body.id}`)
      .set(as(org.admin, org.id))
      .send({ credentials: { authHeader: AUTH } })
      .expect(200);
    for (const id of [api.body.id, reso.body.id]) {
      const test = await t.http.post(`/v1/data-sources/${id}/test`).set(as(org.admin, org.id)).expect(200);
      expect(test.body.ok).toBe(false);
      const created = await t.http
        .post('/v1/imports')
        .set(as(org.admin, org.id))
        .send({ dataSourceId: id })
        .expect(201);
      await t.http.post(`/v1/imports/${created.body.id}/start`).set(as(org.admin, org.id)).expect(200);
      const done = await waitForImport(t.http, org.admin, org.id, created.body.id);
      expect(done.status).toBe('failed');
      expect(done.error).not.toContain('logged-');
    }
    expect(logged.length).toBeGreaterThan(10); // the control: the spy sees the app's lines
    const all = logged.join('\n');
    expect(all).not.toContain('logged-token-never');
    expect(all).not.toContain(CLIENT_SECRET);
  });
});
