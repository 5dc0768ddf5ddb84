import { Get, Post } from '@nestjs/common';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { OrganizationExportOutput } from './dto/organization-export.output.js';
import { OrganizationExportsService } from './organization-exports.service.js';

/** The organization's whole archive (docs/exports.md): for its ADMINs, signed in as themselves (no API key scope covers it). */
@TenantController('exports', 'exports/organization')
@Roles('ADMIN')
// Taking one's data out never answers 402 (docs/billing.md).
@BillingExempt()
export class OrganizationExportsController {
  constructor(private readonly exports: OrganizationExportsService) {}

  @Post()
  @Endpoint({
    summary: "Export the whole organization: a job writes an archive of every table's records",
    description:
      'Answers 202 with the export, `pending`; a job writes a .tar.gz with one NDJSON file per table (leads, contacts, ' +
      'deals, listings, activities, appointments, tickets, ticket comments, campaigns, ' +
      'products, acquisition stages) and a manifest.json that lists ' +
      'what is left out (secrets, authentication, files). Poll GET /v1/exports/organization/{id}; the ADMIN who asked ' +
      'is notified when it completes or fails.',
    ok: OrganizationExportOutput,
    accepted: true,
  })
  request(): Promise<OrganizationExportOutput> {
    return this.exports.request();
  }

  @Get(':id')
  @Endpoint({
    summary: "An organization export's status; once completed, a signed, expiring download URL",
    ok: OrganizationExportOutput,
  })
  get(@IdParam() id: string): Promise<OrganizationExportOutput> {
    return this.exports.get(id);
  }
}
