-- Activities and appointments (issue 6): an AGENT's view of activities, the lead/contact
-- "last contact" kept by a trigger, indexes for the record timelines, and the appointments
-- calendar whose "no double-booking" rule is an exclusion constraint.

-- Exclusion constraints mixing = on uuid with && on ranges need btree_gist. On Supabase
-- enable it beforehand (Dashboard → Database → Extensions); this is then a no-op.
CREATE EXTENSION IF NOT EXISTS btree_gist;

------------------------------------------------------------------------------
-- activities: what an AGENT sees
------------------------------------------------------------------------------

-- An AGENT sees (and writes) an activity they created or are assigned to, or one whose
-- every linked record they can see: the EXISTS subqueries run under those tables' own
-- policies, so the leads/deals AGENT scope decides. A call on another agent's lead stays
-- hidden even when it also names a listing everyone sees.
CREATE POLICY activities_agent_scope ON activities AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR created_by_id = (SELECT app.current_user_id())
    OR assigned_to_id = (SELECT app.current_user_id())
    OR (
      (lead_id IS NULL OR EXISTS (
        SELECT 1 FROM leads l WHERE l.organization_id = activities.organization_id AND l.id = activities.lead_id))
      AND (deal_id IS NULL OR EXISTS (
        SELECT 1 FROM deals d WHERE d.organization_id = activities.organization_id AND d.id = activities.deal_id))
      AND (contact_id IS NULL OR EXISTS (
        SELECT 1 FROM contacts c WHERE c.organization_id = activities.organization_id AND c.id = activities.contact_id))
      AND (listing_id IS NULL OR EXISTS (
        SELECT 1 FROM listings s WHERE s.organization_id = activities.organization_id AND s.id = activities.listing_id))
    )
  )
  WITH CHECK (
    NOT (SELECT app.is_agent())
    OR created_by_id = (SELECT app.current_user_id())
    OR assigned_to_id = (SELECT app.current_user_id())
    OR (
      (lead_id IS NULL OR EXISTS (
        SELECT 1 FROM leads l WHERE l.organization_id = activities.organization_id AND l.id = activities.lead_id))
      AND (deal_id IS NULL OR EXISTS (
        SELECT 1 FROM deals d WHERE d.organization_id = activities.organization_id AND d.id = activities.deal_id))
      AND (contact_id IS NULL OR EXISTS (
        SELECT 1 FROM contacts c WHERE c.organization_id = activities.organization_id AND c.id = activities.contact_id))
      AND (listing_id IS NULL OR EXISTS (
        SELECT 1 FROM listings s WHERE s.organization_id = activities.organization_id AND s.id = activities.listing_id))
    )
  );

------------------------------------------------------------------------------
-- activities → leads.last_contact_at / contacts.last_contact_at
------------------------------------------------------------------------------

-- A completed CALL, EMAIL, MEETING or SHOWING is a contact: the linked lead's and
-- contact's last_contact_at move forward to its completed_at (never backward, so a
-- back-dated log does not hide a newer contact), and a NEW_LEAD becomes IN_CONTACT.
-- A trigger, not service code, so that every write path (create with completedAt,
-- complete, PATCH, a future import) keeps it, in the writing transaction.
-- SECURITY INVOKER: it runs as the writer (crm_app in the API) under RLS like any
-- other statement of the request; no owner privileges are involved.
CREATE FUNCTION app.activity_records_contact() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.lead_id IS NOT NULL THEN
    UPDATE leads
       SET last_contact_at = greatest(last_contact_at, NEW.completed_at),
           status = CASE WHEN status = 'NEW_LEAD' THEN 'IN_CONTACT'::"LeadStatus" ELSE status END
     WHERE organization_id = NEW.organization_id AND id = NEW.lead_id
       AND (last_contact_at IS NULL OR last_contact_at < NEW.completed_at OR status = 'NEW_LEAD');
  END IF;
  IF NEW.contact_id IS NOT NULL THEN
    UPDATE contacts
       SET last_contact_at = greatest(last_contact_at, NEW.completed_at)
     WHERE organization_id = NEW.organization_id AND id = NEW.contact_id
       AND (last_contact_at IS NULL OR last_contact_at < NEW.completed_at);
  END IF;
  RETURN NULL;
END
$$;
GRANT EXECUTE ON FUNCTION app.activity_records_contact() TO crm_app;

