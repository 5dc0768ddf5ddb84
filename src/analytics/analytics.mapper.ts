import type { AnalyticsScope } from './analytics-window.js';
import type { AnalyticsWindowOutput } from './dto/analytics-common.output.js';

/** The `window` every analytics response starts with. */
export const toWindowOutput = ({ window, agentId }: AnalyticsScope): AnalyticsWindowOutput => ({
  timeZone: window.timeZone,
  period: window.period,
  interval: window.interval,
  from: window.from.toISOString(),
  to: window.to.toISOString(),
  previousFrom: window.previousFrom.toISOString(),
  previousTo: window.previousTo.toISOString(),
  agentId,
});
