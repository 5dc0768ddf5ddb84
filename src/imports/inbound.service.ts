import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { DetailCode, ErrorCode, Unauthorized, ValidationFailed } from '../common/errors.js';
import { DUPLICATE_POLICIES, type DuplicatePolicy } from '../common/import-rows.js';
import { TenantDb } from '../database/tenant-db.js';
import { DataSourcesService } from '../data-sources/data-sources.service.js';
import { valueAt } from '../data-sources/json-path.js';
import type { InboundOutput } from './dto/inbound.dto.js';
import { toImportInput } from './import-mapping.js';
import { ImportTargets } from './import-targets.js';

/** How old a signed request may be (Standard Webhooks' tolerance): a replay after it is refused. */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * A portal's signed POST to a WEBHOOK data source: the Standard Webhooks signature over the
 * exact body (webhook-id, webhook-timestamp, webhook-signature) with the source's secret, then
 * one record written like an import row — same mapping, validation, duplicate keys and writer
 * — as the system (no user) in the source's organization. Unknown source and bad signature
 * answer alike (401), so ids cannot be probed.
 */
@Injectable()
export class InboundService {
  constructor(
    private readonly db: TenantDb,
    private readonly sources: DataSourcesService,
    private readonly targets: ImportTargets,
  ) {}

  async receive(
    sourceId: string,
    rawBody: string | undefined,
    headers: Record<string, string | string[] | undefined>,
    body: unknown,
  ): Promise<InboundOutput> {
    const source = await this.db.runTrusted({}, () => this.sources.inbound(sourceId));
    if (!source || rawBody === undefined || !this.verified(source.secret, rawBody, headers)) {
      throw new Unauthorized(
        'Unknown source or bad signature (Standard Webhooks headers, signed with the source secret)',
        ErrorCode.Unauthorized,
      );
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationFailed([{ message: 'the body must be one JSON object', code: DetailCode.InvalidType }]);
    }
    const importer = this.targets.get(source.target);
    const mapping =
      source.mapping ??
      Object.fromEntries(
        Object.keys(importer.fields)
          .filter((f) => f !== 'customFields')
          .map((f) => [f, f]),
      );
    const values = Object.fromEntries(Object.keys(mapping).map((path) => [path, valueAt(body, path)]));
    const { input, errors } = toImportInput(importer, mapping, values);
    if (errors.length) throw new ValidationFailed(errors);
    const policy = (DUPLICATE_POLICIES as readonly string[]).includes(source.duplicatePolicy ?? '')
      ? (source.duplicatePolicy as DuplicatePolicy)
      : 'skip';
    return this.db.runTrusted({ orgId: source.organizationId, role: 'MANAGER' }, async () => {
      const [outcome] = await importer.write([{ row: 1, input }], policy);
      if (outcome.result === 'failed')
        throw new ValidationFailed(outcome.error ? [outcome.error] : [{ message: 'refused' }]);
      await this.sources.recordRun(sourceId, outcome.result === 'skipped' ? 0 : 1, 0, null);
      return { result: outcome.result };
    });
  }

  private verified(secret: string, rawBody: string, headers: Record<string, string | string[] | undefined>): boolean {
    const header = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const timestamp = Number(header('webhook-timestamp'));
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > TOLERANCE_SECONDS) return false;
    try {
      new Webhook(secret).verify(rawBody, {
        'webhook-id': header('webhook-id') ?? '',
        'webhook-timestamp': header('webhook-timestamp') ?? '',
        'webhook-signature': header('webhook-signature') ?? '',
      });
      return true;
    } catch {
      return false;
    }
  }
}
