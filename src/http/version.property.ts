import { ApiProperty } from '@nestjs/swagger';

/** A record's `version`: its ETag is `"<version>"`, the value to send back in If-Match. */
export const VersionProperty = (): PropertyDecorator =>
  ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 2 ** 31 - 1,
    example: 3,
    description:
      'Bumped by every change. The ETag of this record is "<version>": send it as If-Match to write only this version.',
  });
