import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorCode, NotFound } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { FileQuery } from './dto/file-query.js';
import { attachmentDisposition } from './file-name.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { MAX_ATTACHMENT_BYTES, STORAGE_DRIVER, type StorageDriver } from './storage.driver.js';

/** Serves the local driver's signed URLs; the signature is the credential, so no token is needed. */
@ApiTags('files')
@Public()
@Controller({ path: 'files', version: '1' })
export class FilesController {
  constructor(@Inject(STORAGE_DRIVER) private readonly storage: StorageDriver) {}

  // The grant travels in the query: a storage path is longer than a route parameter may be.
  @Get()
  @Endpoint({
    summary: 'Download a file through a signed, expiring URL (local storage driver)',
    description: 'The file comes as an attachment with its stored Content-Type. NOT_FOUND: the file is gone.',
    ok: { mediaType: 'application/octet-stream', binary: true, maxLength: MAX_ATTACHMENT_BYTES },
    errors: [ErrorCode.InvalidSignedUrl, ErrorCode.NotFound],
  })
  async download(@Query() query: FileQuery): Promise<StreamableFile> {
    if (!(this.storage instanceof LocalStorageDriver)) throw new NotFound('File');
    const file = await this.storage.open(query.token, query.expires, query.signature);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      length: file.size,
      disposition: attachmentDisposition(file.downloadName ?? 'file'),
    });
  }
}
