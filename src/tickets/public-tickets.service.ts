import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, NotFound } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TicketComment } from '../generated/prisma/client.js';
import type { CreateCustomerCommentInput } from './dto/ticket-comment.input.js';
import type { PublicTicketCommentOutput, PublicTicketOutput } from './dto/ticket-share.dto.js';
import { TicketCommentsRepository } from './ticket-comments.repository.js';
import { type ResolvedShare, TicketSharesRepository } from './ticket-shares.repository.js';
import { hashShareToken, SHARE_TOKEN } from './ticket-shares.service.js';
import { ticketReference } from './ticket-status.js';
import { TicketsRepository } from './tickets.repository.js';

export const MAX_PUBLIC_COMMENTS = 500;

const toPublicComment = (c: TicketComment): PublicTicketCommentOutput => ({
  id: c.id,
  body: c.body,
  authorType: c.authorType,
  createdAt: c.createdAt.toISOString(),
});

/**
 * The customer view behind a share link: no login, no user. The token is resolved by
 * the SECURITY DEFINER app.resolve_ticket_share (live links only); the work then runs
 * in TenantDb.runTrusted as role VIEWER of the link's organization with no user and
 * app.share_ticket_id set, where RLS shows that one ticket and never an internal
 * comment, and allows only a customer comment (and the status move it causes).
 * Internal comments are also filtered in the query itself.
 */
@Injectable()
export class PublicTicketsService {
  constructor(
    private readonly db: TenantDb,
    private readonly tickets: TicketsRepository,
    private readonly comments: TicketCommentsRepository,
    private readonly shares: TicketSharesRepository,
  ) {}

  view(token: string): Promise<PublicTicketOutput> {
    return this.inShare(token, async ({ ticketId }) => {
      const ticket = await this.tickets.find(ticketId);
      if (!ticket) throw new NotFound('Ticket');
      const [comments] = await this.comments.list(ticketId, { page: 1, pageSize: MAX_PUBLIC_COMMENTS }, true);
      return {
        reference: ticketReference(ticket.number),
        number: ticket.number,
        title: ticket.title,
        status: ticket.status,
        createdAt: ticket.createdAt.toISOString(),
        updatedAt: ticket.updatedAt.toISOString(),
        comments: comments.map(toPublicComment),
      };
    });
  }

  /** The customer's answer; a ticket waiting on them (PENDING_CUSTOMER) goes back to IN_PROGRESS. */
  comment(token: string, input: CreateCustomerCommentInput): Promise<PublicTicketCommentOutput> {
    return this.inShare(token, async ({ ticketId }) => {
      // Locked: a member's transition cannot slip between the status read here and the reply's change.
      const ticket = await this.tickets.lock(ticketId);
      if (!ticket) throw new NotFound('Ticket');
      if (ticket.status === 'CLOSED') {
        throw new BusinessRuleViolation('This ticket is closed and takes no more replies', ErrorCode.TicketClosed);
      }
      const comment = await this.comments.addCustomerComment(ticketId, input.body);
      if (ticket.status === 'PENDING_CUSTOMER') {
        await this.tickets.updateStatus(ticketId, 'IN_PROGRESS', 'The customer replied');
      }
      return toPublicComment(comment);
    });
  }

  /** Resolves the token (404 for a malformed, unknown, expired or revoked one) and runs fn in its ticket's view. */
  private async inShare<T>(token: string, fn: (share: ResolvedShare) => Promise<T>): Promise<T> {
    if (!SHARE_TOKEN.test(token)) throw new NotFound('Ticket');
    const share = await this.db.runTrusted({}, () => this.shares.resolve(hashShareToken(token)));
    if (!share) throw new NotFound('Ticket');
    return this.db.runTrusted({ orgId: share.organizationId, role: 'VIEWER' }, async () => {
      await this.shares.enter(share.ticketId);
      return fn(share);
    });
  }
}
