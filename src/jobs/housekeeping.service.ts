import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { errorMessage } from './job-options.js';
import { JobQueue } from './job-queue.js';

/** A recurring chore of the whole installation (no organization): purges, expiries, cleanups. */
export interface HousekeepingTask {
  /** Its queue, `housekeeping.<what>`. */
  name: string;
  /** Five cron fields, UTC unless tz. */
  cron: string;
  tz?: string;
  /** Does one round of the chore; a number it returns is logged as how many rows or objects it handled. */
  run: () => Promise<unknown>;
}

/**
 * The registry of housekeeping tasks: a feature adds one with a single line in its own
 * provider's constructor or onModuleInit —
 *   housekeeping.register({ name: 'housekeeping.stream-tokens', cron: '*\/5 * * * *', run: () => this.tokens.purge() });
 * — and at boot each becomes a schedule (fired once per tick across every process) and a
 * worker in the processes that run jobs.
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Housekeeping');
  private readonly tasks = new Map<string, HousekeepingTask>();
  private booted = false;

  constructor(private readonly queue: JobQueue) {}

  register(task: HousekeepingTask): void {
    if (this.booted)
      throw new Error(`Housekeeping task ${task.name} registered after boot: register it in onModuleInit`);
    if (this.tasks.has(task.name)) throw new Error(`Housekeeping task ${task.name} is registered twice`);
    this.tasks.set(task.name, task);
  }

  /** The registered tasks, for docs and tests. */
  list(): readonly HousekeepingTask[] {
    return [...this.tasks.values()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.booted = true;
    for (const task of this.tasks.values()) {
      await this.queue.work(task.name, () => this.runTask(task));
      await this.queue.schedule(task.name, task.cron, {}, task.tz ? { tz: task.tz } : {});
    }
  }

  private async runTask(task: HousekeepingTask): Promise<void> {
    try {
      const handled = await task.run();
      if (typeof handled === 'number' && handled > 0) this.logger.log(`${task.name}: ${handled}`);
    } catch (error) {
      this.logger.warn(`${task.name} failed: ${errorMessage(error)}`);
      throw error;
    }
  }
}
