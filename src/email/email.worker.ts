import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { HousekeepingService } from '../jobs/housekeeping.service.js';
import { type Job, JobQueue } from '../jobs/job-queue.js';
import { EmailRepository } from './email.repository.js';
import { EMAIL_MAX_ATTEMPTS, EMAIL_SEND_JOB, type EmailSendJob, emailJobOptions } from './email.service.js';
import { EmailTransport } from './email.transport.js';

export const EMAIL_SWEEP_JOB = 'email.sweep';
/** A message still PENDING this long after its commit lost its job (a crash, a full queue). */
const SWEEP_AFTER_SECONDS = 60;
const SWEEP_BATCH = 200;
/** Sent and failed messages are deleted this long after they were written (their bodies hold secret links). */
export const EMAIL_RETENTION_DAYS = 14;
const PURGE_BATCH = 10_000;

/**
 * Delivers the outbox: `email.send` sends one message, `email.sweep` (every minute)
 * re-enqueues those left PENDING. The database is never held open across the SMTP
 * conversation: claim (one short transaction), send, record the outcome (another).
 */
@Injectable()
export class EmailWorker implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(EmailWorker.name);

  constructor(
    private readonly db: TenantDb,
    private readonly emails: EmailRepository,
    private readonly transport: EmailTransport,
    private readonly jobs: JobQueue,
    private readonly housekeeping: HousekeepingService,
  ) {}

  onModuleInit(): void {
    this.housekeeping.register({
      name: 'housekeeping.email-outbox',
      cron: '37 3 * * *',
      run: () => this.db.runTrusted({}, () => this.emails.purgeFinished(EMAIL_RETENTION_DAYS, PURGE_BATCH)),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<EmailSendJob>(EMAIL_SEND_JOB, (job) => this.deliver(job), { concurrency: 4 });
    await this.jobs.work(EMAIL_SWEEP_JOB, async () => {
      await this.sweep();
    });
    await this.jobs.schedule(EMAIL_SWEEP_JOB, '* * * * *');
  }

  /** Sends one message; throws when the attempt failed and another is due (the job's retry). */
  async deliver({ data: { organizationId, id } }: Pick<Job<EmailSendJob>, 'data'>): Promise<void> {
    // A system unit of work in the message's organization: no user, so the definer functions answer.
    // Account mail (organizationId null) is claimed in a system unit of work with no organization.
    const inOrg = <T>(fn: () => Promise<T>) => this.db.runTrusted({ orgId: organizationId ?? undefined }, fn);
    const email = await inOrg(() => this.emails.claim(id));
    // Already sent or failed, leased by another sender, or its transaction never committed.
    if (!email) return;
    try {
      await this.transport.send(email);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const final = email.attempts >= EMAIL_MAX_ATTEMPTS;
      await inOrg(() => this.emails.finish(id, reason, final));
      this.logger.warn(
        `Email ${email.kind} ${id} attempt ${email.attempts} failed${final ? ' for good' : ''}: ${reason}`,
      );
      if (!final) throw error;
      return;
    }
    await inOrg(() => this.emails.finish(id, null, false));
  }

  /** Re-enqueues the messages left PENDING; returns how many. */
  async sweep(): Promise<number> {
    const pending = await this.db.runTrusted({}, () => this.emails.pending(SWEEP_AFTER_SECONDS, SWEEP_BATCH));
    for (const { organizationId, id } of pending)
      await this.jobs.send<EmailSendJob>(EMAIL_SEND_JOB, { organizationId, id }, emailJobOptions(organizationId, id));
    if (pending.length) this.logger.log(`Email sweep re-enqueued ${pending.length} pending message(s)`);
    return pending.length;
  }
}
