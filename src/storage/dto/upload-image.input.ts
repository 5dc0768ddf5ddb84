import { ApiProperty } from '@nestjs/swagger';
import { MAX_IMAGE_BYTES } from '../image-upload.js';

/** The multipart/form-data body of an avatar or logo upload, for OpenAPI only: the route reads the part itself. */
export class UploadImageInput {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    maxLength: MAX_IMAGE_BYTES, // bytes: a binary string's length is its size
    description:
      'One PNG, JPEG or WebP image of at most 5 MiB; its Content-Type and name are checked against its bytes',
    example: 'portrait.png',
  })
  file!: unknown;
}
