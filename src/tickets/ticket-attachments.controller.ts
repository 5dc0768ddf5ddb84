import { Delete, Get, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors.js';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ATTACHMENT_TYPES } from '../storage/content-type.js';
import { AcceptsMultipart, type NextFile, UploadedFileStream } from '../storage/multipart.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { SignedUrlOutput, TicketAttachmentOutput } from './dto/ticket.output.js';
import { UploadAttachmentInput } from './dto/upload-attachment.input.js';
import { TicketAttachmentsService } from './ticket-attachments.service.js';

@TenantController('tickets', 'tickets/:id/attachments')
export class TicketAttachmentsController {
  constructor(private readonly attachments: TicketAttachmentsService) {}

  @Post()
  @AcceptsMultipart()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentInput })
  @Endpoint({
    summary: 'Attach a file (multipart/form-data, one file, at most 50 MiB)',
    description:
      `The type is detected from the file's bytes and must be one of: ${ATTACHMENT_TYPES.join(', ')}; ` +
      'a declared type or extension that contradicts the content is refused. The file is streamed to storage, ' +
      'never held in memory.',
    ok: TicketAttachmentOutput,
    created: '/v1/tickets/{:id}/attachments/{id}',
    errors: [ErrorCode.StorageUnavailable],
  })
  upload(@IdParam() id: string, @UploadedFileStream() nextFile: NextFile): Promise<TicketAttachmentOutput> {
    return this.attachments.upload(id, nextFile);
  }

  @Get()
  @Endpoint({ summary: 'Attachments of a ticket, oldest first', ok: PageOf(TicketAttachmentOutput) })
  list(@IdParam() id: string, @Query() page: IdsPageQuery): Promise<Page<TicketAttachmentOutput>> {
    return this.attachments.list(id, page);
  }

  @Get(':attachmentId')
  @Endpoint({ summary: "One attachment's metadata (download it through its url)", ok: TicketAttachmentOutput })
  get(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string): Promise<TicketAttachmentOutput> {
    return this.attachments.get(id, attachmentId);
  }

  @Get(':attachmentId/url')
  @Endpoint({
    summary: 'A short-lived signed download URL (SIGNED_URL_TTL_SECONDS)',
    ok: SignedUrlOutput,
    errors: [ErrorCode.StorageUnavailable],
  })
  url(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string): Promise<SignedUrlOutput> {
    return this.attachments.signedUrl(id, attachmentId);
  }

  @Delete(':attachmentId')
  @Endpoint({ summary: 'Delete an attachment and its stored file', ok: null })
  remove(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string): Promise<void> {
    return this.attachments.remove(id, attachmentId);
  }
}
