import { Injectable } from '@nestjs/common';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ListNotificationsQuery } from './dto/list-notifications.query.js';
import type { NotificationData, NotificationType } from './dto/notification.output.js';

export interface NewNotification {
  userId: string;
  type: NotificationType;
  title: string;
  body?: string;
  data?: NotificationData;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly db: TenantDb) {}

  /** RLS shows only the current user's notifications in the current organization. */
  async list(query: ListNotificationsQuery) {
    const where: Prisma.NotificationWhereInput = { organizationId: this.db.orgId, userId: this.db.userId };
    if (query.unread) where.readAt = null;
    if (query.ids?.length) where.id = { in: query.ids };
    return findPage(this.db.tx.notification, where, [{ createdAt: 'desc' }, { id: 'desc' }], query);
  }

  unreadCount(): Promise<number> {
    return this.db.tx.notification.count({
      where: { organizationId: this.db.orgId, userId: this.db.userId, readAt: null },
    });
  }

  async markRead(id: string) {
    const [row] = await this.db.tx.notification.updateManyAndReturn({
      where: { id, organizationId: this.db.orgId, userId: this.db.userId },
      data: { readAt: new Date() },
    });
    return row ?? null;
  }

  async markAllRead(): Promise<number> {
    const { count } = await this.db.tx.notification.updateMany({
      where: { organizationId: this.db.orgId, userId: this.db.userId, readAt: null },
      data: { readAt: new Date() },
    });
    return count;
  }

  /**
   * createMany, not create: the recipient is usually someone else, and RETURNING a
   * row the current user may not read would fail the SELECT policy.
   */
  async insert(items: NewNotification[]): Promise<void> {
    if (!items.length) return;
    await this.db.tx.notification.createMany({
      data: items.map((n) => ({
        organizationId: this.db.orgId,
        userId: n.userId,
        type: n.type,
        title: n.title,
        body: n.body,
        data: n.data as Prisma.InputJsonValue | undefined,
      })),
    });
  }
}
