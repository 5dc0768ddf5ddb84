import { createServer } from 'node:http';
import { baseUrlOf } from './net.js';

export interface StaticOrigin {
  /** The page's origin as a browser sees it, e.g. http://localhost:41234 (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves fixed pages on a loopback port: the "SPA origin" a browser test loads before calling the API
 * cross-origin. `pages` maps a path (`/`) to its HTML; anything else is 404.
 */
export async function startStaticOrigin(pages: Record<string, string>): Promise<StaticOrigin> {
  const server = createServer((req, res) => {
    const html = pages[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  // Chromium resolves `localhost` to loopback itself, falling back to 127.0.0.1 when ::1 refuses.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = new URL(baseUrlOf(server)).port;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
