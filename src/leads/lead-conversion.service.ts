import { Injectable } from '@nestjs/common';
import {
  BusinessRuleViolation,
  Conflict,
  ErrorCode,
  NotFound,
  ValidationFailed,
  DetailCode,
} from '../common/errors.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ConvertDealInput, ConvertLeadInput } from './dto/lead-actions.input.js';
import type { ConvertLeadOutput } from './dto/lead-actions.output.js';
import { assertTransition } from './lead-status.js';
import { toLeadOutput } from './leads.mapper.js';
import { type LeadRow, LeadsRepository } from './leads.repository.js';
import type { DealOutput } from '../deals/dto/deal.output.js';
import { DealsService } from '../deals/deals.service.js';
import { LiveRecordsService } from '../records/live-records.service.js';

/** Lead → contact (+ deal): all of it or none of it, in one transaction. */
@Injectable()
export class LeadConversionService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly contacts: ContactsService,
    private readonly deals: DealsService,
    private readonly records: LiveRecordsService,
  ) {}

  convert(id: string, input: ConvertLeadInput): Promise<ConvertLeadOutput> {
    const dealInput = checkDealInput(input);
    return this.db.run(async () => {
      const lead = await this.leads.lockLive(id);
      if (!lead) throw new NotFound('Lead');
      if (lead.status === 'CONVERTED') {
        throw new Conflict(
          'This lead is already converted',
          ErrorCode.LeadAlreadyConverted,
          undefined,
          lead.convertedContactId ? { contactIds: [lead.convertedContactId] } : undefined,
        );
      }
      assertTransition(lead.status, 'CONVERTED', 'convert');
      // Each step may still fail (email taken, listing not found); the transaction then undoes the earlier ones.
      const contact = await this.contacts.createFromLead({
        name: lead.name,
        email: lead.email,
        phone: lead.phone,
        company: lead.company,
        notes: lead.notes,
        tags: lead.tags,
        assignedToId: lead.assignedToId,
        lastContactAt: lead.lastContactAt,
        sourceLeadId: lead.id,
      });
      const deal = dealInput ? await this.openDeal(lead, contact.id, dealInput) : null;
      const converted = await this.leads.update(id, { status: 'CONVERTED', convertedContactId: contact.id });
      if (!converted) throw new NotFound('Lead');
      return { lead: toLeadOutput(converted), contact, deal };
    });
  }

  /** A deal for the new contact, linked to the lead and, optionally, a live listing (the deals module's rules). */
  private async openDeal(lead: LeadRow, contactId: string, input: ConvertDealInput): Promise<DealOutput> {
    if (input.listingId && (await this.records.missing({ listingId: input.listingId })).length) {
      throw new BusinessRuleViolation(
        'The deal listing must be a live listing of this organization',
        ErrorCode.InvalidListing,
        [{ field: 'deal.listingId', message: 'no such listing in this organization' }],
      );
    }
    return this.deals.createFromLead({
      title: input.title,
      value: input.value,
      expectedCloseDate: input.expectedCloseDate ?? null,
      leadId: lead.id,
      contactId,
      listingId: input.listingId ?? null,
      assignedToId: lead.assignedToId,
    });
  }
}

/** createDeal and deal go together: a deal without createDeal (or the reverse) is a 400. */
function checkDealInput(input: ConvertLeadInput): ConvertDealInput | null {
  if (input.createDeal && !input.deal) {
    throw new ValidationFailed([
      { field: 'deal', message: 'is required when createDeal is true', code: DetailCode.Required },
    ]);
  }
  if (!input.createDeal && input.deal) {
    throw new ValidationFailed([{ field: 'createDeal', message: 'must be true when a deal is given' }]);
  }
  return input.deal ?? null;
}
