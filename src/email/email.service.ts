import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { JobQueue } from '../jobs/job-queue.js';
import { EmailRepository } from './email.repository.js';
import type { EmailKind, RenderedEmail } from './templates.js';

/** The job that delivers one outbox row: ids only, so the queue's tables never hold a message. */
export const EMAIL_SEND_JOB = 'email.send';
export interface EmailSendJob {
  /** Null for account mail (an email verification link): it belongs to no organization. */
  organizationId: string | null;
  id: string;
}

/** Attempts before a message is FAILED for good: the job's first run and its retries. */
export const EMAIL_RETRY_LIMIT = 5;
export const EMAIL_MAX_ATTEMPTS = EMAIL_RETRY_LIMIT + 1;

export const emailJobOptions = (organizationId: string | null, id: string) => ({
  organizationId: organizationId ?? undefined,
  // One queued job per message: the sweep never doubles a job that is still waiting.
  singletonKey: id,
  retryLimit: EMAIL_RETRY_LIMIT,
  retryDelaySeconds: 30,
  retryBackoff: true,
});

@Injectable()
export class EmailService {
  constructor(
    private readonly db: TenantDb,
    private readonly emails: EmailRepository,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Writes the message into the caller's unit of work, so it exists exactly when the change
   * that asked for it commits; the delivery job is enqueued after the commit (a rolled-back
   * change sends nothing). If the process dies in between, the sweep sends it.
   */
  async enqueue(kind: EmailKind, to: string, message: RenderedEmail): Promise<void> {
    await this.write(this.db.orgId, kind, to, message);
  }

  /**
   * Account mail, to the signed-in user's own address (an email verification link): written
   * with no organization, since the person may belong to none yet. The database allows such
   * a row only to the address of the user the unit of work runs as.
   */
  async enqueueAccount(kind: EmailKind, to: string, message: RenderedEmail): Promise<void> {
    await this.write(null, kind, to, message);
  }

  private async write(
    organizationId: string | null,
    kind: EmailKind,
    to: string,
    message: RenderedEmail,
  ): Promise<void> {
    const id = randomUUID();
    await this.emails.insert(organizationId, {
      id,
      kind,
      toAddress: to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      attachments: message.attachments ?? [],
    });
    this.db.afterCommit(() =>
      this.jobs.send<EmailSendJob>(EMAIL_SEND_JOB, { organizationId, id }, emailJobOptions(organizationId, id)),
    );
  }
}
