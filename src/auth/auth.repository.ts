import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly db: TenantDb) {}

  createCredential(userId: string, email: string, passwordHash: string) {
    return this.db.tx.authCredential.create({ data: { userId, email, passwordHash } });
  }

  /** Through a definer function: login runs before anyone is known. */
  credentialForLogin(email: string): Promise<{ userId: string; passwordHash: string } | undefined> {
    return this.db.sql
      .selectFrom(sql<{ userId: string; passwordHash: string }>`app.credential_for_login(${email})`.as('c'))
      .select(['c.userId', 'c.passwordHash'])
      .executeTakeFirst();
  }
}
