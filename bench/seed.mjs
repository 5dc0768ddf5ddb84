// Set-based seed for the benchmark: organizations, profiles, memberships and
// leads generated inside the database with generate_series, run as the owner;
// then (analyticsSeedSql) what the analytics overview reads: contact activities
// consistent with leads.first_response_at, deals, listings with price changes and
// appointments, spread over the same two years.
// Used for Postgres (bench/run.mjs) and for the embedded PGlite database.
//
// Ids are derived from md5 of stable strings, so the bench can recompute every
// organization and user id without reading them back.

import { createHash } from 'node:crypto';

export const SEED_VERSION = 2;
export const MEMBERS_PER_ORG = 5; // member 1 is the ADMIN, members 2–5 are AGENTs

export const orgId = (o) => md5Uuid(`bench-org-${o}`);
export const userId = (o, u) => md5Uuid(`bench-user-${o}-${u}`);

function md5Uuid(s) {
  const h = createHash('md5').update(s).digest('hex');
  // Same text as Postgres' md5(s)::uuid.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// prettier-ignore
const FIRST = [
  'Maria', 'James', 'Sofia', 'Liam', 'Olivia', 'Noah', 'Emma', 'Lucas', 'Ava', 'Mason', 'Mia', 'Ethan', 'Isabella',
  'Logan', 'Amelia', 'Elijah', 'Harper', 'Aiden', 'Evelyn', 'Daniel', 'Abigail', 'Henry', 'Emily', 'Jackson', 'Ella',
  'Sebastian', 'Grace', 'Mateo', 'Chloe', 'Owen', 'Zoe', 'Samuel', 'Nora', 'David', 'Leah', 'Joseph', 'Hannah',
  'Carter', 'Aria', 'Wyatt', 'Layla', 'John', 'Lily', 'Julian', 'Anna', 'Levi', 'Sarah', 'Isaac', 'Ruth', 'Gabriel',
  'Priya', 'Wei', 'Yuki', 'Omar', 'Fatima', 'Chen', 'Aisha', 'Diego', 'Ingrid', 'Kofi',
];
// prettier-ignore
const LAST = [
  'Gonzalez', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Patel', 'Kim', 'Chen', 'Okafor', 'Schmidt', 'Rossi',
  'Novak', 'Silva', 'Kowalski', 'Larsen',
];
// prettier-ignore
const COMPANY = [
  'Acme', 'Blue Harbor', 'Cedar', 'Summit', 'Golden Gate', 'Riverside', 'Oakwood', 'Pinecrest', 'Maple', 'Lakeside',
  'Northwind', 'Bayview', 'Redwood', 'Silverline', 'Horizon', 'Evergreen', 'Granite', 'Harbor Point', 'Sunset',
  'Willow', 'Ironbridge', 'Meadowbrook', 'Crescent', 'Highland', 'Westfield', 'Stonegate', 'Brightwater', 'Fairview',
  'Kingsley', 'Juniper',
];
const SUFFIX = ['Holdings', 'Capital', 'Family Trust', 'LLC', 'Properties', 'Ventures', 'Group', 'Partners'];
const DOMAIN = ['example.com', 'mail.example', 'inbox.example', 'corp.example', 'home.example'];
// Weighted: most leads are new or in contact.
// prettier-ignore
const STATUS = [
  'NEW_LEAD', 'NEW_LEAD', 'NEW_LEAD', 'NEW_LEAD', 'NEW_LEAD', 'NEW_LEAD', 'IN_CONTACT', 'IN_CONTACT', 'IN_CONTACT',
  'IN_CONTACT', 'IN_CONTACT', 'QUALIFIED', 'QUALIFIED', 'QUALIFIED', 'UNQUALIFIED', 'UNQUALIFIED', 'CONVERTED',
  'CONVERTED', 'LOST', 'LOST',
];
// prettier-ignore
const SOURCE = [
  'WEBSITE', 'WEBSITE', 'WEBSITE', 'REFERRAL', 'REFERRAL', 'GOOGLE_ADS', 'SOCIAL_MEDIA', 'COLD_CALL',
  'EMAIL_CAMPAIGN', 'EVENT', 'PARTNER', 'OTHER',
];
const TIMELINE = ['ASAP', '1-3 months', '3-6 months', '6-12 months', 'just browsing'];
const NOTE = [
  'Wants a 3-bed near good schools',
  'Pre-approved, looking at condos downtown',
  'Relocating for work in spring',
  'Asked about open houses this weekend',
  'Selling first, then buying',
  'Investor, interested in multi-family',
];
// Comma-separated tag sets; '' is no tags.
const TAGS = ['', '', 'first-time-buyer', 'pre-approved', 'investor', 'first-time-buyer,pre-approved'];

const arr = (xs) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
// Deterministic "random" integer in [0, n) for row g and a salt.
const pick = (salt, n) => `(abs(hashint8(g * 31 + ${salt})) % ${n})`;
const from = (xs, salt) => `(${arr(xs)})[1 + ${pick(salt, xs.length)}]`;

// Response time, in seconds, of an answered lead: 30 % within 5 minutes, 40 % within the
// hour, 20 % within the day, 10 % within 3 days.
const RESPONSE_SECONDS = `CASE WHEN ${pick(33, 100)} < 30 THEN ${pick(34, 300)}
  WHEN ${pick(33, 100)} < 70 THEN 300 + ${pick(35, 3300)}
  WHEN ${pick(33, 100)} < 90 THEN 3600 + ${pick(36, 82800)}
  ELSE 86400 + ${pick(37, 172800)} END`;

/** SQL that inserts `orgs` organizations with MEMBERS_PER_ORG members each and `leadsPerOrg` leads each. */
export function seedSql({ orgs, leadsPerOrg }) {
  const total = orgs * leadsPerOrg;
  return `
INSERT INTO organizations (id, name, created_at, updated_at)
SELECT md5('bench-org-' || o)::uuid, 'Bench Realty ' || o, now() - interval '3 years', now() - interval '3 years'
FROM generate_series(1, ${orgs}) o;

INSERT INTO profiles (id, email, full_name)
SELECT md5('bench-user-' || o || '-' || u)::uuid,
       'user' || u || '.org' || o || '@bench.example',
       (${arr(FIRST)})[1 + (o * 7 + u) % ${FIRST.length}] || ' ' || (${arr(LAST)})[1 + (o * 3 + u) % ${LAST.length}]
FROM generate_series(1, ${orgs}) o, generate_series(1, ${MEMBERS_PER_ORG}) u;

INSERT INTO memberships (organization_id, user_id, role)
SELECT md5('bench-org-' || o)::uuid, md5('bench-user-' || o || '-' || u)::uuid,
       CASE WHEN u = 1 THEN 'ADMIN' ELSE 'AGENT' END::"MemberRole"
FROM generate_series(1, ${orgs}) o, generate_series(1, ${MEMBERS_PER_ORG}) u;

-- Leads: org = (g-1)/leadsPerOrg + 1; assigned round-robin to the org's agents;
-- created over the last two years; ~2% soft-deleted.
INSERT INTO leads (organization_id, name, email, phone, company, source, status, score_value, budget,
                   timeline, notes, tags, assigned_to_id, created_by_id, created_at, updated_at,
                   last_contact_at, deleted_at, first_response_at)
SELECT org_id, first || ' ' || last,
       CASE WHEN ${pick(11, 10)} < 9 THEN lower(first || '.' || last || n) || '@' || ${from(DOMAIN, 12)} END,
       CASE WHEN ${pick(13, 10)} < 8 THEN '+1 ' || (200 + ${pick(14, 800)}) || ' 555 ' || lpad(${pick(15, 10000)}::text, 4, '0') END,
       CASE WHEN ${pick(16, 10)} < 6 THEN ${from(COMPANY, 17)} || ' ' || ${from(SUFFIX, 18)} END,
       ${from(SOURCE, 19)}::"LeadSource",
       status,
       ${pick(21, 101)},
       CASE WHEN ${pick(22, 10)} < 7 THEN (150000 + ${pick(23, 2000)} * 1000)::numeric(12, 2) END,
       CASE WHEN ${pick(24, 10)} < 5 THEN ${from(TIMELINE, 25)} END,
       CASE WHEN ${pick(26, 10)} < 4 THEN ${from(NOTE, 27)} END,
       string_to_array(${from(TAGS, 28)}, ','),
       md5('bench-user-' || o || '-' || (2 + n % ${MEMBERS_PER_ORG - 1}))::uuid,
       CASE WHEN ${pick(29, 5)} = 0 THEN md5('bench-user-' || o || '-1')::uuid
            ELSE md5('bench-user-' || o || '-' || (2 + n % ${MEMBERS_PER_ORG - 1}))::uuid END,
       created, created,
       CASE WHEN ${pick(30, 10)} < 5 THEN created + interval '2 days' END,
       CASE WHEN ${pick(31, 50)} = 0 THEN created + interval '7 days' END,
       -- 85 % of the leads out of NEW_LEAD were answered (analyticsSeedSql logs the contact
       -- activity at this moment); the others left NEW_LEAD with no recorded moment.
       CASE WHEN status <> 'NEW_LEAD' AND ${pick(32, 100)} < 85
            THEN least(now(), created + make_interval(secs => ${RESPONSE_SECONDS})) END
FROM (
  SELECT g, o, n, md5('bench-org-' || o)::uuid AS org_id,
         ${from(FIRST, 1)} AS first, ${from(LAST, 2)} AS last,
         ${from(STATUS, 20)}::"LeadStatus" AS status,
         now() - make_interval(secs => ${pick(3, 730 * 86400)}) AS created
  FROM (SELECT g, (g - 1) / ${leadsPerOrg} + 1 AS o, (g - 1) % ${leadsPerOrg} AS n
        FROM generate_series(1, ${total}) g) s
) x;
`;
}

/** Per organization, relative to its leads: deals, listings and appointments. */
export const analyticsSizes = (leadsPerOrg) => ({
  deals: Math.max(1, Math.round(leadsPerOrg / 5)),
  listings: Math.max(1, Math.round(leadsPerOrg * 0.06)),
  appointments: Math.max(1, Math.round(leadsPerOrg * 0.3)),
});

const agentOf = (n) => `md5('bench-user-' || o || '-' || (2 + ${n} % ${MEMBERS_PER_ORG - 1}))::uuid`;
/** Rows g = 1 … orgs × perOrg as (g, o, n): organization o (from 1), its n-th row (from 0). */
const perOrg = (orgs, count) =>
  `(SELECT g, (g - 1) / ${count} + 1 AS o, (g - 1) % ${count} AS n FROM generate_series(1, ${orgs * count}) g) s`;

// prettier-ignore
const OPEN_STAGES = ['LEAD', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CLOSING'];
const LOST_REASONS = ['Price', 'Went with another agent', 'Financing fell through', 'Changed plans'];
// prettier-ignore
const LISTED_RECENTLY = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'PENDING', 'CONTINGENT'];
// prettier-ignore
const LISTED_LONG_AGO = ['SOLD', 'SOLD', 'SOLD', 'EXPIRED', 'WITHDRAWN', 'ACTIVE'];
const STREETS = ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Park Blvd', 'Lake Rd'];
const CITIES = ['Springfield', 'Riverside', 'Fairview', 'Madison', 'Georgetown'];

/**
 * SQL that seeds what the analytics overview reads, after seedSql (same orgs and leads):
 * - a CALL or EMAIL completed at each answered lead's first_response_at (what
 *   app.activity_records_contact would have derived it from), and a TASK or NOTE 3 days after
 *   creation on 40 % of the leads (not a contact);
 * - deals (1 per 5 leads): 40 % open over the stages, 35 % won, 20 % lost, 5 % abandoned, closed
 *   10–120 days after creation; 2 % soft-deleted;
 * - listings (6 per 100 leads): the recent ones mostly on the market, the older ones mostly
 *   sold; each with its first price, 40 % with a price change 5–64 days after listing;
 * - appointments (3 per 10 leads): one per agent every 46 hours over the last ~2 years, past
 *   ones 70 % COMPLETED, 10 % NO_SHOW, 20 % CANCELLED; future ones SCHEDULED.
 * Triggers may be off (replica mode) while it runs: every derived column is written here.
 */
export function analyticsSeedSql({ orgs, leadsPerOrg }) {
  const size = analyticsSizes(leadsPerOrg);
  return `
INSERT INTO activities (organization_id, type, title, lead_id, assigned_to_id, created_by_id, completed_at,
                        created_at, updated_at)
SELECT organization_id, CASE WHEN abs(hashtext(id::text)) % 3 = 0 THEN 'EMAIL' ELSE 'CALL' END::"ActivityType",
       'First contact', id, assigned_to_id, assigned_to_id, first_response_at, first_response_at, first_response_at
FROM leads WHERE first_response_at IS NOT NULL;

INSERT INTO activities (organization_id, type, title, lead_id, assigned_to_id, created_by_id, due_date, completed_at,
                        created_at, updated_at)
SELECT organization_id, CASE WHEN abs(hashtext(id::text)) % 2 = 0 THEN 'TASK' ELSE 'NOTE' END::"ActivityType",
       'Follow up', id, assigned_to_id, assigned_to_id, created_at + interval '3 days',
       CASE WHEN created_at + interval '3 days' < now() THEN created_at + interval '3 days' END,
       created_at, created_at
FROM leads WHERE abs(hashtext(id::text || 'follow-up')) % 10 < 4;

INSERT INTO deals (organization_id, title, value, stage, status, probability, actual_close_date, lost_reason,
                   assigned_to_id, created_by_id, created_at, updated_at, deleted_at)
SELECT org_id, 'Deal ' || (n + 1), value, stage::"DealStage", status::"DealStatus",
       CASE stage WHEN 'LEAD' THEN 10 WHEN 'QUALIFIED' THEN 25 WHEN 'PROPOSAL' THEN 50 WHEN 'NEGOTIATION' THEN 70
                  WHEN 'CLOSING' THEN 90 WHEN 'CLOSED_WON' THEN 100 ELSE 0 END,
       CASE WHEN stage IN ('CLOSED_WON', 'CLOSED_LOST')
            THEN least(current_date, (created + make_interval(days => 10 + ${pick(43, 111)}))::date) END,
       CASE WHEN stage = 'CLOSED_LOST' THEN ${from(LOST_REASONS, 44)} END,
       agent, agent, created, created,
       CASE WHEN ${pick(45, 50)} = 0 THEN created + interval '1 day' END
FROM (
  SELECT g, n, md5('bench-org-' || o)::uuid AS org_id, ${agentOf('n')} AS agent,
         now() - make_interval(secs => ${pick(40, 730 * 86400)}) AS created,
         (150000 + ${pick(42, 2000)} * 1000)::numeric(12, 2) AS value,
         CASE WHEN ${pick(41, 100)} < 40 THEN ${from(OPEN_STAGES, 46)}
              WHEN ${pick(41, 100)} < 75 THEN 'CLOSED_WON'
              WHEN ${pick(41, 100)} < 95 THEN 'CLOSED_LOST'
              ELSE ${from(OPEN_STAGES, 46)} END AS stage,
         CASE WHEN ${pick(41, 100)} < 40 THEN 'ACTIVE'
              WHEN ${pick(41, 100)} < 75 THEN 'WON'
              WHEN ${pick(41, 100)} < 95 THEN 'LOST'
              ELSE 'ABANDONED' END AS status
  FROM ${perOrg(orgs, size.deals)}
) x;

INSERT INTO listings (organization_id, title, address, city, state, zip_code, price, status, listing_date,
                      assigned_to_id, created_by_id, created_at, updated_at, deleted_at)
SELECT org_id, 'Listing ' || (n + 1), (100 + n) || ' ' || ${from(STREETS, 51)}, ${from(CITIES, 52)}, 'IL', '62701',
       price, CASE WHEN created > now() - interval '120 days' THEN ${from(LISTED_RECENTLY, 53)}
                   ELSE ${from(LISTED_LONG_AGO, 53)} END::"ListingStatus",
       created::date, agent, agent, created, created,
       CASE WHEN ${pick(54, 50)} = 0 THEN created + interval '1 day' END
FROM (
  SELECT g, n, md5('bench-org-' || o)::uuid AS org_id, ${agentOf('n')} AS agent,
         now() - make_interval(secs => ${pick(50, 730 * 86400)}) AS created,
         (200000 + ${pick(55, 1800)} * 1000)::numeric(12, 2) AS price
  FROM ${perOrg(orgs, size.listings)}
) x;

-- The first price of every listing (as listings_price_history_insert records it), and a cut.
INSERT INTO listing_price_history (organization_id, listing_id, old_price, new_price, changed_at)
SELECT organization_id, id, NULL,
       CASE WHEN abs(hashtext(id::text)) % 10 < 4 THEN price + 10000 ELSE price END, created_at
FROM listings;
INSERT INTO listing_price_history (organization_id, listing_id, old_price, new_price, changed_at)
SELECT organization_id, id, price + 10000, price,
       least(now(), created_at + make_interval(days => 5 + abs(hashtext(id::text)) % 60))
FROM listings WHERE abs(hashtext(id::text)) % 10 < 4;

-- One agent's appointments never overlap: agent 2 + n % 4 holds every 4th, 46 hours apart.
INSERT INTO appointments (organization_id, title, type, status, starts_at, ends_at, agent_id, created_by_id,
                          created_at, updated_at)
SELECT org_id, 'Showing', ${from(['SHOWING', 'SHOWING', 'MEETING', 'CALL', 'OPEN_HOUSE'], 60)}::"AppointmentType",
       CASE WHEN starts > now() THEN 'SCHEDULED'
            WHEN ${pick(61, 10)} < 7 THEN 'COMPLETED'
            WHEN ${pick(61, 10)} < 8 THEN 'NO_SHOW'
            ELSE 'CANCELLED' END::"AppointmentStatus",
       starts, starts + interval '1 hour', agent, agent, starts - interval '3 days', starts - interval '3 days'
FROM (
  SELECT g, n, md5('bench-org-' || o)::uuid AS org_id, ${agentOf('n')} AS agent,
         date_trunc('hour', now()) - interval '700 days' + (n / ${MEMBERS_PER_ORG - 1}) * interval '46 hours' AS starts
  FROM ${perOrg(orgs, size.appointments)}
) x;
`;
}
