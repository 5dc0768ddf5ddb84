import { calendarDate } from '../common/dates.js';
import type { CampaignFiguresRow } from './campaign-performance.repository.js';
import type { CampaignPerformanceOutput } from './dto/campaign-performance.output.js';
import type { CampaignOutput } from './dto/campaign.output.js';
import type { CampaignRow } from './campaigns.repository.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toCampaignOutput(c: CampaignRow): CampaignOutput {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    channel: c.channel,
    budget: c.budget?.toFixed(2) ?? null,
    startsOn: c.startsOn && calendarDate(c.startsOn),
    endsOn: c.endsOn && calendarDate(c.endsOn),
    utmSource: c.utmSource,
    utmMedium: c.utmMedium,
    utmCampaign: c.utmCampaign,
    listingId: c.listingId,
    ownerId: c.ownerId,
    createdById: c.createdById,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    deletedAt: c.deletedAt?.toISOString() ?? null,
  };
}

export function toCampaignPerformanceOutput(r: CampaignFiguresRow): CampaignPerformanceOutput {
  return {
    campaignId: r.campaignId,
    name: r.name,
    leads: r.leads,
    contacted: r.contacted,
    qualified: r.qualified,
    converted: r.converted,
    lost: r.lost,
    qualificationRate: r.qualificationRate,
    responseRate: r.responseRate,
    conversionRate: r.conversionRate,
    medianTimeToFirstContact: r.medianTimeToFirstContact,
    budget: r.budget,
    costPerLead: r.costPerLead,
    costPerConversion: r.costPerConversion,
  };
}
