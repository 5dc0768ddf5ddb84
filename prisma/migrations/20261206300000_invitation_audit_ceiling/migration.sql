-- The invitations' role ceiling holds in their history too (issue 19 review). A MANAGER sees
-- only AGENT and VIEWER invitations (invitations_select), but the audit policy showed them every
-- invitation's history: the emails and roles of ADMIN and MANAGER invitations. An invitation's
-- audit rows are now visible exactly when the invitation itself is, read through its own RLS.
-- Other tables' rows pass on the first condition and cost nothing more.
CREATE POLICY audit_log_invitations_as_invitations ON audit_log AS RESTRICTIVE FOR SELECT TO crm_app
  USING (
    table_name <> 'invitations'
    OR EXISTS (SELECT 1 FROM public.invitations i WHERE i.id = audit_log.record_id)
  );
