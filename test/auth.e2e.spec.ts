import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { bootApp, LOCAL_SECRET, SUPABASE_SECRET, type TestApp } from './helpers/app.js';
import { as, markEmailVerified, signup, type User } from './helpers/fixtures.js';

const ISSUER = 'brokerage-crm';
const AUDIENCE = 'authenticated';
const PASSWORD = 'Harbor-lights-2026';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Every error body has the documented shape and nothing else that could leak internals. */
function expectError(body: any, statusCode: number, code: string): void {
  expect(body).toMatchObject({ statusCode, code, message: expect.any(String), requestId: expect.any(String) });
  expect(body).not.toHaveProperty('stack');
}

/** A local-auth token; every claim can be overridden or removed (undefined). */
function localToken(claims: Record<string, unknown> = {}, secret = LOCAL_SECRET): string {
  const payload = Object.fromEntries(
    Object.entries({
      sub: randomUUID(),
      email: 'someone@example.test',
      role: 'authenticated',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
      ...claims,
    }).filter(([, v]) => v !== undefined),
  );
  return jwt.sign(payload, secret, { algorithm: 'HS256' });
}

describe('auth: embedded sign-up and login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('signs up: 201 with a Bearer session and no password material anywhere', async () => {
    const email = `new-${randomUUID().slice(0, 8)}@example.test`;
    const res = await t.http
      .post('/v1/auth/signup')
      .send({ email, password: 'correct horse battery', fullName: 'Ana Ortiz' })
      .expect(201);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: expect.any(Number),
      // Rotating refresh tokens: test/auth-sessions.e2e.spec.ts.
      refreshToken: expect.any(String),
      refreshExpiresIn: expect.any(Number),
      // Unverified until the emailed link is used (test/email-verification.e2e.spec.ts).
      user: { id: expect.any(String), email, fullName: 'Ana Ortiz', emailVerified: false },
    });
    expect(res.body.expiresIn).toBeGreaterThan(0);
    expect(res.body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toMatch(/password|hash|scrypt|correct horse/i);
    // The token it returned works.
    const me = await t.http.get('/v1/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id: res.body.user.id, email });
  });

  it('refuses a duplicate email case-insensitively with 409 EMAIL_TAKEN', async () => {
    const local = `dup-${randomUUID().slice(0, 8)}`;
    await t.http
      .post('/v1/auth/signup')
      .send({ email: `${local}@example.test`, password: PASSWORD, fullName: 'First' })
      .expect(201);
    const res = await t.http
      .post('/v1/auth/signup')
      .send({ email: `${local.toUpperCase()}@EXAMPLE.TEST`, password: PASSWORD, fullName: 'Second' })
      .expect(409);
    expectError(res.body, 409, 'EMAIL_TAKEN');
    // Control: a different email is accepted.
    await t.http
      .post('/v1/auth/signup')
      .send({ email: `${local}-other@example.test`, password: PASSWORD, fullName: 'Third' })
      .expect(201);
  });

  it('refuses a password shorter than 10 characters with 400 VALIDATION_FAILED on field password', async () => {
    const email = `short-${randomUUID().slice(0, 8)}@example.test`;
    const res = await t.http.post('/v1/auth/signup').send({ email, password: 'Tq8#zLw1p', fullName: 'X' }).expect(400);
    expectError(res.body, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    // Control: the same characters and one more are enough.
    await t.http.post('/v1/auth/signup').send({ email, password: 'Tq8#zLw1p!', fullName: 'X' }).expect(201);
  });

  it.each([
    ['a common password with digits', 'password-123'],
    ['ten spaces', '          '],
    ['a digit run', '1234567890'],
    ['a keyboard walk', 'qwertyuiop'],
    // Strong for anyone else (score 4), but it is this person's own surname.
    ['the surname it is signed up with', 'wojtaszczyk2026'],
  ])('refuses %s as too easy to guess, saying why', async (_name, password) => {
    const email = `ana-${randomUUID().slice(0, 8)}@harbor.example`;
    const res = await t.http.post('/v1/auth/signup').send({ email, password, fullName: 'Ana Wojtaszczyk' }).expect(400);
    expectError(res.body, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual([
      expect.objectContaining({
        field: 'password',
        message: expect.stringMatching(/too easy to guess \(strength [0-2] of 4/),
      }),
    ]);
    // Control: a passphrase of uncommon words.
    await t.http
      .post('/v1/auth/signup')
      .send({ email, password: 'tide pool lantern marmalade', fullName: 'Ana Wojtaszczyk' })
      .expect(201);
  });

  it('logs in with 200 and the same session shape', async () => {
    const user = await signup(t.http, 'Login User');
    const res = await t.http.post('/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: expect.any(Number),
      // Rotating refresh tokens: test/auth-sessions.e2e.spec.ts.
      refreshToken: expect.any(String),
      refreshExpiresIn: expect.any(Number),
      user: { id: user.id, email: user.email, fullName: 'Login User', emailVerified: false },
    });
    expect(res.text).not.toMatch(/password|hash|scrypt/i);
    // The email is matched case-insensitively.
    await t.http.post('/v1/auth/login').send({ email: user.email.toUpperCase(), password: PASSWORD }).expect(200);
    await t.http.get('/v1/me').set(bearer(res.body.accessToken)).expect(200);
  });

  it('answers a wrong password and an unknown email with the same 401 INVALID_CREDENTIALS', async () => {
    const user = await signup(t.http);
    const wrong = await t.http
      .post('/v1/auth/login')
      .send({ email: user.email, password: 'not-the-password' })
      .expect(401);
    const unknown = await t.http
      .post('/v1/auth/login')
      .send({ email: `nobody-${randomUUID().slice(0, 8)}@example.test`, password: 'not-the-password' })
      .expect(401);
    expectError(wrong.body, 401, 'INVALID_CREDENTIALS');
    const { requestId: _a, ...wrongRest } = wrong.body;
    const { requestId: _b, ...unknownRest } = unknown.body;
    expect(unknownRest).toEqual(wrongRest);
    expect(wrong.body.requestId).not.toBe(unknown.body.requestId);
  });

  it('GET /v1/me returns the profile and, after creating an organization, an ADMIN membership', async () => {
    const user = await signup(t.http, 'Me User');
    const before = await t.http.get('/v1/me').set(as(user)).expect(200);
    expect(before.body).toMatchObject({ id: user.id, email: user.email, fullName: 'Me User', memberships: [] });
    expect(before.body.createdAt).toEqual(expect.any(String));
    expect(JSON.stringify(before.body)).not.toMatch(/password|hash/i);

    const org = await t.http.post('/v1/organizations').set(as(user)).send({ name: 'Harbor Realty' }).expect(201);
    const after = await t.http.get('/v1/me').set(as(user)).expect(200);
    expect(after.body.memberships).toEqual([
      { organizationId: org.body.id, organizationName: 'Harbor Realty', role: 'ADMIN', joinedAt: expect.any(String) },
    ]);
  });

  describe('token checks on GET /v1/me', () => {
    let user: User;

    beforeAll(async () => {
      user = await signup(t.http, 'Token User');
    });

    const expect401 = async (headers: Record<string, string>) => {
      const res = await t.http.get('/v1/me').set(headers).expect(401);
      expectError(res.body, 401, 'UNAUTHORIZED');
    };

    it('control: a hand-built token with correct claims is accepted', async () => {
      const res = await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id, email: user.email })))
        .expect(200);
      expect(res.body.id).toBe(user.id);
    });

    it('refuses a missing token, a non-Bearer scheme and garbage', async () => {
      await expect401({});
      await expect401({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
      await expect401(bearer('not.a.jwt'));
      await expect401({ authorization: user.token }); // token without the Bearer scheme
      await t.http.get('/v1/me').set(as(user)).expect(200);
    });

    it('refuses an expired token', async () => {
      await expect401(bearer(localToken({ sub: user.id, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })));
      await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id, iat: nowSeconds() - 7200, exp: nowSeconds() + 3600 })))
        .expect(200);
    });

    it('a token accepted once is refused after it expires (verified tokens are cached only until exp)', async () => {
      const token = localToken({ sub: user.id, exp: nowSeconds() + 2 });
      await t.http.get('/v1/me').set(bearer(token)).expect(200);
      await t.http.get('/v1/me').set(bearer(token)).expect(200);
      await new Promise((r) => setTimeout(r, 2100));
      await expect401(bearer(token));
    });

    it('a cached token does not vouch for the same claims under another signature', async () => {
      const token = localToken({ sub: user.id });
      await t.http.get('/v1/me').set(bearer(token)).expect(200);
      const [header, payload, signature] = token.split('.');
      const tampered = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      await expect401(bearer(tampered));
    });

    it('refuses a token signed with another secret', async () => {
      await expect401(bearer(localToken({ sub: user.id }, 'another-secret-0123456789-abcdefghijklmnopq')));
      await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id }, LOCAL_SECRET)))
        .expect(200);
    });

    it('refuses alg "none" (unsigned) tokens', async () => {
      const payload = { sub: user.id, email: user.email, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600 };
      await expect401(bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`));
      await expect401(bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}`));
      // Control: the same header+payload construction, HS256-signed with the right secret.
      const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
      const signature = createHmac('sha256', LOCAL_SECRET).update(signingInput).digest('base64url');
      await t.http
        .get('/v1/me')
        .set(bearer(`${signingInput}.${signature}`))
        .expect(200);
    });

    it('refuses a token without exp (it would never expire)', async () => {
      await expect401(bearer(localToken({ sub: user.id, exp: undefined })));
      await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id, exp: nowSeconds() + 60 })))
        .expect(200);
    });

    it('refuses a wrong or missing audience', async () => {
      await expect401(bearer(localToken({ sub: user.id, aud: 'anon' })));
      await expect401(bearer(localToken({ sub: user.id, aud: 'service_role' })));
      await expect401(bearer(localToken({ sub: user.id, aud: undefined })));
      await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id, aud: AUDIENCE })))
        .expect(200);
    });

    it('refuses a token whose sub is not a UUID (or is missing)', async () => {
      await expect401(bearer(localToken({ sub: 'user-123' })));
      await expect401(bearer(localToken({ sub: `${user.id}' OR '1'='1` })));
      await expect401(bearer(localToken({ sub: undefined })));
      await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id })))
        .expect(200);
    });

    it('does not let the embedded issuer be verified with the Supabase secret, nor the reverse', async () => {
      // iss brokerage-crm → only LOCAL_SECRET; anything else → only SUPABASE_SECRET.
      await expect401(bearer(localToken({ sub: user.id, iss: ISSUER }, SUPABASE_SECRET)));
      await expect401(bearer(localToken({ sub: user.id, iss: undefined }, LOCAL_SECRET)));
      await t.http
        .get('/v1/me')
        .set(bearer(localToken({ sub: user.id, iss: undefined }, SUPABASE_SECRET)))
        .expect(200);
    });
  });

  describe('Supabase HS256 tokens', () => {
    const supabaseToken = (sub: string, email: string, iss?: string) =>
      jwt.sign({ email, role: 'authenticated', ...(iss && { iss }) }, SUPABASE_SECRET, {
        algorithm: 'HS256',
        subject: sub,
        audience: AUDIENCE,
        expiresIn: 600,
      });

    it("refuses a new user's token whose email a verified account has (any case): 409 EMAIL_TAKEN, no second profile", async () => {
      const existing = await signup(t.http, 'First Owner');
      await markEmailVerified(t.http, existing.id);
      const sub = randomUUID();
      const res = await t.http.get('/v1/me').set(bearer(supabaseToken(sub, existing.email.toUpperCase())));
      expectError(res.body, 409, 'EMAIL_TAKEN');
      expect(await t.db.admin.query('select id from profiles where id = $1', [sub])).toHaveLength(0);
      expect(
        await t.db.admin.query('select id from profiles where lower(email) = lower($1)', [existing.email]),
      ).toEqual([{ id: existing.id }]);
      // Controls: the owner still works, and the same new user with an address of their own gets a profile.
      await t.http.get('/v1/me').set(bearer(existing.token)).expect(200);
      await t.http
        .get('/v1/me')
        .set(bearer(supabaseToken(sub, `own-${sub.slice(0, 8)}@example.test`)))
        .expect(200);
    });

    it('takes the address from an unverified embedded account in no organization; one in an organization keeps it', async () => {
      // Someone signed up with the address and never proved it: the Supabase user, whose address Supabase confirmed, gets it.
      const squatter = await signup(t.http, 'Squatter');
      const sub = randomUUID();
      const res = await t.http
        .get('/v1/me')
        .set(bearer(supabaseToken(sub, squatter.email)))
        .expect(200);
      expect(res.body).toMatchObject({ id: sub, email: squatter.email });
      const login = await t.http.post('/v1/auth/login').send({ email: squatter.email, password: 'Harbor-lights-2026' });
      expectError(login.body, 401, 'INVALID_CREDENTIALS');

      // An unverified account that works in an organization is someone's workplace: not released.
      const worker = await signup(t.http, 'Unverified Owner');
      await t.http.post('/v1/organizations').set(as(worker)).send({ name: 'Kept Realty' }).expect(201);
      const other = randomUUID();
      expectError(
        (await t.http.get('/v1/me').set(bearer(supabaseToken(other, worker.email)))).body,
        409,
        'EMAIL_TAKEN',
      );
      await t.http.post('/v1/auth/login').send({ email: worker.email, password: 'Harbor-lights-2026' }).expect(200);
      expect(await t.db.admin.query('select id from profiles where id = $1', [other])).toHaveLength(0);
    });

    it.each([
      ['without an issuer', undefined],
      ['with a Supabase issuer', 'https://x.supabase.co/auth/v1'],
    ])('accepts a token %s and creates the profile on the first request', async (_label, iss) => {
      const sub = randomUUID();
      const email = `supa-${sub.slice(0, 8)}@example.test`;
      const before = await t.db.admin.query('select * from profiles where id = $1', [sub]);
      expect(before).toHaveLength(0);

      const res = await t.http
        .get('/v1/me')
        .set(bearer(supabaseToken(sub, email, iss)))
        .expect(200);
      expect(res.body).toMatchObject({ id: sub, email, memberships: [] });

      const rows = await t.db.admin.query<{ id: string; email: string }>('select * from profiles where id = $1', [sub]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: sub, email });

      // The provisioned user can work like any other: create an organization and see it.
      const org = await t.http
        .post('/v1/organizations')
        .set(bearer(supabaseToken(sub, email, iss)))
        .send({ name: 'Supa Org' })
        .expect(201);
      const again = await t.http
        .get('/v1/me')
        .set(bearer(supabaseToken(sub, email, iss)))
        .expect(200);
      expect(again.body.memberships).toEqual([expect.objectContaining({ organizationId: org.body.id, role: 'ADMIN' })]);
    });

    it('refuses a Supabase-shaped token signed with another secret (no profile is created)', async () => {
      const sub = randomUUID();
      const forged = jwt.sign({ email: 'x@example.test' }, 'not-the-supabase-secret-0123456789abcdef', {
        algorithm: 'HS256',
        subject: sub,
        audience: AUDIENCE,
        expiresIn: 600,
      });
      const res = await t.http.get('/v1/me').set(bearer(forged)).expect(401);
      expectError(res.body, 401, 'UNAUTHORIZED');
      expect(await t.db.admin.query('select * from profiles where id = $1', [sub])).toHaveLength(0);
    });
  });
});

