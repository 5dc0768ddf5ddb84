import { ApiProperty } from '@nestjs/swagger';
import { MAX_ATTACHMENT_BYTES } from '../../storage/storage.driver.js';

/** The multipart/form-data body of an upload, for OpenAPI only: the route reads it as a stream. */
export class UploadAttachmentInput {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    maxLength: MAX_ATTACHMENT_BYTES, // bytes: a binary string's length is its size
    description: 'One file of at most 50 MiB; its Content-Type and name are checked against its bytes',
    example: 'leak-photo.jpg',
  })
  file!: unknown;
}
