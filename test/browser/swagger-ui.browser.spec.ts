import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page, Request } from 'playwright-core';
import { bootApp, type TestApp } from '../helpers/app.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { as, createLead, createOrg } from '../helpers/fixtures.js';
import { baseUrlOf } from '../helpers/net.js';

/** Fills each scheme's field in Swagger UI's Authorize dialog and applies it with that scheme's Authorize. */
async function authorize(page: Page, values: Record<string, string>): Promise<void> {
  for (const [scheme, value] of Object.entries(values)) {
    const form = page.locator('.modal-ux form').filter({ hasText: `${scheme} (` });
    await form.locator('input').fill(value);
    await form.getByRole('button', { name: 'Apply credentials' }).click();
    // Authorized: the field gives way to Logout.
    await form.getByRole('button', { name: 'Remove authorization' }).waitFor();
  }
}

describe('Swagger UI in a real browser', () => {
  let browser: Chromium;
  let t: TestApp;
  let api: string;

  beforeAll(async () => {
    browser = await launchChromium(); // first: a missing chromium fails here, with the way to install it
    t = await bootApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    api = baseUrlOf(t.app.getHttpServer());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('authorizes with a bearer token and X-Organization-Id, then Try it out → Execute on GET /v1/leads lists the lead', async () => {
    // Two organizations: without X-Organization-Id the list would be refused, so a 200 proves both headers went out.
    const org = await createOrg(t.http, 'Swagger Realty');
    await t.http.post('/v1/organizations').set(as(org.admin)).send({ name: 'Second Realty' }).expect(201);
    await t.http.get('/v1/leads').set(as(org.admin)).expect(400);
    const lead = await createLead(t.http, org.admin, org.id, { name: 'Swagger Lead' });

    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const leadRequests: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/leads') leadRequests.push(request);
    });

    await page.goto(`${api}/docs`);
    await page.locator('.btn.authorize').first().click();
    await authorize(page, { bearer: org.admin.token, organization: org.id });
    await page.locator('.modal-ux .btn-done').first().click();

    // Over 100 operations Swagger UI renders only what is scrolled into view; the tag filter finds one.
    await page.locator('.operation-filter-input').fill('leads');
    await expect(page.locator('.opblock-tag').allTextContents()).resolves.toEqual([expect.stringMatching(/^leads/)]);
    const operation = page.locator('#operations-leads-Leads_list');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();

    expect((await status.innerText()).trim()).toBe('200');
    const body = JSON.parse(
      await operation.locator('.live-responses-table .response-col_description pre').first().innerText(),
    );
    expect(body).toMatchObject({ data: [{ id: lead.id, name: 'Swagger Lead' }], meta: { total: 1 } });

    // What the browser sent: the pre-filled form added no filter, and both credentials went as headers.
    expect(leadRequests).toHaveLength(1);
    const [request] = leadRequests;
    expect(new URL(request.url()).search).toBe('');
    const headers = await request.allHeaders();
    expect(headers).toMatchObject({ authorization: `Bearer ${org.admin.token}`, 'x-organization-id': org.id });

    // The UI's assets loaded under the app's Content-Security-Policy, and nothing failed in the page.
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens an operation from a link, however far down the list it is', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${api}/docs#/webhooks/Webhooks_list`);
    const operation = page.locator('#operations-webhooks-Webhooks_list');
    await operation.waitFor();
    expect(await operation.getAttribute('class')).toContain('is-open');
    await expect(operation.getByRole('button', { name: 'Try it out' }).isVisible()).resolves.toBe(true);
    await page.close();
  });
});
