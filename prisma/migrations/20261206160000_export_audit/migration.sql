-- An organization export is audited (migration 20261206130000): who took the whole
-- organization's data out, and when, is what a brokerage's audit is for. Like the table
-- itself, its history is for ADMINs' eyes, as API keys', webhooks' and capture keys' are.
DROP POLICY audit_log_admin_tables ON audit_log;
CREATE POLICY audit_log_admin_tables ON audit_log AS RESTRICTIVE FOR SELECT TO crm_app
  USING ((SELECT app.current_member_role() = 'ADMIN')
         OR table_name NOT IN ('api_keys', 'webhooks', 'capture_keys', 'organization_exports'));
