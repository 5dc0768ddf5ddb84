// Set-based seed for the benchmark: organizations, profiles, memberships and
// leads generated inside the database with generate_series, run as the owner.
// Used for Postgres (bench/run.mjs) and for the embedded PGlite database.
//
// Ids are derived from md5 of stable strings, so the bench can recompute every
// organization and user id without reading them back.

import { createHash } from 'node:crypto';

export const SEED_VERSION = 1;
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
                   last_contact_at, deleted_at)
SELECT org_id, first || ' ' || last,
       CASE WHEN ${pick(11, 10)} < 9 THEN lower(first || '.' || last || n) || '@' || ${from(DOMAIN, 12)} END,
       CASE WHEN ${pick(13, 10)} < 8 THEN '+1 ' || (200 + ${pick(14, 800)}) || ' 555 ' || lpad(${pick(15, 10000)}::text, 4, '0') END,
       CASE WHEN ${pick(16, 10)} < 6 THEN ${from(COMPANY, 17)} || ' ' || ${from(SUFFIX, 18)} END,
       ${from(SOURCE, 19)}::"LeadSource",
       ${from(STATUS, 20)}::"LeadStatus",
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
       CASE WHEN ${pick(31, 50)} = 0 THEN created + interval '7 days' END
FROM (
  SELECT g, o, n, md5('bench-org-' || o)::uuid AS org_id,
         ${from(FIRST, 1)} AS first, ${from(LAST, 2)} AS last,
         now() - make_interval(secs => ${pick(3, 730 * 86400)}) AS created
  FROM (SELECT g, (g - 1) / ${leadsPerOrg} + 1 AS o, (g - 1) % ${leadsPerOrg} AS n
        FROM generate_series(1, ${total}) g) s
) x;
`;
}
