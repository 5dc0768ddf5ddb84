import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Conflict, ErrorCode } from '../common/errors.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';

export type AcquisitionStageRow = Prisma.AcquisitionStageGetPayload<object>;
export type AcquisitionStageWrite = Omit<Prisma.AcquisitionStageUncheckedCreateInput, 'organizationId' | 'id'>;

/** The only unique keys besides the id: the name (any case) and the position, which the lock keeps free. */
function nameTaken(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new Conflict('Another acquisition stage already has this name', ErrorCode.Conflict, [
      { field: 'name', message: 'is already used by another stage of the organization (any case)' },
    ]);
  }
  throw error;
}

@Injectable()
export class AcquisitionStagesRepository extends TenantRepository {
  /**
   * Serializes the organization's changes to the pipeline's shape (create, delete, reorder)
   * until the transaction ends, so positions stay 1..n without gaps under concurrency.
   */
  async lock(): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended('acquisition-stages:' || ${this.orgId}::text, 0))`.execute(
      this.db.sql,
    );
  }

  /**
   * Locks one stage's row until the unit of work ends. A contact being moved into it holds a key
   * lock on the row (its foreign key check) until it commits: taken first, this waits for that
   * contact, which the next read then sees; taken second, the contact's check waits for the delete.
   */
  async lockStage(id: string): Promise<void> {
    await sql`SELECT 1 FROM acquisition_stages WHERE id = ${id} FOR UPDATE`.execute(this.db.sql);
  }

  /** The whole pipeline, first stage first (at most 50 rows), optionally only some ids. */
  list(ids?: string[]): Promise<AcquisitionStageRow[]> {
    return this.db.tx.acquisitionStage.findMany({
      where: { organizationId: this.orgId, ...(ids?.length && { id: { in: ids } }) },
      orderBy: { position: 'asc' },
    });
  }

  find(id: string): Promise<AcquisitionStageRow | null> {
    return this.db.tx.acquisitionStage.findFirst({ where: { id, organizationId: this.orgId } });
  }

  count(): Promise<number> {
    return this.db.tx.acquisitionStage.count({ where: { organizationId: this.orgId } });
  }

  create(data: AcquisitionStageWrite): Promise<AcquisitionStageRow> {
    return this.db.tx.acquisitionStage.create({ data: { ...data, organizationId: this.orgId } }).catch(nameTaken);
  }

  async update(id: string, data: Prisma.AcquisitionStageUncheckedUpdateManyInput): Promise<AcquisitionStageRow | null> {
    const rows = await this.db.tx.acquisitionStage
      .updateManyAndReturn({ where: { id, organizationId: this.orgId }, data })
      .catch(nameTaken);
    return rows[0] ?? null;
  }

  /** Up to `limit` live contacts in the stage (read, never written: contacts are the contacts feature's). */
  async liveContactsIn(id: string, limit: number): Promise<string[]> {
    const rows = await this.db.sql
      .selectFrom('contacts')
      .select('id')
      .where('organizationId', '=', this.orgId)
      .where('acquisitionStageId', '=', id)
      .where('deletedAt', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Deletes the stage and closes the gap it leaves; false when no such stage is visible. */
  async delete(id: string): Promise<boolean> {
    const gone = await this.db.sql
      .deleteFrom('acquisition_stages')
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .returning('position')
      .executeTakeFirst();
    if (!gone) return false;
    await this.db.sql
      .updateTable('acquisition_stages')
      .set((eb) => ({ position: eb('position', '-', 1) }))
      .where('organizationId', '=', this.orgId)
      .where('position', '>', gone.position)
      .execute();
    return true;
  }

  /**
   * Gives the stages the positions of their index in `ids` (1-based) in ONE statement: the
   * position key is checked at the statement's end (DEFERRABLE), so any permutation passes.
   * Rows already in place are left alone (no new version).
   */
  async reorder(ids: readonly string[]): Promise<void> {
    await sql`
      UPDATE acquisition_stages s SET position = v.position::int
        FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS v (id, position)
       WHERE s.organization_id = ${this.orgId} AND s.id = v.id AND s.position <> v.position`.execute(this.db.sql);
  }
}
