import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig, LOCAL_TOKEN_ISSUER } from '../config/config.js';

/** Issues access tokens shaped like Supabase Auth's (sub, email, aud, role, exp), plus the session they belong to (sid). */
@Injectable()
export class TokenService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get ttlSeconds(): number {
    return this.config.auth.tokenTtlSeconds;
  }

  issue(userId: string, email: string, sessionId: string): string {
    const secret = this.config.auth.localJwtSecret;
    if (!secret) throw new Error('Local auth has no signing secret');
    return jwt.sign({ email, role: 'authenticated', sid: sessionId }, secret, {
      algorithm: 'HS256',
      subject: userId,
      audience: this.config.auth.audience,
      issuer: LOCAL_TOKEN_ISSUER,
      expiresIn: this.ttlSeconds,
    });
  }
}
