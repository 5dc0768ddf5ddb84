import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DetailCode, ErrorCode, type ErrorDetail, type ErrorRef } from './errors.js';
import { MAX_DETAILS, MAX_FIELD_LENGTH } from './validation.js';

export class ErrorDetailDto implements ErrorDetail {
  @ApiPropertyOptional({
    maxLength: MAX_FIELD_LENGTH,
    example: 'email',
    description: 'The input field, as a dotted path (customFields.area, attendeeContactIds[2])',
  })
  field?: string;

  @ApiProperty({
    maxLength: 2000,
    example: 'must be an email',
    description: 'What is wrong, in words a UI can show beside the field',
  })
  message!: string;

  @ApiPropertyOptional({ enum: DetailCode, enumName: 'DetailCode', example: 'INVALID_FORMAT' })
  code?: DetailCode;
}

/** The one error shape every failing request returns. */
export class ErrorBody {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 404 }) statusCode!: number;

  @ApiProperty({
    enum: ErrorCode,
    enumName: 'ErrorCode',
    example: 'NOT_FOUND',
    description: 'Stable machine-readable code; each operation lists the ones it may answer',
  })
  code!: ErrorCode;

  @ApiProperty({ maxLength: 2000, example: 'Lead not found' }) message!: string;

  @ApiPropertyOptional({
    type: [ErrorDetailDto],
    maxItems: MAX_DETAILS,
    description: `One item per field in error (the first ${MAX_DETAILS})`,
  })
  details?: ErrorDetailDto[];

  @ApiPropertyOptional({
    type: 'object',
    maxProperties: 10,
    additionalProperties: {
      oneOf: [
        { type: 'string', maxLength: 64 },
        { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 64 } },
      ],
    },
    description: 'The records the error is about, by kind (leadIds, appointmentIds, contactIds, etag)',
    example: { leadIds: ['3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b'] },
  })
  ref?: ErrorRef;

  @ApiProperty({
    pattern: '^[A-Za-z0-9._:-]{1,128}$',
    maxLength: 128,
    example: '5f0c6a2e-8d7b-4c1e-9a51-0b7c2f3e4d5a',
    description: 'Also in the X-Request-Id header and the logs',
  })
  requestId!: string;
}
