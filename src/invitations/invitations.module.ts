import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { InvitationAcceptController } from './invitation-accept.controller.js';
import { InvitationTokensRepository } from './invitation-tokens.repository.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

/** Invitations (docs/invitations.md). Exports the token lookups sign-up through an invitation uses. */
@Module({
  imports: [EmailModule],
  controllers: [InvitationsController, InvitationAcceptController],
  providers: [InvitationsRepository, InvitationTokensRepository, InvitationsService],
  exports: [InvitationTokensRepository],
})
export class InvitationsModule {}
