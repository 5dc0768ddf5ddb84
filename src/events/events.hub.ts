import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { DomainError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DatabaseService } from '../database/database.service.js';
import { TenantDb } from '../database/tenant-db.js';
import { CLS_REQUEST_ID, CLS_SCOPE, type RequestScope } from '../database/tenant-context.js';
import type { EventStream, StreamPrincipal } from './event-stream.js';
import { EventsRepository } from './events.repository.js';

/** The channel app.emit_event notifies on, with `<organization id>:<seq>`. */
export const EVENTS_CHANNEL = 'crm_events';
/** Events one read takes; a stream further behind reads again at once. */
const BATCH = 500;

/**
 * The streams of one principal (a member, or an API key) in one organization. They read
 * together: one unit of work, under that principal's row-level security, fetches what the
 * furthest-behind stream has not seen, and each stream takes what is after its own cursor.
 * So the database decides what a member may see, and 1,000 streams of 20 members cost 20
 * reads per burst of events, not 1,000.
 */
class PrincipalStreams {
  readonly streams = new Set<EventStream>();
  private running = false;
  private again = false;

  constructor(
    readonly principal: StreamPrincipal,
    private readonly read: (group: PrincipalStreams) => Promise<void>,
  ) {}

  /** Reads now, or once more after the read under way (notifications arriving during a read are not lost). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      do {
        this.again = false;
        await this.read(this);
      } while (this.again && this.streams.size > 0);
      this.running = false;
    })();
  }
}

/**
 * Fans the outbox out to the open event streams of this process. app.emit_event notifies
 * `crm_events` with `<org>:<seq>` at COMMIT; every replica LISTENs (on Postgres through
 * DATABASE_DIRECT_URL; PGlite notifies in-process) and wakes the streams of that
 * organization, which read the events themselves, under RLS. Notifications carry ids only;
 * a lost LISTEN session is re-opened and every stream re-reads, so nothing is skipped.
 */
@Injectable()
export class EventsHub implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(EventsHub.name);
  private readonly groups = new Map<string, PrincipalStreams>();
  /** The highest seq notified per organization: every event up to it has committed. */
  private readonly notified = new Map<string, bigint>();
  private unlisten?: () => Promise<void>;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly database: DatabaseService,
    private readonly db: TenantDb,
    private readonly events: EventsRepository,
    private readonly cls: ClsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unlisten = await this.database.listen(
      EVENTS_CHANNEL,
      (payload) => this.notify(payload),
      () => this.wakeAll(),
    );
    this.heartbeat = setInterval(() => {
      for (const group of this.groups.values()) for (const stream of group.streams) stream.heartbeat();
    }, this.config.events.heartbeatMs);
    this.heartbeat.unref();
  }

  /** How many streams are open in this process (for the bench and health). */
  get size(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.streams.size;
    return n;
  }

  add(stream: EventStream): void {
    const key = groupKey(stream.principal);
    let group = this.groups.get(key);
    if (!group) {
      group = new PrincipalStreams(stream.principal, (g) => this.read(g));
      this.groups.set(key, group);
    }
    group.streams.add(stream);
    // A resumed stream may be behind the rest: read for it now.
    group.wake();
  }

  remove(stream: EventStream): void {
    const key = groupKey(stream.principal);
    const group = this.groups.get(key);
    if (!group) return;
    group.streams.delete(stream);
    if (group.streams.size === 0) this.groups.delete(key);
  }

  private notify(payload: string): void {
    const [orgId, seqText] = payload.split(':');
    if (!orgId || !seqText || !/^[0-9]+$/.test(seqText)) return;
    const seq = BigInt(seqText);
    if (seq > (this.notified.get(orgId) ?? 0n)) this.notified.set(orgId, seq);
    for (const group of this.groups.values()) if (group.principal.orgId === orgId) group.wake();
  }

  private wakeAll(): void {
    for (const group of this.groups.values()) group.wake();
  }

  /**
   * One read for a principal's streams: everything after the furthest-behind cursor, in
   * pages, under the principal's own unit of work (membership and role resolved again, so
   * a member removed meanwhile gets nothing more and the stream ends).
   */
  private async read(group: PrincipalStreams): Promise<void> {
    const { orgId } = group.principal;
    try {
      for (;;) {
        const live = [...group.streams].filter((s) => !s.closed);
        if (live.length === 0) return;
        // Every event up to the highest seq notified before this read has committed: once
        // read past, a stream can skip to it even if none was visible (an AGENT's stream).
        const committed = this.notified.get(orgId) ?? 0n;
        const from = live.reduce((min, s) => (s.cursor < min ? s.cursor : min), live[0].cursor);
        const rows = await this.as(group.principal, () => this.events.after(from, BATCH));
        for (const row of rows) for (const stream of live) stream.offer(row);
        if (rows.length < BATCH) {
          for (const stream of live) stream.passTo(committed);
          return;
        }
      }
    } catch (error) {
      if (error instanceof DomainError && (error.status === 401 || error.status === 403)) {
        for (const stream of group.streams) stream.end(error.code, error.message);
        return;
      }
      // The database is unreachable or the read failed: the streams stay open and catch up
      // on the next notification (or reconnect of LISTEN).
      this.logger.warn(`Reading events for a stream failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Runs fn in a unit of work of the principal, as their requests do (TenantDb.run). */
  private as<T>(principal: StreamPrincipal, fn: () => Promise<T>): Promise<T> {
    // A context of its own: a notification can arrive inside a request's context (PGlite
    // notifies during that request's COMMIT), whose ended unit of work must not be joined.
    return this.cls.run({ ifNested: 'override' }, () => {
      const scope: RequestScope = {
        userId: principal.userId,
        requestedOrgId: principal.orgId,
        ...(principal.apiKey && { apiKey: principal.apiKey }),
      };
      this.cls.set(CLS_SCOPE, scope);
      this.cls.set(CLS_REQUEST_ID, '');
      return this.db.run(fn);
    });
  }

  /** Streams end before the HTTP server closes (it would wait for them otherwise). */
  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const group of [...this.groups.values()]) for (const stream of [...group.streams]) stream.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unlisten?.();
  }
}

const groupKey = (p: StreamPrincipal): string => `${p.orgId}|${p.userId}|${p.apiKey?.id ?? ''}`;
