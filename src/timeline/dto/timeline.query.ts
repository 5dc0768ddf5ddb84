import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class TimelineQuery {
  @ApiPropertyOptional({
    description: 'Opaque: the nextCursor of the previous page',
    example: 'MjAyNi0xMS0yM1QxNjowMDowMC4wMDAwMDBafGFjdGl2aXR5fDNmNmMxYjllLTJkNGEtNGU4Zi05YjFjLTVhN2QyZTNmNGE2Yg',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by this endpoint' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25, example: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 25;
}
