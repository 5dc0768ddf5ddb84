import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { BillingModule } from '../billing/billing.module.js';
import { EmailModule } from '../email/email.module.js';
import { InvitationsModule } from '../invitations/invitations.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountController } from './account.controller.js';
import { ApiKeyVerifier } from './api-key.verifier.js';
import { AuthRepository } from './auth.repository.js';
import { EmailVerificationController } from './email-verification.controller.js';
import { EmailVerificationService } from './email-verification.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LocalAuthController } from './local-auth.controller.js';
import { LocalAuthService } from './local-auth.service.js';
import { PasswordController } from './password.controller.js';
import { PasswordService } from './password.service.js';
import { SessionStatus } from './session-status.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsHousekeeping } from './sessions.housekeeping.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [PassportModule, ProfilesModule, EmailModule, InvitationsModule, BillingModule],
  controllers: [
    LocalAuthController,
    EmailVerificationController,
    SessionsController,
    PasswordController,
    AccountController,
  ],
  providers: [
    JwtStrategy,
    TokenService,
    LocalAuthService,
    AuthRepository,
    ApiKeyVerifier,
    EmailVerificationService,
    SessionsRepository,
    SessionStatus,
    SessionsService,
    PasswordService,
    AccountDeletionService,
    SessionsHousekeeping,
  ],
  // SessionStatus for the global JwtAuthGuard; SessionsService.revokeAllSessions for other features (DELETE /v1/me).
  exports: [ApiKeyVerifier, SessionStatus, SessionsService],
})
export class AuthModule {}
