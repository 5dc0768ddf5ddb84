import { applyDecorators, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { KeyScope, type ScopeResource } from '../api-keys/scopes.js';
import { ValidationFailed } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { attachmentDisposition } from '../storage/file-name.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ExportContactsQuery, ExportDealsQuery, ExportLeadsQuery, ExportListingsQuery } from './dto/export-queries.js';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats.js';
import { type ExportDownload, RecordExportsService } from './record-exports.service.js';

const EXAMPLES = {
  'text/csv': 'id,name,email\r\n3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b,Maria Gonzalez,maria@example.com\r\n',
  'application/x-ndjson': '{"id":"3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b","name":"Maria Gonzalez"}\n',
};

/** GET /v1/exports/{resource}.{format}: documented once, for each resource. */
function ExportRoute(resource: ScopeResource, list: string): MethodDecorator {
  return applyDecorators(
    Get(`${resource}.:format`),
    KeyScope(resource, 'read'),
    ApiParam({ name: 'format', enum: EXPORT_FORMATS, description: 'csv (RFC 4180, with a header row) or ndjson' }),
    Endpoint({
      summary: `Export ${resource}: every row GET ${list} would list, as CSV or NDJSON, streamed`,
      description:
        `Takes the list's filters, q, sort, ids and includeDeleted (no page, pageSize or include) and streams every ` +
        `matching row under the same visibility (an AGENT exports what they may list) as an attachment ` +
        `\`${resource}-<date>.<format>\`. CSV cells starting with = + - @, tab or CR get a leading single quote ` +
        `(spreadsheet formula injection); arrays and objects are JSON. A failure after the first byte cuts the ` +
        `response off (no clean end): a complete download ends with its last line. RATE_LIMITED (429, Retry-After): ` +
        `this server already streams as many exports as it allows at once. See docs/exports.md.`,
      ok: { mediaType: ['text/csv', 'application/x-ndjson'], maxLength: 2 ** 40, examples: EXAMPLES },
    }),
  );
}

/** The path's format (leads.csv): 400 VALIDATION_FAILED naming `format` for anything else. */
function formatOf(value: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new ValidationFailed([{ field: 'format', message: `must be one of: ${EXPORT_FORMATS.join(', ')}` }]);
}

const download = (d: ExportDownload): StreamableFile =>
  new StreamableFile(d.stream, { type: d.contentType, disposition: attachmentDisposition(d.fileName) });

/** Streamed exports of the four lists (docs/exports.md); an organization's whole archive is OrganizationExportsController. */
@TenantController('exports')
export class ExportsController {
  constructor(private readonly exports: RecordExportsService) {}

  @ExportRoute('leads', '/v1/leads')
  async leads(@Param('format') format: string, @Query() query: ExportLeadsQuery): Promise<StreamableFile> {
    return download(await this.exports.leads(query, formatOf(format)));
  }

  @ExportRoute('contacts', '/v1/contacts')
  async contacts(@Param('format') format: string, @Query() query: ExportContactsQuery): Promise<StreamableFile> {
    return download(await this.exports.contacts(query, formatOf(format)));
  }

  @ExportRoute('deals', '/v1/deals')
  async deals(@Param('format') format: string, @Query() query: ExportDealsQuery): Promise<StreamableFile> {
    return download(await this.exports.deals(query, formatOf(format)));
  }

  @ExportRoute('listings', '/v1/listings')
  async listings(@Param('format') format: string, @Query() query: ExportListingsQuery): Promise<StreamableFile> {
    return download(await this.exports.listings(query, formatOf(format)));
  }
}
