import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { ActivitiesService } from '../activities/activities.service.js';
import { DetailCode, ValidationFailed } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { assignmentEmail } from '../email/templates.js';
import { CLS_REQUEST_ID } from '../database/tenant-context.js';
import { LeadRoutingService } from '../lead-routing/lead-routing.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { CLS_CAPTURE, type CapturePrincipal } from './capture-principal.js';
import { CaptureRepository } from './capture.repository.js';
import type { CaptureEventInput, CaptureEventType, CaptureLeadInput } from './dto/capture.input.js';
import type { CaptureAcceptedOutput } from './dto/capture.output.js';

/** One capture, whichever route it came by: who, what happened, and where from. */
interface Capture {
  type: CaptureEventType | 'Form Submission';
  name: string | null;
  email: string | null;
  phone: string | null;
  message: string | null;
  source: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null };
  listing: { listingId?: string | null; mlsNumber?: string | null; address?: string | null };
  consent?: boolean;
  /** Where the body puts the email, for a 400 that names the field. */
  emailField: string;
}

const blank = (v: string | null | undefined): string | null => (v?.trim() ? v.trim() : null);

/**
 * Public capture (docs/capture.md): each request, in one unit of work, finds the live lead
 * with the same email or phone or creates one (attributed to a campaign, assigned by the
 * organization's routing rule), logs the event as an activity and notifies the assignee;
 * the outbox triggers emit lead.created (or lead.updated when a known lead gained an email,
 * phone or campaign) and activity.created. The answer never says which.
 */
@Injectable()
export class CaptureService {
  constructor(
    private readonly db: TenantDb,
    private readonly cls: ClsService,
    private readonly captures: CaptureRepository,
    private readonly routing: LeadRoutingService,
    private readonly activities: ActivitiesService,
    private readonly notifications: NotificationsService,
  ) {}

  captureLead(input: CaptureLeadInput): Promise<CaptureAcceptedOutput> {
    if (blank(input.website)) return Promise.resolve(this.accepted());
    return this.capture({
      type: 'Form Submission',
      name: blank(input.name),
      email: blank(input.email),
      phone: blank(input.phone),
      message: blank(input.message),
      source: null,
      utm: this.utm(input),
      listing: { listingId: input.listingId, mlsNumber: blank(input.mlsNumber) },
      consent: input.consent,
      emailField: 'email',
    });
  }

  captureEvent(input: CaptureEventInput): Promise<CaptureAcceptedOutput> {
    if (blank(input.website)) return Promise.resolve(this.accepted());
    const p = input.person;
    const fullName = blank(p.name) ?? blank([p.firstName, p.lastName].filter(Boolean).join(' '));
    return this.capture({
      type: input.type,
      name: fullName,
      email: blank(p.emails?.[0]?.value),
      phone: blank(p.phones?.[0]?.value),
      message: blank(input.message),
      source: blank(input.source),
      utm: this.utm(input),
      listing: {
        listingId: input.property?.listingId,
        mlsNumber: blank(input.property?.mlsNumber),
        address: blank(input.property?.address),
      },
      emailField: 'person.emails',
    });
  }

  private utm(input: { utmSource?: string | null; utmMedium?: string | null; utmCampaign?: string | null }) {
    return { source: blank(input.utmSource), medium: blank(input.utmMedium), campaign: blank(input.utmCampaign) };
  }

  private async capture(c: Capture): Promise<CaptureAcceptedOutput> {
    if (!c.email && !c.phone) {
      throw new ValidationFailed([
        {
          field: c.emailField,
          message: 'an email or a phone is required to reach the person',
          code: DetailCode.Required,
        },
      ]);
    }
    const principal = this.cls.get<CapturePrincipal>(CLS_CAPTURE);
    await this.inUnitOfWork(principal, () => this.record(c, principal));
    return this.accepted();
  }

  /**
   * A capture key's work runs in its organization as the system would (role MANAGER, acting for
   * the key's creator, as an API key does): it must see every live lead to de-duplicate. An API
   * key's runs as the key itself (app.begin_key_request): its role decides what it sees.
   */
  private inUnitOfWork<T>(principal: CapturePrincipal, fn: () => Promise<T>): Promise<T> {
    if (principal.kind === 'apiKey') return this.db.run(fn);
    return this.db.runTrusted({ orgId: principal.orgId, userId: principal.userId, role: 'MANAGER' }, fn);
  }

  private async record(c: Capture, principal: CapturePrincipal): Promise<void> {
    const campaign = await this.campaign(c.utm.campaign, principal);
    const listing = await this.captures.listing(c.listing);
    const known = await this.captures.findLiveLead(c.email, c.phone);
    let lead: { id: string; name: string };
    let assigneeId: string | null;
    if (known) {
      await this.captures.fillIn(known, { email: c.email, phone: c.phone, campaignId: campaign?.id ?? null });
      lead = known;
      assigneeId = known.assignedToId;
    } else {
      assigneeId = await this.routing.assignee();
      lead = await this.captures.createLead({
        name: c.name ?? c.email ?? c.phone ?? 'Website visitor',
        email: c.email,
        phone: c.phone,
        source: campaign?.channel ?? 'WEBSITE',
        campaignId: campaign?.id ?? null,
        assignedToId: assigneeId,
        createdById: this.db.userId,
      });
    }
    await this.activities.create({
      type: 'NOTE',
      title: `${c.type}${c.source ? ` from ${c.source}` : ''}`.slice(0, 200),
      description: describe(c),
      leadId: lead.id,
      listingId: listing?.id ?? null,
      assignedToId: assigneeId,
      completedAt: new Date(),
    });
    if (assigneeId) {
      await this.notifications.deliver([
        {
          userId: assigneeId,
          type: known ? 'LEAD_CAPTURED' : 'LEAD_ASSIGNED',
          title: known ? `${c.type}: ${lead.name}` : `New lead assigned to you: ${lead.name}`,
          body: c.message?.slice(0, 500),
          data: { leadId: lead.id },
          // A new lead is an assignment like any other, emailed unless the agent turned that off.
          ...(!known && {
            email: (to: { fullName: string | null }) =>
              assignmentEmail({ recipientName: to.fullName, actorName: null, record: 'lead', records: [lead] }),
          }),
        },
      ]);
    }
  }

  /** The live campaign named by utm_campaign, else the capture key's default one. */
  private async campaign(utmCampaign: string | null, principal: CapturePrincipal) {
    const byUtm = utmCampaign ? await this.captures.campaignByUtm(utmCampaign) : undefined;
    if (byUtm) return byUtm;
    return principal.kind === 'captureKey' && principal.campaignId
      ? this.captures.campaign(principal.campaignId)
      : undefined;
  }

  private accepted(): CaptureAcceptedOutput {
    return { accepted: true, requestId: this.cls.get<string>(CLS_REQUEST_ID) ?? '' };
  }
}

/** The activity's text: what was said and where it came from, one fact a line. */
function describe(c: Capture): string {
  const lines = [
    c.message,
    c.listing.mlsNumber && `MLS number: ${c.listing.mlsNumber}`,
    c.listing.address && `Property: ${c.listing.address}`,
    c.utm.source && `utm_source: ${c.utm.source}`,
    c.utm.medium && `utm_medium: ${c.utm.medium}`,
    c.utm.campaign && `utm_campaign: ${c.utm.campaign}`,
    c.consent !== undefined && `Consent to be contacted: ${c.consent ? 'yes' : 'no'}`,
  ];
  return lines.filter(Boolean).join('\n').slice(0, 10_000) || c.type;
}
