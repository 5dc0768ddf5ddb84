import { createServer, type IncomingMessage, type Server } from 'node:http';
import { baseUrlOf } from './net.js';

/** One request the app made to the stub's GoTrue admin API. */
export interface GoTrueCall {
  method: string;
  path: string;
  query: URLSearchParams;
  apikey?: string;
  authorization?: string;
  body: Record<string, unknown>;
}

/** How the stub answers `POST /auth/v1/invite` next: an invited user, or 422 email_exists. */
export type GoTrueMode = 'invite' | 'email_exists';

export interface GoTrueStub {
  /** What the app sets SUPABASE_URL to. */
  url: string;
  calls: GoTrueCall[];
  mode: GoTrueMode;
  /** Stops listening and drops open connections: GoTrue unreachable. */
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * A local stand-in for the one GoTrue admin endpoint invitations use, as auth-js 2.x calls
 * it (`inviteUserByEmail`): `POST /auth/v1/invite?redirect_to=…` with a JSON body
 * `{email, data}`, the service role key as `apikey` and as the bearer token, answered with the
 * new user (or GoTrue's 422 `email_exists` when it knows the address).
 */
export async function startGoTrueStub(): Promise<GoTrueStub> {
  const stub = { calls: [] as GoTrueCall[], mode: 'invite' as GoTrueMode };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      stub.calls.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        apikey: typeof req.headers.apikey === 'string' ? req.headers.apikey : undefined,
        authorization: req.headers.authorization,
        body,
      });
      const send = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || url.pathname !== '/auth/v1/invite') {
        return send(404, { code: 'not_found', msg: `No stub for ${req.method} ${url.pathname}` });
      }
      if (stub.mode === 'email_exists') {
        return send(422, { code: 'email_exists', msg: 'A user with this email address has already been registered' });
      }
      const now = new Date().toISOString();
      return send(200, {
        id: '11111111-1111-4111-8111-111111111111',
        aud: 'authenticated',
        role: 'authenticated',
        email: body.email,
        invited_at: now,
        confirmation_sent_at: now,
        app_metadata: { provider: 'email', providers: ['email'] },
        user_metadata: body.data ?? {},
        identities: [],
        created_at: now,
        updated_at: now,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(stub, {
    url: baseUrlOf(server),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
