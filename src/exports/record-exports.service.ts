import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RetryLater } from '../common/errors.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { TransactionTimeoutError } from '../database/unit-of-work.js';
import { DealsService } from '../deals/deals.service.js';
import { LeadsService } from '../leads/leads.service.js';
import { ListingsService } from '../listings/listings.service.js';
import type {
  ExportContactsQuery,
  ExportDealsQuery,
  ExportLeadsQuery,
  ExportListingsQuery,
} from './dto/export-queries.js';
import { CONTACT_COLUMNS, DEAL_COLUMNS, LEAD_COLUMNS, LISTING_COLUMNS } from './export-columns.js';
import { CONTENT_TYPES, csvLine, encodeRows, type ExportFormat } from './export-formats.js';

/** A download being streamed: the body, and the headers that describe it. */
export interface ExportDownload {
  stream: Readable;
  contentType: string;
  fileName: string;
}

type Batches = () => AsyncIterable<object[]>;

/** The client went away mid-download: the export stops and its transaction rolls back. */
class ClientLeft extends Error {
  override readonly name = 'ClientLeft';
}

/** Every export slot of this process is taken: 429, retry shortly. */
class ExportsBusy extends RetryLater {
  constructor(limit: number) {
    super(
      `This server is already streaming ${limit} export${limit === 1 ? '' : 's'}; retry in a few seconds`,
      RETRY_AFTER_SECONDS,
    );
  }
}
const RETRY_AFTER_SECONDS = 5;

/** Resolves when `out` wants more, rejects when it is closed first (the response ended). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    // Closed by the client leaving, or destroyed by the export's own deadline (its error).
    const onClose = () => settle(out.errored ?? new ClientLeft());
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * GET /v1/exports/{leads|contacts|deals|listings}.{csv|ndjson}: every row of the list the
 * same query would page through, streamed (docs/exports.md). One read-only snapshot unit of
 * work under the caller's RLS reads it in batches of 1,000 (a server-side cursor, or offsets
 * for the Prisma-built lists) and writes each batch as it comes, waiting while the client
 * is slower than the database. Nothing is sent until the first batch is read, so a refusal
 * (role, includeDeleted, scope) is an ordinary error response; a failure after that cuts
 * the response off, so a truncated file never looks complete.
 */
@Injectable()
export class RecordExportsService {
  private readonly logger = new Logger(RecordExportsService.name);
  private readonly timeoutMs: number;
  /**
   * Exports streaming at once in this process. Each holds a database connection for as long
   * as its client reads: a quarter of the pool on Postgres, so requests keep the rest; one on
   * PGlite, whose single connection every other request waits for meanwhile.
   */
  private readonly slots: number;
  private running = 0;

  constructor(
    private readonly db: TenantDb,
    private readonly leadsService: LeadsService,
    private readonly contactsService: ContactsService,
    private readonly dealsService: DealsService,
    private readonly listingsService: ListingsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.database.exportTimeoutMs;
    this.slots = config.database.url ? Math.max(1, Math.floor(config.database.poolSize / 4)) : 1;
  }

  leads(query: ExportLeadsQuery, format: ExportFormat): Promise<ExportDownload> {
    return this.export('leads', LEAD_COLUMNS, format, () => this.leadsService.exportBatches(query));
  }

  contacts(query: ExportContactsQuery, format: ExportFormat): Promise<ExportDownload> {
    return this.export('contacts', CONTACT_COLUMNS, format, () => this.contactsService.exportBatches(query));
  }

  deals(query: ExportDealsQuery, format: ExportFormat): Promise<ExportDownload> {
    return this.export('deals', DEAL_COLUMNS, format, () => this.dealsService.exportBatches(query));
  }

  listings(query: ExportListingsQuery, format: ExportFormat): Promise<ExportDownload> {
    return this.export('listings', LISTING_COLUMNS, format, () => this.listingsService.exportBatches(query));
  }

  /** Resolves with the stream once its first bytes are ready (or the export is empty); rejects before that. */
  private async export(
    resource: string,
    columns: readonly string[],
    format: ExportFormat,
    batches: Batches,
  ): Promise<ExportDownload> {
    if (this.running >= this.slots) throw new ExportsBusy(this.slots);
    this.running++;
    const out = new PassThrough();
    let begin!: () => void;
    const begun = new Promise<void>((resolve) => (begin = resolve));
    let held = true;
    // Freed once the last byte is written (COMMIT follows at once), so a client's next export is not refused.
    const release = () => {
      if (held) this.running--;
      held = false;
    };
    // The unit of work rolls back at the deadline, but a client that neither reads nor leaves
    // would keep the export waiting for it: the deadline ends the response too.
    const deadline = setTimeout(() => out.destroy(new TransactionTimeoutError()), this.timeoutMs);
    const work = this.db
      .run(() => this.pump(out, format, columns, batches, begin).finally(release), {
        mode: 'snapshot',
        timeoutMs: this.timeoutMs,
      })
      .finally(() => {
        clearTimeout(deadline);
        release();
      });
    await Promise.race([begun, work]);
    work.catch((error: unknown) => this.cutOff(out, resource, error));
    const date = new Date().toISOString().slice(0, 10);
    return { stream: out, contentType: CONTENT_TYPES[format], fileName: `${resource}-${date}.${format}` };
  }

  /** Writes the header and every batch to `out`, waiting for it to drain; `begin` once there is something to send. */
  private async pump(
    out: PassThrough,
    format: ExportFormat,
    columns: readonly string[],
    batches: Batches,
    begin: () => void,
  ): Promise<void> {
    let head = format === 'csv' ? csvLine(columns) : '';
    for await (const rows of batches()) {
      if (out.destroyed) throw new ClientLeft();
      const wantsMore = out.write(head + encodeRows(format, columns, rows as Record<string, unknown>[]));
      head = '';
      begin();
      if (!wantsMore) await drained(out);
    }
    if (head) out.write(head);
    begin();
    out.end();
  }

  /** A failure after the first byte: the response is aborted (never ended cleanly), and the cause logged. */
  private cutOff(out: PassThrough, resource: string, error: unknown): void {
    if (error instanceof ClientLeft) {
      this.logger.log(`The client left during an export of ${resource}; it was stopped`);
      return;
    }
    this.logger.error({ err: error }, `An export of ${resource} failed after it started; the response was cut off`);
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
