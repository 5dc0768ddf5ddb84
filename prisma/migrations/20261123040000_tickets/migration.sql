-- Tickets (issue 7, seed 001): service requests with a per-organization number, a
-- status workflow whose every change is logged by a trigger, several assignees,
-- internal and customer comments, attachments (metadata; the bytes live in the
-- storage driver), expiring share links for the customer view, and summary views.
--
-- Visibility (seed 001): an AGENT sees the tickets they created or are assigned to;
-- ADMIN, MANAGER and VIEWER see all of the organization's. The child tables inherit
-- it: their policies ask "is the ticket visible?" with an EXISTS on tickets, whose
-- own policies then apply. tickets' policy cannot read ticket_assignees directly
-- (ticket_assignees' policy reads tickets: infinite recursion), so it calls
-- app.is_ticket_assignee(), a SECURITY DEFINER function opaque to the planner.
--
-- The customer view runs with no user (app.current_user_id() null), role VIEWER,
-- and app.share_ticket_id naming the one ticket its link opens. In that context the
-- policies show that ticket only, never an internal comment, no attachment, no
-- assignee and no link, and allow exactly one kind of write: a customer comment
-- (plus the PENDING_CUSTOMER → IN_PROGRESS move it causes).
--
-- Two SECURITY DEFINER functions read FORCEd tables as their owner (the migration
-- role). Where that role is a superuser or BYPASSRLS (Supabase's postgres, the tests)
-- RLS does not apply to it; for any other owner, read-only policies TO CURRENT_USER
-- below give it exactly the rows those functions need.

CREATE TYPE "TicketPriority" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'URGENT');  -- declared in urgency order: ORDER BY priority DESC puts URGENT first
CREATE TYPE "TicketStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'RESOLVED', 'CLOSED', 'REOPENED');
CREATE TYPE "TicketCommentAuthor" AS ENUM ('MEMBER', 'CUSTOMER');

-- The ticket a customer link opened in this transaction (set by the public routes only).
CREATE FUNCTION app.share_ticket_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.share_ticket_id', true), '')::uuid $$;

-- Statuses in which a ticket still needs work (open and overdue counts, "overdue").
CREATE FUNCTION app.ticket_is_open(s "TicketStatus") RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT s IN ('OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'REOPENED') $$;

------------------------------------------------------------------------------
-- ticket_counters: the next human number per organization
------------------------------------------------------------------------------

-- One row per organization, incremented with INSERT … ON CONFLICT DO UPDATE in the
-- creating transaction: the row lock serialises concurrent creates, so numbers never
-- repeat (a rolled-back create leaves a gap, which is allowed).
CREATE TABLE ticket_counters (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  next_number     integer NOT NULL CHECK (next_number >= 1),
  PRIMARY KEY (organization_id)
);

ALTER TABLE ticket_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_counters_tenant ON ticket_counters FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY ticket_counters_write_insert ON ticket_counters AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY ticket_counters_write_update ON ticket_counters AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
GRANT SELECT, INSERT, UPDATE ON ticket_counters TO crm_app;

-- Runs as the inserting role, so the counter row is subject to the policies above.
CREATE FUNCTION app.next_ticket_number(p_org uuid) RETURNS integer
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE v integer;
BEGIN
  INSERT INTO public.ticket_counters AS c (organization_id, next_number) VALUES (p_org, 2)
  ON CONFLICT (organization_id) DO UPDATE SET next_number = c.next_number + 1
  RETURNING c.next_number - 1 INTO v;
  RETURN v;
END
$$;

------------------------------------------------------------------------------
-- tickets
------------------------------------------------------------------------------

CREATE TABLE tickets (
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- Shown as T-<number>; assigned by the tickets_number trigger when not given.
  number            integer NOT NULL CHECK (number >= 1),
  title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description       text CHECK (length(description) <= 20000),
  priority          "TicketPriority" NOT NULL DEFAULT 'MEDIUM',
  status            "TicketStatus" NOT NULL DEFAULT 'OPEN',
  category          text CHECK (length(btrim(category)) BETWEEN 1 AND 100),
  contact_id        uuid,              -- the customer
  listing_id        uuid,
  created_by_id     uuid REFERENCES profiles (id) ON DELETE SET NULL,
  due_at            timestamptz(3),
  first_response_at timestamptz(3),
  -- Maintained by the tickets_status_timestamps trigger, whatever changes the status.
  resolved_at       timestamptz(3),
  closed_at         timestamptz(3),
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, number),
  FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE SET NULL (contact_id),
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE SET NULL (listing_id),
  -- resolved_at exactly while RESOLVED or CLOSED; closed_at exactly while CLOSED.
  CONSTRAINT tickets_resolved_at_matches_status CHECK ((status IN ('RESOLVED', 'CLOSED')) = (resolved_at IS NOT NULL)),
  CONSTRAINT tickets_closed_at_matches_status CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);
CREATE INDEX tickets_org_created_idx ON tickets (organization_id, created_at DESC, id);
CREATE INDEX tickets_org_status_priority_idx ON tickets (organization_id, status, priority);
CREATE INDEX tickets_org_due_idx ON tickets (organization_id, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX tickets_org_contact_idx ON tickets (organization_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX tickets_org_listing_idx ON tickets (organization_id, listing_id) WHERE listing_id IS NOT NULL;
CREATE INDEX tickets_org_creator_idx ON tickets (organization_id, created_by_id);
CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

CREATE FUNCTION app.assign_ticket_number() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.number IS NULL THEN
    NEW.number := app.next_ticket_number(NEW.organization_id);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_number BEFORE INSERT ON tickets
  FOR EACH ROW EXECUTE FUNCTION app.assign_ticket_number();

-- resolved_at: when the ticket reached RESOLVED (or CLOSED without being resolved
-- first), kept while it goes on to CLOSED, cleared when it leaves both (REOPENED).
-- closed_at: when it reached CLOSED, cleared when it leaves. On INSERT (imports by
-- SQL) given values are kept. Other updates leave both alone and the CHECKs hold.
CREATE FUNCTION app.ticket_status_timestamps() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  was_done boolean := TG_OP = 'UPDATE' AND OLD.status IN ('RESOLVED', 'CLOSED');
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
    RETURN NEW;
  END IF;
  IF NEW.status IN ('RESOLVED', 'CLOSED') THEN
    NEW.resolved_at := CASE WHEN was_done THEN coalesce(OLD.resolved_at, now())
                            WHEN TG_OP = 'INSERT' THEN coalesce(NEW.resolved_at, now())
                            ELSE now() END;
  ELSE
    NEW.resolved_at := NULL;
  END IF;
  IF NEW.status = 'CLOSED' THEN
    NEW.closed_at := CASE WHEN TG_OP = 'INSERT' THEN coalesce(NEW.closed_at, now()) ELSE now() END;
  ELSE
    NEW.closed_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tickets_status_timestamps BEFORE INSERT OR UPDATE OF status ON tickets
  FOR EACH ROW EXECUTE FUNCTION app.ticket_status_timestamps();

ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY tickets_tenant ON tickets FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- Policies on tickets that read ticket_assignees are created after that table.
CREATE POLICY tickets_write_insert ON tickets AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
-- The customer view may update its one ticket (a reply moves PENDING_CUSTOMER on).
CREATE POLICY tickets_write_update ON tickets AS RESTRICTIVE FOR UPDATE TO crm_app
  USING (
    (SELECT app.can_write())
    OR ((SELECT app.current_user_id()) IS NULL AND id = (SELECT app.share_ticket_id()))
  );
-- Deleting a ticket (and its history, comments, attachments) is for ADMIN and MANAGER.
CREATE POLICY tickets_write_delete ON tickets AS RESTRICTIVE FOR DELETE TO crm_app
  USING ((SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
GRANT SELECT, INSERT, UPDATE, DELETE ON tickets TO crm_app;

------------------------------------------------------------------------------
-- ticket_assignees: several members per ticket
------------------------------------------------------------------------------

CREATE TABLE ticket_assignees (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  user_id         uuid NOT NULL,
  assigned_by_id  uuid REFERENCES profiles (id) ON DELETE SET NULL,
  assigned_at     timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, ticket_id, user_id),
  FOREIGN KEY (organization_id, ticket_id) REFERENCES tickets (organization_id, id) ON DELETE CASCADE,
  -- Only members are assigned; removing a member unassigns them everywhere.
  FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);
CREATE INDEX ticket_assignees_org_user_idx ON ticket_assignees (organization_id, user_id, ticket_id);

-- Is the current user assigned to this ticket of the current organization? Definer,
-- so that tickets' policy can ask without recursing into ticket_assignees' policy.
CREATE FUNCTION app.is_ticket_assignee(p_ticket uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM public.ticket_assignees a
      WHERE a.organization_id = app.current_org_id()
        AND a.ticket_id = p_ticket
        AND a.user_id = app.current_user_id()
    )
  $$;
REVOKE ALL ON FUNCTION app.is_ticket_assignee(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.is_ticket_assignee(uuid) TO crm_app;

ALTER TABLE ticket_assignees ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_assignees FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_assignees_tenant ON ticket_assignees FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- Rows of visible tickets only (tickets' agent scope applies inside EXISTS); none without a user.
CREATE POLICY ticket_assignees_ticket_scope ON ticket_assignees AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_assignees.organization_id AND t.id = ticket_assignees.ticket_id)
  )
  WITH CHECK (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_assignees.organization_id AND t.id = ticket_assignees.ticket_id)
  );
CREATE POLICY ticket_assignees_write_insert ON ticket_assignees AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()) AND assigned_by_id IS NOT DISTINCT FROM (SELECT app.current_user_id()));
CREATE POLICY ticket_assignees_write_delete ON ticket_assignees AS RESTRICTIVE FOR DELETE TO crm_app
  USING ((SELECT app.can_write()));
-- For app.is_ticket_assignee() when its owner is subject to RLS: the current organization only.
CREATE POLICY ticket_assignees_definer_read ON ticket_assignees FOR SELECT TO CURRENT_USER
  USING (organization_id = app.current_org_id());
GRANT SELECT, INSERT, DELETE ON ticket_assignees TO crm_app;

-- The visibility of tickets themselves, now that ticket_assignees exists. Without a
-- user, only the ticket of the customer link in use.
CREATE POLICY tickets_visibility ON tickets AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    CASE WHEN (SELECT app.current_user_id()) IS NULL THEN id = (SELECT app.share_ticket_id())
         ELSE NOT (SELECT app.is_agent())
              OR created_by_id = (SELECT app.current_user_id())
              OR app.is_ticket_assignee(id)
    END
  )
  WITH CHECK (
    CASE WHEN (SELECT app.current_user_id()) IS NULL THEN id = (SELECT app.share_ticket_id())
         ELSE NOT (SELECT app.is_agent())
              OR created_by_id = (SELECT app.current_user_id())
              OR app.is_ticket_assignee(id)
    END
  );

