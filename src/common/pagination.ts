import { applyDecorators, type Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;

/** How many items one page holds: 1–MAX_PAGE_SIZE, 25 when left out. */
export const PageSizeParam = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Default: 25.' }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_PAGE_SIZE),
  );

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'Default: 1.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page = 1;

  @PageSizeParam()
  pageSize = 25;
}

const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1 } as const;

export class PageMeta {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000, example: 1 }) page!: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PAGE_SIZE, example: 25 }) pageSize!: number;
  @ApiProperty({ ...COUNT, example: 42 }) total!: number;
  @ApiProperty({ ...COUNT, example: 2 }) totalPages!: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

export function pageOf<T>(data: T[], total: number, query: PageQuery): Page<T> {
  return {
    data,
    meta: { page: query.page, pageSize: query.pageSize, total, totalPages: Math.ceil(total / query.pageSize) },
  };
}

export const skipTake = (q: PageQuery): { skip: number; take: number } => ({
  skip: (q.page - 1) * q.pageSize,
  take: q.pageSize,
});

/** A named `{data, meta}` schema per item type, for OpenAPI. */
export function PageOf<T>(item: ClassType<T>): ClassType<Page<T>> {
  class PageDto {
    @ApiProperty({ type: [item], maxItems: MAX_PAGE_SIZE }) data!: T[];
    @ApiProperty({ type: PageMeta }) meta!: PageMeta;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/Output$/, '')}Page` });
  return PageDto;
}
