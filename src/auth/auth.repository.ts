import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly db: TenantDb) {}

  createCredential(userId: string, email: string, passwordHash: string) {
    return this.db.tx.authCredential.create({ data: { userId, email, passwordHash } });
  }

  /** Through a definer function: login runs before anyone is known. */
  async credentialForLogin(email: string): Promise<{ user_id: string; password_hash: string } | undefined> {
    const rows = await this.db.tx.$queryRaw<{ user_id: string; password_hash: string }[]>`
      SELECT user_id, password_hash FROM app.credential_for_login(${email})`;
    return rows[0];
  }
}
