import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { MAX_ERROR_LENGTH } from '../job-options.js';

/** A job that ran out of attempts while working for the organization. */
export class JobFailureOutput {
  @IdProperty('7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6') id!: string;
  @ApiProperty({ maxLength: 100, example: 'webhook.deliver', description: 'The queue the job was sent to' })
  queue!: string;
  @IdProperty('2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f7a') jobId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { webhookId: '5f0c7a4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b', eventId: '1042' },
    description: 'What the job was sent with (ids, never secrets); a retry sends it again',
  })
  data!: Record<string, unknown>;
  @ApiProperty({
    maxLength: MAX_ERROR_LENGTH,
    example: 'Receiver answered 503',
    description: "The last attempt's error message (never a stack trace), truncated",
  })
  error!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1000, example: 6 }) attempts!: number;
  @InstantProperty() failedAt!: string;
  @NullableInstantProperty(
    null,
    'When an ADMIN retried it; a failure is retried once (a new failure is listed if it fails again)',
  )
  retriedAt!: string | null;
  @ApiProperty({ enum: ['failed'], example: 'failed' }) state!: 'failed';
}
