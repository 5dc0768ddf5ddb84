import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { KeyScope } from '../api-keys/scopes.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { AUDIT_DOC } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { AuditPage } from './dto/audit.output.js';
import { AuditPageQuery } from './dto/audit.query.js';

const RECORD_DOC = `${AUDIT_DOC} A soft-deleted record keeps its history here; another organization's id, or a record you may not see, is 404.`;

/**
 * Each record's own change history, beside those resources' controllers. `/audit`, not
 * `/history`: deals and tickets already answer `/history` with their stage and status changes.
 */
@TenantRoute()
@KeyScope('audit') // who changed what is the audit history's, whatever the record: audit:read
@Controller({ version: '1' })
export class RecordAuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('leads/:id/audit')
  @ApiTags('leads')
  @Endpoint({ summary: "A lead's change history", description: RECORD_DOC, ok: AuditPage })
  lead(@IdParam() id: string, @Query() query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.record('leads', id, query);
  }

  @Get('contacts/:id/audit')
  @ApiTags('contacts')
  @Endpoint({ summary: "A contact's change history", description: RECORD_DOC, ok: AuditPage })
  contact(@IdParam() id: string, @Query() query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.record('contacts', id, query);
  }

  @Get('deals/:id/audit')
  @ApiTags('deals')
  @Endpoint({ summary: "A deal's change history", description: RECORD_DOC, ok: AuditPage })
  deal(@IdParam() id: string, @Query() query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.record('deals', id, query);
  }

  @Get('listings/:id/audit')
  @ApiTags('listings')
  @Endpoint({ summary: "A listing's change history", description: RECORD_DOC, ok: AuditPage })
  listing(@IdParam() id: string, @Query() query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.record('listings', id, query);
  }

  @Get('tickets/:id/audit')
  @ApiTags('tickets')
  @Endpoint({ summary: "A ticket's change history", description: RECORD_DOC, ok: AuditPage })
  ticket(@IdParam() id: string, @Query() query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.record('tickets', id, query);
  }
}
