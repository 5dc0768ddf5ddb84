/** The path every capture route is under; the CORS and rate-limit policies below key on it. */
export const CAPTURE_PATH = '/v1/capture/';

/**
 * CORS for the capture routes: a preflight carries no Authorization, so it cannot know the
 * key; it is answered for any origin, for POST with the headers a form sends. The POST
 * itself is checked against its key's allowedOrigins by CaptureGuard (403
 * ORIGIN_NOT_ALLOWED), before anything is written. See docs/capture.md, "CORS".
 */
export const CAPTURE_CORS = {
  origin: true,
  methods: ['POST'],
  allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
  exposedHeaders: [
    'x-request-id',
    'retry-after',
    'idempotent-replayed',
    'ratelimit-limit',
    'ratelimit-remaining',
    'ratelimit-reset',
  ],
  maxAge: 7200,
};

export const isCapturePath = (url: string): boolean => url.startsWith(CAPTURE_PATH);
