import { HttpStatus, Inject, Post } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import type { AuthUser } from './auth-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { EmailVerificationService } from './email-verification.service.js';

/** The signed-in half of email verification (POST /v1/auth/verify itself needs no sign-in). */
@UserController('auth')
export class EmailVerificationController {
  constructor(
    private readonly verification: EmailVerificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('verify/resend')
  @RateLimited()
  @Endpoint({
    summary: 'Email a new verification link to your address (the previous link stops working)',
    ok: null,
    errors: [ErrorCode.EmailAlreadyVerified, ErrorCode.LocalAuthDisabled],
  })
  resend(@CurrentUser() user: AuthUser): Promise<void> {
    if (!this.config.auth.localEnabled) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        ErrorCode.LocalAuthDisabled,
        'Embedded auth is disabled: Supabase Auth verifies addresses',
      );
    }
    return this.verification.resend(user.id);
  }
}
