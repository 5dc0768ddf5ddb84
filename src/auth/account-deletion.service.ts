import { Injectable } from '@nestjs/common';
import { Conflict, DetailCode, ErrorCode, Unauthorized, ValidationFailed } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { ProfileProvisioner } from '../profiles/profile-provisioner.service.js';
import type { DeleteAccountInput } from '../profiles/dto/profile.input.js';
import { ProfilesRepository } from '../profiles/profiles.repository.js';
import { ImageStore } from '../storage/image-store.js';
import { SeatSyncJobs } from '../billing/seat-sync.jobs.js';
import { AuthRepository } from './auth.repository.js';
import { verifyPassword } from './password.js';
import { SessionStatus } from './session-status.js';
import { SessionsRepository } from './sessions.repository.js';

/**
 * DELETE /v1/me. The account's person leaves every organization and their profile is
 * anonymized in one unit of work (app.close_account); the records they authored keep pointing
 * at the anonymized profile, which every reader sees as "Former member".
 */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly db: TenantDb,
    private readonly auth: AuthRepository,
    private readonly profiles: ProfilesRepository,
    private readonly provisioner: ProfileProvisioner,
    private readonly images: ImageStore,
    private readonly sessions: SessionsRepository,
    private readonly sessionStatus: SessionStatus,
    private readonly seats: SeatSyncJobs,
  ) {}

  async delete(input: DeleteAccountInput): Promise<void> {
    const { userId, hash } = await this.db.runAsUser(async () => ({
      userId: this.db.userId,
      hash: await this.auth.passwordHashOf(this.db.userId),
    }));
    await this.confirm(hash, input);
    const { revoked, ...result } = await this.db.runAsUser(async () => {
      const organizations = (await this.profiles.membershipsOf(userId)).map((m) => m.organizationId);
      const closed = await this.profiles.closeAccount();
      if (closed.status !== 'OK') return { ...closed, revoked: [] };
      // With the account: every session (its refresh tokens and access tokens), and a seat in each organization left.
      const sessionIds = await this.sessions.revoke('ACCOUNT_DELETED', { userId });
      for (const organizationId of organizations) await this.seats.request(organizationId);
      return { ...closed, revoked: sessionIds };
    });
    this.sessionStatus.markRevoked(userId, revoked);
    if (result.status === 'NOT_FOUND') throw new Unauthorized('This account was deleted', ErrorCode.AccountDeleted);
    if (result.status === 'LAST_ADMIN') {
      throw new Conflict(
        'You are the only ADMIN of an organization that has other members: make another member ADMIN first',
        ErrorCode.LastAdmin,
        undefined,
        { organizationIds: [result.organizationId ?? ''] },
      );
    }
    this.provisioner.forget(userId);
    await this.images.remove(result.avatarPath);
  }

  /** An account with a password confirms with it; one without (Supabase Auth) with confirm: true. */
  private async confirm(hash: string | undefined, input: DeleteAccountInput): Promise<void> {
    if (hash === undefined) {
      if (input.confirm !== true) {
        throw new ValidationFailed([
          { field: 'confirm', message: 'send confirm: true to delete your account', code: DetailCode.Required },
        ]);
      }
      return;
    }
    if (input.password === undefined) {
      throw new ValidationFailed([
        {
          field: 'password',
          message: 'your current password is required to delete your account',
          code: DetailCode.Required,
        },
      ]);
    }
    if (!(await verifyPassword(input.password, hash))) {
      throw new Unauthorized('The password is wrong', ErrorCode.InvalidCredentials);
    }
  }
}
