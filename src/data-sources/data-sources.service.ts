import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DetailCode, type ErrorDetail, NotFound, ValidationFailed } from '../common/errors.js';
import type { ImportTarget } from '../common/import-rows.js';
import { type Page, pageOf, type PageQuery } from '../common/pagination.js';
import { validateAs } from '../common/validation.js';
import { TenantDb } from '../database/tenant-db.js';
import { SourceError } from '../imports/import-source.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { type DataSourceType, RESO_PROPERTY_MAPPING, TYPE_SCHEMAS } from './data-source-types.js';
import { type DataSourceRow, DataSourcesRepository } from './data-sources.repository.js';
import type { CreateDataSourceInput, UpdateDataSourceInput } from './dto/data-source.input.js';
import type { DataSourceOutput, DataSourceTestOutput, DataSourceWithSecretOutput } from './dto/data-source.output.js';
import { newWebhookSecret } from '../webhooks/webhook-signing.js';
import { SourceHttp } from './source-http.js';
import { type LoadedSource, SourceRecords } from './source-records.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const toOutput = (s: DataSourceRow): DataSourceOutput => ({
  id: s.id,
  name: s.name,
  type: s.type as DataSourceType,
  target: s.target as ImportTarget,
  settings: s.settings as Record<string, unknown>,
  hasCredentials: s.credentials !== null,
  credentialsHint: s.credentialsHint,
  inboundPath: s.type === 'WEBHOOK' ? `/v1/inbound/${s.id}` : null,
  metrics: {
    lastRunAt: iso(s.lastRunAt),
    rowsImported: Number(s.rowsImported),
    failures: Number(s.failures),
    lastSyncAt: iso(s.lastSyncAt),
  },
  createdById: s.createdById,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

const prefixed = (prefix: string, details: ErrorDetail[]): ErrorDetail[] =>
  details.map((d) => ({ ...d, field: d.field ? `${prefix}.${d.field}` : prefix }));

export interface InboundSource {
  organizationId: string;
  target: ImportTarget;
  mapping: Record<string, string> | undefined;
  duplicatePolicy: string | undefined;
  secret: string;
}

/** What an import needs of its source: type, target, default mapping, and how to read it. */
export interface SourceForImport {
  id: string;
  type: DataSourceType;
  target: ImportTarget;
  mapping: Record<string, string> | undefined;
}

/**
 * Data sources (docs/imports.md): where imports read from. Credentials are validated per
 * type, encrypted (CredentialsCipher) before they reach the database and never returned or
 * logged; outbound calls go through SourceHttp's SSRF guard.
 */
@Injectable()
export class DataSourcesService {
  private readonly logger = new Logger(DataSourcesService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly sources: DataSourcesRepository,
    private readonly cipher: CredentialsCipher,
    private readonly http: SourceHttp,
    private readonly records: SourceRecords,
  ) {}

  create(input: CreateDataSourceInput): Promise<DataSourceOutput | DataSourceWithSecretOutput> {
    const settings = this.checkSettings(input.type, input.settings ?? {});
    let credentials = this.checkCredentials(input.type, input.credentials);
    let secret: string | undefined;
    if (input.type === 'WEBHOOK') {
      secret = newWebhookSecret();
      credentials = { secret };
    }
    const id = randomUUID();
    return this.db.run(async () => {
      const row = await this.sources.create({
        id,
        name: input.name,
        type: input.type,
        target: input.target ?? (input.type === 'RESO_WEB_API' ? 'listings' : 'leads'),
        settings: settings as object,
        ...this.sealed(id, input.type, credentials),
      });
      return secret ? { ...toOutput(row), secret } : toOutput(row);
    });
  }

  list(query: PageQuery): Promise<Page<DataSourceOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.sources.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  get(id: string): Promise<DataSourceOutput> {
    return this.db.run(async () => toOutput(await this.existing(id)));
  }

  update(id: string, input: UpdateDataSourceInput): Promise<DataSourceOutput> {
    return this.db.run(async () => {
      const current = await this.existing(id);
      const type = current.type as DataSourceType;
      const settings = input.settings === undefined ? undefined : this.checkSettings(type, input.settings);
      const credentials =
        input.credentials === undefined || type === 'WEBHOOK'
          ? undefined
          : this.checkCredentials(type, input.credentials);
      const row = await this.sources.update(id, {
        name: input.name,
        target: input.target,
        ...(settings && { settings: settings as object }),
        ...(credentials && this.sealed(id, type, credentials)),
      });
      if (!row) throw new NotFound('Data source');
      return toOutput(row);
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      if (!(await this.sources.delete(id))) throw new NotFound('Data source');
    });
  }

