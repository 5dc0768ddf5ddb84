-- The email outbox keeps a message only while it matters: a sent or failed message is
-- deleted 14 days after it was written. Its body holds links that are secrets (ticket share
-- links, later invitations and password resets), so it is not kept as a mail archive; what
-- was sent, and when, stays in the log lines (masked recipient, subject, outbox id).

-- The purge's scan: the finished messages, oldest first.
CREATE INDEX email_outbox_finished_idx ON email_outbox (created_at) WHERE status <> 'PENDING';

-- For the definer function below when its owner is subject to row-level security (FORCEd).
CREATE POLICY email_outbox_owner_delete ON email_outbox FOR DELETE TO CURRENT_USER USING (true);

CREATE FUNCTION app.purge_emails(p_days integer DEFAULT 14, p_limit integer DEFAULT 10000) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'purge_emails is for the job runner';
  END IF;
  IF p_days < 1 THEN
    RAISE EXCEPTION 'purge_emails: keep at least one day';
  END IF;
  DELETE FROM public.email_outbox
   WHERE (organization_id, id) IN (
     SELECT organization_id, id FROM public.email_outbox
      WHERE status <> 'PENDING' AND created_at < now() - make_interval(days => p_days)
      ORDER BY created_at
      LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
REVOKE ALL ON FUNCTION app.purge_emails(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.purge_emails(integer, integer) TO crm_app;
