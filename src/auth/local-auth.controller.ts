import { Body, Controller, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import {
  LoginInput,
  RecoverInput,
  RefreshInput,
  ResetPasswordInput,
  SignupInput,
  VerifyEmailInput,
} from './dto/signup.input.js';
import { EmailVerificationService } from './email-verification.service.js';
import { RecoverOutput, SessionOutput } from './dto/session.output.js';
import { LocalAuthService } from './local-auth.service.js';
import { PasswordService, RESET_TTL_MINUTES } from './password.service.js';
import { Public } from './public.decorator.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@Public()
@Controller({ path: 'auth', version: '1' })
export class LocalAuthController {
  constructor(
    private readonly auth: LocalAuthService,
    private readonly verification: EmailVerificationService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordService,
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
    summary: 'Create an account (embedded auth) and get a session (access and refresh token)',
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
    summary: 'Exchange email and password for a session: an access token and a refresh token (embedded auth)',
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

  @Post('refresh')
  @RateLimited()
  @Endpoint({
    summary: 'Exchange a refresh token for a new access token and a new refresh token',
    description:
      'The refresh token is spent: presenting it again (or two clients presenting it at once) is taken as theft and signs the whole session out (REFRESH_TOKEN_REUSED; its newest refresh token and its access tokens stop working too). docs/auth.md.',
    ok: SessionOutput,
    errors: [
      ErrorCode.RefreshTokenInvalid,
      ErrorCode.RefreshTokenExpired,
      ErrorCode.RefreshTokenRevoked,
      ErrorCode.RefreshTokenReused,
      ErrorCode.LocalAuthDisabled,
    ],
  })
  refresh(@Body() input: RefreshInput): Promise<SessionOutput> {
    this.ensureEnabled();
    return this.sessions.refresh(input.refreshToken);
  }

  @Post('recover')
  @RateLimited()
  @Endpoint({
    summary: 'Email a link to choose a new password',
    description: `Always 202 with the same body, whether or not an account has the address. The link (\`<APP_URL>/reset-password?token=…\`) works once, for ${RESET_TTL_MINUTES} minutes; asking again replaces it.`,
    ok: RecoverOutput,
    accepted: true,
    errors: [ErrorCode.LocalAuthDisabled],
  })
  async recover(@Body() input: RecoverInput): Promise<RecoverOutput> {
    this.ensureEnabled();
    await this.passwords.recover(input.email);
    return {
      message: `If an account has this address, a link to choose a new password is on its way (valid for ${RESET_TTL_MINUTES / 60} hour).`,
    };
  }

  @Post('reset')
  @RateLimited()
  @Endpoint({
    summary: "Set a new password with the emailed reset link's token",
    description:
      'The password rules of sign-up apply. Also marks the address verified (the link was delivered to it) and signs every session of the account out; nothing is returned: sign in with the new password.',
    ok: null,
    errors: [
      ErrorCode.ResetTokenInvalid,
      ErrorCode.ResetTokenExpired,
      ErrorCode.ResetTokenUsed,
      ErrorCode.LocalAuthDisabled,
    ],
  })
  reset(@Body() input: ResetPasswordInput): Promise<void> {
    this.ensureEnabled();
    return this.passwords.reset(input.token, input.password);
  }
}
