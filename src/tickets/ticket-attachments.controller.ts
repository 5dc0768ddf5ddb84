import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { ATTACHMENT_TYPES } from '../storage/content-type.js';
import { AcceptsMultipart, type NextFile, UploadedFileStream } from '../storage/multipart.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { SignedUrlOutput, TicketAttachmentOutput } from './dto/ticket.output.js';
import { UploadAttachmentInput } from './dto/upload-attachment.input.js';
import { TicketAttachmentsService } from './ticket-attachments.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such ticket (or attachment) in this organization' };

@ApiTags('tickets')
@TenantRoute()
@Controller({ path: 'tickets/:id/attachments', version: '1' })
export class TicketAttachmentsController {
  constructor(private readonly attachments: TicketAttachmentsService) {}

  @Post()
  @AcceptsMultipart()
  @ApiOperation({
    summary: 'Attach a file (multipart/form-data, one file, at most 50 MiB)',
    description:
      `The type is detected from the file's bytes and must be one of: ${ATTACHMENT_TYPES.join(', ')}; ` +
      'a declared type or extension that contradicts the content is refused. The file is streamed to storage, ' +
      'never held in memory.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAttachmentInput })
  @ApiCreatedResponse({ type: TicketAttachmentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiPayloadTooLargeResponse({ type: ErrorBody, description: 'PAYLOAD_TOO_LARGE: over 50 MiB' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBody, description: 'UNSUPPORTED_MEDIA_TYPE' })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'STORAGE_UNAVAILABLE or DATABASE_UNAVAILABLE' })
  upload(@IdParam() id: string, @UploadedFileStream() nextFile: NextFile): Promise<TicketAttachmentOutput> {
    return this.attachments.upload(id, nextFile);
  }

  @Get()
  @ApiOperation({ summary: 'Attachments of a ticket, oldest first' })
  @ApiOkResponse({ type: PageOf(TicketAttachmentOutput) })
  @ApiNotFoundResponse(NOT_FOUND)
  list(@IdParam() id: string, @Query() page: PageQuery): Promise<Page<TicketAttachmentOutput>> {
    return this.attachments.list(id, page);
  }

  @Get(':attachmentId/url')
  @ApiOperation({ summary: 'A short-lived signed download URL (SIGNED_URL_TTL_SECONDS)' })
  @ApiOkResponse({ type: SignedUrlOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'STORAGE_UNAVAILABLE or DATABASE_UNAVAILABLE' })
  url(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string): Promise<SignedUrlOutput> {
    return this.attachments.signedUrl(id, attachmentId);
  }

  @Delete(':attachmentId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an attachment and its stored file' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string, @IdParam('attachmentId') attachmentId: string): Promise<void> {
    return this.attachments.remove(id, attachmentId);
  }
}
