// Builders for the records activities, appointments and timelines hang off (issue 6 specs).
import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent.js';
import { as, type User } from './fixtures.js';

type Body = Record<string, unknown>;
// Response bodies are checked field by field in the specs.
type Json = Record<string, any>;

const suffix = () => randomUUID().slice(0, 6);

async function post(http: TestAgent, path: string, user: User, orgId: string, body: Body): Promise<Json> {
  const res = await http.post(path).set(as(user, orgId)).send(body);
  if (res.status !== 201) throw new Error(`POST ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

export const createContact = (http: TestAgent, user: User, orgId: string, body: Body = {}) =>
  post(http, '/v1/contacts', user, orgId, { name: `Contact ${suffix()}`, ...body });

export const createDeal = (http: TestAgent, user: User, orgId: string, body: Body = {}) =>
  post(http, '/v1/deals', user, orgId, { title: `Deal ${suffix()}`, value: '500000.00', ...body });

export const createListing = (http: TestAgent, user: User, orgId: string, body: Body = {}) =>
  post(http, '/v1/listings', user, orgId, {
    title: `Listing ${suffix()}`,
    address: '12 Oak St',
    city: 'San Francisco',
    state: 'CA',
    zipCode: '94114',
    price: '1000000.00',
    ...body,
  });

export const createActivity = (http: TestAgent, user: User, orgId: string, body: Body) =>
  post(http, '/v1/activities', user, orgId, { type: 'CALL', title: `Activity ${suffix()}`, ...body });

export const createAppointment = (http: TestAgent, user: User, orgId: string, body: Body) =>
  post(http, '/v1/appointments', user, orgId, { title: `Appointment ${suffix()}`, type: 'SHOWING', ...body });

/** An ISO timestamp `minutes` from now (negative: in the past). */
export const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
