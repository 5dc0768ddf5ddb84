import { Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ListNotificationsQuery } from './dto/list-notifications.query.js';
import { NotificationOutput, ReadAllOutput, UnreadCountOutput } from './dto/notification.output.js';
import { NotificationsService } from './notifications.service.js';

// Marking your own notifications read is not a write to CRM data: every role may do it.
const ANY_MEMBER = ['ADMIN', 'MANAGER', 'AGENT', 'VIEWER'] as const;

@ApiTags('notifications')
@TenantRoute()
@Controller({ path: 'notifications', version: '1' })
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Your notifications in this organization, newest first' })
  @ApiOkResponse({ type: PageOf(NotificationOutput) })
  list(@Query() query: ListNotificationsQuery): Promise<Page<NotificationOutput>> {
    return this.notifications.list(query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of your notifications are unread' })
  @ApiOkResponse({ type: UnreadCountOutput })
  unreadCount(): Promise<UnreadCountOutput> {
    return this.notifications.unreadCount();
  }

  @Post('read-all')
  @Roles(...ANY_MEMBER)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @ApiOkResponse({ type: ReadAllOutput })
  readAll(): Promise<ReadAllOutput> {
    return this.notifications.markAllRead();
  }

  @Post(':id/read')
  @Roles(...ANY_MEMBER)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark one of your notifications read' })
  @ApiOkResponse({ type: NotificationOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such notification of yours' })
  read(@IdParam() id: string): Promise<NotificationOutput> {
    return this.notifications.markRead(id);
  }
}
