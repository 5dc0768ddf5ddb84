import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, Unauthorized } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { Profile } from '../generated/prisma/client.js';
import { ImageStore } from '../storage/image-store.js';
import { takeImage } from '../storage/image-upload.js';
import type { NextFile } from '../storage/multipart.js';
import type { MeOutput, ProfileOutput } from './dto/me.output.js';
import type { UpdateProfileInput } from './dto/profile.input.js';
import { ProfilesRepository } from './profiles.repository.js';

const accountDeleted = () => new Unauthorized('This account was deleted', ErrorCode.AccountDeleted);

/**
 * The signed-in user's own profile: settings and avatar. Storage calls (upload, signing, deleting)
 * happen outside the unit of work: they may be network calls (Supabase Storage).
 */
@Injectable()
export class MeService {
  constructor(
    private readonly db: TenantDb,
    private readonly profiles: ProfilesRepository,
    private readonly images: ImageStore,
  ) {}

  async me(): Promise<MeOutput> {
    const { profile, memberships } = await this.db.runAsUser(async () => {
      const found = await this.profiles.findLive(this.db.userId);
      if (!found) throw accountDeleted();
      return { profile: found, memberships: await this.profiles.membershipsOf(found.id) };
    });
    return {
      ...(await this.toOutput(profile)),
      memberships: memberships.map((m) => ({
        organizationId: m.organizationId,
        organizationName: m.organization.name,
        role: m.role,
        joinedAt: m.createdAt.toISOString(),
      })),
    };
  }

  async update(input: UpdateProfileInput): Promise<ProfileOutput> {
    const profile = await this.db.runAsUser(async () => {
      if (!(await this.profiles.findLive(this.db.userId))) throw accountDeleted();
      return this.profiles.update(this.db.userId, {
        fullName: input.fullName,
        phone: input.phone,
        timeZone: input.timeZone,
        locale: input.locale,
      });
    });
    return this.toOutput(profile);
  }

  /** Stores the new avatar, then points the profile at it and deletes the one it replaces. */
  async uploadAvatar(nextFile: NextFile): Promise<ProfileOutput> {
    const userId = await this.db.runAsUser(async () => {
      if (!(await this.profiles.findLive(this.db.userId))) throw accountDeleted();
      return this.db.userId;
    });
    const image = await takeImage(nextFile);
    const key = `avatars/${userId}/${randomUUID()}.${image.extension}`;
    await this.images.put(key, image);
    const { replaced, profile } = await this.db
      .runAsUser(async () => {
        const live = await this.profiles.findLive(userId);
        if (!live) throw accountDeleted();
        return { replaced: await this.profiles.replaceAvatar(userId, key), profile: { ...live, avatarPath: key } };
      })
      .catch(async (error: unknown) => {
        await this.images.remove(key);
        throw error;
      });
    await this.images.remove(replaced);
    return this.toOutput(profile);
  }

  async removeAvatar(): Promise<void> {
    const removed = await this.db.runAsUser(async () => {
      if (!(await this.profiles.findLive(this.db.userId))) throw accountDeleted();
      return this.profiles.replaceAvatar(this.db.userId, null);
    });
    await this.images.remove(removed);
  }

  private async toOutput(profile: Profile): Promise<ProfileOutput> {
    return {
      id: profile.id,
      email: profile.email,
      fullName: profile.fullName,
      emailVerified: profile.emailVerifiedAt !== null,
      phone: profile.phone,
      timeZone: profile.timeZone,
      locale: profile.locale,
      avatarUrl: await this.images.url(profile.avatarPath),
      createdAt: profile.createdAt.toISOString(),
    };
  }
}
