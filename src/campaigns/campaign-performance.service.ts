import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { CampaignPerformanceRepository } from './campaign-performance.repository.js';
import { toCampaignPerformanceOutput } from './campaigns.mapper.js';
import type { CampaignPerformanceOutput, TopCampaignsOutput } from './dto/campaign-performance.output.js';
import type { TopCampaignsQuery } from './dto/top-campaigns.query.js';

/** Seed 002's get_campaign_performance and get_top_campaigns, over the leads the caller may see. */
@Injectable()
export class CampaignPerformanceService {
  constructor(
    private readonly db: TenantDb,
    private readonly figures: CampaignPerformanceRepository,
  ) {}

  performance(id: string): Promise<CampaignPerformanceOutput> {
    return this.db.run(async () => {
      const row = await this.figures.performance(id);
      if (!row) throw new NotFound('Campaign');
      return toCampaignPerformanceOutput(row);
    });
  }

  top({ metric, limit }: TopCampaignsQuery): Promise<TopCampaignsOutput> {
    return this.db.run(async () => {
      const rows = await this.figures.top(metric, limit);
      return { metric, data: rows.map(toCampaignPerformanceOutput) };
    });
  }
}
