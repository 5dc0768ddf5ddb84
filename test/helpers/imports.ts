import { setTimeout as sleep } from 'node:timers/promises';
import type TestAgent from 'supertest/lib/agent.js';
import { as, type User } from './fixtures.js';

export const LEAD_MAPPING = {
  'Full Name': 'name',
  'E-mail': 'email',
  Phone: 'phone',
  Tags: 'tags',
  Area: 'customFields.area',
};

/** A CSV of `n` distinct leads (rows 2..n+1), with the LEAD_MAPPING header. */
export function leadsCsv(n: number, prefix = 'lead'): string {
  const lines = ['Full Name,E-mail,Phone,Tags,Area'];
  for (let i = 1; i <= n; i++) lines.push(`${prefix} ${i},${prefix}-${i}@example.com,,buyer;csv,North`);
  return `${lines.join('\r\n')}\r\n`;
}

/** POST /v1/imports as multipart (fields first, then the file). */
export function uploadImport(
  http: TestAgent,
  user: User,
  orgId: string,
  csv: string,
  fields: Record<string, unknown> = {},
  path = '/v1/imports',
) {
  const all = { target: 'leads', mapping: LEAD_MAPPING, duplicatePolicy: 'skip', ...fields };
  let req = http.post(path).set(as(user, orgId));
  for (const [k, v] of Object.entries(all)) req = req.field(k, typeof v === 'string' ? v : JSON.stringify(v));
  return req.attach('file', Buffer.from(csv, 'utf8'), { filename: 'leads.csv', contentType: 'text/csv' });
}

/** Polls GET /v1/imports/{id} until its status is one of `states` (10 s at most). */
export async function waitForImport(
  http: TestAgent,
  user: User,
  orgId: string,
  id: string,
  states: string[] = ['completed', 'failed', 'cancelled'],
  timeoutMs = 20_000,
): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await http.get(`/v1/imports/${id}`).set(as(user, orgId)).expect(200);
    if (states.includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`import ${id} still ${res.body.status}`);
    await sleep(100);
  }
}