  /** Reaches the source now (first page, or the token and one record), with no transaction open meanwhile. */
  async test(id: string): Promise<DataSourceTestOutput> {
    const source = await this.db.run(() => this.load(id));
    if (source.type === 'CSV' || source.type === 'WEBHOOK') {
      return {
        ok: true,
        message: `A ${source.type} source has nothing to reach: its rows arrive ${source.type === 'CSV' ? 'as uploads' : 'at its inbound URL'}`,
        sampleFields: [],
      };
    }
    try {
      const { status, records } = await this.records.firstPage(source);
      const ok = status >= 200 && status < 300;
      const first = records[0];
      return {
        ok,
        message: ok ? `HTTP ${status}: ${records.length} records on the first page` : `HTTP ${status}`,
        sampleFields: first && typeof first === 'object' ? Object.keys(first).slice(0, 100) : [],
      };
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, message: error.message.slice(0, 500), sampleFields: [] };
      throw error;
    }
  }

  /** In the open unit of work: the source an import names, checked to be one an import job reads. */
  async forImport(id: string): Promise<SourceForImport> {
    const row = await this.existing(id);
    const type = row.type as DataSourceType;
    if (type !== 'JSON_API' && type !== 'RESO_WEB_API') {
      throw new ValidationFailed([
        {
          field: 'dataSourceId',
          message: `a ${type} source is not imported by a job (${type === 'CSV' ? 'upload the file' : 'it receives rows at its inbound URL'})`,
          code: DetailCode.InvalidValue,
        },
      ]);
    }
    const settings = row.settings as { mapping?: Record<string, string> };
    return {
      id: row.id,
      type,
      target: row.target as ImportTarget,
      mapping: settings.mapping ?? (type === 'RESO_WEB_API' ? RESO_PROPERTY_MAPPING : undefined),
    };
  }

  /** In the open unit of work: the source with its credentials decrypted, for the import that reads it now. */
  async load(id: string): Promise<LoadedSource> {
    const row = await this.existing(id);
    return {
      id: row.id,
      type: row.type as DataSourceType,
      settings: row.settings as Record<string, unknown>,
      credentials: row.credentials ? this.cipher.decrypt(row.id, row.credentials) : {},
      lastSyncAt: row.lastSyncAt,
    };
  }

  /**
   * A WEBHOOK source for its inbound route, found across organizations with no tenant yet
   * (in a unit of work with no user and no organization): its organization, target, mapping
   * and signing secret. Null when there is no such WEBHOOK source.
   */
  async inbound(id: string): Promise<InboundSource | null> {
    const row = await this.sources.inbound(id);
    if (!row?.credentials) return null;
    const settings = row.settings as { mapping?: Record<string, string>; duplicatePolicy?: string };
    return {
      organizationId: row.organizationId,
      target: row.target as ImportTarget,
      mapping: settings.mapping,
      duplicatePolicy: settings.duplicatePolicy,
      secret: this.cipher.decrypt(id, row.credentials).secret ?? '',
    };
  }

  /** In the open unit of work: a finished import's numbers on its source. */
  async recordRun(id: string, rows: number, failures: number, syncedUpTo: Date | null): Promise<void> {
    await this.sources.recordRun(id, rows, failures, syncedUpTo);
  }

  private sealed(id: string, type: DataSourceType, credentials: Record<string, string> | undefined) {
    if (!credentials || Object.keys(credentials).length === 0) return { credentials: null, credentialsHint: null };
    const main = credentials[TYPE_SCHEMAS[type].requiredSecret ?? Object.keys(credentials)[0]] ?? '';
    return {
      credentials: this.cipher.encrypt(id, credentials),
      credentialsHint: main.length >= 12 ? main.slice(-4) : null,
    };
  }

  private checkSettings(type: DataSourceType, settings: Record<string, unknown>): Record<string, unknown> {
    const [checked, errors] = validateAs(TYPE_SCHEMAS[type].settings, settings);
    const details = prefixed('settings', errors);
    const s = checked as { url?: string; baseUrl?: string; tokenUrl?: string; mapping?: Record<string, unknown> };
    for (const field of ['url', 'baseUrl', 'tokenUrl'] as const) {
      const problem = typeof s[field] === 'string' ? this.http.refusal(s[field]) : undefined;
      if (problem) details.push({ field: `settings.${field}`, message: problem, code: DetailCode.NotAllowed });
    }
    if (s.mapping && Object.values(s.mapping).some((v) => typeof v !== 'string')) {
      details.push({
        field: 'settings.mapping',
        message: 'must map each path to a field name',
        code: DetailCode.InvalidType,
      });
    }
    if (details.length) throw new ValidationFailed(details);
    return JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
  }

  private checkCredentials(
    type: DataSourceType,
    credentials: Record<string, unknown> | undefined,
  ): Record<string, string> | undefined {
    const schema = TYPE_SCHEMAS[type].credentials;
    if (!schema) {
      if (credentials && Object.keys(credentials).length) {
        throw new ValidationFailed([
          { field: 'credentials', message: `a ${type} source takes no credentials`, code: DetailCode.NotAllowed },
        ]);
      }
      return undefined;
    }
    const [, errors] = validateAs(schema, credentials ?? {});
    if (errors.length) throw new ValidationFailed(prefixed('credentials', errors));
    return credentials as Record<string, string> | undefined;
  }

  private async existing(id: string): Promise<DataSourceRow> {
    const row = await this.sources.find(id);
    if (!row) throw new NotFound('Data source');
    return row;
  }
}
