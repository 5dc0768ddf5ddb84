-- Agent leaderboard (issue 18, GET /v1/analytics/agents): the contacts made, appointments held and deals won in
-- a period, per member, read by src/analytics/agent-leaderboard.repository.ts. Each scan is a
-- range of one organization's rows by date; without these the activities and deals of the whole
-- organization are read. Partial, so they hold only the rows those figures count. Measured on
-- 20 organizations x 5,000 leads, 15,000 activities, 2,000 deals and 2,000 appointments, as
-- crm_app (MANAGER) over 90 days and the 90 before: the whole leaderboard in 50-60 ms.

-- Completed contact activities (the types that answer a lead) by completion time, with who
-- made them.
CREATE INDEX activities_org_contact_completed_idx ON activities (organization_id, completed_at)
  INCLUDE (assigned_to_id)
  WHERE completed_at IS NOT NULL AND type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING');

-- Live won deals by close date, with their assignee and value.
CREATE INDEX deals_org_won_closed_idx ON deals (organization_id, actual_close_date)
  INCLUDE (assigned_to_id, value)
  WHERE status = 'WON' AND deleted_at IS NULL;

-- Appointments held by start time, with their agent: without it the planner reads the
-- double-booking exclusion index (GiST) for the organization's range, about ten times slower.
CREATE INDEX appointments_org_held_idx ON appointments (organization_id, starts_at)
  INCLUDE (agent_id)
  WHERE status = 'COMPLETED';
