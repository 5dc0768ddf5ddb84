import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { NotificationPreference } from '../generated/prisma/client.js';

/** Who a notification reaches by email: their address, name and preferences (app.notification_recipients). */
export interface NotificationRecipient {
  userId: string;
  email: string;
  fullName: string | null;
  emailMuted: string[];
  appointmentReminderMinutes: number;
}

@Injectable()
export class NotificationPreferencesRepository {
  constructor(private readonly db: TenantDb) {}

  /** The acting user's row (RLS: only their own); null while they use the defaults. */
  findOwn(): Promise<NotificationPreference | null> {
    return this.db.tx.notificationPreference.findUnique({ where: { userId: this.db.userId } });
  }

  saveOwn(data: { emailMuted: string[]; appointmentReminderMinutes: number }): Promise<NotificationPreference> {
    const userId = this.db.userId;
    return this.db.tx.notificationPreference.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  }

  /** Members of the current organization among `userIds`, with their preferences. */
  async recipients(userIds: readonly string[]): Promise<NotificationRecipient[]> {
    if (!userIds.length) return [];
    const { rows } = await sql<NotificationRecipient>`
      SELECT * FROM app.notification_recipients(${[...new Set(userIds)]}::uuid[])`.execute(this.db.sql);
    return rows;
  }
}
