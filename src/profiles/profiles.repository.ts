import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';

@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: TenantDb) {}

  async insertIfMissing(id: string, email: string): Promise<void> {
    await this.db.tx
      .$executeRaw`INSERT INTO profiles (id, email) VALUES (${id}::uuid, ${email}) ON CONFLICT (id) DO NOTHING`;
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