describe('auth: Supabase JWKS (RS256 / ES256)', () => {
  let t: TestApp;
  let server: Server;
  let rsa: { publicKey: KeyObject; privateKey: KeyObject };
  let ec: { publicKey: KeyObject; privateKey: KeyObject };
  let jwksRequests = 0;

  const RSA_KID = 'rsa-key-1';
  const EC_KID = 'ec-key-1';

  const sign = (key: KeyObject, algorithm: 'RS256' | 'ES256', kid: string, claims: Record<string, unknown> = {}) => {
    const sub = randomUUID();
    const token = jwt.sign({ email: `jwks-${sub.slice(0, 8)}@example.test`, role: 'authenticated', ...claims }, key, {
      algorithm,
      keyid: kid,
      subject: sub,
      audience: AUDIENCE,
      issuer: 'https://x.supabase.co/auth/v1',
      ...(claims.exp === undefined && { expiresIn: 600 }),
    });
    return { sub, token };
  };

  beforeAll(async () => {
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: RSA_KID, alg: 'RS256', use: 'sig' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: EC_KID, alg: 'ES256', use: 'sig' },
    ];
    server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/auth/v1/.well-known/jwks.json') {
        jwksRequests++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await bootApp({ SUPABASE_URL: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('accepts an RS256 token signed by the JWKS key and provisions its profile', async () => {
    const { sub, token } = sign(rsa.privateKey, 'RS256', RSA_KID);
    const res = await t.http.get('/v1/me').set(bearer(token)).expect(200);
    expect(res.body.id).toBe(sub);
    expect(await t.db.admin.query('select id from profiles where id = $1', [sub])).toHaveLength(1);
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('accepts an ES256 token signed by the JWKS key', async () => {
    const { sub, token } = sign(ec.privateKey, 'ES256', EC_KID);
    const res = await t.http.get('/v1/me').set(bearer(token)).expect(200);
    expect(res.body.id).toBe(sub);
  });

  it('refuses a token signed by another RSA key that claims the same kid', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { sub, token } = sign(other.privateKey, 'RS256', RSA_KID);
    const res = await t.http.get('/v1/me').set(bearer(token)).expect(401);
    expectError(res.body, 401, 'UNAUTHORIZED');
    expect(await t.db.admin.query('select id from profiles where id = $1', [sub])).toHaveLength(0);
    // Control: the genuine key with the same kid.
    await t.http
      .get('/v1/me')
      .set(bearer(sign(rsa.privateKey, 'RS256', RSA_KID).token))
      .expect(200);
  });

  it('refuses an unknown kid, an expired JWKS token and a wrong audience', async () => {
    await t.http
      .get('/v1/me')
      .set(bearer(sign(rsa.privateKey, 'RS256', 'unknown-kid').token))
      .expect(401);
    const expired = sign(rsa.privateKey, 'RS256', RSA_KID, { exp: nowSeconds() - 60, iat: nowSeconds() - 3600 });
    await t.http.get('/v1/me').set(bearer(expired.token)).expect(401);
    const sub = randomUUID();
    const wrongAud = jwt.sign({ email: 'a@example.test' }, rsa.privateKey, {
      algorithm: 'RS256',
      keyid: RSA_KID,
      subject: sub,
      audience: 'anon',
      expiresIn: 600,
    });
    await t.http.get('/v1/me').set(bearer(wrongAud)).expect(401);
  });

  it('refuses an HS256 token "signed" with the public key (algorithm confusion)', async () => {
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const payload = { sub: randomUUID(), aud: AUDIENCE, exp: nowSeconds() + 600, email: 'conf@example.test' };
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: RSA_KID })}.${b64url(payload)}`;
    const signature = createHmac('sha256', pem).update(input).digest('base64url');
    const res = await t.http
      .get('/v1/me')
      .set(bearer(`${input}.${signature}`))
      .expect(401);
    expectError(res.body, 401, 'UNAUTHORIZED');
  });
});

describe('auth: LOCAL_AUTH_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ LOCAL_AUTH_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers sign-up and login with 404 LOCAL_AUTH_DISABLED and creates nothing', async () => {
    const email = `off-${randomUUID().slice(0, 8)}@example.test`;
    const res = await t.http.post('/v1/auth/signup').send({ email, password: PASSWORD, fullName: 'Off' }).expect(404);
    expectError(res.body, 404, 'LOCAL_AUTH_DISABLED');
    expect(await t.db.admin.query('select id from profiles where lower(email) = $1', [email])).toHaveLength(0);
    const login = await t.http.post('/v1/auth/login').send({ email, password: PASSWORD }).expect(404);
    expectError(login.body, 404, 'LOCAL_AUTH_DISABLED');
  });

  it('refuses tokens of the embedded issuer while Supabase tokens still work', async () => {
    const sub = randomUUID();
    await t.http
      .get('/v1/me')
      .set(bearer(localToken({ sub })))
      .expect(401);
    const supabase = jwt.sign({ email: 'supa@example.test' }, SUPABASE_SECRET, {
      algorithm: 'HS256',
      subject: sub,
      audience: AUDIENCE,
      expiresIn: 600,
    });
    await t.http.get('/v1/me').set(bearer(supabase)).expect(200);
  });
});

describe('auth: rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers the 4th login within a minute with 429 RATE_LIMITED and Retry-After', async () => {
    const user = await signup(t.http); // sign-up has its own counter
    for (let i = 0; i < 3; i++) {
      const ok = await t.http.post('/v1/auth/login').send({ email: user.email, password: PASSWORD });
      expect(ok.status).toBe(200);
    }
    const res = await t.http.post('/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(429);
    expectError(res.body, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).not.toHaveProperty('accessToken');
    // Routes that are not auth routes are not limited.
    for (let i = 0; i < 5; i++) await t.http.get('/v1/me').set(as(user)).expect(200);
  });
});
