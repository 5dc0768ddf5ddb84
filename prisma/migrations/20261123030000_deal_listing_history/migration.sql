-- Deals pipeline and listings (issue 5): stage/price/status history written by
-- triggers, deal status ↔ stage consistency, derived price per square foot, and
-- the indexes listing search needs at 100,000 listings per organization.
--
-- The history tables are append-only audit logs. Triggers run as the writing role
-- (crm_app in the API), so crm_app may INSERT a history row only when it matches
-- the current state of a row it can see, and has no UPDATE or DELETE grant.

-- Existing rows are normalised and backfilled below as the table owner; FORCEd RLS
-- would hide them from an owner without BYPASSRLS, so it is lifted for this
-- transaction only, and the new tables are FORCEd only at the end, after the backfill.
ALTER TABLE deals NO FORCE ROW LEVEL SECURITY;
ALTER TABLE listings NO FORCE ROW LEVEL SECURITY;

------------------------------------------------------------------------------
-- deals: status follows stage
------------------------------------------------------------------------------

-- Rows written before these rules existed: the stage is the truth.
UPDATE deals SET
  status = CASE stage
             WHEN 'CLOSED_WON' THEN 'WON'::"DealStatus"
             WHEN 'CLOSED_LOST' THEN 'LOST'::"DealStatus"
             ELSE CASE WHEN status IN ('WON', 'LOST') THEN 'ACTIVE'::"DealStatus" ELSE status END
           END,
  lost_reason = CASE WHEN stage = 'CLOSED_LOST' THEN coalesce(nullif(btrim(lost_reason), ''), 'Not recorded') END,
  actual_close_date = CASE WHEN stage IN ('CLOSED_WON', 'CLOSED_LOST') THEN coalesce(actual_close_date, updated_at) END
WHERE NOT ((stage = 'CLOSED_WON') = (status = 'WON') AND (stage = 'CLOSED_LOST') = (status = 'LOST'))
   OR (stage = 'CLOSED_LOST') <> (nullif(btrim(lost_reason), '') IS NOT NULL)
   OR (stage IN ('CLOSED_WON', 'CLOSED_LOST')) <> (actual_close_date IS NOT NULL);

-- CLOSED_WON ⇔ WON and CLOSED_LOST ⇔ LOST; an open stage is ACTIVE or ABANDONED.
ALTER TABLE deals ADD CONSTRAINT deals_status_matches_stage CHECK (
  (stage = 'CLOSED_WON') = (status = 'WON') AND (stage = 'CLOSED_LOST') = (status = 'LOST')
);
-- Only a lost deal has a (non-blank) lost reason; only a closed deal has a close date.
ALTER TABLE deals ADD CONSTRAINT deals_lost_reason_when_lost CHECK (
  (stage = 'CLOSED_LOST') = (lost_reason IS NOT NULL) AND (lost_reason IS NULL OR length(btrim(lost_reason)) > 0)
);
ALTER TABLE deals ADD CONSTRAINT deals_close_date_when_closed CHECK (
  (stage IN ('CLOSED_WON', 'CLOSED_LOST')) = (actual_close_date IS NOT NULL)
);

-- List filters and sorts on live deals.
CREATE INDEX deals_org_expected_close_idx ON deals (organization_id, expected_close_date) WHERE deleted_at IS NULL;
CREATE INDEX deals_org_value_idx ON deals (organization_id, value) WHERE deleted_at IS NULL;

------------------------------------------------------------------------------
-- deal_stage_history: every stage a deal entered, including its first
------------------------------------------------------------------------------

CREATE TABLE deal_stage_history (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  deal_id         uuid NOT NULL,
  from_stage      "DealStage",            -- null for the row written on insert
  to_stage        "DealStage" NOT NULL,
  -- The acting user (app.current_user_id()); no foreign key, so an audit row keeps
  -- its actor after the profile is gone and can never make a deal write fail.
  changed_by_id   uuid,
  -- clock_timestamp: several changes in one transaction keep their order.
  changed_at      timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, deal_id) REFERENCES deals (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_stage_history_deal_idx ON deal_stage_history (organization_id, deal_id, changed_at DESC);

ALTER TABLE deal_stage_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY deal_stage_history_select ON deal_stage_history FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id()));
-- Written by the trigger as the writing role: only a row describing the stage a
-- deal visible to that role has right now.
CREATE POLICY deal_stage_history_insert ON deal_stage_history FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.can_write())
    AND EXISTS (
      SELECT 1 FROM deals d
      WHERE d.organization_id = deal_stage_history.organization_id
        AND d.id = deal_stage_history.deal_id
        AND d.stage = deal_stage_history.to_stage
    )
  );
