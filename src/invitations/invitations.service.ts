import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ErrorCode, Forbidden, NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { EmailService } from '../email/email.service.js';
import { invitationEmail } from '../email/templates.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { hashOneTimeToken, linkTo, newOneTimeToken } from '../auth/one-time-token.js';
import type { CreateInvitationInput, ListInvitationsQuery } from './dto/invitation.input.js';
import type { AcceptedInvitationOutput, InvitationOutput } from './dto/invitation.output.js';
import { invitationError } from './invitation-errors.js';
import { InvitationTokensRepository } from './invitation-tokens.repository.js';
import { InvitationsRepository } from './invitations.repository.js';

/** How long an invitation link works. */
export const INVITATION_TTL_DAYS = 7;
/** The roles a MANAGER may invite (and resend or revoke invitations for). */
const MANAGER_MAY_INVITE: readonly MemberRole[] = ['AGENT', 'VIEWER'];

interface InvitationRow {
  id: string;
  email: string;
  role: MemberRole;
  invitedById: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const toOutput = (i: InvitationRow, now = Date.now()): InvitationOutput => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: i.expiresAt.getTime() <= now ? 'EXPIRED' : 'PENDING',
  invitedById: i.invitedById,
  expiresAt: i.expiresAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});

const expiry = () => new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);

/** Invitations (docs/invitations.md): an emailed one-time link to join with a role. */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly invitations: InvitationsRepository,
    private readonly tokens: InvitationTokensRepository,
    private readonly emails: EmailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  list(query: ListInvitationsQuery): Promise<Page<InvitationOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.invitations.list(query);
      const now = Date.now();
      return pageOf(
        rows.map((r) => toOutput(r, now)),
        total,
        query,
      );
    });
  }

  create(input: CreateInvitationInput): Promise<InvitationOutput> {
    return this.db.run(async () => {
      this.ensureMayInvite(input.role);
      const email = input.email.toLowerCase();
      const existing = await this.invitations.findOpenByEmail(email);
      if (existing) {
        throw new Conflict(
          'An open invitation for this address exists: resend or revoke it',
          ErrorCode.AlreadyInvited,
          undefined,
          { invitationIds: [existing.id] },
        );
      }
      const { token, hash } = newOneTimeToken();
      const created = await this.invitations.create(email, input.role, hash, expiry(), this.db.userId);
      await this.send(created, token);
      return toOutput(created);
    });
  }

  /** A new link and a new 7 days; the previous link stops working. */
  resend(id: string): Promise<InvitationOutput> {
    return this.db.run(async () => {
      const current = await this.findManageable(id);
      const { token, hash } = newOneTimeToken();
      const rotated = await this.invitations.rotate(current.id, hash, expiry());
      await this.send(rotated, token);
      return toOutput(rotated);
    });
  }

  revoke(id: string): Promise<void> {
    return this.db.run(async () => {
      const current = await this.findManageable(id);
      await this.invitations.revoke(current.id);
    });
  }

  /** POST /v1/invitations/{token}/accept, by the signed-in user the invitation was sent to. */
  accept(userId: string, token: string): Promise<AcceptedInvitationOutput> {
    return this.db.runTrusted({ userId }, async () => {
      const result = await this.tokens.accept(hashOneTimeToken(token));
      if (result.status !== 'OK' || !result.organizationId || !result.role) {
        throw invitationError(result.status === 'OK' ? 'NOT_FOUND' : result.status);
      }
      return { organizationId: result.organizationId, role: result.role };
    });
  }

  private async findManageable(id: string): Promise<InvitationRow> {
    const current = await this.invitations.findOpen(id);
    if (!current) throw new NotFound('Invitation');
    this.ensureMayInvite(current.role);
    return current;
  }

  private ensureMayInvite(role: MemberRole): void {
    if (this.db.role === 'MANAGER' && !MANAGER_MAY_INVITE.includes(role)) {
      throw new Forbidden('A MANAGER may invite AGENTs and VIEWERs only');
    }
  }

  private async send(invitation: InvitationRow, token: string): Promise<void> {
    const [org, inviter] = await Promise.all([
      this.invitations.organizationName(),
      this.invitations.inviterName(this.db.userId),
    ]);
    await this.emails.enqueue(
      'INVITATION',
      invitation.email,
      invitationEmail({
        organizationName: org?.name ?? 'an organization',
        inviterName: inviter?.fullName ?? null,
        role: invitation.role,
        acceptUrl: linkTo(this.config.auth.appUrl, '/invitations/accept', token),
        expiresAt: invitation.expiresAt,
      }),
    );
  }
}
