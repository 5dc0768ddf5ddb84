import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { KeyScope } from '../api-keys/scopes.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { TIMELINE_ITEM_MODELS, TimelinePage } from './dto/timeline.output.js';
import { TimelineQuery } from './dto/timeline.query.js';
import { TimelineService } from './timeline.service.js';

/** A timeline shows the record's activities and appointments too. */
const TIMELINE_SCOPES = ['activities:read', 'appointments:read'];

const PAGING = 'Newest first; page with limit and the nextCursor of the previous page.';

/** The timelines of leads, contacts, deals and listings, beside those resources' own controllers. */
@TenantRoute()
@ApiExtraModels(...Object.values(TIMELINE_ITEM_MODELS))
@Controller({ version: '1' })
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get('leads/:id/timeline')
  @ApiTags('leads')
  @KeyScope('leads', 'read', TIMELINE_SCOPES)
  @Endpoint({ summary: "A lead's activities and appointments", description: PAGING, ok: TimelinePage })
  lead(@IdParam() id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline.page('lead', id, query);
  }

  @Get('contacts/:id/timeline')
  @ApiTags('contacts')
  @KeyScope('contacts', 'read', TIMELINE_SCOPES)
  @Endpoint({
    summary: "A contact's activities and the appointments they attend",
    description: PAGING,
    ok: TimelinePage,
  })
  contact(@IdParam() id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline.page('contact', id, query);
  }

  @Get('deals/:id/timeline')
  @ApiTags('deals')
  @KeyScope('deals', 'read', TIMELINE_SCOPES)
  @Endpoint({ summary: "A deal's activities, appointments and stage changes", description: PAGING, ok: TimelinePage })
  deal(@IdParam() id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline.page('deal', id, query);
  }

  @Get('listings/:id/timeline')
  @ApiTags('listings')
  @KeyScope('listings', 'read', TIMELINE_SCOPES)
  @Endpoint({
    summary: "A listing's activities, appointments, price changes and status changes",
    description: PAGING,
    ok: TimelinePage,
  })
  listing(@IdParam() id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline.page('listing', id, query);
  }
}
