-- Agent leaderboard (issue 18, GET /v1/analytics/agents): the contacts made and the deals won in
-- a period, per member, read by src/analytics/agent-leaderboard.repository.ts. Both scans are a
-- range of one organization's rows by date; without these they read every activity or deal of
-- the organization. Partial, so they hold only the rows those figures count.

-- Completed contact activities (the types that answer a lead) by completion time, with who
-- made them.
CREATE INDEX activities_org_contact_completed_idx ON activities (organization_id, completed_at)
  INCLUDE (assigned_to_id)
  WHERE completed_at IS NOT NULL AND type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING');

-- Live won deals by close date, with their assignee and value.
CREATE INDEX deals_org_won_closed_idx ON deals (organization_id, actual_close_date)
  INCLUDE (assigned_to_id, value)
  WHERE status = 'WON' AND deleted_at IS NULL;