-- An AGENT reads the history of the deals they can see (deals' own agent scope applies inside EXISTS).
CREATE POLICY deal_stage_history_agent_scope ON deal_stage_history AS RESTRICTIVE FOR SELECT TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR EXISTS (
      SELECT 1 FROM deals d
      WHERE d.organization_id = deal_stage_history.organization_id AND d.id = deal_stage_history.deal_id
    )
  );
GRANT SELECT, INSERT ON deal_stage_history TO crm_app;

CREATE FUNCTION app.record_deal_stage() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO deal_stage_history (organization_id, deal_id, from_stage, to_stage, changed_by_id)
  VALUES (NEW.organization_id, NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.stage END, NEW.stage, app.current_user_id());
  RETURN NULL;
END
$$;
CREATE TRIGGER deals_stage_history_insert AFTER INSERT ON deals
  FOR EACH ROW EXECUTE FUNCTION app.record_deal_stage();
CREATE TRIGGER deals_stage_history_update AFTER UPDATE OF stage ON deals
  FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage) EXECUTE FUNCTION app.record_deal_stage();

-- Deals that predate the trigger start their history at their current stage.
INSERT INTO deal_stage_history (organization_id, deal_id, from_stage, to_stage, changed_by_id, changed_at)
SELECT organization_id, id, NULL, stage, created_by_id, created_at FROM deals;

------------------------------------------------------------------------------
-- listings: derived price per square foot
------------------------------------------------------------------------------

-- price_per_sqft = round(price / square_feet, 2) unless the writer sets it: on
-- insert when it is null, on update when price or square_feet changed and
-- price_per_sqft was not changed by the same statement (so it never goes stale).
CREATE FUNCTION app.derive_price_per_sqft() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.square_feet IS NOT NULL AND NEW.square_feet > 0 AND (
       NEW.price_per_sqft IS NULL
       OR (TG_OP = 'UPDATE'
           AND NEW.price_per_sqft IS NOT DISTINCT FROM OLD.price_per_sqft
           AND (NEW.price IS DISTINCT FROM OLD.price OR NEW.square_feet IS DISTINCT FROM OLD.square_feet))
     ) THEN
    NEW.price_per_sqft := round(NEW.price / NEW.square_feet, 2);
  ELSIF NEW.square_feet IS NULL AND TG_OP = 'UPDATE' AND OLD.square_feet IS NOT NULL
        AND NEW.price_per_sqft IS NOT DISTINCT FROM OLD.price_per_sqft THEN
    NEW.price_per_sqft := NULL;  -- the area it was derived from is gone
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER listings_price_per_sqft BEFORE INSERT OR UPDATE OF price, square_feet, price_per_sqft ON listings
  FOR EACH ROW EXECUTE FUNCTION app.derive_price_per_sqft();

UPDATE listings SET price_per_sqft = round(price / square_feet, 2)
WHERE price_per_sqft IS NULL AND square_feet > 0;

------------------------------------------------------------------------------
-- listing_price_history / listing_status_history
------------------------------------------------------------------------------

CREATE TABLE listing_price_history (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  listing_id      uuid NOT NULL,
  old_price       numeric(12, 2),         -- null for the row written on insert
  new_price       numeric(12, 2) NOT NULL,
  changed_by_id   uuid,                   -- app.current_user_id(); no FK (see deal_stage_history)
  changed_at      timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX listing_price_history_listing_idx ON listing_price_history (organization_id, listing_id, changed_at DESC);

CREATE TABLE listing_status_history (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  listing_id      uuid NOT NULL,
  from_status     "ListingStatus",        -- null for the row written on insert
  to_status       "ListingStatus" NOT NULL,
  changed_by_id   uuid,
  changed_at      timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX listing_status_history_listing_idx ON listing_status_history (organization_id, listing_id, changed_at DESC);

ALTER TABLE listing_price_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY listing_price_history_select ON listing_price_history FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id()));
CREATE POLICY listing_price_history_insert ON listing_price_history FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.can_write())
    AND EXISTS (
      SELECT 1 FROM listings l
      WHERE l.organization_id = listing_price_history.organization_id
        AND l.id = listing_price_history.listing_id
        AND l.price = listing_price_history.new_price
    )
  );
GRANT SELECT, INSERT ON listing_price_history TO crm_app;

ALTER TABLE listing_status_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY listing_status_history_select ON listing_status_history FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id()));
CREATE POLICY listing_status_history_insert ON listing_status_history FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.can_write())
    AND EXISTS (
      SELECT 1 FROM listings l
      WHERE l.organization_id = listing_status_history.organization_id
        AND l.id = listing_status_history.listing_id
        AND l.status = listing_status_history.to_status
    )
  );
GRANT SELECT, INSERT ON listing_status_history TO crm_app;

CREATE FUNCTION app.record_listing_price() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO listing_price_history (organization_id, listing_id, old_price, new_price, changed_by_id)
  VALUES (NEW.organization_id, NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.price END, NEW.price, app.current_user_id());
  RETURN NULL;
