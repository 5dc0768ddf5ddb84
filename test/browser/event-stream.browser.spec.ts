import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootApp, type TestApp } from '../helpers/app.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { createLead, createOrg, type Org } from '../helpers/fixtures.js';
import { baseUrlOf } from '../helpers/net.js';
import { startStaticOrigin, type StaticOrigin } from '../helpers/static-origin.js';

/**
 * What an SPA does for realtime updates: mint a stream token with fetch (EventSource cannot
 * send an Authorization header), then open `new EventSource(url)` cross-origin and listen
 * for named events; when the connection drops, EventSource reconnects with Last-Event-ID.
 */
const SPA_PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>SPA origin</title></head>
<body>
<script>
  window.received = [];
  window.errors = 0;
  window.openStream = async (api, token, org) => {
    const res = await fetch(api + '/v1/events/stream-tokens', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + token, 'x-organization-id': org },
    });
    const { url } = await res.json();
    const source = new EventSource(api + url + '&types=lead.*');
    window.source = source;
    source.addEventListener('lead.created', (e) => window.received.push({ id: e.lastEventId, data: JSON.parse(e.data) }));
    source.onerror = () => { window.errors++; };
    await new Promise((resolve) => { source.onopen = resolve; });
    return source.readyState;
  };
</script>
</body>
</html>`;

describe('the event stream in a real browser: EventSource from an SPA on another origin', () => {
  let browser: Chromium;
  let spa: StaticOrigin;
  let t: TestApp;
  let api: string;
  let org: Org;

  beforeAll(async () => {
    browser = await launchChromium();
    spa = await startStaticOrigin({ '/': SPA_PAGE });
    t = await bootApp({ CORS_ORIGINS: spa.origin });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    api = baseUrlOf(t.app.getHttpServer());
    org = await createOrg(t.http, 'Realtime Realty');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await spa?.close();
  });

  it('receives a lead.created event as it commits, through CORS, with a single-use token', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${spa.origin}/`);
    const state = await page.evaluate(([base, token, orgId]) => (globalThis as any).openStream(base, token, orgId), [
      api,
      org.admin.token,
      org.id,
    ] as const);
    expect(state).toBe(1); // EventSource.OPEN: the cross-origin response was accepted
    const lead = await createLead(t.http, org.admin, org.id, { name: 'Seen live' });
    await page.waitForFunction((id) => (globalThis as any).received.some((e: any) => e.data.data.id === id), lead.id, {
      timeout: 10_000,
    });
    const [event] = (await page.evaluate(() => (globalThis as any).received)) as {
      id: string;
      data: { id: string; type: string };
    }[];
    expect(event).toMatchObject({ data: { type: 'lead.created', data: { id: lead.id } } });
    // lastEventId is what EventSource sends back as Last-Event-ID when it reconnects.
    expect(event.id).toBe(event.data.id);
    await page.evaluate(() => (globalThis as any).source.close());
    await page.close();
  });
});
