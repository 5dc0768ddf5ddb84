import { HttpStatus, Injectable } from '@nestjs/common';
import { Conflict, DomainError, ErrorCode, NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import type { ListMembersQuery } from './dto/list-members.query.js';
import type { AddMemberInput, UpdateMemberInput } from './dto/member.input.js';
import type { MemberOutput } from './dto/member.output.js';
import { MembersRepository } from './members.repository.js';
import { SeatSyncJobs } from '../billing/seat-sync.jobs.js';

interface MemberRow {
  userId: string;
  role: MemberRole;
  createdAt: Date;
  version: number;
  profile: { email: string; fullName: string | null };
}

const toOutput = (m: MemberRow): MemberOutput => ({
  userId: m.userId,
  email: m.profile.email,
  fullName: m.profile.fullName,
  role: m.role,
  joinedAt: m.createdAt.toISOString(),
  version: m.version,
});

@Injectable()
export class MembersService {
  constructor(
    private readonly db: TenantDb,
    private readonly members: MembersRepository,
    private readonly seats: SeatSyncJobs,
  ) {}

  list(query: ListMembersQuery): Promise<Page<MemberOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.members.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  get(userId: string): Promise<MemberOutput> {
    return this.db.run(async () => {
      const member = await this.members.find(userId);
      if (!member) throw new NotFound('Member');
      return toOutput(member);
    });
  }

  /**
   * The user who creates an organization becomes its first ADMIN, inside the unit of work
   * (OrganizationsService.create) that created it.
   */
  /** The current organization's ADMINs, inside the caller's unit of work. */
  adminIds(): Promise<string[]> {
    return this.members.adminIds();
  }

  async addFounder(userId: string): Promise<void> {
    await this.members.create(userId, 'ADMIN');
  }

  add(input: AddMemberInput): Promise<MemberOutput> {
    return this.db.run(async () => {
      const account = await this.members.accountByEmail(input.email);
      if (!account) {
        throw new DomainError(
          HttpStatus.NOT_FOUND,
          ErrorCode.NotFound,
          'No user with this email: send them an invitation (POST /v1/invitations)',
        );
      }
      // Anyone can sign up with any address: until its owner proves it, the account may be
      // someone else's, so only an invitation (whose link goes to the address) adds them.
      if (!account.verified) {
        throw new DomainError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          ErrorCode.EmailNotVerified,
          'The account with this email has not verified its address: send an invitation (POST /v1/invitations) instead',
        );
      }
      const userId = account.id;
      if (await this.members.find(userId)) throw new Conflict('This user is already a member', ErrorCode.AlreadyMember);
      const created = await this.members.create(userId, input.role);
      await this.seats.request(this.db.orgId);
      return toOutput(created);
    });
  }

  updateRole(userId: string, input: UpdateMemberInput): Promise<MemberOutput> {
    return this.db.run(async () => {
      const current = await this.members.find(userId);
      if (!current) throw new NotFound('Member');
      if (current.role === 'ADMIN' && input.role !== 'ADMIN') await this.ensureAnotherAdmin(userId);
      return toOutput(await this.members.updateRole(userId, input.role));
    });
  }

  remove(userId: string): Promise<void> {
    return this.db.run(async () => {
      const current = await this.members.find(userId);
      if (!current) throw new NotFound('Member');
      if (current.role === 'ADMIN') await this.ensureAnotherAdmin(userId);
      await this.members.delete(userId);
      await this.seats.request(this.db.orgId);
    });
  }

  private async ensureAnotherAdmin(userId: string): Promise<void> {
    const admins = await this.members.lockAdmins();
    if (!admins.some((id) => id !== userId)) {
      throw new Conflict('An organization needs at least one ADMIN: promote someone else first', ErrorCode.LastAdmin);
    }
  }
}
