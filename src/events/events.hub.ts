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
import type { MemberRole } from '../generated/prisma/enums.js';
import type { EventStream, StreamPrincipal } from './event-stream.js';
import { EventsRepository, type FanoutRow } from './events.repository.js';

/** The channel app.emit_event notifies on, with `<organization id>:<seq>`. */
export const EVENTS_CHANNEL = 'crm_events';
/** Events one read takes; streams further behind read again at once. */
const BATCH = 500;
/** Who sees `import.*` events (events_read, migration 20261206210000): those who may read imports. */
const IMPORT_ROLES: ReadonlySet<MemberRole> = new Set(['ADMIN', 'MANAGER']);

/** The open streams of one principal (a member, or an API key) and the role they last had. */
interface Audience {
  principal: StreamPrincipal;
  role: MemberRole;
  streams: Set<EventStream>;
}

/**
 * The open streams of one organization, and its reads: one read of the organization's new
 * events for all of them (app.events_for_fanout), then each audience gets what events_read
 * would show it — non-AGENT members every event not meant for someone else; each AGENT
 * what the database says they may see, asked under their own row-level security.
 */
class OrgFeed {
  readonly audiences = new Map<string, Audience>();
  private running = false;
  private again = false;

  constructor(private readonly read: (feed: OrgFeed) => Promise<void>) {}

  get streams(): EventStream[] {
    const all: EventStream[] = [];
    for (const a of this.audiences.values()) for (const s of a.streams) if (!s.closed) all.push(s);
    return all;
  }

  /** Reads now, or once more after the read under way (a notification during a read is not lost). */
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
      } while (this.again && this.audiences.size > 0);
      this.running = false;
    })();
  }
}

/**
 * Fans the outbox out to the open event streams of this process. app.emit_event notifies
 * `crm_events` with `<org>:<seq>` at COMMIT; every replica LISTENs (on Postgres through
 * DATABASE_DIRECT_URL; PGlite notifies in-process) and wakes that organization's feed.
 * Notifications carry ids only; a lost LISTEN session is re-opened and every feed re-reads,
 * so nothing is skipped. Each heartbeat also checks every audience's membership and role
 * again: a member removed or demoted is not sent another event.
 */
