import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { EmailService } from '../email/email.service.js';
import type { RenderedEmail } from '../email/templates.js';
import type { Notification } from '../generated/prisma/client.js';
import type { ListNotificationsQuery } from './dto/list-notifications.query.js';
import {
  EMAIL_NOTIFICATION_TYPES,
  type EmailNotificationType,
  type NotificationData,
  type NotificationOutput,
  type NotificationType,
} from './dto/notification.output.js';
import {
  type NotificationRecipient,
  NotificationPreferencesRepository,
} from './notification-preferences.repository.js';
import { type NewNotification, NotificationsRepository } from './notifications.repository.js';

/** A notification, and the email that goes with it when its recipient wants that type by email. */
export interface Notice extends NewNotification {
  /** Renders the email for the recipient (their name, their reminder preferences). */
  email?: (recipient: NotificationRecipient) => RenderedEmail;
}

const isEmailType = (type: NotificationType): type is EmailNotificationType =>
  (EMAIL_NOTIFICATION_TYPES as readonly string[]).includes(type);

// Rows are written only by notify(), whose NewNotification types both columns.
const toOutput = (n: Notification): NotificationOutput => ({
  id: n.id,
  type: n.type as NotificationType,
  title: n.title,
  body: n.body,
  data: (n.data as NotificationData | null) ?? null,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
});

@Injectable()
export class NotificationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: NotificationPreferencesRepository,
    private readonly email: EmailService,
  ) {}

  /**
   * Notifies members of the current organization, and emails those who want that type by
   * email. Call it inside the unit of work that caused it, so the notification and the
   * email exist exactly when the change does. Nobody is notified of their own actions; the system (a job, with no
   * user) notifies anyone.
   */
  async notify(...items: Notice[]): Promise<void> {
    await this.deliver(items.filter((n) => n.userId !== this.db.context.userId));
  }

  /**
   * As notify(), to whoever is named, the acting user included: the scheduled reminders
   * act as their recipient (their own view of the records), and are still news to them.
   */
  async deliver(items: Notice[]): Promise<void> {
    await this.notifications.insert(items);
    const emailed = items.flatMap((n) =>
      n.email && isEmailType(n.type) ? [{ ...n, type: n.type, render: n.email }] : [],
    );
    if (!emailed.length) return;
    const recipients = new Map(
      (await this.preferences.recipients(emailed.map((n) => n.userId))).map((r) => [r.userId, r]),
    );
    for (const n of emailed) {
      const r = recipients.get(n.userId);
      if (!r || r.emailMuted.includes(n.type)) continue;
      await this.email.enqueue(n.type, r.email, n.render(r));
    }
  }

  list(query: ListNotificationsQuery): Promise<Page<NotificationOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.notifications.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  unreadCount(): Promise<{ unread: number }> {
    return this.db.run(async () => ({ unread: await this.notifications.unreadCount() }));
  }

  markRead(id: string): Promise<NotificationOutput> {
    return this.db.run(async () => {
      const row = await this.notifications.markRead(id);
      if (!row) throw new NotFound('Notification');
      return toOutput(row);
    });
  }

  markAllRead(): Promise<{ affected: number }> {
    return this.db.run(async () => ({ affected: await this.notifications.markAllRead() }));
  }
}
