import type { PersonSummary } from '../common/summaries.js';
import { includeNames, includeSpec, linksTo, one } from '../includes/include-spec.js';
import type { TicketAssigneeOutput, TicketOutput } from './dto/ticket.output.js';

/** What `include=` may add to a ticket. */
export const TICKET_INCLUDES = includeSpec<TicketOutput>()({
  // Each assignment already names its member (userId): the summary goes beside it, as `user`.
  assignees: {
    kind: 'person',
    ids: (t: TicketOutput) => t.assignees.map((a) => a.userId),
    value: (t: TicketOutput, find): TicketAssigneeOutput[] =>
      t.assignees.map((a) => ({ ...a, user: find(a.userId) as PersonSummary | null })),
  },
  ...linksTo('contact', 'listing'),
  createdBy: one('person', (t) => t.createdById),
});

export const TICKET_INCLUDE_NAMES = includeNames(TICKET_INCLUDES);
export type TicketInclude = keyof typeof TICKET_INCLUDES;
