import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** For OpenAPI: a portal's record, read through the source's mapping (without one, the target's own field names). */
export class InboundRecordInput {
  @ApiPropertyOptional({
    example: 'Maria Gonzalez',
    maxLength: 200,
    description: 'With no mapping: a field of the target (leads: name, email, phone…)',
  })
  name?: string;

  @ApiPropertyOptional({ example: 'maria.gonzalez@example.com', maxLength: 320 })
  email?: string;

  @ApiPropertyOptional({ example: '+1 415 555 0134', maxLength: 50 })
  phone?: string;
}

export class InboundOutput {
  @ApiProperty({
    enum: ['created', 'updated', 'skipped'],
    example: 'created',
    description: "What the record did (the source's duplicatePolicy decides: skip by default)",
  })
  result!: 'created' | 'updated' | 'skipped';
}
