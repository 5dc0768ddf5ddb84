import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';

export const ROUTING_MODES = ['NONE', 'FIXED', 'ROUND_ROBIN'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

export class LeadRoutingInput {
  @ApiProperty({
    enum: ROUTING_MODES,
    enumName: 'LeadRoutingMode',
    example: 'ROUND_ROBIN',
    description:
      'NONE: captured leads stay unassigned. FIXED: every one goes to agentId. ROUND_ROBIN: in turn to the AGENTs who opted in ' +
      '(PUT /v1/settings/lead-routing/me), the one given a lead longest ago first; unassigned while nobody has opted in.',
  })
  @IsIn(ROUTING_MODES)
  mode!: RoutingMode;

  @ApiPropertyOptional({
    format: 'uuid',
    type: String,
    nullable: true,
    example: null,
    description: 'FIXED only (and required there): the ADMIN, MANAGER or AGENT who gets every captured lead',
  })
  @IsOptional()
  @IsUUID()
  agentId?: string | null;
}

export class RoutingOptInInput {
  @ApiProperty({ example: true, description: 'true: take a turn in ROUND_ROBIN routing; false: leave it' })
  @IsBoolean()
  optIn!: boolean;
}

export class RoutingAgentOutput {
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'The AGENT') userId!: string;
  @InstantProperty() optedInAt!: string;
  @NullableInstantProperty('2026-12-06T09:30:00.000Z', 'When routing last gave them a lead') lastAssignedAt!:
    string | null;
  @ApiProperty({ minimum: 0, example: 12, description: 'Leads routing has given them since they opted in' })
  assignedCount!: number;
}

export class LeadRoutingOutput {
  @ApiProperty({ enum: ROUTING_MODES, enumName: 'LeadRoutingMode', example: 'ROUND_ROBIN' }) mode!: RoutingMode;
  @LinkIdProperty(null, 'FIXED: who gets every captured lead') agentId!: string | null;
  @ApiProperty({
    type: [RoutingAgentOutput],
    maxItems: 10000,
    description: 'The AGENTs who opted in to ROUND_ROBIN, in turn order',
  })
  agents!: RoutingAgentOutput[];
}

export class RoutingOptInOutput {
  @ApiProperty({ example: true }) optIn!: boolean;
  @NullableInstantProperty('2026-12-06T09:30:00.000Z', 'Since when; null when not opted in') optedInAt!: string | null;
}
