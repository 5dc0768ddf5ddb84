import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { allowedClass, classifyAddress, refusal, urlRefusal } from '../webhooks/webhook-targets.js';

/** The most a source's response may hold (one page of a JSON API or an OData feed). */
const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export class SourceHttpError extends Error {
  override readonly name = 'SourceHttpError';
}

export interface SourceResponse {
  status: number;
  body: unknown;
}

/**
 * Outbound requests to data sources, under the webhooks' SSRF rules (webhook-targets.ts): the
 * URL is checked, its host resolved once, every address checked, and the socket connects to
 * those addresses only; no redirects. Private and loopback targets only with
 * WEBHOOK_ALLOW_PRIVATE_TARGETS (tests, on-premises). Secrets go in headers, never in logs.
 */
@Injectable()
export class SourceHttp {
  private readonly allowPrivate: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.allowPrivate = config.webhooks.allowPrivateTargets;
  }

  /** Why this URL may not be called, or undefined. */
  refusal(url: string): string | undefined {
    return urlRefusal(url, this.allowPrivate);
  }

  async request(
    rawUrl: string,
    options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
  ): Promise<SourceResponse> {
    const problem = this.refusal(rawUrl);
    if (problem) throw new SourceHttpError(`${rawUrl.split('?')[0]}: ${problem}`);
    const url = new URL(rawUrl);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    const addresses = family
      ? [{ address: host, family }]
      : await dnsLookup(host, { all: true, verbatim: true }).catch(() => {
          throw new SourceHttpError(`could not resolve ${host}`);
        });
    for (const { address } of addresses) {
      const cls = classifyAddress(address);
      if (!allowedClass(cls, this.allowPrivate))
        throw new SourceHttpError(`refused: ${host} resolves to ${refusal(address, cls)}`);
    }
    const lookup: LookupFunction = (_h, opts, callback) => {
      if (opts.all) (callback as (e: null, a: typeof addresses) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: options.method ?? 'GET',
          lookup,
          timeout: TIMEOUT_MS,
          headers: { accept: 'application/json', 'user-agent': 'brokerage-crm-imports/1', ...options.headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) response.destroy(new SourceHttpError('the response is larger than 20 MiB'));
            else chunks.push(chunk);
          });
          response.on('error', (error) =>
            reject(error instanceof SourceHttpError ? error : new SourceHttpError(error.message)),
          );
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : null;
            } catch {
              // Not JSON: the caller reports the status with the text.
            }
            resolve({ status: response.statusCode ?? 0, body });
          });
        },
      );
      request.on('timeout', () => request.destroy(new SourceHttpError(`timed out after ${TIMEOUT_MS} ms`)));
      request.on('error', (error) =>
        reject(error instanceof SourceHttpError ? error : new SourceHttpError(error.message)),
      );
      request.end(options.body);
    });
  }
}
