import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import type { IdsPageQuery } from '../common/ids-param.js';
import { type Page, pageOf } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TicketShareLink } from '../generated/prisma/client.js';
import {
  type CreateTicketShareInput,
  DEFAULT_SHARE_HOURS,
  type TicketShareCreatedOutput,
  type TicketShareOutput,
} from './dto/ticket-share.dto.js';
import { TicketSharesRepository } from './ticket-shares.repository.js';
import { TicketsRepository } from './tickets.repository.js';

/** A share token: 32 random bytes, base64url (43 characters). */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Only this is stored: a leaked table does not leak working links. */
export const hashShareToken = (token: string): string => createHash('sha256').update(token).digest('hex');

const toShareOutput = (l: TicketShareLink, now = new Date()): TicketShareOutput => ({
  id: l.id,
  createdById: l.createdById,
  createdAt: l.createdAt.toISOString(),
  expiresAt: l.expiresAt.toISOString(),
  revokedAt: l.revokedAt?.toISOString() ?? null,
  active: l.revokedAt === null && l.expiresAt > now,
});

/** Members manage a ticket's customer links; the customer side is PublicTicketsService. */
@Injectable()
export class TicketSharesService {
  constructor(
    private readonly db: TenantDb,
    private readonly tickets: TicketsRepository,
    private readonly shares: TicketSharesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  create(ticketId: string, input: CreateTicketShareInput): Promise<TicketShareCreatedOutput> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + (input.expiresInHours ?? DEFAULT_SHARE_HOURS) * 3_600_000);
      const link = await this.shares.create(ticketId, hashShareToken(token), expiresAt);
      return {
        id: link.id,
        url: `${this.config.storage.publicApiUrl ?? ''}/v1/public/tickets/${token}`,
        token,
        expiresAt: link.expiresAt.toISOString(),
      };
    });
  }

  list(ticketId: string, page: IdsPageQuery): Promise<Page<TicketShareOutput>> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const now = new Date();
      const [rows, total] = await this.shares.list(ticketId, page);
      return pageOf(
        rows.map((l) => toShareOutput(l, now)),
        total,
        page,
      );
    });
  }

  get(ticketId: string, linkId: string): Promise<TicketShareOutput> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const link = await this.shares.find(ticketId, linkId);
      if (!link) throw new NotFound('Share link');
      return toShareOutput(link);
    });
  }

  /** Revokes every active link of the ticket (idempotent). */
  revokeAll(ticketId: string): Promise<void> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      await this.shares.revoke(ticketId);
    });
  }

  /** Revokes one link (idempotent for a link already revoked). */
  revoke(ticketId: string, linkId: string): Promise<void> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      if (!(await this.shares.exists(ticketId, linkId))) throw new NotFound('Share link');
      await this.shares.revoke(ticketId, linkId);
    });
  }

  private async mustSee(ticketId: string): Promise<void> {
    if (!(await this.tickets.find(ticketId))) throw new NotFound('Ticket');
  }
}
