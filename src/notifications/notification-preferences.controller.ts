import { Body, Get, Patch } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import {
  NotificationPreferencesOutput,
  UpdateNotificationPreferencesInput,
} from './dto/notification-preferences.dto.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';

@UserController('me')
export class NotificationPreferencesController {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  @Get('notification-preferences')
  @Endpoint({
    summary: 'Your notification preferences',
    description: 'The same in every organization you belong to. Defaults until you change them.',
    ok: NotificationPreferencesOutput,
  })
  get(): Promise<NotificationPreferencesOutput> {
    return this.preferences.get();
  }

  @Patch('notification-preferences')
  @Endpoint({
    summary: 'Change which notifications also reach you by email, and when appointment reminders come',
    description: 'Only the fields sent change (in `email`, only the types sent).',
    ok: NotificationPreferencesOutput,
  })
  update(@Body() input: UpdateNotificationPreferencesInput): Promise<NotificationPreferencesOutput> {
    return this.preferences.update(input);
  }
}
