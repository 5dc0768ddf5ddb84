import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, NotFound, Unauthorized } from '../common/errors.js';
import type { IdsPageQuery } from '../common/ids-param.js';
import { type Page, pageOf, skipTake } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ContactVisibility, MemberRole } from '../generated/prisma/enums.js';
import type { CreateOrganizationInput, UpdateOrganizationInput } from './dto/organization.input.js';
import type { OrganizationOutput } from './dto/organization.output.js';
import { MembersService } from '../members/members.service.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { ProfilesRepository } from '../profiles/profiles.repository.js';
import { ImageStore } from '../storage/image-store.js';
import { takeImage } from '../storage/image-upload.js';
import type { NextFile } from '../storage/multipart.js';

interface OrgRow {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  auditRetentionDays: number;
  timeZone: string;
  contactVisibility: ContactVisibility;
  logoPath: string | null;
  version: number;
}

const toOutput = (org: OrgRow, role: MemberRole, logoUrl: string | null): OrganizationOutput => ({
  id: org.id,
  name: org.name,
  role,
  createdAt: org.createdAt.toISOString(),
  updatedAt: org.updatedAt.toISOString(),
  auditRetentionDays: org.auditRetentionDays,
  timeZone: org.timeZone,
  contactVisibility: org.contactVisibility,
  logoUrl,
  version: org.version,
});

/** An organization's settings are its ADMINs'; another organization's id is a 404. */
const ADMIN_ONLY = { roles: ['ADMIN'] as MemberRole[], notMember: () => new NotFound('Organization') };

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly orgs: OrganizationsRepository,
    private readonly members: MembersService,
    private readonly images: ImageStore,
    private readonly profiles: ProfilesRepository,
  ) {}

  /** The output with its logo's signed URL, signed after the unit of work (it may be a network call). */
  private async output(org: OrgRow, role: MemberRole): Promise<OrganizationOutput> {
    return toOutput(org, role, await this.images.url(org.logoPath));
  }

  /** The creator becomes the organization's first ADMIN, in the same transaction. */
  create(userId: string, input: CreateOrganizationInput): Promise<OrganizationOutput> {
    const id = randomUUID();
    return this.db.runTrusted({ userId, orgId: id, role: 'ADMIN' }, async () => {
      // A deleted account's token may still pass another replica's provisioner cache.
      if (!(await this.profiles.findLive(userId))) {
        throw new Unauthorized('This account was deleted', ErrorCode.AccountDeleted);
      }
      const org = await this.orgs.create(id, input.name);
      await this.members.addFounder(userId);
      return toOutput(org, 'ADMIN', null);
    });
  }

  /** A user belongs to a handful of organizations: read them all, then page. */
  async listMine(userId: string, query: IdsPageQuery): Promise<Page<OrganizationOutput>> {
    const memberships = await this.db.runAsUser(() =>
      this.orgs.membershipsOf(userId, query.ids?.length ? { in: query.ids } : undefined),
    );
    const { skip, take } = skipTake(query);
    const page = await Promise.all(
      memberships.slice(skip, skip + take).map((m) => this.output(m.organization, m.role)),
    );
    return pageOf(page, memberships.length, query);
  }

  /** Another organization's id is a 404, exactly like an unknown one. */
  async get(id: string): Promise<OrganizationOutput> {
    const { org, role } = await this.db.runInOrg(
      id,
      async () => {
        const [m] = await this.orgs.membershipsOf(this.db.userId, id);
        if (!m) throw new NotFound('Organization');
        return { org: m.organization, role: this.db.role };
      },
      { notMember: () => new NotFound('Organization') },
    );
    return this.output(org, role);
  }

  async update(id: string, input: UpdateOrganizationInput): Promise<OrganizationOutput> {
    const data = {
      name: input.name,
      auditRetentionDays: input.auditRetentionDays,
      timeZone: input.timeZone,
      contactVisibility: input.contactVisibility,
    };
    const { org, role } = await this.db.runInOrg(
      id,
      async () => ({ org: await this.orgs.update(id, data), role: this.db.role }),
      ADMIN_ONLY,
    );
    return this.output(org, role);
  }

  /** Stores the logo under the organization's prefix, then points the organization at it and deletes the old one. */
  async uploadLogo(id: string, nextFile: NextFile): Promise<OrganizationOutput> {
    await this.db.runInOrg(id, () => Promise.resolve(), ADMIN_ONLY);
    const image = await takeImage(nextFile);
    const key = `${id}/logo/${randomUUID()}.${image.extension}`;
    await this.images.put(key, image);
    const { org, role, replaced } = await this.db
      .runInOrg(
        id,
        async () => {
          const replaced = await this.orgs.replaceLogo(id, key);
          const [m] = await this.orgs.membershipsOf(this.db.userId, id);
          if (!m) throw new NotFound('Organization');
          return { org: m.organization, role: this.db.role, replaced };
        },
        ADMIN_ONLY,
      )
      .catch(async (error: unknown) => {
        await this.images.remove(key);
        throw error;
      });
    await this.images.remove(replaced);
    return this.output(org, role);
  }

  async removeLogo(id: string): Promise<void> {
    const removed = await this.db.runInOrg(id, () => this.orgs.replaceLogo(id, null), ADMIN_ONLY);
    await this.images.remove(removed);
  }
}
