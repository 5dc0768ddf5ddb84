import { Injectable } from '@nestjs/common';
import type { SourceRecord } from '../imports/import-source.js';
import { SourceError } from '../imports/import-source.js';
import type { DataSourceType, JsonApiSettings, ResoSettings } from './data-source-types.js';
import { valueAt } from './json-path.js';
import { SourceHttp, SourceHttpError } from './source-http.js';

/** A source as an import reads it: decrypted credentials, in memory only for the run. */
export interface LoadedSource {
  id: string;
  type: DataSourceType;
  settings: Record<string, unknown>;
  credentials: Record<string, string>;
  lastSyncAt: Date | null;
}

const DEFAULT_MAX_PAGES = 1000;
const RESO_PAGE_SIZE = 200;

/** The values of one record at the mapping's paths (an import maps those). */
const picked = (record: unknown, paths: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(paths.map((p) => [p, valueAt(record, p)]));

/**
 * Reads a data source's records for an import: a JSON API page by page (page numbers or next
 * links), a RESO Web API's Property resource over OData (OAuth2 client credentials,
 * `$filter=ModificationTimestamp gt <last sync>`, @odata.nextLink). Records are numbered from
 * 1 in the order read, the number a checkpoint keeps; a resumed import reads again from the
 * start and skips what it committed (sources are read in a stable order).
 */
@Injectable()
export class SourceRecords {
  constructor(private readonly http: SourceHttp) {}

  records(
    source: LoadedSource,
    paths: readonly string[],
    progress: { syncedUpTo: Date | null },
  ): AsyncGenerator<SourceRecord> {
    if (source.type === 'JSON_API') return this.jsonApi(source, paths);
    if (source.type === 'RESO_WEB_API') return this.reso(source, paths, progress);
    throw new SourceError(`A ${source.type} source is not read by an import job`);
  }

  /** The first page, for POST /v1/data-sources/{id}/test. */
  async firstPage(source: LoadedSource): Promise<{ status: number; records: unknown[] }> {
    if (source.type === 'JSON_API') {
      const settings = source.settings as unknown as JsonApiSettings;
      const url =
        settings.pagination?.type === 'page'
          ? withParam(settings.url, settings.pagination.param ?? 'page', '1')
          : settings.url;
      const res = await this.get(url, this.jsonHeaders(source));
      return { status: res.status, records: arrayAt(res.body, settings.recordsPath) ?? [] };
    }
    const token = await this.token(source);
    const res = await this.get(this.resoUrl(source, null, 1), { authorization: `Bearer ${token}` });
    return { status: res.status, records: arrayAt(res.body, 'value') ?? [] };
  }

  private jsonHeaders(source: LoadedSource): Record<string, string> {
    return source.credentials.authHeader ? { authorization: source.credentials.authHeader } : {};
  }

  private async *jsonApi(source: LoadedSource, paths: readonly string[]): AsyncGenerator<SourceRecord> {
    const settings = source.settings as unknown as JsonApiSettings;
    const pagination = settings.pagination;
    const maxPages = pagination?.maxPages ?? DEFAULT_MAX_PAGES;
    let row = 0;
    let url: string | null =
      pagination?.type === 'page' ? withParam(settings.url, pagination.param ?? 'page', '1') : settings.url;
    for (let page = 1; url && page <= maxPages; page++) {
      const res = await this.get(url, this.jsonHeaders(source));
      if (res.status < 200 || res.status >= 300)
        throw new SourceError(`The API answered HTTP ${res.status} for page ${page}`);
      const records = arrayAt(res.body, settings.recordsPath);
      if (!records) throw new SourceError(`Page ${page} has no records array at "${settings.recordsPath ?? ''}"`);
      for (const record of records) yield { row: ++row, values: picked(record, paths) };
      if (pagination?.type === 'page') {
        url = records.length ? withParam(settings.url, pagination.param ?? 'page', String(page + 1)) : null;
      } else if (pagination?.type === 'next') {
        const next = valueAt(res.body, pagination.nextPath ?? 'next');
        url = typeof next === 'string' && next ? new URL(next, url).toString() : null;
      } else url = null;
    }
  }

  private async *reso(
    source: LoadedSource,
    paths: readonly string[],
    progress: { syncedUpTo: Date | null },
  ): AsyncGenerator<SourceRecord> {
    const token = await this.token(source);
    let row = 0;
    let url: string | null = this.resoUrl(source, source.lastSyncAt, RESO_PAGE_SIZE);
    for (let page = 1; url && page <= DEFAULT_MAX_PAGES; page++) {
      const res = await this.get(url, { authorization: `Bearer ${token}` });
      if (res.status < 200 || res.status >= 300)
        throw new SourceError(`The MLS answered HTTP ${res.status} for page ${page}`);
      const records = arrayAt(res.body, 'value');
      if (!records) throw new SourceError(`Page ${page} is not an OData collection (no "value")`);
      for (const record of records) {
        const r = record as Record<string, unknown>;
        const modified = typeof r.ModificationTimestamp === 'string' ? new Date(r.ModificationTimestamp) : null;
        if (modified && !Number.isNaN(modified.getTime()) && (!progress.syncedUpTo || modified > progress.syncedUpTo)) {
          progress.syncedUpTo = modified;
        }
        // A listing needs a title; RESO has none: the address names it.
        const withTitle = { ...r, ListingTitle: [r.UnparsedAddress, r.City].filter(Boolean).join(', ') || undefined };
        yield { row: ++row, values: picked(withTitle, paths) };
      }
      const next = (res.body as Record<string, unknown>)['@odata.nextLink'];
      url = typeof next === 'string' && next ? new URL(next, url).toString() : null;
    }
  }

  /** `{baseUrl}/Property?$filter=ModificationTimestamp gt …&$orderby=ModificationTimestamp&$top=…` */
  private resoUrl(source: LoadedSource, since: Date | null, top: number): string {
    const settings = source.settings as unknown as ResoSettings;
    const query = new URLSearchParams({ $orderby: 'ModificationTimestamp asc', $top: String(top) });
    if (since) query.set('$filter', `ModificationTimestamp gt ${since.toISOString()}`);
    return `${settings.baseUrl.replace(/\/+$/, '')}/${settings.resource ?? 'Property'}?${query.toString().replaceAll('+', '%20')}`;
  }

  /** OAuth2 client credentials (RFC 6749 §4.4): the access token, never logged. */
  private async token(source: LoadedSource): Promise<string> {
    const settings = source.settings as unknown as ResoSettings;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.clientId,
      client_secret: source.credentials.clientSecret ?? '',
    });
    if (settings.scope) form.set('scope', settings.scope);
    const res = await this.call(() =>
      this.http.request(settings.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }),
    );
    const token = valueAt(res.body, 'access_token');
    if (res.status !== 200 || typeof token !== 'string')
      throw new SourceError(`The token endpoint answered HTTP ${res.status} without an access_token`);
    return token;
  }

  private get(url: string, headers: Record<string, string>) {
    return this.call(() => this.http.request(url, { headers }));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof SourceHttpError) throw new SourceError(error.message);
      throw error;
    }
  }
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

function arrayAt(body: unknown, path: string | undefined): unknown[] | undefined {
  const found = path ? valueAt(body, path) : body;
  return Array.isArray(found) ? found : undefined;
}
