// A local stand-in for the subset of the Supabase Storage API the storage driver uses:
// get/create bucket, upload object, delete objects, create and follow a signed URL.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  /** The bytes of a small object (≤ 1 MiB); larger ones are counted, not kept. */
  bytes: Buffer;
  size: number;
  contentType: string | undefined;
}

const KEEP_BYTES = 1024 * 1024;

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  apikey?: string;
  body?: unknown;
}

export interface FakeStorage {
  url: string;
  key: string;
  buckets: Map<string, Record<string, unknown>>;
  objects: Map<string, StoredObject>;
  requests: RecordedRequest[];
  /** Set to make uploads fail with this HTTP status. */
  failUploads?: number;
  /** When the last upload's first body byte arrived (Date.now()), and how many bytes it had. */
  lastUploadFirstByteAt?: number;
  lastUploadBytes?: number;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFakeStorage(key = `service-role-${randomBytes(12).toString('hex')}`): Promise<FakeStorage> {
  const state = {
    buckets: new Map<string, Record<string, unknown>>(),
    objects: new Map<string, StoredObject>(),
    requests: [] as RecordedRequest[],
    failUploads: undefined as number | undefined,
    lastUploadFirstByteAt: undefined as number | undefined,
    lastUploadBytes: undefined as number | undefined,
    signed: new Map<string, string>(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      authorization: req.headers.authorization,
      apikey: req.headers.apikey as string | undefined,
    };
    state.requests.push(record);

    // Signed downloads need no key: the token is the credential.
    const download = /^\/storage\/v1\/object\/sign\/([^/]+)\/(.+)$/.exec(path);
    if (req.method === 'GET' && download) {
      const object = state.objects.get(`${download[1]}/${download[2]}`);
      if (!object || state.signed.get(url.searchParams.get('token') ?? '') !== `${download[1]}/${download[2]}`) {
        return json(res, 400, { statusCode: '400', error: 'InvalidSignature', message: 'invalid signature' });
      }
      res.writeHead(200, { 'content-type': object.contentType ?? 'application/octet-stream' }).end(object.bytes);
      return;
    }
    if (req.headers.authorization !== `Bearer ${key}` || req.headers.apikey !== key) {
      return json(res, 403, { statusCode: '403', error: 'Unauthorized', message: 'invalid key' });
    }

    const bucket = /^\/storage\/v1\/bucket\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && bucket) {
      const found = state.buckets.get(bucket[1]);
      return found
        ? json(res, 200, found)
        : json(res, 404, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' });
    }
    if (req.method === 'POST' && path === '/storage/v1/bucket') {
      const body = (await readJson(req)) as Record<string, unknown>;
      record.body = body;
      if (state.buckets.has(String(body.id))) {
        return json(res, 409, { statusCode: '409', error: 'Duplicate', message: 'exists' });
      }
      state.buckets.set(String(body.id), body);
      return json(res, 200, { name: body.id });
    }
    const sign = /^\/storage\/v1\/object\/sign\/([^/]+)\/(.+)$/.exec(path);
    if (req.method === 'POST' && sign) {
      const body = (await readJson(req)) as { expiresIn: number };
      record.body = body;
      const objectKey = `${sign[1]}/${sign[2]}`;
      if (!state.objects.has(objectKey))
        return json(res, 400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
      const token = randomBytes(16).toString('hex');
      state.signed.set(token, objectKey);
      return json(res, 200, { signedURL: `/object/sign/${sign[1]}/${sign[2]}?token=${token}` });
    }
    const upload = /^\/storage\/v1\/object\/([^/]+)\/(.+)$/.exec(path);
    if (req.method === 'POST' && upload) {
      const objectKey = `${upload[1]}/${upload[2]}`;
      if (!state.buckets.has(upload[1])) {
        return json(res, 404, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' });
      }
      // Reads the body as it streams in; small ones are kept for the tests to compare.
      const chunks: Buffer[] = [];
      let size = 0;
      state.lastUploadFirstByteAt = undefined;
      for await (const chunk of req) {
        state.lastUploadFirstByteAt ??= Date.now();
        size += (chunk as Buffer).length;
        state.lastUploadBytes = size;
        if (size <= KEEP_BYTES) chunks.push(chunk as Buffer);
      }
      if (state.failUploads)
        return json(res, state.failUploads, { statusCode: String(state.failUploads), error: 'boom', message: 'boom' });
      // As Supabase Storage does: a bucket's MIME allow-list and size limit apply to every upload.
      const limits = state.buckets.get(upload[1]) as { allowed_mime_types?: string[]; file_size_limit?: number };
      const type = String(req.headers['content-type'] ?? '').split(';')[0];
      if (limits.allowed_mime_types && !limits.allowed_mime_types.includes(type)) {
        return json(res, 415, {
          statusCode: '415',
          error: 'invalid_mime_type',
          message: `mime type ${type} is not supported`,
        });
      }
      if (limits.file_size_limit && size > limits.file_size_limit) {
        return json(res, 413, {
          statusCode: '413',
          error: 'Payload too large',
          message: 'The object exceeded the maximum allowed size',
        });
      }
      if (state.objects.has(objectKey) && req.headers['x-upsert'] !== 'true') {
        return json(res, 409, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' });
      }
      state.objects.set(objectKey, {
        bytes: size <= KEEP_BYTES ? Buffer.concat(chunks) : Buffer.alloc(0),
        size,
        contentType: req.headers['content-type'],
      });
      return json(res, 200, { Key: objectKey, Id: randomBytes(8).toString('hex') });
    }
    const remove = /^\/storage\/v1\/object\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && remove) {
      const body = (await readJson(req)) as { prefixes: string[] };
      record.body = body;
      const removed = body.prefixes.filter((p) => state.objects.delete(`${remove[1]}/${p}`));
      return json(
        res,
        200,
        removed.map((name) => ({ name })),
      );
    }
    return json(res, 404, { statusCode: '404', error: 'not_found', message: `no route ${req.method} ${path}` });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeStorage = {
    url: `http://127.0.0.1:${port}`,
    key,
    buckets: state.buckets,
    objects: state.objects,
    requests: state.requests,
    get failUploads() {
      return state.failUploads;
    },
    set failUploads(value) {
      state.failUploads = value;
    },
    get lastUploadFirstByteAt() {
      return state.lastUploadFirstByteAt;
    },
    get lastUploadBytes() {
      return state.lastUploadBytes;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}
