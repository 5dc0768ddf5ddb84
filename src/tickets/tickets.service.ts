import { Inject, Injectable, Logger } from '@nestjs/common';
import { Conflict, ErrorCode, NotFound } from '../common/errors.js';
import { type Page, type PageQuery, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { AssigneesService } from '../assignees/assignees.service.js';
import { LiveRecordsService } from '../records/live-records.service.js';
import { IncludesService } from '../includes/includes.service.js';
import { assignmentEmail } from '../email/templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { STORAGE_DRIVER, type StorageDriver } from '../storage/storage.driver.js';
import type {
  AddAssigneeInput,
  CreateTicketInput,
  TransitionTicketInput,
  UpdateTicketInput,
} from './dto/ticket.input.js';
import type { TicketAssigneeOutput, TicketOutput, TicketStatusChangeOutput } from './dto/ticket.output.js';
import type { ListTicketsQuery } from './dto/list-tickets.query.js';
import { assertTransition, ticketReference } from './ticket-status.js';
import { TICKET_INCLUDES, type TicketInclude } from './tickets.includes.js';
import { toAssigneeOutput, toStatusChangeOutput, toTicketOutput } from './tickets.mapper.js';
import { type TicketRow, TicketsRepository } from './tickets.repository.js';

@Injectable()
export class TicketsService {
  private readonly logger = new Logger(TicketsService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly tickets: TicketsRepository,
    private readonly notifications: NotificationsService,
    private readonly records: LiveRecordsService,
    private readonly assignees: AssigneesService,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly includes: IncludesService,
  ) {}

  list(query: ListTicketsQuery): Promise<Page<TicketOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.tickets.list(query);
      const now = new Date();
      const data = rows.map((t) => toTicketOutput(t, now));
      return pageOf(await this.includes.expand(data, query.include, TICKET_INCLUDES), total, query);
    });
  }

  get(id: string, include?: readonly TicketInclude[]): Promise<TicketOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toTicketOutput(await this.mustFind(id)), include, TICKET_INCLUDES),
    );
  }

  create(input: CreateTicketInput): Promise<TicketOutput> {
    return this.db.run(async () => {
      const { assigneeIds = [], ...fields } = input;
      await this.checkReferences(fields);
      await this.checkMembers(assigneeIds, 'assigneeIds');
      const ticket = await this.tickets.create({ ...fields, createdById: this.db.userId }, assigneeIds);
      await this.notifyAssigned(ticket, assigneeIds);
      return toTicketOutput(ticket);
    });
  }

  update(id: string, input: UpdateTicketInput): Promise<TicketOutput> {
    return this.db.run(async () => {
      const current = await this.mustLock(id);
      await this.checkReferences(input);
      const { title, priority, status, ...nullable } = input;
      // Required columns ignore an explicit null (validation refuses it for title's type anyway).
      const data = { ...nullable, ...(title != null && { title }), ...(priority != null && { priority }) };
      let updated: TicketRow | null;
      if (status != null && status !== current.status) {
        assertTransition(current.status, status, 'status');
        updated = await this.tickets.updateStatus(id, status, undefined, data);
      } else {
        updated = await this.tickets.update(id, data);
      }
      if (!updated) throw new NotFound('Ticket');
      return toTicketOutput(updated);
    });
  }

  /** Moves the ticket along the workflow (see ticket-status.ts); the trigger records it with the note. */
  transition(id: string, input: TransitionTicketInput): Promise<TicketOutput> {
    return this.db.run(async () => {
      const current = await this.mustLock(id);
      assertTransition(current.status, input.to);
      const updated = await this.tickets.updateStatus(id, input.to, input.note);
      if (!updated) throw new NotFound('Ticket');
      return toTicketOutput(updated);
    });
  }

  /** Deletes the ticket and everything under it; its files are removed once the rows are gone. */
  async remove(id: string): Promise<void> {
    const paths = await this.db.run(async () => {
      const deleted = await this.tickets.delete(id);
      if (!deleted) throw new NotFound('Ticket');
      return deleted;
    });
    await Promise.all(
      paths.map((path) =>
        this.storage.delete(path).catch((error: unknown) => {
          // The rows are gone; an orphaned object is only wasted space. Logged for cleanup.
          this.logger.warn({ err: error, path }, 'Could not delete the file of a deleted ticket');
        }),
      ),
    );
  }

  history(id: string, page: PageQuery): Promise<Page<TicketStatusChangeOutput>> {
    return this.db.run(async () => {
      await this.mustFind(id);
      const [rows, total] = await this.tickets.history(id, page);
      return pageOf(rows.map(toStatusChangeOutput), total, page);
    });
  }

  /** Assigns a member; they are notified in the same transaction. */
  addAssignee(id: string, input: AddAssigneeInput): Promise<TicketAssigneeOutput> {
    return this.db.run(async () => {
      const ticket = await this.mustFind(id);
      await this.checkMembers([input.userId], 'userId');
      const added = await this.tickets.addAssignee(id, input.userId);
      if (!added) throw new Conflict('This member is already assigned to the ticket', ErrorCode.AlreadyAssigned);
      await this.notifyAssigned(ticket, [input.userId]);
      return toAssigneeOutput(added);
    });
  }

  getAssignee(id: string, userId: string): Promise<TicketAssigneeOutput> {
    return this.db.run(async () => {
      const assignee = (await this.mustFind(id)).assignees.find((a) => a.userId === userId);
      if (!assignee) throw new NotFound('Assignee');
      return toAssigneeOutput(assignee);
    });
  }

  removeAssignee(id: string, userId: string): Promise<void> {
    return this.db.run(async () => {
      await this.mustFind(id);
      if (!(await this.tickets.removeAssignee(id, userId))) throw new NotFound('Assignee');
    });
  }

  private async mustFind(id: string): Promise<TicketRow> {
    const ticket = await this.tickets.find(id);
    if (!ticket) throw new NotFound('Ticket');
    return ticket;
  }

  /** mustFind under the row lock, for changes that depend on the current status. */
  private async mustLock(id: string): Promise<TicketRow> {
    const ticket = await this.tickets.lock(id);
    if (!ticket) throw new NotFound('Ticket');
    return ticket;
  }

  private checkReferences({
    contactId,
    listingId,
  }: {
    contactId?: string | null;
    listingId?: string | null;
  }): Promise<void> {
    return this.records.assertLinks({ contactId, listingId });
  }

  private checkMembers(userIds: readonly string[], field: string): Promise<void> {
    return this.assignees.assertMembers(userIds, field);
  }

  private async notifyAssigned(ticket: TicketRow, userIds: readonly string[]): Promise<void> {
    const reference = ticketReference(ticket.number);
    const recipients = userIds.filter((id) => id !== this.db.userId);
    if (!recipients.length) return;
    const actor = await this.assignees.actorName();
    await this.notifications.notify(
      ...recipients.map((userId) => ({
        userId,
        type: 'TICKET_ASSIGNED' as const,
        title: `You were assigned to ${reference}: ${ticket.title}`.slice(0, 300),
        data: { ticketId: ticket.id, reference, assignedById: this.db.userId },
        email: (to: { fullName: string | null }) =>
          assignmentEmail({
            recipientName: to.fullName,
            actorName: actor,
            record: 'ticket',
            records: [{ name: ticket.title, reference }],
          }),
      })),
    );
  }
}
