import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LiveOutput {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status!: 'ok';
}

class ComponentStatus {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' }) status!: 'up' | 'down';
  @ApiProperty({ enum: ['postgres', 'pglite'], example: 'postgres' }) kind!: 'postgres' | 'pglite';
}

class ReadyComponents {
  @ApiProperty({ type: ComponentStatus }) database!: ComponentStatus;
}

/** @nestjs/terminus's report: every component up, or 503 DATABASE_UNAVAILABLE. */
export class ReadyOutput {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status!: 'ok';
  @ApiPropertyOptional({ type: ReadyComponents }) info?: ReadyComponents;
  @ApiPropertyOptional({ type: ReadyComponents }) error?: ReadyComponents;
  @ApiPropertyOptional({ type: ReadyComponents }) details?: ReadyComponents;
}
