import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DuplicateMatch } from './dto/lead-actions.output.js';

export interface DuplicateHit {
  id: string;
  matchedOn: DuplicateMatch[];
}

interface HitRow {
  id: string;
  email: boolean;
  phone: boolean;
  name: boolean;
  total: bigint | number;
}

const matches = (r: HitRow): DuplicateMatch[] =>
  (['email', 'phone', 'name'] as const).filter((k) => (k === 'name' ? r.name : r[k]));

/**
 * Duplicate lookups over the live leads the caller can see (RLS: tenant and AGENT scope).
 * Leads carry stored match keys (email_key, phone_key, name_key; migration 20261123070000):
 * comparing them with text equality — leakproof — lets the (organization_id, key) indexes
 * serve the lookup under RLS. The input is normalized with the same expressions as the
 * generated columns; keep them in sync.
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
    await this.db.sql.execute(Prisma.sql`
      SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
      FROM (VALUES (1, 'lead-email:' || ${org}::text || ':' || lower(btrim(${email ?? null}::text))),
                   (2, 'lead-phone:' || ${org}::text || ':' || nullif(regexp_replace(${phone ?? null}::text, '[^0-9]', '', 'g'), ''))
           ) AS keys (n, k)
      WHERE k IS NOT NULL
      ORDER BY n`);
  }

  /**
   * "A live lead (of those the caller sees) has this normalized email or these phone digits",
   * over alias `l`: the create-time check. The inputs are normalized with the generated
   * columns' own expressions, and compared to the stored keys with text equality, so the
   * (organization_id, key) indexes serve it under RLS.
   */
  liveMatch(email: string | null | undefined, phone: string | null | undefined): Prisma.Sql {
    return Prisma.sql`l.organization_id = ${this.db.orgId}::uuid AND l.deleted_at IS NULL
        AND (l.email_key = lower(btrim(${email ?? null}::text))
             OR l.phone_key = nullif(regexp_replace(${phone ?? null}::text, '[^0-9]', '', 'g'), ''))`;
  }

  /** Live leads with the same normalized email or phone digits (what liveMatch found, for the 409). */
  async byContact(email: string | null | undefined, phone: string | null | undefined): Promise<DuplicateHit[]> {
    const rows = await this.db.sql.query<HitRow>(Prisma.sql`
      SELECT l.id,
             coalesce(l.email_key = lower(btrim(${email ?? null}::text)), false) AS email,
             coalesce(l.phone_key = nullif(regexp_replace(${phone ?? null}::text, '[^0-9]', '', 'g'), ''), false) AS phone,
             false AS name, 0 AS total
      FROM leads l
      WHERE ${this.liveMatch(email, phone)}
      ORDER BY l.created_at, l.id
      LIMIT 10`);
    return rows.map((r) => ({ id: r.id, matchedOn: matches(r) }));
  }

  /**
   * Likely duplicates of a live lead: same normalized email, phone digits, or lower-cased
   * name. Email/phone matches come first (stronger), then oldest first.
   */
  async of(id: string, skip: number, take: number): Promise<[DuplicateHit[], number]> {
    const rows = await this.db.sql.query<HitRow>(Prisma.sql`
      WITH t AS (
        SELECT id, email_key AS e, phone_key AS p, name_key AS n
        FROM leads
        WHERE organization_id = ${this.db.orgId}::uuid AND id = ${id}::uuid AND deleted_at IS NULL
      ), hits AS (
        SELECT l.id, l.created_at,
               coalesce(l.email_key = t.e, false) AS email,
               coalesce(l.phone_key = t.p, false) AS phone,
               coalesce(l.name_key = t.n, false) AS name
        FROM leads l, t
        WHERE l.organization_id = ${this.db.orgId}::uuid AND l.deleted_at IS NULL AND l.id <> t.id
          AND (l.email_key = t.e OR l.phone_key = t.p OR l.name_key = t.n)
      )
      SELECT id, email, phone, name, count(*) OVER () AS total
      FROM hits
      ORDER BY (email OR phone) DESC, created_at, id
      LIMIT ${take} OFFSET ${skip}`);
    const total = rows.length ? Number(rows[0].total) : 0;
    return [rows.map((r) => ({ id: r.id, matchedOn: matches(r) })), total];
  }
}
