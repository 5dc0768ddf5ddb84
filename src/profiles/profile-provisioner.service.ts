import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { TenantDb } from '../database/tenant-db.js';
import { ProfilesRepository } from './profiles.repository.js';

const MAX_KNOWN = 50_000;

/** Creates the profile row of an authenticated user the first time they are seen. */
@Injectable()
export class ProfileProvisioner {
  // Ids known to have a profile: saves a write on every request. Profiles are
  // never deleted by the API, so a stale entry cannot hide a missing row for long.
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

  /** Marks a profile created elsewhere (local sign-up) as known. */
  remember(userId: string): void {
    this.known.add(userId);
  }
}
