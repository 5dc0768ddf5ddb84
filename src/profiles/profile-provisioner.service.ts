import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { TenantDb } from '../database/tenant-db.js';
import { ProfilesRepository } from './profiles.repository.js';

const MAX_KNOWN = 50_000;

/** Creates the profile row of an authenticated user the first time they are seen. */
@Injectable()
export class ProfileProvisioner {
  // Ids known to have a live profile: saves a write on every request. A deleted account's id is
  // forgotten here (DELETE /v1/me); another replica keeps it until its set is cleared, but the
  // account belongs to no organization and its profile routes answer ACCOUNT_DELETED.
  private readonly known = new Set<string>();

  constructor(
    private readonly db: TenantDb,
    private readonly profiles: ProfilesRepository,
  ) {}

  async ensure(user: AuthUser): Promise<void> {
    if (this.known.has(user.id)) return;
    await this.db.runAsUser(() => this.profiles.insertIfMissing(user.id, user.email ?? ''));
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.add(user.id);
  }

  /** A deleted account: its next request looks at its profile again (and is refused). */
  forget(userId: string): void {
    this.known.delete(userId);
  }

  /** Marks a profile created elsewhere (local sign-up) as known. */
  remember(userId: string): void {
    this.known.add(userId);
  }
}