END
$$;
CREATE FUNCTION app.record_listing_status() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO listing_status_history (organization_id, listing_id, from_status, to_status, changed_by_id)
  VALUES (NEW.organization_id, NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, app.current_user_id());
  RETURN NULL;
END
$$;
CREATE TRIGGER listings_price_history_insert AFTER INSERT ON listings
  FOR EACH ROW EXECUTE FUNCTION app.record_listing_price();
CREATE TRIGGER listings_price_history_update AFTER UPDATE OF price ON listings
  FOR EACH ROW WHEN (OLD.price IS DISTINCT FROM NEW.price) EXECUTE FUNCTION app.record_listing_price();
CREATE TRIGGER listings_status_history_insert AFTER INSERT ON listings
  FOR EACH ROW EXECUTE FUNCTION app.record_listing_status();
CREATE TRIGGER listings_status_history_update AFTER UPDATE OF status ON listings
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION app.record_listing_status();

INSERT INTO listing_price_history (organization_id, listing_id, old_price, new_price, changed_by_id, changed_at)
SELECT organization_id, id, NULL, price, created_by_id, created_at FROM listings;
INSERT INTO listing_status_history (organization_id, listing_id, from_status, to_status, changed_by_id, changed_at)
SELECT organization_id, id, NULL, status, created_by_id, created_at FROM listings;

------------------------------------------------------------------------------
-- listings: search keys and indexes (live rows; every index leads with organization_id)
------------------------------------------------------------------------------

-- Under RLS the planner may turn a filter into an index condition only when its
-- functions are LEAKPROOF (a non-leakproof one could leak rows the policy hides), and
-- only a superuser can mark a function so. Enum equality, numeric comparison, lower()
-- and (I)LIKE are not leakproof; bigint, int, timestamptz, uuid and text equality are.
-- So the API searches on these generated keys, and the status filter is matched by
-- partial-index predicates (proved from the query, not evaluated as index conditions).
-- A pg_trgm index for q would never be used by crm_app (ILIKE is not leakproof): q is
-- a filter over rows the other conditions select. See bench/listings-explain.mjs.
ALTER TABLE listings
  ADD COLUMN price_cents bigint NOT NULL GENERATED ALWAYS AS ((price * 100)::bigint) STORED,
  ADD COLUMN city_key    text   NOT NULL GENERATED ALWAYS AS (lower(city)) STORED,
  ADD COLUMN state_key   text   NOT NULL GENERATED ALWAYS AS (lower(state)) STORED;

-- Replaced by the per-status partial indexes below.
DROP INDEX listings_org_status_price_idx;
-- Price range / sort by price, one index per status (the most common search: ACTIVE by
-- price) plus one over all live listings. A status added to the enum later needs its own.
DO $$
DECLARE s "ListingStatus";
BEGIN
  FOREACH s IN ARRAY enum_range(NULL::"ListingStatus") LOOP
    EXECUTE format(
      'CREATE INDEX %I ON listings (organization_id, price_cents, id) WHERE deleted_at IS NULL AND status = %L',
      'listings_org_' || lower(s::text) || '_price_idx', s);
  END LOOP;
END
$$;
CREATE INDEX listings_org_price_live_idx ON listings (organization_id, price_cents, id) WHERE deleted_at IS NULL;
-- Newest first, overall and per city / state; bedrooms rides along for index-only counts.
CREATE INDEX listings_org_listing_date_live_idx ON listings (organization_id, listing_date DESC NULLS LAST, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX listings_org_city_live_idx ON listings (organization_id, city_key, listing_date DESC NULLS LAST, id DESC)
  INCLUDE (bedrooms) WHERE deleted_at IS NULL;
CREATE INDEX listings_org_state_live_idx ON listings (organization_id, state_key, listing_date DESC NULLS LAST, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX listings_org_zip_live_idx ON listings (organization_id, zip_code) WHERE deleted_at IS NULL;
CREATE INDEX listings_org_square_feet_live_idx ON listings (organization_id, square_feet, id) WHERE deleted_at IS NULL;
CREATE INDEX listings_org_created_live_idx ON listings (organization_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

ALTER TABLE deals FORCE ROW LEVEL SECURITY;
ALTER TABLE listings FORCE ROW LEVEL SECURITY;
ALTER TABLE deal_stage_history FORCE ROW LEVEL SECURITY;
ALTER TABLE listing_price_history FORCE ROW LEVEL SECURITY;
ALTER TABLE listing_status_history FORCE ROW LEVEL SECURITY;

------------------------------------------------------------------------------
-- Supabase Data API: the new tables and functions stay away from anon/authenticated
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON deal_stage_history, listing_price_history, listing_status_history FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
