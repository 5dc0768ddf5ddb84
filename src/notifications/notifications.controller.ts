import { Get, Post, Query } from '@nestjs/common';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ListNotificationsQuery } from './dto/list-notifications.query.js';
import { NotificationOutput, ReadAllOutput, UnreadCountOutput } from './dto/notification.output.js';
import { NotificationsService } from './notifications.service.js';

// Marking your own notifications read is not a write to CRM data: every role may do it.
const ANY_MEMBER = ['ADMIN', 'MANAGER', 'AGENT', 'VIEWER'] as const;

@TenantController('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Endpoint({ summary: 'Your notifications in this organization, newest first', ok: PageOf(NotificationOutput) })
  list(@Query() query: ListNotificationsQuery): Promise<Page<NotificationOutput>> {
    return this.notifications.list(query);
  }

  @Get('unread-count')
  @Endpoint({ summary: 'How many of your notifications are unread', ok: UnreadCountOutput })
  unreadCount(): Promise<UnreadCountOutput> {
    return this.notifications.unreadCount();
  }

  @Post('read-all')
  @BillingExempt()
  @Roles(...ANY_MEMBER)
  @Endpoint({ summary: 'Mark all your notifications read', ok: ReadAllOutput })
  readAll(): Promise<ReadAllOutput> {
    return this.notifications.markAllRead();
  }

  @Post(':id/read')
  @BillingExempt()
  @Roles(...ANY_MEMBER)
  @Endpoint({ summary: 'Mark one of your notifications read', ok: NotificationOutput })
  read(@IdParam() id: string): Promise<NotificationOutput> {
    return this.notifications.markRead(id);
  }
}
