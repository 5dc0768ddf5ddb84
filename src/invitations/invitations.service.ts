import { Inject, Injectable, Logger } from '@nestjs/common';
import { Conflict, ErrorCode, Forbidden, NotFound, RetryLater } from '../common/errors.js';
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
import { SUPABASE_INVITES, type SupabaseInvites } from './supabase-invites.js';
import { SeatSyncJobs } from '../billing/seat-sync.jobs.js';

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

/** An invitation ready to deliver; `pending`: its email waits for Supabase Auth's answer. */
interface Letter {
  invitation: InvitationRow;
  acceptUrl: string;
  organizationName: string;
  inviterName: string | null;
  pending: boolean;
}

const TTL_MS = INVITATION_TTL_DAYS * 86_400_000;
const expiry = () => new Date(Date.now() + TTL_MS);
/**
 * An invitation to an address this soon after the organization last sent it one (a resend, or
 * a new invitation after revoking the last) is refused with 429 and Retry-After, so a member
 * cannot have the organization mail an address in a loop. Each sending sets a fresh TTL, so
 * the last sending is the latest expiry less the TTL.
 */
export const RESEND_COOLDOWN_SECONDS = 60;
const sentTooRecently = (retryAfterSeconds: number) =>
  new RetryLater(
    `An invitation was sent to this address less than ${RESEND_COOLDOWN_SECONDS} seconds ago: try again later`,
    Math.min(RESEND_COOLDOWN_SECONDS, retryAfterSeconds),
  );

function assertNotSentRecently(latestExpiry: Date | null | undefined): void {
  if (!latestExpiry) return;
  const sinceSent = (Date.now() - (latestExpiry.getTime() - TTL_MS)) / 1000;
  if (sinceSent < RESEND_COOLDOWN_SECONDS) throw sentTooRecently(RESEND_COOLDOWN_SECONDS - sinceSent);
}

/** Invitations (docs/invitations.md): an emailed one-time link to join with a role. */
@Injectable()
export class InvitationsService {
  private readonly logger = new Logger(InvitationsService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly invitations: InvitationsRepository,
    private readonly tokens: InvitationTokensRepository,
    private readonly emails: EmailService,
    private readonly seats: SeatSyncJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SUPABASE_INVITES) private readonly supabase: SupabaseInvites | null,
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

  /**
   * Records the invitation, then delivers it (see deliver). ALREADY_MEMBER: the address is a
   * member's already; ALREADY_INVITED: an open invitation for it exists.
   */
  async create(input: CreateInvitationInput): Promise<InvitationOutput> {
    let letter: Letter | undefined;
    const output = await this.db.run(async () => {
      this.ensureMayInvite(input.role);
      const email = input.email.toLowerCase();
      const memberId = await this.invitations.memberIdByEmail(email);
      if (memberId) {
        throw new Conflict(
          'This address belongs to a member of the organization already',
          ErrorCode.AlreadyMember,
          undefined,
          { userIds: [memberId] },
        );
      }
      const existing = await this.invitations.findOpenByEmail(email);
      if (existing) {
        throw new Conflict(
          'An open invitation for this address exists: resend or revoke it',
          ErrorCode.AlreadyInvited,
          undefined,
          { invitationIds: [existing.id] },
        );
      }
      assertNotSentRecently(await this.invitations.latestExpiryFor(email));
      const { token, hash } = newOneTimeToken();
      const created = await this.invitations.create(email, input.role, hash, expiry(), this.db.userId);
      letter = await this.prepare(created, token);
      return toOutput(created);
    });
    return this.deliver(letter, output);
  }

  get(id: string): Promise<InvitationOutput> {
    return this.db.run(async () => {
      const row = await this.invitations.findOpen(id);
      if (!row) throw new NotFound('Invitation');
      return toOutput(row);
    });
  }

