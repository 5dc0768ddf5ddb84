import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
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
import { TokenService } from './token.service.js';

@Module({
  imports: [PassportModule, ProfilesModule, EmailModule, InvitationsModule],
  controllers: [LocalAuthController, EmailVerificationController, AccountController],
  providers: [
    AccountDeletionService,
    JwtStrategy, TokenService, LocalAuthService, AuthRepository, ApiKeyVerifier, EmailVerificationService],
  exports: [ApiKeyVerifier],
})
export class AuthModule {}
