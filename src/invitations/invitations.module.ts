import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module.js';
import { EmailModule } from '../email/email.module.js';
import { InvitationAcceptController } from './invitation-accept.controller.js';
import { InvitationTokensRepository } from './invitation-tokens.repository.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';
import { supabaseInvitesProvider } from './supabase-invites.js';

/** Invitations (docs/invitations.md). Exports the token lookups sign-up through an invitation uses. */
@Module({
  imports: [EmailModule, BillingModule],
  controllers: [InvitationsController, InvitationAcceptController],
  providers: [InvitationsRepository, InvitationTokensRepository, InvitationsService, supabaseInvitesProvider],
  exports: [InvitationTokensRepository],
})
export class InvitationsModule {}
