import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { NotFound, ValidationFailed, DetailCode } from '../common/errors.js';
import { type Page, type PageQuery, pageOf } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { resolveAttachmentType, SNIFF_BYTES } from '../storage/content-type.js';
import { sanitizeFileName, storageKeyName } from '../storage/file-name.js';
import type { IncomingFile, NextFile } from '../storage/multipart.js';
import { MAX_ATTACHMENT_BYTES, STORAGE_DRIVER, type StorageDriver } from '../storage/storage.driver.js';
import { AttachmentTooLarge, UnsupportedAttachmentType } from '../storage/storage.errors.js';
import { peekStream } from '../storage/streams.js';
import type { SignedUrlOutput, TicketAttachmentOutput } from './dto/ticket.output.js';
import { TicketAttachmentsRepository } from './ticket-attachments.repository.js';
import { toAttachmentOutput } from './tickets.mapper.js';
import { TicketsRepository } from './tickets.repository.js';

interface StoredFile {
  fileName: string;
  mimeType: string;
  size: number;
  path: string;
}

/**
 * Attachments: bytes in the storage driver, metadata in ticket_attachments. An upload
 * never holds a tenant transaction open while bytes move: access is checked in one
 * unit of work, the file is streamed to storage (checked, counted, never buffered),
 * and the row is inserted in a second unit. A failed insert deletes the object; a
 * failed upload leaves no row.
 */
@Injectable()
export class TicketAttachmentsService {
  private readonly logger = new Logger(TicketAttachmentsService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly tickets: TicketsRepository,
    private readonly attachments: TicketAttachmentsRepository,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  list(ticketId: string, page: PageQuery): Promise<Page<TicketAttachmentOutput>> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const [rows, total] = await this.attachments.list(ticketId, page);
      return pageOf(rows.map(toAttachmentOutput), total, page);
    });
  }

  async upload(ticketId: string, nextFile: NextFile): Promise<TicketAttachmentOutput> {
    const orgId = await this.db.run(async () => {
      await this.mustSee(ticketId);
      return this.db.orgId;
    });
    const file = await nextFile();
    if (!file)
      throw new ValidationFailed([{ field: 'file', message: 'a file part is required', code: DetailCode.Required }]);
    try {
      const stored = await this.store(orgId, ticketId, file);
      try {
        const row = await this.db.run(async () => {
          await this.mustSee(ticketId);
          return this.attachments.insert({
            ticketId,
            fileName: stored.fileName,
            fileSize: stored.size,
            mimeType: stored.mimeType,
            storagePath: stored.path,
          });
        });
        return toAttachmentOutput(row);
      } catch (error) {
        await this.deleteObject(stored.path);
        throw error;
      }
    } finally {
      // Whatever was not read (a refused file) is discarded, so the request completes.
      file.stream.resume();
    }
  }

  /** Checks the type from the first bytes, then streams the file to storage; 413 past the limit. */
  private async store(orgId: string, ticketId: string, file: IncomingFile): Promise<StoredFile> {
    const fileName = sanitizeFileName(file.fileName);
    const { head, complete, body } = await peekStream(file.stream, SNIFF_BYTES);
    const verdict = resolveAttachmentType({ head, complete, declared: file.declaredType, fileName });
    if (!verdict.ok)
      throw new UnsupportedAttachmentType(verdict.reason, [
        { field: 'file', message: verdict.reason, code: DetailCode.InvalidValue },
      ]);
    const path = `${orgId}/${ticketId}/${randomUUID()}-${storageKeyName(fileName)}`;
    let size: number;
    try {
      size = await this.storage.put(path, body, verdict.mimeType);
    } catch (error) {
      await this.deleteObject(path);
      throw error;
    }
    // busboy stops the file at the multipart fileSize limit and marks it truncated.
    if (file.stream.truncated || size > MAX_ATTACHMENT_BYTES) {
      await this.deleteObject(path);
      throw new AttachmentTooLarge(MAX_ATTACHMENT_BYTES);
    }
    return { fileName, mimeType: verdict.mimeType, size, path };
  }

  get(ticketId: string, attachmentId: string): Promise<TicketAttachmentOutput> {
    return this.db.run(async () => {
      await this.mustSee(ticketId);
      const found = await this.attachments.find(ticketId, attachmentId);
      if (!found) throw new NotFound('Attachment');
      return toAttachmentOutput(found);
    });
  }

  /** A short-lived download URL for one attachment (signed after the unit of work: it may be a network call). */
  async signedUrl(ticketId: string, attachmentId: string): Promise<SignedUrlOutput> {
    const attachment = await this.db.run(async () => {
      await this.mustSee(ticketId);
      const found = await this.attachments.find(ticketId, attachmentId);
      if (!found) throw new NotFound('Attachment');
      return found;
    });
    const signed = await this.storage.signedUrl(attachment.storagePath, this.config.storage.signedUrlTtlSeconds, {
      contentType: attachment.mimeType,
      downloadName: attachment.fileName,
    });
    return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
  }

  /** Removes the row, then the object (a leftover object is logged, never a dangling row). */
  async remove(ticketId: string, attachmentId: string): Promise<void> {
    const path = await this.db.run(async () => {
      await this.mustSee(ticketId);
      const deleted = await this.attachments.delete(ticketId, attachmentId);
      if (!deleted) throw new NotFound('Attachment');
      return deleted;
    });
    await this.deleteObject(path);
  }

  private async deleteObject(path: string): Promise<void> {
    await this.storage.delete(path).catch((error: unknown) => {
      this.logger.warn({ err: error, path }, 'Could not delete a stored file; it is orphaned');
    });
  }

  private async mustSee(ticketId: string): Promise<void> {
    if (!(await this.tickets.find(ticketId))) throw new NotFound('Ticket');
  }
}
