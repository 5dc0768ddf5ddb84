import { Body, Controller, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { LoginInput, SignupInput, VerifyEmailInput } from './dto/signup.input.js';
import { EmailVerificationService } from './email-verification.service.js';
import { SessionOutput } from './dto/session.output.js';
import { LocalAuthService } from './local-auth.service.js';
import { Public } from './public.decorator.js';

@ApiTags('auth')
@Public()
@Controller({ path: 'auth', version: '1' })
export class LocalAuthController {
  constructor(
    private readonly auth: LocalAuthService,
    private readonly verification: EmailVerificationService,
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
    description:
      'Emails a verification link (24 hours): until it is used (POST /v1/auth/verify) the account can sign in but no organization can add it. With `invitationToken` the account is created verified and joins the inviting organization (the invitation errors apply; EMAIL_TAKEN when a verified account has the address).',
    ok: SessionOutput,
    created: '/v1/me',
    errors: [
      ErrorCode.EmailTaken,
      ErrorCode.LocalAuthDisabled,
      ErrorCode.InvitationNotFound,
      ErrorCode.InvitationExpired,
      ErrorCode.InvitationRevoked,
      ErrorCode.InvitationUsed,
      ErrorCode.InvitationEmailMismatch,
    ],
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

  @Post('verify')
  @RateLimited()
  @Endpoint({
    summary: "Verify the account's email address with the emailed link's token",
    description: 'No sign-in needed: holding the link is the proof.',
    ok: null,
    errors: [
      ErrorCode.VerificationTokenInvalid,
      ErrorCode.VerificationTokenExpired,
      ErrorCode.VerificationTokenUsed,
      ErrorCode.LocalAuthDisabled,
    ],
  })
  verify(@Body() input: VerifyEmailInput): Promise<void> {
    this.ensureEnabled();
    return this.verification.verify(input.token);
  }
}
