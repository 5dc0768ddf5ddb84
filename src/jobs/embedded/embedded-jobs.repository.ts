import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../../database/tenant-db.js';
import type { RetryPolicy } from '../job-options.js';

export interface NewEmbeddedJob extends RetryPolicy {
  queue: string;
  data: unknown;
  organizationId?: string;
  singletonKey?: string;
  startAfter: Date;
}

export interface ClaimedJob extends RetryPolicy {
  id: string;
  queue: string;
  data: unknown;
  organizationId: string | null;
  retryCount: number;
}

/** How long finished jobs are kept (for a look in SQL, and the schedules' per-minute dedupe). */
const KEEP_FINISHED = '1 day';

/**
 * embedded_jobs (PGlite only), through the SQL layer: every statement is a short one in the
 * caller's unit of work; none is open while a handler runs.
 */
@Injectable()
export class EmbeddedJobsRepository {
  constructor(private readonly db: TenantDb) {}

  /** The new job's id, or null when a queued job already holds its singleton key. */
  async insert(job: NewEmbeddedJob): Promise<string | null> {
    const { rows } = await sql<{ id: string }>`
      INSERT INTO embedded_jobs (queue, data, organization_id, retry_limit, retry_delay, retry_backoff, singleton_key, start_after)
      VALUES (${job.queue}, ${JSON.stringify(job.data)}::jsonb, ${job.organizationId ?? null}::uuid, ${job.retryLimit},
              ${job.retryDelaySeconds}, ${job.retryBackoff}, ${job.singletonKey ?? null}, ${job.startAfter})
      ON CONFLICT (queue, singleton_key) WHERE state = 'created' AND singleton_key IS NOT NULL DO NOTHING
      RETURNING id`.execute(this.db.sql);
    return rows[0]?.id ?? null;
  }

  /** A schedule's job for one tick, unless that tick already has one in any state: the minute fires once. */
  async insertTick(queue: string, data: unknown, tick: string): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      INSERT INTO embedded_jobs (queue, data, retry_limit, retry_delay, retry_backoff, singleton_key)
      SELECT ${queue}, ${JSON.stringify(data)}::jsonb, 0, 0, false, ${tick}
       WHERE NOT EXISTS (SELECT 1 FROM embedded_jobs WHERE queue = ${queue} AND singleton_key = ${tick})
      ON CONFLICT DO NOTHING
      RETURNING id`.execute(this.db.sql);
    return rows.length > 0;
  }

  /** Takes up to `limit` due jobs of `queue`, oldest due first, and marks them active. */
  async claim(queue: string, limit: number): Promise<ClaimedJob[]> {
    // The SQL layer hands rows back with the model's (camelCase) names.
    const { rows } = await sql<ClaimedJob>`
      UPDATE embedded_jobs SET state = 'active', started_at = now()
       WHERE id IN (SELECT id FROM embedded_jobs
                     WHERE queue = ${queue} AND state = 'created' AND start_after <= now()
                     ORDER BY start_after, created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, queue, data, organization_id, retry_count, retry_limit, retry_delay AS retry_delay_seconds,
                retry_backoff`.execute(this.db.sql);
    return rows;
  }

  async complete(id: string): Promise<void> {
    await sql`UPDATE embedded_jobs SET state = 'completed', completed_at = now() WHERE id = ${id} AND state = 'active'`.execute(
      this.db.sql,
    );
  }

  /** Back in the queue after `delaySeconds`, one retry more. */
  async retryLater(id: string, delaySeconds: number, error: string): Promise<void> {
    if (await this.supersede([id])) return;
    await sql`
      UPDATE embedded_jobs SET state = 'created', retry_count = retry_count + 1, started_at = NULL, last_error = ${error},
             start_after = now() + make_interval(secs => ${delaySeconds})
       WHERE id = ${id} AND state = 'active'`.execute(this.db.sql);
  }

  async fail(id: string, error: string): Promise<void> {
    await sql`
      UPDATE embedded_jobs SET state = 'failed', completed_at = now(), last_error = ${error}
       WHERE id = ${id} AND state = 'active'`.execute(this.db.sql);
  }

  /**
   * Puts active jobs back in the queue as they were (no attempt counted): those still running
   * when this process stopped, or every active one at boot, since the embedded database has
   * one process and none of its jobs can still be running then.
   */
  async release(ids?: readonly string[]): Promise<number> {
    await this.supersede(ids);
    const { rows } = await sql<{ id: string }>`
      UPDATE embedded_jobs SET state = 'created', started_at = NULL
       WHERE state = 'active' AND (${ids === undefined} OR id = ANY (${ids ?? []}::uuid[]))
      RETURNING id`.execute(this.db.sql);
    return rows.length;
  }

  /**
   * Finishes active singleton jobs (these, or all) that going back to the queue would make a
   * second queued job for their key: one already queued with it (sent while this one ran), or
   * another active one with it. That queued job, or the one kept, does the work; without this
   * the unique index refuses the whole release, and a boot with such a pair fails. Returns
   * how many were finished.
   */
  private async supersede(ids?: readonly string[]): Promise<number> {
    const { rows } = await sql<{ id: string }>`
      UPDATE embedded_jobs j
         SET state = 'completed', completed_at = now(), last_error = 'superseded by a queued job with the same singleton key'
       WHERE j.state = 'active' AND j.singleton_key IS NOT NULL
         AND (${ids === undefined} OR j.id = ANY (${ids ?? []}::uuid[]))
         AND EXISTS (SELECT 1 FROM embedded_jobs q
                      WHERE q.queue = j.queue AND q.singleton_key = j.singleton_key AND q.id <> j.id
                        AND (q.state = 'created' OR (q.state = 'active' AND q.id < j.id
                             AND (${ids === undefined} OR q.id = ANY (${ids ?? []}::uuid[])))))
      RETURNING j.id`.execute(this.db.sql);
    return rows.length;
  }

  /** Deletes finished jobs older than a day. */
  async deleteFinished(): Promise<number> {
    const { rows } = await sql<{ id: string }>`
      DELETE FROM embedded_jobs
       WHERE state IN ('completed', 'failed') AND completed_at < now() - ${KEEP_FINISHED}::interval
      RETURNING id`.execute(this.db.sql);
    return rows.length;
  }
}
