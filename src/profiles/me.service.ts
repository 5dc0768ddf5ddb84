import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { MeOutput } from './dto/me.output.js';
import { ProfilesRepository } from './profiles.repository.js';

@Injectable()
export class MeService {
  constructor(
    private readonly db: TenantDb,
    private readonly profiles: ProfilesRepository,
  ) {}

  me(): Promise<MeOutput> {
    return this.db.runAsUser(async () => {
      const profile = await this.profiles.findById(this.db.userId);
      if (!profile) throw new NotFound('Profile');
      const memberships = await this.profiles.membershipsOf(profile.id);
      return {
        id: profile.id,
        email: profile.email,
        fullName: profile.fullName,
        emailVerified: profile.emailVerifiedAt !== null,
        createdAt: profile.createdAt.toISOString(),
        memberships: memberships.map((m) => ({
          organizationId: m.organizationId,
          organizationName: m.organization.name,
          role: m.role,
          joinedAt: m.createdAt.toISOString(),
        })),
      };
    });
  }
}
