import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { TenantDb } from '../database/tenant-db.js';
import { ProfilesRepository } from './profiles.repository.js';

const MAX_KNOWN = 50_000;

/**
 * Creates the profile row of an authenticated user the first time they are seen, and refuses
 * a deleted account's tokens (ACCOUNT_DELETED, from insertIfMissing).
 */
@Injectable()
export class ProfileProvisioner {
  // Ids known to have a live profile: saves a statement on every request. This server forgets a
  // deleted account at once (DELETE /v1/me); another replica keeps it until its set is cleared,
  // but every route such an account could still reach checks the profile itself (src/profiles,
  // creating an organization) and it belongs to no organization.
  private readonly known = new Set<string>();

  constructor(
    private readonly db: TenantDb,
    private readonly profiles: ProfilesRepository,
  ) {}

  /** Whether this server knows the user's profile exists (ensure would send nothing). */
  isKnown(userId: string): boolean {
    return this.known.has(userId);
  }

  async ensure(user: AuthUser): Promise<void> {
    if (this.known.has(user.id)) return;
    await this.db.runAsUser(() => this.profiles.insertIfMissing(user.id, user.email ?? ''));
    this.remember(user.id);
  }

  /** A deleted account: its next request looks at its profile again (and is refused). */
  forget(userId: string): void {
    this.known.delete(userId);
  }

  /** Marks a profile created elsewhere (local sign-up) as known. */
  remember(userId: string): void {
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.add(userId);
  }
}
