import { Body, Get, Header, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { AcceptsMultipart, MultipartAlternative, type NextParts, UploadedParts } from '../storage/multipart.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CreateImportInput, UploadImportInput } from './dto/create-import.input.js';
import { DryRunOutput, ImportErrorOutput, ImportLogOutput, ImportOutput } from './dto/import.output.js';
import { ListImportLogsQuery } from './dto/list-import-logs.query.js';
import { MAX_RECORDED_ERRORS } from './import-limits.js';
import { ImportsService } from './imports.service.js';

const STATES =
  'States: pending → running → completed | failed | cancelled, running ⇄ paused; a failed import may be resumed from its checkpoint (docs/imports.md). CONFLICT: the import is in a state that does not allow this.';

/** Import jobs: CSV uploads and data source syncs, for ADMINs and MANAGERs (docs/imports.md). */
@TenantController('imports')
@Roles('ADMIN', 'MANAGER')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Get()
  @Endpoint({ summary: "The organization's imports, newest first", ok: PageOf(ImportOutput) })
  list(@Query() query: PageQuery): Promise<Page<ImportOutput>> {
    return this.imports.list(query);
  }

  @Post()
  @MultipartAlternative(UploadImportInput)
  @ApiBody({
    type: CreateImportInput,
    description:
      'application/json: an import from a data source. multipart/form-data: a CSV upload (target, mapping, duplicatePolicy, then file), as POST /v1/imports/dry-run takes it.',
  })
  @Endpoint({
    summary: 'Create an import (pending): upload a CSV, or name a data source',
    description:
      "Nothing is written until POST /v1/imports/{id}/start. The mapping is checked against the target's fields here, and against the file's header when the import starts (a missing column fails it). " +
      'PAYLOAD_TOO_LARGE: a file over 50 MiB. NOT_FOUND: no such data source.',
    ok: ImportOutput,
    created: '/v1/imports/{id}',
    errors: [ErrorCode.NotFound, ErrorCode.PayloadTooLarge],
  })
  create(@Body() body: unknown, @UploadedParts() parts: NextParts): Promise<ImportOutput> {
    return this.imports.create(body, parts);
  }

  @Post('dry-run')
  @AcceptsMultipart()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadImportInput })
  @Endpoint({
    summary: 'Preview a CSV import: the first 50 rows as they would be written, with their errors',
    description:
      'The same multipart body as POST /v1/imports; nothing is stored and nothing is written. A mapped column missing from the header is a VALIDATION_FAILED on `file`.',
    ok: DryRunOutput,
    errors: [ErrorCode.PayloadTooLarge],
  })
  dryRun(@UploadedParts() parts: NextParts): Promise<DryRunOutput> {
    return this.imports.dryRun(parts);
  }

  @Get(':id')
  @Endpoint({ summary: 'One import, with its progress', ok: ImportOutput })
  get(@IdParam() id: string): Promise<ImportOutput> {
    return this.imports.get(id);
  }

  @Post(':id/start')
  @Endpoint({
    summary: 'Start a pending import (it runs in the background)',
    description: STATES,
    ok: ImportOutput,
    errors: [ErrorCode.Conflict],
  })
  start(@IdParam() id: string): Promise<ImportOutput> {
    return this.imports.transition(id, 'start');
  }

  @Post(':id/pause')
  @Endpoint({
    summary: 'Pause a running import after its current batch',
    description: STATES,
    ok: ImportOutput,
    errors: [ErrorCode.Conflict],
  })
  pause(@IdParam() id: string): Promise<ImportOutput> {
    return this.imports.transition(id, 'pause');
  }

  @Post(':id/resume')
  @Endpoint({
    summary: 'Resume a paused (or failed) import from its checkpoint',
    description: STATES,
    ok: ImportOutput,
    errors: [ErrorCode.Conflict],
  })
  resume(@IdParam() id: string): Promise<ImportOutput> {
    return this.imports.transition(id, 'resume');
  }

  @Post(':id/cancel')
  @Endpoint({
    summary: 'Cancel an import; rows already committed stay',
    description: STATES,
    ok: ImportOutput,
    errors: [ErrorCode.Conflict],
  })
  cancel(@IdParam() id: string): Promise<ImportOutput> {
    return this.imports.transition(id, 'cancel');
  }

  @Get(':id/logs')
  @Endpoint({
    summary: "An import's log, oldest first",
    description: 'Each batch and state change is also an `import.*` event on GET /v1/events/stream.',
    ok: PageOf(ImportLogOutput),
  })
  logs(@IdParam() id: string, @Query() query: ListImportLogsQuery): Promise<Page<ImportLogOutput>> {
    return this.imports.logs(id, query);
  }

  @Get(':id/errors')
  @Endpoint({ summary: 'The rows an import refused, by row number', ok: PageOf(ImportErrorOutput) })
  errors(@IdParam() id: string, @Query() query: PageQuery): Promise<Page<ImportErrorOutput>> {
    return this.imports.errors(id, query);
  }

  @Get(':id/errors.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="import-errors.csv"')
  @Endpoint({
    summary: 'The rows an import refused, as CSV (row,field,message)',
    ok: {
      mediaType: 'text/csv',
      maxLength: MAX_RECORDED_ERRORS * 1300,
      example: 'row,field,message\r\n17,email,must be an email\r\n',
    },
  })
  errorsCsv(@IdParam() id: string): Promise<string> {
    return this.imports.errorsCsv(id);
  }
}
