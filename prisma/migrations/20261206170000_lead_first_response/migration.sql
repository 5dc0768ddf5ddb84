-- Speed-to-lead (issue 18): when a lead was first answered, kept on the lead by the database so
-- analytics reads one column instead of searching each lead's activities.
--
-- leads.first_response_at is the earlier of
--   * the completed_at of its first completed CALL, EMAIL, MEETING or SHOWING (the activities
--     that move a NEW_LEAD to IN_CONTACT: app.activity_records_contact, which now also keeps this
--     column — a back-dated activity moves it earlier), and
--   * the moment its status first left NEW_LEAD by any other write (the leads_first_response
--     trigger below, at the transaction's now()).
-- A lead created in another status was never a NEW_LEAD to answer: it stays null until a contact
-- activity is logged, and speed-to-lead leaves it out (docs/analytics.md).

ALTER TABLE leads ADD COLUMN first_response_at timestamptz(3);

CREATE FUNCTION app.lead_first_response() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF OLD.status = 'NEW_LEAD' AND NEW.status <> 'NEW_LEAD' AND NEW.first_response_at IS NULL THEN
    NEW.first_response_at := now();
  END IF;
  RETURN NEW;
END
$$;
GRANT EXECUTE ON FUNCTION app.lead_first_response() TO crm_app;

CREATE TRIGGER leads_first_response BEFORE UPDATE OF status ON leads
  FOR EACH ROW
  WHEN (OLD.status = 'NEW_LEAD' AND NEW.status <> 'NEW_LEAD' AND NEW.first_response_at IS NULL)
  EXECUTE FUNCTION app.lead_first_response();

-- As in 20261123060000_activities_appointments, plus first_response_at (least() skips nulls).
CREATE OR REPLACE FUNCTION app.activity_records_contact() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.lead_id IS NOT NULL THEN
    UPDATE leads
       SET last_contact_at = greatest(last_contact_at, NEW.completed_at),
           first_response_at = least(first_response_at, NEW.completed_at),
           status = CASE WHEN status = 'NEW_LEAD' THEN 'IN_CONTACT'::"LeadStatus" ELSE status END
     WHERE organization_id = NEW.organization_id AND id = NEW.lead_id
       AND (last_contact_at IS NULL OR last_contact_at < NEW.completed_at OR status = 'NEW_LEAD'
            OR first_response_at IS NULL OR first_response_at > NEW.completed_at);
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

-- Existing leads: their first contact activity, where there is one. A lead that left NEW_LEAD
-- without one before this migration has no recorded moment and stays null.
-- A schema change, not news: no new version, audit row or event for it.
ALTER TABLE leads DISABLE TRIGGER leads_touch, DISABLE TRIGGER leads_audit, DISABLE TRIGGER leads_events;
UPDATE leads l
   SET first_response_at = fc.first_contact_at
  FROM (SELECT a.organization_id, a.lead_id, min(a.completed_at) AS first_contact_at
          FROM activities a
         WHERE a.lead_id IS NOT NULL
           AND a.completed_at IS NOT NULL
           AND a.type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING')
         GROUP BY a.organization_id, a.lead_id) fc
 WHERE l.organization_id = fc.organization_id AND l.id = fc.lead_id;
ALTER TABLE leads ENABLE TRIGGER leads_touch, ENABLE TRIGGER leads_audit, ENABLE TRIGGER leads_events;

-- Leads created in a period, with their answer time: the overview's and leaderboard's scans.
CREATE INDEX leads_org_live_created_response_idx ON leads (organization_id, created_at)
  INCLUDE (assigned_to_id, status, first_response_at, source, campaign_id)
  WHERE deleted_at IS NULL;
