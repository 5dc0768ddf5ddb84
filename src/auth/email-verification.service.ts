import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Conflict, DomainError, ErrorCode, RetryLater } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { EmailService } from '../email/email.service.js';
import { emailVerificationEmail } from '../email/templates.js';
import { ProfilesRepository } from '../profiles/profiles.repository.js';
import { AuthRepository } from './auth.repository.js';
import { hashOneTimeToken, linkTo, newOneTimeToken } from './one-time-token.js';

/** How long a verification link works. */
export const VERIFICATION_TTL_HOURS = 24;
/**
 * The least time between two links for one account: whoever signed up with someone else's
 * address cannot use resend to flood that inbox (the per-IP budget alone allowed 30 a minute).
 */
export const RESEND_COOLDOWN_SECONDS = 60;

/**
 * Email verification of the embedded auth (docs/invitations.md): signup and resend email a
 * one-time link (its hash stored, 24 hours); using it marks the profile verified, which is
 * what lets an ADMIN add the account as a member.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly db: TenantDb,
    private readonly auth: AuthRepository,
    private readonly profiles: ProfilesRepository,
    private readonly emails: EmailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Writes a link for the unit of work's user and queues its email; inside the caller's unit of work. */
  async send(userId: string, email: string, fullName: string | null): Promise<void> {
    const address = email.toLowerCase();
    const { token, hash } = newOneTimeToken();
    await this.auth.deleteUnusedVerifications(userId);
    await this.auth.insertVerification(userId, address, hash, new Date(Date.now() + VERIFICATION_TTL_HOURS * 3600_000));
    await this.emails.enqueueAccount(
      'EMAIL_VERIFICATION',
      address,
      emailVerificationEmail({
        recipientName: fullName,
        verifyUrl: linkTo(this.config.auth.appUrl, '/verify-email', token),
        validHours: VERIFICATION_TTL_HOURS,
      }),
    );
  }

  /** POST /v1/auth/verify: anyone holding the link (signed in or not). */
  async verify(token: string): Promise<void> {
    const status = await this.db.runTrusted({}, () => this.auth.verifyEmail(hashOneTimeToken(token)));
    if (status === 'OK') return;
    if (status === 'EXPIRED') {
      throw new DomainError(
        HttpStatus.GONE,
        ErrorCode.VerificationTokenExpired,
        'This verification link has expired: ask for another one',
      );
    }
    if (status === 'USED') {
      throw new DomainError(
        HttpStatus.GONE,
        ErrorCode.VerificationTokenUsed,
        'This verification link was already used',
      );
    }
    throw new DomainError(HttpStatus.NOT_FOUND, ErrorCode.VerificationTokenInvalid, 'No such verification link');
  }

  /** POST /v1/auth/verify/resend: a new link for the signed-in user (the previous one stops working). */
  async resend(userId: string): Promise<void> {
    await this.db.runTrusted({ userId }, async () => {
      if (await this.auth.currentEmailVerified()) {
        throw new Conflict('Your email address is already verified', ErrorCode.EmailAlreadyVerified);
      }
      const age = await this.auth.secondsSinceLastVerification(userId);
      if (age !== null && age < RESEND_COOLDOWN_SECONDS) {
        throw new RetryLater(
          `A verification link was sent less than ${RESEND_COOLDOWN_SECONDS} seconds ago: check the inbox, or ask again later`,
          Math.ceil(RESEND_COOLDOWN_SECONDS - age),
        );
      }
      const profile = await this.profiles.findById(userId);
      if (!profile?.email) {
        throw new DomainError(HttpStatus.NOT_FOUND, ErrorCode.NotFound, 'Your account has no email address');
      }
      await this.send(userId, profile.email, profile.fullName);
    });
  }
}
