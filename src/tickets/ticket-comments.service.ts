import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, NotFound } from '../common/errors.js';
import type { IdsPageQuery } from '../common/ids-param.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { EmailService } from '../email/email.service.js';
import { ticketReplyEmail } from '../email/templates.js';
import type { CreateTicketCommentInput } from './dto/ticket-comment.input.js';
import type { TicketCommentOutput } from './dto/ticket.output.js';
import { TicketCommentsRepository } from './ticket-comments.repository.js';
import { TicketSharesService } from './ticket-shares.service.js';
import { ticketReference } from './ticket-status.js';
import { toCommentOutput } from './tickets.mapper.js';
import { type TicketRow, TicketsRepository } from './tickets.repository.js';

@Injectable()
export class TicketCommentsService {
  constructor(
    private readonly db: TenantDb,
    private readonly tickets: TicketsRepository,
    private readonly comments: TicketCommentsRepository,
    private readonly shares: TicketSharesService,
    private readonly email: EmailService,
  ) {}

  list(ticketId: string, page: IdsPageQuery): Promise<Page<TicketCommentOutput>> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const [rows, total] = await this.comments.list(ticketId, page);
      return pageOf(rows.map(toCommentOutput), total, page);
    });
  }

  get(ticketId: string, id: string): Promise<TicketCommentOutput> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const comment = await this.comments.find(ticketId, id);
      if (!comment) throw new NotFound('Comment');
      return toCommentOutput(comment);
    });
  }

  /**
   * A member's comment. The first one the customer can see sets first_response_at
   * (internal notes are not a response to the customer).
   */
  add(ticketId: string, input: CreateTicketCommentInput): Promise<TicketCommentOutput> {
    return this.db.run(async () => {
      const ticket = await this.mustSee(ticketId);
      const isInternal = input.isInternal ?? false;
      if (input.emailCustomer && isInternal)
        throw new BusinessRuleViolation('An internal comment is never sent to the customer', undefined, [
          { field: 'emailCustomer', message: 'only a public comment can be emailed to the customer' },
        ]);
      const comment = await this.comments.addMemberComment(ticketId, input.body, isInternal);
      if (!isInternal) await this.tickets.markFirstResponse(ticketId);
      if (input.emailCustomer) await this.emailCustomer(ticket, input.body);
      return toCommentOutput(comment);
    });
  }

  /**
   * Emails the reply to the ticket's contact with a new share link (only its hash is stored,
   * so an existing link cannot be sent again), in the comment's unit of work: no comment, no
   * email, and no link.
   */
  private async emailCustomer(ticket: TicketRow, comment: string): Promise<void> {
    const customer = await this.tickets.customerOf(ticket);
    if (!customer?.contactEmail)
      throw new BusinessRuleViolation("The ticket's contact has no email address", undefined, [
        { field: 'emailCustomer', message: 'link the ticket to a contact with an email first' },
      ]);
    const link = await this.shares.create(ticket.id, {});
    await this.email.enqueue(
      'TICKET_REPLY',
      customer.contactEmail,
      ticketReplyEmail({
        customerName: customer.contactName,
        organizationName: customer.organizationName,
        reference: ticketReference(ticket.number),
        ticketTitle: ticket.title,
        comment,
        shareUrl: link.url,
        expiresAt: new Date(link.expiresAt),
      }),
    );
  }

  private async mustSee(ticketId: string): Promise<TicketRow> {
    const ticket = await this.tickets.find(ticketId);
    if (!ticket) throw new NotFound('Ticket');
    return ticket;
  }
}
