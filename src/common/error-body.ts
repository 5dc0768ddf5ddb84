import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DetailCode, ErrorCode, type ErrorDetail, type ErrorRef } from './errors.js';

export class ErrorDetailDto implements ErrorDetail {
  @ApiPropertyOptional({
    example: 'email',
    description: 'The input field, as a dotted path (customFields.area, attendeeContactIds[2])',
  })
  field?: string;

  @ApiProperty({ example: 'must be an email', description: 'What is wrong, in words a UI can show beside the field' })
  message!: string;

  @ApiPropertyOptional({ enum: DetailCode, enumName: 'DetailCode', example: 'INVALID_FORMAT' })
  code?: DetailCode;
}

/** The one error shape every failing request returns. */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 404 }) statusCode!: number;

  @ApiProperty({
    enum: ErrorCode,
    enumName: 'ErrorCode',
    example: 'NOT_FOUND',
    description: 'Stable machine-readable code; each operation lists the ones it may answer',
  })
  code!: ErrorCode;

  @ApiProperty({ example: 'Lead not found' }) message!: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'One item per field in error' })
  details?: ErrorDetailDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    description: 'The records the error is about, by kind (leadIds, appointmentIds, contactIds, etag)',
    example: { leadIds: ['3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b'] },
  })
  ref?: ErrorRef;

  @ApiProperty({
    example: '5f0c6a2e-8d7b-4c1e-9a51-0b7c2f3e4d5a',
    description: 'Also in the X-Request-Id header and the logs',
  })
  requestId!: string;
}
