import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { bootApp, type TestApp } from '../helpers/app.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { baseUrlOf } from '../helpers/net.js';
import { startStaticOrigin, type StaticOrigin } from '../helpers/static-origin.js';

/** What a single-page app does: fetch the API cross-origin with a bearer token and JSON bodies. */
const SPA_PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>SPA origin</title></head>
<body>
<script>
  window.callApi = async (api, method, path, { token, org, body } = {}) => {
    const headers = {};
    if (token) headers.authorization = 'Bearer ' + token;
    if (org) headers['x-organization-id'] = org;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed = text;
      try { parsed = text ? JSON.parse(text) : null; } catch {}
      return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') };
    } catch (error) {
      return { error: String(error) };
    }
  };
</script>
</body>
</html>`;

interface CallResult {
  status?: number;
  body?: any;
  requestId?: string | null;
  /** Set when fetch itself rejected (a CORS refusal), with what Chromium logged about it. */
  error?: string;
  console?: string[];
}

interface CallOptions {
  token?: string;
  org?: string;
  body?: unknown;
}

/** Runs the page's fetch wrapper in the browser; a refused call comes back with the browser's console lines. */
async function call(page: Page, api: string, method: string, path: string, options: CallOptions = {}) {
  const logged: string[] = [];
  const onConsole = (message: { text(): string }) => logged.push(message.text());
  page.on('console', onConsole);
  try {
    const result = (await page.evaluate(([base, m, p, o]) => (globalThis as any).callApi(base, m, p, o), [
      api,
      method,
      path,
      options,
    ] as const)) as CallResult;
    return result.error ? { ...result, console: logged } : result;
  } finally {
    page.off('console', onConsole);
  }
}

describe('CORS: an SPA on another origin, in a real browser', () => {
  let browser: Chromium;
  let spa: StaticOrigin;
  let stranger: StaticOrigin;
  let t: TestApp;
  let api: string;

  beforeAll(async () => {
    browser = await launchChromium(); // first: a missing chromium fails here, with the way to install it
    spa = await startStaticOrigin({ '/': SPA_PAGE });
    stranger = await startStaticOrigin({ '/': SPA_PAGE });
    t = await bootApp({ CORS_ORIGINS: spa.origin });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    api = baseUrlOf(t.app.getHttpServer());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await spa?.close();
    await stranger?.close();
  });

  async function openPage(origin: StaticOrigin): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${origin.origin}/`);
    return page;
  }

  it('signs up, creates an organization, then creates (201), updates (200) and deletes (204) a lead, reading x-request-id', async () => {
    const page = await openPage(spa);
    const signup = await call(page, api, 'POST', '/v1/auth/signup', {
      body: { email: 'spa-user@example.test', password: 'Harbor-lights-2026', fullName: 'SPA User' },
    });
    expect(signup).toMatchObject({ status: 201, body: { accessToken: expect.any(String) } });
    const token: string = signup.body.accessToken;

    const org = await call(page, api, 'POST', '/v1/organizations', { token, body: { name: 'SPA Realty' } });
    expect(org).toMatchObject({ status: 201, body: { id: expect.any(String) } });
    const as = { token, org: org.body.id as string };

    const created = await call(page, api, 'POST', '/v1/leads', {
      ...as,
      body: { name: 'Browser Lead', source: 'WEBSITE' },
    });
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String) }, requestId: expect.any(String) });
    const path = `/v1/leads/${created.body.id}`;

    const updated = await call(page, api, 'PATCH', path, { ...as, body: { status: 'IN_CONTACT' } });
    expect(updated).toMatchObject({ status: 200, body: { status: 'IN_CONTACT' }, requestId: expect.any(String) });

    const deleted = await call(page, api, 'DELETE', path, as);
    expect(deleted).toMatchObject({ status: 204, requestId: expect.any(String) });
    // Each response carried its own id, and JS could read it (x-request-id is exposed).
    expect(new Set([created.requestId, updated.requestId, deleted.requestId]).size).toBe(3);
    // The DELETE really happened on the server.
    await t.http
      .get(path)
      .set({ authorization: `Bearer ${token}`, 'x-organization-id': as.org })
      .expect(404);
    await page.close();
  });

  it('reads the dashboard, invites a member and reads an error code cross-origin (analytics, invitations, billing)', async () => {
    const page = await openPage(spa);
    const signup = await call(page, api, 'POST', '/v1/auth/signup', {
      body: { email: 'spa-admin@example.test', password: 'Harbor-lights-2026', fullName: 'SPA Admin' },
    });
    expect(signup.status).toBe(201);
    const token: string = signup.body.accessToken;
    const org = await call(page, api, 'POST', '/v1/organizations', { token, body: { name: 'SPA Dashboard Realty' } });
    const as = { token, org: org.body.id as string };
    await call(page, api, 'POST', '/v1/leads', { ...as, body: { name: 'Dashboard Lead', source: 'WEBSITE' } });

    const overview = await call(page, api, 'GET', '/v1/analytics/overview?period=7d&interval=day', as);
    expect(overview).toMatchObject({ status: 200, body: { leads: { totals: { created: { value: 1 } } } } });

    const invited = await call(page, api, 'POST', '/v1/invitations', {
      ...as,
      body: { email: 'spa-hire@example.test', role: 'AGENT' },
    });
    expect(invited).toMatchObject({ status: 201, body: { email: 'spa-hire@example.test', role: 'AGENT' } });
    const revoked = await call(page, api, 'DELETE', `/v1/invitations/${invited.body.id}`, as);
    expect(revoked.status).toBe(204);

    // Billing is off in the embedded default: the SPA reads the code, not a CORS failure.
    const billing = await call(page, api, 'GET', '/v1/billing', as);
    expect(billing).toMatchObject({ status: 404, body: { code: 'BILLING_DISABLED' }, requestId: expect.any(String) });
    await page.close();
  });

  it('refuses a page on an origin outside CORS_ORIGINS (the allowed origin, same call, is the control)', async () => {
    const signup = await t.http
      .post('/v1/auth/signup')
      .send({ email: 'cors-control@example.test', password: 'Harbor-lights-2026', fullName: 'Control' })
      .expect(201);
    const token: string = signup.body.accessToken;

    const allowed = await openPage(spa);
    expect(await call(allowed, api, 'GET', '/v1/me', { token })).toMatchObject({ status: 200 });
    const refused = await openPage(stranger);
    expect(await call(refused, api, 'GET', '/v1/me', { token })).toMatchObject({
      error: expect.stringContaining('Failed to fetch'),
    });
    await Promise.all([allowed.close(), refused.close()]);

    // The preflight names no origin for the stranger, which is what makes the browser refuse.
    const preflight = (origin: string) =>
      t.http
        .options('/v1/leads')
        .set('origin', origin)
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'authorization,content-type');
    const strangerPreflight = await preflight(stranger.origin);
    expect(strangerPreflight.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(spa.origin)).headers['access-control-allow-origin']).toBe(spa.origin);
  });

  it('lets the SPA use every verb and the headers of the API conventions, and caches the preflight', async () => {
    const preflight = await t.http
      .options('/v1/leads/00000000-0000-4000-8000-000000000000')
      .set('origin', spa.origin)
      .set('access-control-request-method', 'DELETE')
      .set('access-control-request-headers', 'authorization,if-match,idempotency-key,x-organization-id');
    expect(preflight.status).toBe(204);
    const list = (header: string) =>
      String(preflight.headers[header] ?? '')
        .toLowerCase()
        .split(/\s*,\s*/);
    expect(list('access-control-allow-methods')).toEqual(
      expect.arrayContaining(['get', 'head', 'post', 'put', 'patch', 'delete']),
    );
    expect(list('access-control-allow-headers')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-organization-id']),
    );
    expect(Number(preflight.headers['access-control-max-age'])).toBeGreaterThan(0);

    const response = await t.http.get('/health/live').set('origin', spa.origin).expect(200);
    expect(
      String(response.headers['access-control-expose-headers'])
        .toLowerCase()
        .split(/\s*,\s*/),
    ).toEqual(
      expect.arrayContaining([
        'x-request-id',
        'retry-after',
        'etag',
        'location',
        'content-disposition',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ]),
    );
  });
});
