import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorDetail } from './errors.js';

export class ErrorDetailDto implements ErrorDetail {
  @ApiProperty({ example: 'email' }) field!: string;
  @ApiProperty({ example: 'email must be an email' }) message!: string;
}

/** The one error shape every failing request returns. */
export class ErrorBody {
  @ApiProperty({ example: 404 }) statusCode!: number;
  @ApiProperty({ example: 'NOT_FOUND', description: 'Stable machine-readable code' }) code!: string;
  @ApiProperty({ example: 'Lead not found' }) message!: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto] }) details?: ErrorDetail[];
  @ApiProperty({ example: '5f0c6a2e-8d7b-4c1e-9a51-0b7c2f3e4d5a' }) requestId!: string;
}
