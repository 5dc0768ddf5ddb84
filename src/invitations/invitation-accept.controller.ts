import { Post } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import { AcceptedInvitationOutput } from './dto/invitation.output.js';
import { InvitationTokenApiParam, InvitationTokenParam } from './invitation-token.param.js';
import { InvitationsService } from './invitations.service.js';

/** Accepting is the invited person's own act: signed in, in no organization yet. */
@UserController('invitations')
export class InvitationAcceptController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post(':code/accept')
  @RateLimited()
  @InvitationTokenApiParam()
  @Endpoint({
    summary: 'Accept an invitation: join its organization with the invited role',
    description:
      'The signed-in account must have the address the invitation was sent to (compared case-insensitively); accepting also marks that address verified, since the link was delivered to it.',
    ok: AcceptedInvitationOutput,
    errors: [
      ErrorCode.InvitationNotFound,
      ErrorCode.InvitationExpired,
      ErrorCode.InvitationRevoked,
      ErrorCode.InvitationUsed,
      ErrorCode.InvitationEmailMismatch,
      ErrorCode.AlreadyMember,
    ],
  })
  accept(@CurrentUser() user: AuthUser, @InvitationTokenParam() token: string): Promise<AcceptedInvitationOutput> {
    return this.invitations.accept(user.id, token);
  }
}
