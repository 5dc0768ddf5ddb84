// Builders for the ticket specs (issue 7).
import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent.js';
import type { SqlSession } from '../../src/database/sql-session.js';
import { as, type User } from './fixtures.js';

// Response bodies are checked field by field in the specs.
export type Json = Record<string, any>;

export async function createTicket(
  http: TestAgent,
  user: User,
  orgId: string,
  body: Record<string, unknown> = {},
): Promise<Json> {
  const res = await http
    .post('/v1/tickets')
    .set(as(user, orgId))
    .send({ title: `Ticket ${randomUUID().slice(0, 6)}`, ...body });
  if (res.status !== 201) throw new Error(`POST /v1/tickets → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** A contact inserted directly (as the owner): tickets only need it to exist. */
export async function insertContact(sql: SqlSession, orgId: string, name = 'Customer'): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    'INSERT INTO contacts (organization_id, name) VALUES ($1, $2) RETURNING id',
    [orgId, name],
  );
  return row.id;
}

export async function insertListing(sql: SqlSession, orgId: string, title = 'Listing'): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO listings (organization_id, title, address, city, state, zip_code, price)
     VALUES ($1, $2, '12 Oak St', 'San Francisco', 'CA', '94114', 1000000) RETURNING id`,
    [orgId, title],
  );
  return row.id;
}

export const ids = (res: { body: { data: { id: string }[] } }): string[] => res.body.data.map((r) => r.id);

/** A multipart/form-data body built by hand, so file names reach the server exactly as written. */
export function multipart(parts: { name: string; filename?: string; contentType?: string; data: Buffer | string }[]): {
  body: Buffer;
  contentType: string;
} {
  const boundary = `----crm-test-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const headers = [`Content-Disposition: ${disposition}`];
    if (part.contentType) headers.push(`Content-Type: ${part.contentType}`);
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
