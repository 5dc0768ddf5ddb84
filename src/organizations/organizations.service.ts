import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import type { IdsPageQuery } from '../common/ids-param.js';
import { type Page, pageOf, skipTake } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ContactVisibility, MemberRole } from '../generated/prisma/enums.js';
import type { CreateOrganizationInput, UpdateOrganizationInput } from './dto/organization.input.js';
import type { OrganizationOutput } from './dto/organization.output.js';
import { MembersService } from '../members/members.service.js';
import { OrganizationsRepository } from './organizations.repository.js';

interface OrgRow {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  auditRetentionDays: number;
  timeZone: string;
  contactVisibility: ContactVisibility;
  version: number;
}

const toOutput = (org: OrgRow, role: MemberRole): OrganizationOutput => ({
  id: org.id,
  name: org.name,
  role,
  createdAt: org.createdAt.toISOString(),
  updatedAt: org.updatedAt.toISOString(),
  auditRetentionDays: org.auditRetentionDays,
  timeZone: org.timeZone,
  contactVisibility: org.contactVisibility,
  version: org.version,
});

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly orgs: OrganizationsRepository,
    private readonly members: MembersService,
  ) {}

  /** The creator becomes the organization's first ADMIN, in the same transaction. */
  create(userId: string, input: CreateOrganizationInput): Promise<OrganizationOutput> {
    const id = randomUUID();
    return this.db.runTrusted({ userId, orgId: id, role: 'ADMIN' }, async () => {
      const org = await this.orgs.create(id, input.name);
      await this.members.addFounder(userId);
      return toOutput(org, 'ADMIN');
    });
  }

  /** A user belongs to a handful of organizations: read them all, then page. */
  listMine(userId: string, query: IdsPageQuery): Promise<Page<OrganizationOutput>> {
    return this.db.runAsUser(async () => {
      const memberships = await this.orgs.membershipsOf(userId, query.ids?.length ? { in: query.ids } : undefined);
      const { skip, take } = skipTake(query);
      const page = memberships.slice(skip, skip + take).map((m) => toOutput(m.organization, m.role));
      return pageOf(page, memberships.length, query);
    });
  }

  /** Another organization's id is a 404, exactly like an unknown one. */
  get(id: string): Promise<OrganizationOutput> {
    return this.db.runInOrg(
      id,
      async () => {
        const [m] = await this.orgs.membershipsOf(this.db.userId, id);
        if (!m) throw new NotFound('Organization');
        return toOutput(m.organization, this.db.role);
      },
      { notMember: () => new NotFound('Organization') },
    );
  }

  update(id: string, input: UpdateOrganizationInput): Promise<OrganizationOutput> {
    const data = {
      name: input.name,
      auditRetentionDays: input.auditRetentionDays,
      timeZone: input.timeZone,
      contactVisibility: input.contactVisibility,
    };
    return this.db.runInOrg(id, async () => toOutput(await this.orgs.update(id, data), this.db.role), {
      roles: ['ADMIN'],
      notMember: () => new NotFound('Organization'),
    });
  }
}
