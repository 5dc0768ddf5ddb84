import { HttpStatus } from '@nestjs/common';
import { Conflict, DomainError, ErrorCode } from '../common/errors.js';
import type { InvitationTokenStatus } from './invitation-tokens.repository.js';

/** The error for an invitation link that cannot be used, one code per reason. */
export function invitationError(status: Exclude<InvitationTokenStatus, 'OK'>): DomainError {
  switch (status) {
    case 'EXPIRED':
      return new DomainError(
        HttpStatus.GONE,
        ErrorCode.InvitationExpired,
        'This invitation has expired: ask for a new one',
      );
    case 'REVOKED':
      return new DomainError(HttpStatus.GONE, ErrorCode.InvitationRevoked, 'This invitation was revoked');
    case 'USED':
      return new DomainError(HttpStatus.GONE, ErrorCode.InvitationUsed, 'This invitation was already accepted');
    case 'EMAIL_MISMATCH':
      return new DomainError(
        HttpStatus.FORBIDDEN,
        ErrorCode.InvitationEmailMismatch,
        'This invitation was sent to another email address: sign in or sign up with the invited address',
      );
    case 'ALREADY_MEMBER':
      return new Conflict('You are already a member of this organization', ErrorCode.AlreadyMember);
    case 'EMAIL_TAKEN':
      return new Conflict(
        'An account with this email already exists: sign in (or reset its password with POST /v1/auth/recover), then accept the invitation',
        ErrorCode.EmailTaken,
      );
    case 'NOT_FOUND':
      return new DomainError(HttpStatus.NOT_FOUND, ErrorCode.InvitationNotFound, 'No such invitation');
  }
}
