import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type WebhooksConfig } from '../config/config.js';
import type { SignedHeaders } from './webhook-signing.js';
import { allowedClass, classifyAddress, refusal } from './webhook-targets.js';

/** What the delivery log keeps of a response body. */
export const RESPONSE_BODY_LOG_BYTES = 1024;
/** Read past the logged part (so the connection can be reused), but no further than this. */
const RESPONSE_DRAIN_LIMIT = 64 * 1024;

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** One attempt's outcome, as the delivery log records it. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why there was no response (refused target, timeout, network error). */
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

/**
 * POSTs a signed delivery. The SSRF guard's delivery-time half: the host is resolved once,
 * every address it resolves to is checked (webhook-targets.ts), and the connection goes to
 * the checked addresses only (the socket's lookup returns them; it never resolves again), so
 * a name that resolves to a public address when checked cannot connect to a private one.
 * Redirects are not followed. Keep-alive agents reuse connections to busy receivers.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly config: WebhooksConfig;
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.config = config.webhooks;
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: config.webhooks.timeoutMs };
    this.agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  }

  /** Every address `host` resolves to (the host itself when it is an address). Tests replace it to stage DNS answers. */
  async resolve(host: string): Promise<ResolvedAddress[]> {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(bare);
    if (family) return [{ address: bare, family }];
    return dnsLookup(bare, { all: true, verbatim: true });
  }

  async send(rawUrl: string, headers: SignedHeaders, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(rawUrl);
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.checkedAddresses(url.hostname);
    } catch (error) {
      return { ok: false, statusCode: null, error: describe(error), responseBody: null, durationMs: elapsed() };
    }
    try {
      const deadline = Date.now() + this.config.timeoutMs;
      let response: { statusCode: number; responseBody: string };
      try {
        response = await this.post(url, addresses, headers, body, deadline);
      } catch (error) {
        // A kept-alive connection the receiver closed just as this request went out on it
        // (Node's http docs, `request.reusedSocket`): not the receiver's answer. Once more,
        // on a new connection, within the same time limit; the receiver may see the
        // webhook-id twice, which Standard Webhooks allows for.
        if (!(error instanceof ReusedConnectionReset)) throw error;
        response = await this.post(url, addresses, headers, body, deadline, false);
      }
      const { statusCode, responseBody } = response;
      const ok = statusCode >= 200 && statusCode < 300;
      return { ok, statusCode, error: null, responseBody, durationMs: elapsed() };
    } catch (error) {
      return { ok: false, statusCode: null, error: describe(error), responseBody: null, durationMs: elapsed() };
    }
  }

  private async checkedAddresses(host: string): Promise<ResolvedAddress[]> {
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (error) {
      throw new Error(`could not resolve ${host}: ${describe(error)}`, { cause: error });
    }
    if (!addresses.length) throw new Error(`${host} has no address`);
    for (const { address } of addresses) {
      const cls = classifyAddress(address);
      if (!allowedClass(cls, this.config.allowPrivateTargets)) {
        throw new Error(`refused: ${host} resolves to ${refusal(address, cls)}`);
      }
    }
    return addresses;
  }

  private post(
    url: URL,
    addresses: ResolvedAddress[],
    headers: SignedHeaders,
    body: string,
    deadline: number,
    /** false: a connection of its own, never a kept-alive one (the retry after a reset). */
    keptAlive = true,
  ): Promise<{ statusCode: number; responseBody: string }> {
    // Hands the socket the addresses checked above, in the shape net asks for (all, or one).
    const [first] = addresses;
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
      else if (first) callback(null, first.address, first.family);
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let answered = false;
      const request = transport.request(
        url,
        {
          method: 'POST',
          agent: keptAlive ? this.agents[url.protocol as 'http:' | 'https:'] : false,
          lookup,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'brokerage-crm-webhooks/1',
            ...headers,
          },
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          let kept = 0;
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (kept < RESPONSE_BODY_LOG_BYTES) {
              const part = chunk.subarray(0, RESPONSE_BODY_LOG_BYTES - kept);
              chunks.push(part);
              kept += part.length;
            }
            // A receiver streaming without end: stop reading (the connection is not reused).
            if (read > RESPONSE_DRAIN_LIMIT) response.destroy();
          });
          const done = () => {
            clearTimeout(timer);
            resolve({ statusCode: response.statusCode ?? 0, responseBody: logText(Buffer.concat(chunks)) });
          };
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`timed out after ${this.config.timeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // Only a reset before any answer: once the receiver has answered, its status stands.
        const stale = !answered && request.reusedSocket && error.code === 'ECONNRESET';
        reject(stale ? new ReusedConnectionReset(error) : error);
      });
      request.end(body);
    });
  }

  onApplicationShutdown(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

/** A reset on a connection kept alive from an earlier request (WebhookSender.send tries once more). */
class ReusedConnectionReset extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

/** A response body as the log keeps it: text, without the NULs Postgres text cannot hold. */
const logText = (bytes: Buffer): string => bytes.toString('utf8').replaceAll('\u0000', '');

const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replaceAll('\u0000', '').slice(0, 500);