  /** A new link and a new 7 days; the previous link stops working. */
  async resend(id: string): Promise<InvitationOutput> {
    let letter: Letter | undefined;
    const output = await this.db.run(async () => {
      const current = await this.findManageable(id);
      assertNotSentRecently(current.expiresAt);
      const { token, hash } = newOneTimeToken();
      const rotated = await this.invitations.rotate(current.id, hash, expiry(), current.expiresAt);
      if (!rotated) {
        const now = await this.invitations.findOpen(current.id);
        if (!now) throw new NotFound('Invitation'); // accepted or revoked since it was read
        // Resent by a concurrent request meanwhile: it holds the new expiry.
        if (now.expiresAt.getTime() !== current.expiresAt.getTime()) throw sentTooRecently(RESEND_COOLDOWN_SECONDS);
        throw new Error('An open invitation with the expiry just read matched no row');
      }
      letter = await this.prepare(rotated, token);
      return toOutput(rotated);
    });
    return this.deliver(letter, output);
  }

  revoke(id: string): Promise<void> {
    return this.db.run(async () => {
      const current = await this.findManageable(id);
      if (!(await this.invitations.revoke(current.id))) throw new NotFound('Invitation');
    });
  }

  /** POST /v1/invitations/{token}/accept, by the signed-in user the invitation was sent to. */
  accept(userId: string, token: string): Promise<AcceptedInvitationOutput> {
    return this.db.runTrusted({ userId }, async () => {
      const result = await this.tokens.accept(hashOneTimeToken(token));
      if (result.status !== 'OK' || !result.organizationId || !result.role) {
        throw invitationError(result.status === 'OK' ? 'NOT_FOUND' : result.status);
      }
      await this.seats.request(result.organizationId);
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

  /**
   * Our invitation email, written into the open unit of work (the outbox: it exists exactly
   * when the invitation commits) unless Supabase Auth is to send the invite, which happens
   * after the commit (no transaction is held across a network call).
   */
  private async prepare(invitation: InvitationRow, token: string): Promise<Letter> {
    const [org, inviter] = await Promise.all([
      this.invitations.organizationName(),
      this.invitations.inviterName(this.db.userId),
    ]);
    const letter: Letter = {
      invitation,
      acceptUrl: linkTo(this.config.auth.appUrl, '/invitations/accept', token),
      organizationName: org?.name ?? 'an organization',
      inviterName: inviter?.fullName ?? null,
      pending: this.supabase !== null,
    };
    if (!letter.pending) await this.email(letter);
    return letter;
  }

  /**
   * Through Supabase Auth when configured: its invite email creates the person's user and
   * returns them to our accept link (redirectTo carries our token), so ours is not sent too.
   * GoTrue knowing the address already (it sends nothing then) or failing (down, refusing)
   * falls back to our own email: the invitation is never left undelivered.
   */
  private async deliver(letter: Letter | undefined, output: InvitationOutput): Promise<InvitationOutput> {
    if (!letter?.pending || !this.supabase) return output;
    const outcome = await this.supabase.invite(letter.invitation.email, letter.acceptUrl, {
      organizationName: letter.organizationName,
      role: letter.invitation.role,
    });
    if (outcome === 'SENT') return output;
    if (outcome === 'EXISTS') {
      this.logger.log(`Invitation ${letter.invitation.id}: Supabase Auth has this user already; sending our own email`);
    }
    // Answers the route's output, which an Idempotency-Key records in each unit of work of the request.
    return this.db.run(async () => {
      await this.email(letter);
      return output;
    });
  }

  private email(letter: Letter): Promise<void> {
    return this.emails.enqueue(
      'INVITATION',
      letter.invitation.email,
      invitationEmail({
        organizationName: letter.organizationName,
        inviterName: letter.inviterName,
        role: letter.invitation.role,
        acceptUrl: letter.acceptUrl,
        expiresAt: letter.invitation.expiresAt,
      }),
    );
  }
}