------------------------------------------------------------------------------
-- ticket_status_history: every status a ticket entered, including its first
------------------------------------------------------------------------------

CREATE TABLE ticket_status_history (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  from_status     "TicketStatus",          -- null for the row written on insert
  to_status       "TicketStatus" NOT NULL,
  -- The transaction-local app.status_note the service sets before the change.
  note            text CHECK (length(note) <= 2000),
  -- app.current_user_id(): null for a customer (share link) or a change made in SQL
  -- by the owner. No foreign key, so the audit row outlives the profile.
  changed_by_id   uuid,
  -- clock_timestamp: several changes in one transaction keep their order.
  changed_at      timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, ticket_id) REFERENCES tickets (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_status_history_ticket_idx ON ticket_status_history (organization_id, ticket_id, changed_at);

ALTER TABLE ticket_status_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_status_history FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_status_history_tenant ON ticket_status_history FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY ticket_status_history_ticket_scope ON ticket_status_history AS RESTRICTIVE FOR SELECT TO crm_app
  USING (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_status_history.organization_id AND t.id = ticket_status_history.ticket_id)
  );
-- Written by the trigger as the writing role: only a row describing the status a
-- ticket visible to that role has right now, attributed to that role's user.
CREATE POLICY ticket_status_history_insert ON ticket_status_history AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK (
    ((SELECT app.can_write()) OR (SELECT app.current_user_id()) IS NULL)
    AND changed_by_id IS NOT DISTINCT FROM (SELECT app.current_user_id())
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_status_history.organization_id
                  AND t.id = ticket_status_history.ticket_id
                  AND t.status = ticket_status_history.to_status)
  );
