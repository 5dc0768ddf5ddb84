import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  /** Comment lines (`: heartbeat`). */
  comment?: string;
}

/** A Server-Sent Events client reading a real HTTP response, for tests. */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  body = '';
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private response?: IncomingMessage;
  private abort = new AbortController();

  /** Opens `url`; resolves once the status line and headers have arrived. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, signal: client.abort.signal });
      req.on('response', (res) => {
        client.response = res;
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => client.finish());
        res.on('error', () => client.finish());
        resolve(client);
      });
      req.on('error', (error) => (client.status ? client.finish() : reject(error)));
      req.end();
    });
  }

  /** The delivered events (not comments). */
  get messages(): SseEvent[] {
    return this.events.filter((e) => e.comment === undefined && e.data !== undefined);
  }

  private feed(chunk: string): void {
    this.body += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'id' || field === 'event' || field === 'data') event[field] = value;
        }
      }
      this.events.push(event);
    }
    this.notify();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when `predicate` holds (checked on every chunk), rejects after `ms`. */
  async until(predicate: (client: SseClient) => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        if (predicate(this)) return;
        throw new Error(`SSE: condition not met within ${ms} ms; received: ${JSON.stringify(this.events)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until `n` events (messages) have arrived. */
  untilMessages(n: number, ms?: number): Promise<void> {
    return this.until((c) => c.messages.length >= n, ms);
  }

  close(): void {
    this.abort.abort();
    this.response?.destroy();
  }
}
