import { Body, HttpStatus, Inject, Post } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import type { AuthUser } from './auth-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { ChangePasswordInput } from './dto/signup.input.js';
import { PasswordService } from './password.service.js';

/** The signed-in user's password (embedded auth). */
@UserController('me')
export class PasswordController {
  constructor(
    private readonly passwords: PasswordService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('password')
  @RateLimited()
  @Endpoint({
    summary: 'Change your password (embedded auth)',
    description:
      'The current password is required; the sign-up rules apply to the new one. Every other session of the account is signed out; the one making the request stays signed in.',
    ok: null,
    errors: [ErrorCode.CurrentPasswordIncorrect, ErrorCode.NoPassword, ErrorCode.LocalAuthDisabled],
  })
  change(@CurrentUser() user: AuthUser, @Body() input: ChangePasswordInput): Promise<void> {
    if (!this.config.auth.localEnabled) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        ErrorCode.LocalAuthDisabled,
        'Embedded auth is disabled: change your password through Supabase Auth',
      );
    }
    return this.passwords.change(user, input.currentPassword, input.newPassword);
  }
}