CREATE TRIGGER activities_record_contact_insert AFTER INSERT ON activities
  FOR EACH ROW
  WHEN (NEW.completed_at IS NOT NULL AND NEW.type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING'))
  EXECUTE FUNCTION app.activity_records_contact();
CREATE TRIGGER activities_record_contact_update AFTER UPDATE OF completed_at, type, lead_id, contact_id ON activities
  FOR EACH ROW
  WHEN (NEW.completed_at IS NOT NULL AND NEW.type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING')
        AND (OLD.completed_at IS DISTINCT FROM NEW.completed_at OR OLD.type IS DISTINCT FROM NEW.type
             OR OLD.lead_id IS DISTINCT FROM NEW.lead_id OR OLD.contact_id IS DISTINCT FROM NEW.contact_id))
  EXECUTE FUNCTION app.activity_records_contact();

-- Where an activity sits on a timeline: when it was done, else when it was logged. A stored
-- column, not an expression index: under RLS the planner only turns the timeline's keyset
-- condition (occurred_at, id) < (…) into an index bound when it compares plain columns
-- (an expression such as coalesce(…) is not known to be leakproof), so a deep page would
-- otherwise scan every newer item.
ALTER TABLE activities
  ADD COLUMN occurred_at timestamptz(3) NOT NULL GENERATED ALWAYS AS (coalesce(completed_at, created_at)) STORED;
CREATE INDEX activities_lead_timeline_idx ON activities (organization_id, lead_id, occurred_at, id)
  WHERE lead_id IS NOT NULL;
CREATE INDEX activities_contact_timeline_idx ON activities (organization_id, contact_id, occurred_at, id)
  WHERE contact_id IS NOT NULL;
CREATE INDEX activities_deal_timeline_idx ON activities (organization_id, deal_id, occurred_at, id)
  WHERE deal_id IS NOT NULL;
CREATE INDEX activities_listing_timeline_idx ON activities (organization_id, listing_id, occurred_at, id)
  WHERE listing_id IS NOT NULL;

------------------------------------------------------------------------------
-- appointments: an agent's calendar
------------------------------------------------------------------------------

CREATE TYPE "AppointmentType" AS ENUM ('SHOWING', 'OPEN_HOUSE', 'MEETING', 'CALL', 'OTHER');
CREATE TYPE "AppointmentStatus" AS ENUM ('SCHEDULED', 'CONFIRMED', 'COMPLETED', 'CANCELLED', 'NO_SHOW');

CREATE TABLE appointments (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  type            "AppointmentType" NOT NULL DEFAULT 'MEETING',
  status          "AppointmentStatus" NOT NULL DEFAULT 'SCHEDULED',
  starts_at       timestamptz(3) NOT NULL,
  ends_at         timestamptz(3) NOT NULL,
  location        text CHECK (length(location) <= 500),
  notes           text CHECK (length(notes) <= 10000),
  -- The member whose calendar holds it. Null only after that member left the
  -- organization (the API always sets it); an unassigned slot blocks nobody.
  agent_id        uuid,
  lead_id         uuid,
  deal_id         uuid,
  listing_id      uuid,
  cancel_reason   text CHECK (length(cancel_reason) <= 1000),
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  CONSTRAINT appointments_span CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'),
  CONSTRAINT appointments_cancel_reason_when_cancelled CHECK (cancel_reason IS NULL OR status = 'CANCELLED'),
  FOREIGN KEY (organization_id, agent_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (agent_id),
  FOREIGN KEY (organization_id, lead_id) REFERENCES leads (organization_id, id) ON DELETE SET NULL (lead_id),
  FOREIGN KEY (organization_id, deal_id) REFERENCES deals (organization_id, id) ON DELETE SET NULL (deal_id),
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE SET NULL (listing_id),
  -- No double-booking: one agent's live appointments never overlap. Half-open ranges, so
  -- 10:00–11:00 and 11:00–12:00 are both allowed; a cancelled appointment frees its slot.
  -- Enforced here, so two concurrent bookings of one slot cannot both commit.
  CONSTRAINT appointments_no_double_booking EXCLUDE USING gist (
    organization_id WITH =,
    agent_id WITH =,
    tstzrange(starts_at, ends_at, '[)') WITH &&
  ) WHERE (status <> 'CANCELLED')
);
CREATE INDEX appointments_org_starts_idx ON appointments (organization_id, starts_at, id);
CREATE INDEX appointments_org_lead_idx ON appointments (organization_id, lead_id, starts_at, id) WHERE lead_id IS NOT NULL;
CREATE INDEX appointments_org_deal_idx ON appointments (organization_id, deal_id, starts_at, id) WHERE deal_id IS NOT NULL;
CREATE INDEX appointments_org_listing_idx ON appointments (organization_id, listing_id, starts_at, id)
  WHERE listing_id IS NOT NULL;
CREATE TRIGGER appointments_touch BEFORE UPDATE ON appointments
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointments FORCE ROW LEVEL SECURITY;
CREATE POLICY appointments_tenant ON appointments FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- An AGENT sees their own calendar (agent or creator) and appointments whose every linked
-- lead, deal and listing they can see (as for activities).
CREATE POLICY appointments_agent_read ON appointments AS RESTRICTIVE FOR SELECT TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR agent_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
    OR (
      (lead_id IS NULL OR EXISTS (
        SELECT 1 FROM leads l WHERE l.organization_id = appointments.organization_id AND l.id = appointments.lead_id))
      AND (deal_id IS NULL OR EXISTS (
        SELECT 1 FROM deals d WHERE d.organization_id = appointments.organization_id AND d.id = appointments.deal_id))
      AND (listing_id IS NULL OR EXISTS (
        SELECT 1 FROM listings s WHERE s.organization_id = appointments.organization_id AND s.id = appointments.listing_id))
    )
  );
-- …but books, changes and deletes only their own: an AGENT's new appointment is on their
-- own calendar, and what they change stays theirs.
CREATE POLICY appointments_agent_insert ON appointments AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK (NOT (SELECT app.is_agent()) OR agent_id = (SELECT app.current_user_id()));
CREATE POLICY appointments_agent_update ON appointments AS RESTRICTIVE FOR UPDATE TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR agent_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  )
  WITH CHECK (NOT (SELECT app.is_agent()) OR agent_id = (SELECT app.current_user_id()));
