import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { Notification } from '../generated/prisma/client.js';
import type { ListNotificationsQuery } from './dto/list-notifications.query.js';
import type { NotificationData, NotificationOutput, NotificationType } from './dto/notification.output.js';
import { type NewNotification, NotificationsRepository } from './notifications.repository.js';

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
  ) {}

  /**
   * Notifies members of the current organization. Call it inside the unit of work
   * that caused it, so the notification exists exactly when the change does.
   * Nobody is notified of their own actions; the system (a job, with no user) notifies anyone.
   */
  async notify(...items: NewNotification[]): Promise<void> {
    const actor = this.db.context.userId;
    await this.notifications.insert(items.filter((n) => n.userId !== actor));
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
