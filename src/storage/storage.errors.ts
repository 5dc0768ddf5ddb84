import { HttpStatus } from '@nestjs/common';
import { DomainError, ErrorCode, type ErrorDetail } from '../common/errors.js';

/** 413: the upload went over the attachment limit. */
export class AttachmentTooLarge extends DomainError {
  constructor(limitBytes: number) {
    super(
      HttpStatus.PAYLOAD_TOO_LARGE,
      ErrorCode.PayloadTooLarge,
      `Attachments are limited to ${limitBytes} bytes (${Math.round(limitBytes / 1024 / 1024)} MiB)`,
    );
  }
}

/** 415: the file's bytes are not an allowed type, or contradict its declared type or extension. */
export class UnsupportedAttachmentType extends DomainError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UnsupportedMediaType, message, details);
  }
}

/** 503: the storage backend failed or could not be reached (the cause is logged, not returned). */
export class StorageUnavailable extends DomainError {
  constructor(readonly reason?: unknown) {
    super(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.StorageUnavailable, 'File storage is unavailable; retry shortly');
  }
}

/** 403: a file URL whose signature does not match, or that has expired. */
export class InvalidSignedUrl extends DomainError {
  constructor() {
    super(HttpStatus.FORBIDDEN, ErrorCode.InvalidSignedUrl, 'This file link is invalid or has expired');
  }
}
