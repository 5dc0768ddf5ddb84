import { ApiProperty } from '@nestjs/swagger';

/** The multipart/form-data body of an upload, for OpenAPI only: the route reads it as a stream. */
export class UploadAttachmentInput {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'One file of at most 50 MiB; its Content-Type and name are checked against its bytes',
    example: 'leak-photo.jpg',
  })
  file!: unknown;
}