-- Append-only: no UPDATE or DELETE grant.
GRANT SELECT, INSERT ON ticket_status_history TO crm_app;

CREATE FUNCTION app.record_ticket_status() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO public.ticket_status_history (organization_id, ticket_id, from_status, to_status, note, changed_by_id)
  VALUES (NEW.organization_id, NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
          nullif(current_setting('app.status_note', true), ''), app.current_user_id());
  RETURN NULL;
END
$$;
CREATE TRIGGER tickets_status_history_insert AFTER INSERT ON tickets
  FOR EACH ROW EXECUTE FUNCTION app.record_ticket_status();
CREATE TRIGGER tickets_status_history_update AFTER UPDATE OF status ON tickets
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION app.record_ticket_status();

------------------------------------------------------------------------------
-- ticket_comments: members' (internal or not) and customers' (via a share link)
------------------------------------------------------------------------------

CREATE TABLE ticket_comments (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  body            text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
  is_internal     boolean NOT NULL DEFAULT false,
  author_type     "TicketCommentAuthor" NOT NULL DEFAULT 'MEMBER',
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,  -- null for a customer
  created_at      timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, ticket_id) REFERENCES tickets (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT ticket_comments_customer_public CHECK (author_type = 'MEMBER' OR (NOT is_internal AND created_by_id IS NULL))
);
CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (organization_id, ticket_id, created_at);

