import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { RANKING_METRICS, type RankingMetric } from '../campaign-performance.repository.js';

export const TOP_MAX = 50;

export class TopCampaignsQuery {
  @ApiPropertyOptional({ enum: RANKING_METRICS, description: 'Default: conversion_rate.' })
  @IsOptional()
  @IsIn(RANKING_METRICS)
  metric: RankingMetric = 'conversion_rate';

  @ApiPropertyOptional({ minimum: 1, maximum: TOP_MAX, description: 'Default: 10.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TOP_MAX)
  limit = 10;
}
