import { Body, Controller, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { LoginInput, SignupInput } from './dto/signup.input.js';
import { SessionOutput } from './dto/session.output.js';
import { LocalAuthService } from './local-auth.service.js';
import { Public } from './public.decorator.js';

@ApiTags('auth')
@Public()
@Controller({ path: 'auth', version: '1' })
export class LocalAuthController {
  constructor(
    private readonly auth: LocalAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private ensureEnabled(): void {
    if (!this.config.auth.localEnabled) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        ErrorCode.LocalAuthDisabled,
        'Embedded auth is disabled: sign in with Supabase Auth',
      );
    }
  }

  @Post('signup')
  @RateLimited()
  @Endpoint({
    summary: 'Create an account (embedded auth) and get an access token',
    ok: SessionOutput,
    created: '/v1/me',
    errors: [ErrorCode.EmailTaken, ErrorCode.LocalAuthDisabled],
  })
  signup(@Body() input: SignupInput): Promise<SessionOutput> {
    this.ensureEnabled();
    return this.auth.signup(input);
  }

  @Post('login')
  @RateLimited()
  @Endpoint({
    summary: 'Exchange email and password for an access token (embedded auth)',
    description: 'INVALID_CREDENTIALS is the same answer for an unknown email.',
    ok: SessionOutput,
    errors: [ErrorCode.InvalidCredentials, ErrorCode.LocalAuthDisabled],
  })
  login(@Body() input: LoginInput): Promise<SessionOutput> {
    this.ensureEnabled();
    return this.auth.login(input);
  }
}
