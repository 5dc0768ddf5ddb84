import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { NotificationPreference } from '../generated/prisma/client.js';
import {
  type EmailChannelOutput,
  type NotificationPreferencesOutput,
  REMINDER_MINUTES,
  type UpdateNotificationPreferencesInput,
} from './dto/notification-preferences.dto.js';
import { EMAIL_NOTIFICATION_TYPES } from './dto/notification.output.js';
import { NotificationPreferencesRepository } from './notification-preferences.repository.js';

const emailChannel = (muted: readonly string[]): EmailChannelOutput =>
  Object.fromEntries(EMAIL_NOTIFICATION_TYPES.map((t) => [t, !muted.includes(t)])) as unknown as EmailChannelOutput;

const toOutput = (row: NotificationPreference | null): NotificationPreferencesOutput => ({
  email: emailChannel(row?.emailMuted ?? []),
  appointmentReminderMinutes: row?.appointmentReminderMinutes ?? REMINDER_MINUTES.default,
  updatedAt: row?.updatedAt.toISOString() ?? null,
});

/**
 * The signed-in user's notification preferences, per user (not per organization): the
 * address and a reminder's lead time are the person's, and someone in two brokerages sets
 * them once. Stored as the types muted, so a type added later reaches email by default.
 */
@Injectable()
export class NotificationPreferencesService {
  constructor(
    private readonly db: TenantDb,
    private readonly preferences: NotificationPreferencesRepository,
  ) {}

  get(): Promise<NotificationPreferencesOutput> {
    return this.db.runAsUser(async () => toOutput(await this.preferences.findOwn()));
  }

  update(input: UpdateNotificationPreferencesInput): Promise<NotificationPreferencesOutput> {
    return this.db.runAsUser(async () => {
      const current = await this.preferences.findOwn();
      const muted = new Set(current?.emailMuted ?? []);
      for (const [type, on] of Object.entries(input.email ?? {})) {
        if (on === true) muted.delete(type);
        else if (on === false) muted.add(type);
      }
      const row = await this.preferences.saveOwn({
        // Only types that still exist: a type retired from the list drops out on the next change.
        emailMuted: EMAIL_NOTIFICATION_TYPES.filter((t) => muted.has(t)),
        appointmentReminderMinutes:
          input.appointmentReminderMinutes ?? current?.appointmentReminderMinutes ?? REMINDER_MINUTES.default,
      });
      return toOutput(row);
    });
  }
}