@Injectable()
export class EventsHub implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(EventsHub.name);
  private readonly feeds = new Map<string, OrgFeed>();
  /**
   * The highest seq notified per organization with open streams here: every event up to it has
   * committed. Kept only while the organization has a feed, so it is as large as `feeds`.
   */
  private readonly notified = new Map<string, bigint>();
  private readonly listeners = new Set<(orgId: string, seq: bigint) => void>();
  private unlisten?: () => Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private beating = false;

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
    this.heartbeat = setInterval(() => void this.beat(), this.config.events.heartbeatMs);
    this.heartbeat.unref();
  }

  /** How many streams are open in this process. */
  get size(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.streams.length;
    return n;
  }

  add(stream: EventStream, role: MemberRole): void {
    const { orgId } = stream.principal;
    let feed = this.feeds.get(orgId);
    if (!feed) {
      feed = new OrgFeed((f) => this.read(orgId, f));
      this.feeds.set(orgId, feed);
    }
    const key = audienceKey(stream.principal);
    let audience = feed.audiences.get(key);
    if (!audience) {
      audience = { principal: stream.principal, role, streams: new Set() };
      feed.audiences.set(key, audience);
    }
    audience.role = role;
    audience.streams.add(stream);
    // A resumed stream may be behind: read for it now.
    feed.wake();
  }

  remove(stream: EventStream): void {
    const { orgId } = stream.principal;
    const feed = this.feeds.get(orgId);
    const key = audienceKey(stream.principal);
    const audience = feed?.audiences.get(key);
    if (!feed || !audience) return;
    audience.streams.delete(stream);
    if (audience.streams.size === 0) feed.audiences.delete(key);
    if (feed.audiences.size === 0) {
      this.feeds.delete(orgId);
      this.notified.delete(orgId);
    }
  }

  /**
   * Calls `listener` with every event this process is notified of as it commits (the
   * webhooks' dispatcher, which otherwise only sweeps on a timer); returns its removal.
   */
  onCommitted(listener: (orgId: string, seq: bigint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(payload: string): void {
    const [orgId, seqText] = payload.split(':');
    if (!orgId || !seqText || !/^[0-9]+$/.test(seqText)) return;
    const seq = BigInt(seqText);
    const feed = this.feeds.get(orgId);
    if (feed && seq > (this.notified.get(orgId) ?? 0n)) this.notified.set(orgId, seq);
    feed?.wake();
    for (const listener of this.listeners) listener(orgId, seq);
  }

  private wakeAll(): void {
    for (const feed of this.feeds.values()) feed.wake();
  }

  /**
   * One read for an organization's streams: its events after the furthest-behind cursor, in
   * pages, each offered to the audiences that may see it.
   */
  private async read(orgId: string, feed: OrgFeed): Promise<void> {
    try {
      for (;;) {
        // The streams this read is for: one that joins while it runs (a resumed stream, maybe
        // far behind) is left to the read its arrival asked for, which starts from its cursor.
        const live = feed.streams;
        if (live.length === 0) return;
        const reading = new Set(live);
        // Every event up to the highest seq notified before this read has committed: once
        // read past, a stream can skip to it even when none was for it.
        const committed = this.notified.get(orgId) ?? 0n;
        const from = live.reduce((min, s) => (s.cursor < min ? s.cursor : min), live[0].cursor);
        const agents = [
          ...new Set([...feed.audiences.values()].filter((a) => a.role === 'AGENT').map((a) => a.principal.userId)),
        ];
        // One unit of work: the organization's events, and what each AGENT may see of them.
        const { rows, visible } = await this.runInOrg(orgId, async () => {
          const rows = await this.events.forFanout(from, BATCH);
          const last = rows.at(-1)?.seq ?? from;
          const visible =
            agents.length && rows.length
              ? await this.events.visibleToAgents(agents, from, last)
              : new Map<string, Set<bigint>>();
          return { rows, visible };
        });
        const last = rows.at(-1)?.seq ?? from;
        // A membership that changed (removed, role changed) is checked again before its
        // member is sent anything more.
        const members = new Set(rows.filter((r) => r.entity === 'member').map((r) => r.entityId));
        for (const audience of [...feed.audiences.values()]) {
          const wasAgent = audience.role === 'AGENT';
          if (members.has(audience.principal.userId) || audience.principal.apiKey) {
            if (!(await this.recheck(audience))) continue;
          }
          // An AGENT promoted meanwhile is shown what an AGENT may see this once.
          this.deliver(
            audience,
            reading,
            rows,
            wasAgent || audience.role === 'AGENT' ? (visible.get(audience.principal.userId) ?? new Set()) : undefined,
            last,
          );
        }
        if (rows.length < BATCH) {
          for (const stream of reading) stream.passTo(committed > last ? committed : last);
          return;
        }
      }
    } catch (error) {
      // The database is unreachable or the read failed: the streams stay open and catch up
      // on the next notification, heartbeat or reconnect of LISTEN.
      this.logger.warn(`Reading events for streams failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Offers the audience what events_read shows it: `agentSees` for an AGENT, else all but others'
   * own, and import events to ADMINs and MANAGERs only.
   */
  private deliver(
    audience: Audience,
    reading: ReadonlySet<EventStream>,
    rows: FanoutRow[],
    agentSees: Set<bigint> | undefined,
    last: bigint,
  ): void {
    const { userId } = audience.principal;
    const seesImports = IMPORT_ROLES.has(audience.role);
    const visible = rows.filter(
      (r) =>
        (r.recipientId === null || r.recipientId === userId) &&
        (r.entity !== 'import' || seesImports) &&
        (!agentSees || agentSees.has(r.seq)),
    );
    for (const stream of audience.streams) {
      if (!reading.has(stream)) continue;
      stream.offer(visible);
      stream.passTo(last);
    }
  }

  /** The audience's membership and role now; false (and its streams ended) when it lost access. */
  private async recheck(audience: Audience): Promise<boolean> {
    const role = await this.asAudience(audience, () => Promise.resolve(this.db.role));
    if (role) audience.role = role;
    return role !== undefined;
  }

  /**
   * The heartbeat, after checking each audience again: a membership change is an event and
   * is checked at once (read), but an API key revoked or a key's creator demoted is not.
   */
  private async beat(): Promise<void> {
    if (this.beating) return; // the last beat is still checking: skip this one
    this.beating = true;
    try {
      await this.beatOnce();
    } finally {
      this.beating = false;
    }
  }

  private async beatOnce(): Promise<void> {
    for (const feed of [...this.feeds.values()]) {
      for (const audience of [...feed.audiences.values()]) {
        if (!(await this.recheck(audience).catch(() => true))) continue;
        for (const stream of audience.streams) stream.heartbeat();
      }
    }
  }

  /**
   * Runs fn in a unit of work of the audience's principal, as their requests do
   * (TenantDb.run: membership, role and an API key's state resolved again). A principal
   * who lost access gets their streams ended with why; undefined then.
   */
  private async asAudience<T>(audience: Audience, fn: () => Promise<T>): Promise<T | undefined> {
    const { principal } = audience;
    try {
      return await this.inContext(() => {
        const scope: RequestScope = {
          userId: principal.userId,
          requestedOrgId: principal.orgId,
          ...(principal.apiKey && { apiKey: principal.apiKey }),
        };
        this.cls.set(CLS_SCOPE, scope);
        return this.db.run(fn);
      });
    } catch (error) {
      if (error instanceof DomainError && (error.status === 401 || error.status === 403)) {
        for (const stream of [...audience.streams]) stream.end(error.code, error.message);
        return undefined;
      }
      throw error;
    }
  }

  private runInOrg<T>(orgId: string, fn: () => Promise<T>): Promise<T> {
    return this.inContext(() => this.db.runTrusted({ orgId }, fn, 'events'));
  }

  // A context of its own: a notification can arrive inside a request's context (PGlite
  // notifies during that request's COMMIT), whose ended unit of work must not be joined.
  private inContext<T>(fn: () => Promise<T>): Promise<T> {
    return this.cls.run({ ifNested: 'override' }, () => {
      this.cls.set(CLS_REQUEST_ID, '');
      return fn();
    });
  }

  /** Streams end before the HTTP server closes (it would wait for them otherwise). */
  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const feed of [...this.feeds.values()]) for (const stream of feed.streams) stream.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unlisten?.().catch(() => undefined);
  }
}

const audienceKey = (p: StreamPrincipal): string => `${p.userId}|${p.apiKey?.id ?? ''}`;
