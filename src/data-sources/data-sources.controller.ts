import { Body, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ShowsSecret } from '../idempotency/shows-secret.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { DataSourcesService } from './data-sources.service.js';
import { CreateDataSourceInput, UpdateDataSourceInput } from './dto/data-source.input.js';
import { DataSourceOutput, DataSourceTestOutput, DataSourceWithSecretOutput } from './dto/data-source.output.js';

const RULES =
  "VALIDATION_FAILED with details on `settings.*` or `credentials.*`: a setting or secret the type requires is missing or malformed, or a URL breaks the webhooks' SSRF rules (docs/imports.md).";

/** Data sources of imports, for ADMINs and MANAGERs. Credentials are encrypted at rest and never returned. */
@TenantController('data-sources')
@Roles('ADMIN', 'MANAGER')
export class DataSourcesController {
  constructor(private readonly sources: DataSourcesService) {}

  @Get()
  @Endpoint({
    summary: "The organization's data sources, newest first (never their credentials)",
    ok: PageOf(DataSourceOutput),
  })
  list(@Query() query: PageQuery): Promise<Page<DataSourceOutput>> {
    return this.sources.list(query);
  }

  @Post()
  @ShowsSecret()
  @Endpoint({
    summary: 'Create a data source',
    description: `${RULES} A WEBHOOK source's answer holds its signing secret, the only time it is shown (Idempotency-Key is refused here).`,
    ok: DataSourceWithSecretOutput,
    created: '/v1/data-sources/{id}',
  })
  create(@Body() input: CreateDataSourceInput): Promise<DataSourceOutput> {
    return this.sources.create(input);
  }

  @Get(':id')
  @Endpoint({ summary: 'One data source, with its metrics (never its credentials)', ok: DataSourceOutput })
  get(@IdParam() id: string): Promise<DataSourceOutput> {
    return this.sources.get(id);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Rename a data source, or replace its settings or credentials',
    description: RULES,
    ok: DataSourceOutput,
  })
  update(@IdParam() id: string, @Body() input: UpdateDataSourceInput): Promise<DataSourceOutput> {
    return this.sources.update(id, input);
  }

  @Delete(':id')
  @Endpoint({ summary: 'Delete a data source (its imports stay, without it)', ok: null })
  remove(@IdParam() id: string): Promise<void> {
    return this.sources.remove(id);
  }

  @Post(':id/test')
  @Endpoint({
    summary: 'Reach the source now: its first page (JSON API) or a token and one record (RESO Web API)',
    description:
      'ok false with a message when the source could not be reached or answered an error; nothing is imported.',
    ok: DataSourceTestOutput,
  })
  test(@IdParam() id: string): Promise<DataSourceTestOutput> {
    return this.sources.test(id);
  }
}
