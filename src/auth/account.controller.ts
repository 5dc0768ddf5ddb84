import { Body, Delete } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { DeleteAccountInput } from '../profiles/dto/profile.input.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import { AccountDeletionService } from './account-deletion.service.js';

@UserController('me')
export class AccountController {
  constructor(private readonly accounts: AccountDeletionService) {}

  @Delete()
  @Endpoint({
    summary: 'Delete your account',
    description:
      'Confirm with your current password ({"password": …}) or, for an account without one (Supabase Auth), ' +
      'with {"confirm": true}. You leave every organization (as when an ADMIN removes a member: your assignments ' +
      'are released, your API keys revoked), your password and pending verification links are deleted, your avatar ' +
      'removed, and your profile anonymized: records you authored stay, their author shown as "Former member". ' +
      'Your address may sign up again. An organization where you are the only member is left without members. ' +
      'LAST_ADMIN (409): you are the only ADMIN of an organization with other members (ref.organizationIds names ' +
      'it): make someone else ADMIN first. INVALID_CREDENTIALS: the password is wrong. See docs/profile.md.',
    ok: null,
    errors: [ErrorCode.LastAdmin, ErrorCode.InvalidCredentials, ErrorCode.AccountDeleted],
  })
  delete(@Body() input: DeleteAccountInput): Promise<void> {
    return this.accounts.delete(input);
  }
}
