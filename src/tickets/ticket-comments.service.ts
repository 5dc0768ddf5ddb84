import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import type { IdsPageQuery } from '../common/ids-param.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { CreateTicketCommentInput } from './dto/ticket-comment.input.js';
import type { TicketCommentOutput } from './dto/ticket.output.js';
import { TicketCommentsRepository } from './ticket-comments.repository.js';
import { toCommentOutput } from './tickets.mapper.js';
import { TicketsRepository } from './tickets.repository.js';

@Injectable()
export class TicketCommentsService {
  constructor(
    private readonly db: TenantDb,
    private readonly tickets: TicketsRepository,
    private readonly comments: TicketCommentsRepository,
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
      await this.mustSee(ticketId);
      const isInternal = input.isInternal ?? false;
      const comment = await this.comments.addMemberComment(ticketId, input.body, isInternal);
      if (!isInternal) await this.tickets.markFirstResponse(ticketId);
      return toCommentOutput(comment);
    });
  }

  private async mustSee(ticketId: string): Promise<void> {
    if (!(await this.tickets.find(ticketId))) throw new NotFound('Ticket');
  }
}
