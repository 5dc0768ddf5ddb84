import { Injectable } from '@nestjs/common';
import type { PageQuery } from '../common/pagination.js';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { JobFailure, Prisma } from '../generated/prisma/client.js';

export interface NewJobFailure {
  queue: string;
  jobId: string;
  data: Prisma.InputJsonValue;
  error: string;
  attempts: number;
}

/** job_failures: its policies show the organization's failures to its ADMINs; the runner only inserts. */
@Injectable()
export class JobFailuresRepository {
  constructor(private readonly db: TenantDb) {}

  /** No RETURNING: the runner acts for the organization without a member role, and may not read the row back. */
  async insert(failure: NewJobFailure): Promise<void> {
    await this.db.tx.jobFailure.createMany({ data: [{ ...failure, organizationId: this.db.orgId }] });
  }

  list(query: PageQuery & { ids?: string[] }) {
    const where: Prisma.JobFailureWhereInput = { organizationId: this.db.orgId };
    if (query.ids?.length) where.id = { in: query.ids };
    return findPage(this.db.tx.jobFailure, where, [{ failedAt: 'desc' }, { id: 'desc' }], query);
  }

  /** Marks the failure retried unless it already was: the row, or null when it was (or is not there). */
  async markRetried(id: string): Promise<JobFailure | null> {
    const [row] = await this.db.tx.jobFailure.updateManyAndReturn({
      where: { id, organizationId: this.db.orgId, retriedAt: null },
      data: { retriedAt: new Date() },
    });
    return row ?? null;
  }

  find(id: string): Promise<JobFailure | null> {
    return this.db.tx.jobFailure.findFirst({ where: { id, organizationId: this.db.orgId } });
  }
}
