import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiCreatedResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LoginInput, SignupInput } from './dto/signup.input.js';
import { SessionOutput } from './dto/session.output.js';
import { LocalAuthService } from './local-auth.service.js';
import { Public } from './public.decorator.js';

@ApiTags('auth')
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input' })
@ApiTooManyRequestsResponse({ type: ErrorBody, description: 'Too many attempts; see Retry-After' })
@ApiNotFoundResponse({ type: ErrorBody, description: 'Embedded auth is switched off (LOCAL_AUTH_ENABLED=false)' })
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
  @ApiOperation({ summary: 'Create an account (embedded auth) and get an access token' })
  @ApiCreatedResponse({ type: SessionOutput })
  @ApiConflictResponse({ type: ErrorBody, description: 'EMAIL_TAKEN' })
  signup(@Body() input: SignupInput): Promise<SessionOutput> {
    this.ensureEnabled();
    return this.auth.signup(input);
  }

  @Post('login')
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange email and password for an access token (embedded auth)' })
  @ApiOkResponse({ type: SessionOutput })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'INVALID_CREDENTIALS — the same for an unknown email' })
  login(@Body() input: LoginInput): Promise<SessionOutput> {
    this.ensureEnabled();
    return this.auth.login(input);
  }
}
