import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';
import { RemindersService } from './reminders.service.js';

/** The reminder schedules (cron, UTC): each tick runs once across every process (JobQueue.schedule). */
export const REMINDER_SCHEDULES = {
  'reminders.appointments': '* * * * *',
  // Every 15 minutes: 08:00 comes on the quarter hour in every time zone (India +05:30, Nepal +05:45).
  'reminders.activity-digest': '*/15 * * * *',
  'reminders.listing-expiration': '7 * * * *',
} as const;

@Injectable()
export class RemindersWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    private readonly reminders: RemindersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const run: Record<keyof typeof REMINDER_SCHEDULES, () => Promise<number>> = {
      'reminders.appointments': () => this.reminders.appointmentReminders(),
      'reminders.activity-digest': () => this.reminders.activityDigests(),
      'reminders.listing-expiration': () => this.reminders.listingAlerts(),
    };
    for (const [name, cron] of Object.entries(REMINDER_SCHEDULES) as [keyof typeof REMINDER_SCHEDULES, string][]) {
      await this.jobs.work(name, async () => {
        await run[name]();
      });
      await this.jobs.schedule(name, cron);
    }
  }
}