ALTER TABLE ticket_comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_comments FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_comments_tenant ON ticket_comments FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- Comments of visible tickets; without a user (customer view) never an internal one.
CREATE POLICY ticket_comments_ticket_scope ON ticket_comments AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    ((SELECT app.current_user_id()) IS NOT NULL OR NOT is_internal)
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_comments.organization_id AND t.id = ticket_comments.ticket_id)
  )
  WITH CHECK (
    ((SELECT app.current_user_id()) IS NOT NULL OR NOT is_internal)
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_comments.organization_id AND t.id = ticket_comments.ticket_id)
  );
-- A member writes as themself; the customer view writes customer comments only.
CREATE POLICY ticket_comments_write_insert ON ticket_comments AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK (
    ((SELECT app.can_write()) AND author_type = 'MEMBER' AND created_by_id = (SELECT app.current_user_id()))
    OR ((SELECT app.current_user_id()) IS NULL AND author_type = 'CUSTOMER')
  );
GRANT SELECT, INSERT ON ticket_comments TO crm_app;

------------------------------------------------------------------------------
-- ticket_attachments: metadata of files kept by the storage driver
------------------------------------------------------------------------------

CREATE TABLE ticket_attachments (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  file_name       text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  file_size       integer NOT NULL CHECK (file_size BETWEEN 0 AND 52428800),  -- 50 MiB
  mime_type       text NOT NULL CHECK (length(mime_type) BETWEEN 3 AND 255),
  -- {organization_id}/{ticket_id}/{uuid}-{sanitized name}: the object's key in the store.
  storage_path    text NOT NULL CHECK (storage_path LIKE organization_id::text || '/' || ticket_id::text || '/%'),
  uploaded_by_id  uuid REFERENCES profiles (id) ON DELETE SET NULL,
  uploaded_at     timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  UNIQUE (storage_path),
  FOREIGN KEY (organization_id, ticket_id) REFERENCES tickets (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (organization_id, ticket_id, uploaded_at);

ALTER TABLE ticket_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_attachments_tenant ON ticket_attachments FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY ticket_attachments_ticket_scope ON ticket_attachments AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_attachments.organization_id AND t.id = ticket_attachments.ticket_id)
  )
  WITH CHECK (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_attachments.organization_id AND t.id = ticket_attachments.ticket_id)
  );
CREATE POLICY ticket_attachments_write_insert ON ticket_attachments AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()) AND uploaded_by_id = (SELECT app.current_user_id()));
CREATE POLICY ticket_attachments_write_delete ON ticket_attachments AS RESTRICTIVE FOR DELETE TO crm_app
  USING ((SELECT app.can_write()));
GRANT SELECT, INSERT, DELETE ON ticket_attachments TO crm_app;

------------------------------------------------------------------------------
-- ticket_share_links: expiring, revocable customer links (only a SHA-256 of the token)
------------------------------------------------------------------------------

CREATE TABLE ticket_share_links (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  token_hash      text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),  -- sha256(token), hex
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  expires_at      timestamptz(3) NOT NULL,
  revoked_at      timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  UNIQUE (token_hash),
  FOREIGN KEY (organization_id, ticket_id) REFERENCES tickets (organization_id, id) ON DELETE CASCADE,
  CHECK (expires_at > created_at)
);
CREATE INDEX ticket_share_links_ticket_idx ON ticket_share_links (organization_id, ticket_id, created_at DESC);

ALTER TABLE ticket_share_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_share_links FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_share_links_tenant ON ticket_share_links FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY ticket_share_links_ticket_scope ON ticket_share_links AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_share_links.organization_id AND t.id = ticket_share_links.ticket_id)
  )
  WITH CHECK (
    (SELECT app.current_user_id()) IS NOT NULL
    AND EXISTS (SELECT 1 FROM tickets t
                WHERE t.organization_id = ticket_share_links.organization_id AND t.id = ticket_share_links.ticket_id)
  );
