import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, Forbidden } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { EmailService } from '../email/email.service.js';
import { passwordResetEmail } from '../email/templates.js';
import { ProfilesRepository } from '../profiles/profiles.repository.js';
import type { AuthUser } from './auth-user.js';
import { AuthRepository } from './auth.repository.js';
import { hashOneTimeToken, linkTo, newOneTimeToken } from './one-time-token.js';
import { hashPassword, verifyPassword } from './password.js';
import { SessionStatus } from './session-status.js';
import { SessionsRepository } from './sessions.repository.js';

/** How long a reset link works. */
export const RESET_TTL_MINUTES = 60;

/**
 * Passwords of the embedded auth (docs/auth.md): recovery by an emailed one-time link, and
 * a signed-in change. Either one signs sessions out: a reset all of them, a change every
 * one but the caller's.
 */
@Injectable()
export class PasswordService {
  constructor(
    private readonly db: TenantDb,
    private readonly auth: AuthRepository,
    private readonly profiles: ProfilesRepository,
    private readonly emails: EmailService,
    private readonly sessions: SessionsRepository,
    private readonly status: SessionStatus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * POST /v1/auth/recover: emails a reset link when an account has the address, and answers
   * the same either way (the caller learns nothing about who has an account).
   */
  async recover(email: string): Promise<void> {
    const address = email.toLowerCase();
    // Made whether or not the account exists: both paths do the same work up to the write.
    const { token, hash } = newOneTimeToken();
    const account = await this.db.runTrusted({}, () => this.auth.credentialForLogin(address));
    if (!account) return;
    const { userId } = account;
    await this.db.runTrusted({ userId }, async () => {
      const profile = await this.profiles.findById(userId);
      // The link goes to the address the account signs in with, and only if its profile has it too
      // (account mail is written to the profile's own address only).
      if (profile?.email.toLowerCase() !== address) return;
      await this.auth.replaceReset(userId, address, hash, new Date(Date.now() + RESET_TTL_MINUTES * 60_000));
      await this.emails.enqueueAccount(
        'PASSWORD_RESET',
        address,
        passwordResetEmail({
          recipientName: profile.fullName,
          resetUrl: linkTo(this.config.auth.appUrl, '/reset-password', token),
          validMinutes: RESET_TTL_MINUTES,
        }),
      );
    });
  }

  /** POST /v1/auth/reset: the new password, the address verified, every session signed out. */
  async reset(token: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const { status, userId } = await this.db.runTrusted({}, () =>
      this.auth.resetPassword(hashOneTimeToken(token), passwordHash),
    );
    if (status === 'OK' && userId) {
      this.status.markAllRevoked(userId);
      return;
    }
    if (status === 'EXPIRED') {
      throw new DomainError(
        HttpStatus.GONE,
        ErrorCode.ResetTokenExpired,
        'This reset link has expired: ask for another one',
      );
    }
    if (status === 'USED') {
      throw new DomainError(HttpStatus.GONE, ErrorCode.ResetTokenUsed, 'This reset link was already used');
    }
    throw new DomainError(HttpStatus.NOT_FOUND, ErrorCode.ResetTokenInvalid, 'No such reset link');
  }

  /** POST /v1/me/password: the current password proves it is the owner; other sessions are signed out. */
  async change(user: AuthUser, currentPassword: string, newPassword: string): Promise<void> {
    const credential = await this.db.runTrusted({ userId: user.id }, () => this.auth.ownCredential(user.id));
    if (!credential) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        ErrorCode.NoPassword,
        'Your account has no password here: it signs in through Supabase Auth',
      );
    }
    if (!(await verifyPassword(currentPassword, credential.passwordHash))) {
      throw new Forbidden('The current password is wrong', ErrorCode.CurrentPasswordIncorrect);
    }
    const passwordHash = await hashPassword(newPassword);
    // One transaction: the new password and the other sessions' end stand or fall together.
    const revoked = await this.db.runTrusted({ userId: user.id }, async () => {
      await this.auth.setPasswordHash(user.id, passwordHash);
      return this.sessions.revoke('PASSWORD_CHANGED', { userId: user.id, except: user.sessionId });
    });
    this.status.markRevoked(user.id, revoked);
  }
}
