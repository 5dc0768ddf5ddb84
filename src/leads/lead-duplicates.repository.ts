import { Injectable } from '@nestjs/common';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { DuplicateMatch } from './dto/lead-actions.output.js';
import type { LeadCondition } from './leads.repository.js';

export interface DuplicateHit {
  id: string;
  matchedOn: DuplicateMatch[];
}

interface HitRow {
  id: string;
  email: SqlBool;
  phone: SqlBool;
  name: SqlBool;
}

const matches = (r: HitRow): DuplicateMatch[] => (['email', 'phone', 'name'] as const).filter((k) => Boolean(r[k]));

// The input normalized with the generated columns' own expressions (migration
// 20261123070000: email_key, phone_key); keep them in sync.
const emailKey = (email: string | null | undefined): RawBuilder<string | null> =>
  sql`lower(btrim(${email ?? null}::text))`;
const phoneKey = (phone: string | null | undefined): RawBuilder<string | null> =>
  sql`nullif(regexp_replace(${phone ?? null}::text, '[^0-9]', '', 'g'), '')`;

/**
 * Duplicate lookups over the live leads the caller can see (RLS: tenant and AGENT scope).
 * Leads carry stored match keys (email_key, phone_key, name_key): comparing them with text
 * equality — leakproof — lets the (organization_id, key) indexes serve the lookup under RLS.
 */
@Injectable()
export class LeadDuplicatesRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * Serializes concurrent creates of the same email or phone in this organization until commit,
   * so two requests cannot both pass the duplicate check. Email keys are always taken before
   * phone keys, so two creates cannot wait on each other.
   */
  async lockKeys(email: string | null | undefined, phone: string | null | undefined): Promise<void> {
    const org = this.db.orgId;
    await sql`
      SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
      FROM (VALUES (1, 'lead-email:' || ${org}::text || ':' || ${emailKey(email)}),
                   (2, 'lead-phone:' || ${org}::text || ':' || ${phoneKey(phone)})) AS keys (n, k)
      WHERE k IS NOT NULL
      ORDER BY n`.execute(this.db.sql);
  }

  /**
   * "A live lead (of those the caller sees) has this normalized email or these phone digits",
   * over alias `l`: the create-time check, evaluated by the INSERT itself.
   */
  liveMatch(email: string | null | undefined, phone: string | null | undefined): LeadCondition {
    const org = this.db.orgId;
    return (eb) =>
      eb.and([
        eb('l.organizationId', '=', org),
        eb('l.deletedAt', 'is', null),
        eb.or([eb('l.emailKey', '=', emailKey(email)), eb('l.phoneKey', '=', phoneKey(phone))]),
      ]);
  }

  /** Live leads with the same normalized email or phone digits (what liveMatch found, for the 409). */
  async byContact(email: string | null | undefined, phone: string | null | undefined): Promise<DuplicateHit[]> {
    const rows = await this.db.sql
      .selectFrom('leads as l')
      .select((eb) => [
        'l.id',
        eb.fn.coalesce(eb('l.emailKey', '=', emailKey(email)), eb.lit(false)).as('email'),
        eb.fn.coalesce(eb('l.phoneKey', '=', phoneKey(phone)), eb.lit(false)).as('phone'),
        eb.lit(false).as('name'),
      ])
      .where(this.liveMatch(email, phone))
      .orderBy('l.createdAt')
      .orderBy('l.id')
      .limit(10)
      .execute();
    return rows.map((r) => ({ id: r.id, matchedOn: matches(r) }));
  }

  /**
   * Likely duplicates of a live lead: same normalized email, phone digits, or lower-cased
   * name. Email/phone matches come first (stronger), then oldest first.
   */
  async of(id: string, skip: number, take: number): Promise<[DuplicateHit[], number]> {
    const org = this.db.orgId;
    const rows = await this.db.sql
      .with('t', (db) =>
        db
          .selectFrom('leads')
          .select(['id', 'emailKey', 'phoneKey', 'nameKey'])
          .where('organizationId', '=', org)
          .where('id', '=', id)
          .where('deletedAt', 'is', null),
      )
      .with('hits', (db) =>
        db
          .selectFrom(['leads as l', 't'])
          .select((eb) => [
            'l.id',
            'l.createdAt',
            eb.fn.coalesce(eb('l.emailKey', '=', eb.ref('t.emailKey')), eb.lit(false)).as('email'),
            eb.fn.coalesce(eb('l.phoneKey', '=', eb.ref('t.phoneKey')), eb.lit(false)).as('phone'),
            eb.fn.coalesce(eb('l.nameKey', '=', eb.ref('t.nameKey')), eb.lit(false)).as('name'),
          ])
          .where('l.organizationId', '=', org)
          .where('l.deletedAt', 'is', null)
          .whereRef('l.id', '<>', 't.id')
          .where((eb) =>
            eb.or([
              eb('l.emailKey', '=', eb.ref('t.emailKey')),
              eb('l.phoneKey', '=', eb.ref('t.phoneKey')),
              eb('l.nameKey', '=', eb.ref('t.nameKey')),
            ]),
          ),
      )
      .selectFrom('hits')
      .select(['id', 'email', 'phone', 'name', sql<number>`count(*) OVER ()::int`.as('total')])
      .orderBy(sql`email OR phone`, 'desc')
      .orderBy('createdAt')
      .orderBy('id')
      .limit(take)
      .offset(skip)
      .execute();
    const total = rows.length ? rows[0].total : 0;
    return [rows.map((r) => ({ id: r.id, matchedOn: matches(r) })), total];
  }
}
