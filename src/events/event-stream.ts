import type { ServerResponse } from 'node:http';
import { matchesEventType } from './event-types.js';
import type { EventRow } from './events.repository.js';
import { toEventOutput } from './events.mapper.js';

// One event read for a principal is offered to each of their streams: serialized once.
const frames = new WeakMap<EventRow, string>();
function frameOf(event: EventRow): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(toEventOutput(event))}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/** Who a stream reads as: the member (or the API key acting for them) that opened it. */
export interface StreamPrincipal {
  userId: string;
  orgId: string;
  apiKey?: { id: string; hash: Buffer; scopes: readonly string[] };
}

/**
 * One open `GET /v1/events/stream`: a Server-Sent Events response and how far it has got.
 * Events are written as `id: <seq>`, `event: <type>`, `data: <JSON>`; an EventSource that
 * reconnects sends the last id back as Last-Event-ID and resumes after it.
 */
export class EventStream {
  closed = false;

  constructor(
    readonly principal: StreamPrincipal,
    private readonly response: ServerResponse,
    /** The last seq this stream has passed (delivered, or filtered out). */
    public cursor: bigint,
    private readonly types: readonly string[] | undefined,
    private readonly maxBufferedBytes: number,
    private readonly onClose: (stream: EventStream) => void,
  ) {
    response.on('close', () => this.close());
  }

  /**
   * Writes the events this stream wants (those after its cursor, of its types), in one write
   * for all of them: a write is the cost of a stream, not an event's bytes. The cursor moves
   * past every event offered.
   */
  offer(events: readonly EventRow[]): void {
    if (this.closed) return;
    let chunk = '';
    for (const event of events) {
      if (event.seq <= this.cursor) continue;
      this.cursor = event.seq;
      if (!this.types || matchesEventType(this.types, event.type)) chunk += frameOf(event);
    }
    if (chunk) this.write(chunk);
  }

  /** Moves the cursor to `seq` when every event up to it has been offered (none was visible). */
  passTo(seq: bigint): void {
    if (seq > this.cursor) this.cursor = seq;
  }

  heartbeat(): void {
    this.write(': heartbeat\n\n');
  }

  /** Ends the stream with a last `stream.closed` event saying why. */
  end(code: string, message: string): void {
    this.write(`event: stream.closed\ndata: ${JSON.stringify({ code, message })}\n\n`);
    this.close();
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.response.write(chunk);
    // A client that does not read: end the stream rather than buffer without bound; it
    // resumes from its Last-Event-ID when it reconnects.
    if (this.response.writableLength > this.maxBufferedBytes) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.response.end();
    this.onClose(this);
  }
}
