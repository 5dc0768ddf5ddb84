import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageSizeParam } from '../../common/pagination.js';

export class TimelineQuery {
  @ApiPropertyOptional({
    description: 'Opaque: the nextCursor of the previous page',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by this endpoint' })
  cursor?: string;

  @PageSizeParam()
  limit = 25;
}