CREATE POLICY ticket_share_links_write_insert ON ticket_share_links AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()) AND created_by_id = (SELECT app.current_user_id()));
CREATE POLICY ticket_share_links_write_update ON ticket_share_links AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
-- For app.resolve_ticket_share() when its owner is subject to RLS: a lookup by hash spans organizations.
CREATE POLICY ticket_share_links_definer_read ON ticket_share_links FOR SELECT TO CURRENT_USER
  USING (true);
-- Only revoked_at changes after creation.
GRANT SELECT, INSERT, UPDATE (revoked_at) ON ticket_share_links TO crm_app;

-- The public routes know nobody and no organization: given the SHA-256 of a token,
-- this returns the ticket and organization it opens, and nothing when the link is
-- unknown, expired or revoked. Definer (reads across organizations), search_path pinned.
CREATE FUNCTION app.resolve_ticket_share(p_token_hash text)
  RETURNS TABLE (organization_id uuid, ticket_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT l.organization_id, l.ticket_id FROM public.ticket_share_links l
    WHERE l.token_hash = p_token_hash AND l.revoked_at IS NULL AND l.expires_at > now()
  $$;
REVOKE ALL ON FUNCTION app.resolve_ticket_share(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.resolve_ticket_share(text) TO crm_app;

------------------------------------------------------------------------------
-- Summary views (seed 001): security_invoker, so every policy above applies to
-- whoever reads them (an AGENT's figures cover only the tickets they can see).
------------------------------------------------------------------------------

CREATE VIEW ticket_summary WITH (security_invoker = true) AS
SELECT
  t.id,
  t.organization_id,
  t.number,
  t.title,
  t.status,
  t.priority,
  t.category,
  t.contact_id,
  t.listing_id,
  t.created_by_id,
  t.created_at,
  t.due_at,
  t.first_response_at,
  t.resolved_at,
  t.closed_at,
  app.ticket_is_open(t.status) AS is_open,
  app.ticket_is_open(t.status) AND t.due_at < now() AS is_overdue,
  extract(epoch FROM t.first_response_at - t.created_at)::double precision AS first_response_seconds,
  extract(epoch FROM t.resolved_at - t.created_at)::double precision AS resolution_seconds,
  (SELECT count(*) FROM ticket_comments c
    WHERE c.organization_id = t.organization_id AND c.ticket_id = t.id)::integer AS comment_count,
  (SELECT count(*) FROM ticket_attachments a
    WHERE a.organization_id = t.organization_id AND a.ticket_id = t.id)::integer AS attachment_count,
  (SELECT count(*) FROM ticket_assignees s
    WHERE s.organization_id = t.organization_id AND s.ticket_id = t.id)::integer AS assignee_count
FROM tickets t;

-- One row per member and assigned ticket (members without tickets too, with nulls):
-- the workload figures aggregate it over a period the caller chooses.
CREATE VIEW user_workload WITH (security_invoker = true) AS
SELECT
  m.organization_id,
  m.user_id,
  m.role,
  p.full_name,
  p.email,
  s.id AS ticket_id,
  s.status,
  s.priority,
  s.is_open,
  s.is_overdue,
  s.resolved_at
FROM memberships m
JOIN profiles p ON p.id = m.user_id
LEFT JOIN ticket_assignees a ON a.organization_id = m.organization_id AND a.user_id = m.user_id
LEFT JOIN ticket_summary s ON s.organization_id = a.organization_id AND s.id = a.ticket_id;

GRANT SELECT ON ticket_summary, user_workload TO crm_app;

------------------------------------------------------------------------------
-- Supabase Data API: none of this is reachable by anon/authenticated
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON ticket_counters, tickets, ticket_assignees, ticket_status_history, '
                     'ticket_comments, ticket_attachments, ticket_share_links, ticket_summary, user_workload FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION app.share_ticket_id(), app.ticket_is_open("TicketStatus"), app.next_ticket_number(uuid),
  app.assign_ticket_number(), app.ticket_status_timestamps(), app.record_ticket_status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.share_ticket_id(), app.ticket_is_open("TicketStatus"), app.next_ticket_number(uuid),
  app.assign_ticket_number(), app.ticket_status_timestamps(), app.record_ticket_status() TO crm_app;