CREATE POLICY appointments_agent_delete ON appointments AS RESTRICTIVE FOR DELETE TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR agent_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  );
CREATE POLICY appointments_write_insert ON appointments AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY appointments_write_update ON appointments AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
CREATE POLICY appointments_write_delete ON appointments AS RESTRICTIVE FOR DELETE TO crm_app
  USING ((SELECT app.can_write()));
-- Appointments are deleted for real (cancel keeps the record; delete removes a mistake).
GRANT SELECT, INSERT, UPDATE, DELETE ON appointments TO crm_app;

------------------------------------------------------------------------------
-- appointment_attendees: the contacts invited to an appointment
------------------------------------------------------------------------------

-- A pure join row: its identity is (organization_id, appointment_id, contact_id), which
-- leads with organization_id like every tenant key.
CREATE TABLE appointment_attendees (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  appointment_id  uuid NOT NULL,
  contact_id      uuid NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, appointment_id, contact_id),
  FOREIGN KEY (organization_id, appointment_id) REFERENCES appointments (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE CASCADE
);
-- A contact's appointments (contact timeline).
CREATE INDEX appointment_attendees_contact_idx ON appointment_attendees (organization_id, contact_id, appointment_id);

ALTER TABLE appointment_attendees ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_attendees FORCE ROW LEVEL SECURITY;
CREATE POLICY appointment_attendees_tenant ON appointment_attendees FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- Visible with the appointment (its policies apply inside EXISTS)…
CREATE POLICY appointment_attendees_read ON appointment_attendees AS RESTRICTIVE FOR SELECT TO crm_app
  USING (EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.organization_id = appointment_attendees.organization_id AND a.id = appointment_attendees.appointment_id
  ));
-- …and changed only by whoever may change the appointment.
CREATE POLICY appointment_attendees_insert ON appointment_attendees AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK (
    (SELECT app.can_write())
    AND EXISTS (
      SELECT 1 FROM appointments a
      WHERE a.organization_id = appointment_attendees.organization_id AND a.id = appointment_attendees.appointment_id
        AND (NOT (SELECT app.is_agent())
             OR a.agent_id = (SELECT app.current_user_id())
             OR a.created_by_id = (SELECT app.current_user_id()))
    )
  );
CREATE POLICY appointment_attendees_delete ON appointment_attendees AS RESTRICTIVE FOR DELETE TO crm_app
  USING (
    (SELECT app.can_write())
    AND EXISTS (
      SELECT 1 FROM appointments a
      WHERE a.organization_id = appointment_attendees.organization_id AND a.id = appointment_attendees.appointment_id
        AND (NOT (SELECT app.is_agent())
             OR a.agent_id = (SELECT app.current_user_id())
             OR a.created_by_id = (SELECT app.current_user_id()))
    )
  );
GRANT SELECT, INSERT, DELETE ON appointment_attendees TO crm_app;

------------------------------------------------------------------------------
-- Supabase Data API: keep the new tables away from anon/authenticated
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON appointments, appointment_attendees FROM %I', r);
      EXECUTE format('REVOKE ALL ON FUNCTION app.activity_records_contact() FROM %I', r);
    END IF;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION app.activity_records_contact() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.activity_records_contact() TO crm_app;
