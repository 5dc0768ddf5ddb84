import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorBody } from '../common/error-body.js';
import { NotFound } from '../common/errors.js';
import { FileQuery } from './dto/file-query.js';
import { attachmentDisposition } from './file-name.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { STORAGE_DRIVER, type StorageDriver } from './storage.driver.js';

/** Serves the local driver's signed URLs; the signature is the credential, so no token is needed. */
@ApiTags('files')
@Public()
@Controller({ path: 'files', version: '1' })
export class FilesController {
  constructor(@Inject(STORAGE_DRIVER) private readonly storage: StorageDriver) {}

  // The grant travels in the query: a storage path is longer than a route parameter may be.
  @Get()
  @ApiOperation({ summary: 'Download a file through a signed, expiring URL (local storage driver)' })
  @ApiOkResponse({
    description: 'The file, as an attachment, with its stored Content-Type',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'token, expires or signature missing or malformed' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'INVALID_SIGNED_URL: tampered with or expired' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'The file is gone (or storage is not local)' })
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
