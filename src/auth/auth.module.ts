import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { ApiKeyVerifier } from './api-key.verifier.js';
import { AuthRepository } from './auth.repository.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LocalAuthController } from './local-auth.controller.js';
import { LocalAuthService } from './local-auth.service.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [PassportModule, ProfilesModule],
  controllers: [LocalAuthController],
  providers: [JwtStrategy, TokenService, LocalAuthService, AuthRepository, ApiKeyVerifier],
  exports: [ApiKeyVerifier],
})
export class AuthModule {}
