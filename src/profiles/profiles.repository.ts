import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';

@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: TenantDb) {}

  async insertIfMissing(id: string, email: string): Promise<void> {
    await this.db.sql
      .insertInto('profiles')
      .values({ id, email })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  create(id: string, email: string, fullName: string) {
    return this.db.tx.profile.create({ data: { id, email, fullName } });
  }

  findById(id: string) {
    return this.db.tx.profile.findUnique({ where: { id } });
  }

  /** The current user's memberships with their organizations (RLS shows only their own). */
  membershipsOf(userId: string) {
    return this.db.tx.membership.findMany({
      where: { userId },
      include: { organization: true },
      orderBy: { createdAt: 'asc' },
    });
  }
}
