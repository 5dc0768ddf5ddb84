import { Get, Query } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { AuditService } from './audit.service.js';
import { AuditPage } from './dto/audit.output.js';
import { ListAuditQuery } from './dto/audit.query.js';

/** What an entry is and who reads what: said once, for every history route. */
export const AUDIT_DOC =
  'Every change to the organization\u2019s data, recorded by the database: only the fields that changed, who ' +
  'made the change (and through which API key) and in which request. ADMIN and MANAGER read everyone\u2019s ' +
  'changes; other roles only their own. Newest first; page with limit and the nextCursor of the previous page.';

@TenantController('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Endpoint({
    summary: "The organization's change history, filtered by table, record, person, action and time",
    description: `${AUDIT_DOC} Filters combine with AND; from is inclusive, to exclusive.`,
    ok: AuditPage,
  })
  list(@Query() query: ListAuditQuery): Promise<AuditPage> {
    return this.audit.list(query);
  }
}
