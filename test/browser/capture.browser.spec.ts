import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { bootApp, type TestApp } from '../helpers/app.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { as, createOrg, type Org } from '../helpers/fixtures.js';
import { baseUrlOf } from '../helpers/net.js';
import { startStaticOrigin, type StaticOrigin } from '../helpers/static-origin.js';

/** docs/capture.md's form snippet, reduced to its fetch: a JSON POST with the publishable key. */
const FORM_PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Brokerage website</title></head>
<body>
<script>
  window.capture = async (api, key, body) => {
    try {
      const res = await fetch(api + '/v1/capture/leads', {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    } catch (error) {
      return { error: String(error) };
    }
  };
</script>
</body>
</html>`;

describe('capture: a website form in a real browser', () => {
  let browser: Chromium;
  let site: StaticOrigin;
  let stranger: StaticOrigin;
  let t: TestApp;
  let api: string;
  let org: Org;
  let key: string;

  beforeAll(async () => {
    browser = await launchChromium();
    site = await startStaticOrigin({ '/': FORM_PAGE });
    stranger = await startStaticOrigin({ '/': FORM_PAGE });
    // The SPA's CORS list names neither origin: capture's CORS is the key's alone.
    t = await bootApp({ CORS_ORIGINS: 'https://spa.invalid' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    api = baseUrlOf(t.app.getHttpServer());
    org = await createOrg(t.http, 'Browser Realty');
    const res = await t.http
      .post('/v1/capture-keys')
      .set(as(org.admin, org.id))
      .send({ name: 'Website', allowedOrigins: [site.origin] })
      .expect(201);
    key = res.body.secret;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await site?.close();
    await stranger?.close();
  });

  async function submit(origin: StaticOrigin, body: Record<string, unknown>) {
    const page: Page = await browser.context.newPage();
    await page.goto(`${origin.origin}/`);
    const result = (await page.evaluate(([base, k, b]) => (globalThis as any).capture(base, k, b), [
      api,
      key,
      body,
    ] as const)) as { status?: number; body?: any; error?: string };
    await page.close();
    return result;
  }

  it('posts from an allowed origin (202); another origin reads 403 ORIGIN_NOT_ALLOWED and saves nothing', async () => {
    expect(await submit(site, { email: 'browser.form@example.test', name: 'Browser Form' })).toMatchObject({
      status: 202,
      body: { accepted: true },
    });
    expect(await submit(stranger, { email: 'browser.stranger@example.test' })).toMatchObject({
      status: 403,
      body: { code: 'ORIGIN_NOT_ALLOWED' },
    });
    const leads = await t.http.get('/v1/leads').query({ q: 'browser.' }).set(as(org.admin, org.id)).expect(200);
    expect(leads.body.data.map((l: { email: string }) => l.email)).toEqual(['browser.form@example.test']);
  });
});
