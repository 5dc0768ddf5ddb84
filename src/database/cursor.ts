import { type Compilable, CompiledQuery } from 'kysely';
import type { Sql } from './sql.js';

/** The rows an export fetches at a time: a few hundred kB of rows in memory, at most. */
export const EXPORT_BATCH_SIZE = 1000;

// One export cursor per unit of work at a time: a fixed name keeps its FETCH one prepared statement.
const CURSOR = 'crm_export';

/**
 * A query's rows in batches through a server-side cursor in the open unit of work, so a
 * result of any size is never held whole, in the query's own order (any ORDER BY: no keyset
 * to derive from it). The cursor sees the data as of its DECLARE; in a `snapshot` unit of
 * work that is the transaction's snapshot. Closed when the caller stops early.
 */
export async function* cursorBatches<R>(db: Sql, query: Compilable<R>, size = EXPORT_BATCH_SIZE): AsyncGenerator<R[]> {
  const { sql, parameters } = query.compile();
  await db.executeQuery(CompiledQuery.raw(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, [...parameters]));
  let open = true;
  try {
    while (open) {
      const { rows } = await db.executeQuery<R>(CompiledQuery.raw(`FETCH FORWARD ${size} FROM ${CURSOR}`, []));
      open = rows.length === size;
      if (rows.length) yield rows;
    }
  } finally {
    // The transaction may be gone (a timeout, the client left): then so is the cursor.
    await db.executeQuery(CompiledQuery.raw(`CLOSE ${CURSOR}`, [])).catch(() => undefined);
  }
}

/**
 * A query's rows in batches by LIMIT/OFFSET, for queries built with Prisma's API (which
 * has no cursor). Only correct in a `snapshot` unit of work, where every batch reads the
 * same data; each batch re-reads the rows before it, so the cost grows with the square of
 * the row count: fine for tables of tens of thousands of rows, not millions.
 */
export async function* offsetBatches<R>(
  page: (skip: number, take: number) => PromiseLike<R[]>,
  size = EXPORT_BATCH_SIZE,
): AsyncGenerator<R[]> {
  for (let skip = 0; ; skip += size) {
    const rows = await page(skip, size);
    if (rows.length) yield rows;
    if (rows.length < size) return;
  }
}
