import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { LOG_LEVELS, type LogLevel } from './import.output.js';

export class ListImportLogsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LOG_LEVELS, description: 'This level and the ones above it' })
  @IsOptional()
  @IsIn(LOG_LEVELS)
  level?: LogLevel;
}
