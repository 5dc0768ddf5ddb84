import { Body, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { BillingExempt } from '../tenancy/billing-exempt.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ListMembersQuery } from './dto/list-members.query.js';
import { AddMemberInput, UpdateMemberInput } from './dto/member.input.js';
import { MemberOutput } from './dto/member.output.js';
import { MembersService } from './members.service.js';

@TenantController('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Endpoint({ summary: "The organization's members", ok: PageOf(MemberOutput) })
  list(@Query() query: ListMembersQuery): Promise<Page<MemberOutput>> {
    return this.members.list(query);
  }

  @Post()
  @Roles('ADMIN')
  @Endpoint({
    summary: 'Add an existing user with a verified email address to the organization',
    description:
      'NOT_FOUND: no user has this email. EMAIL_NOT_VERIFIED: the account never proved its address (anyone can sign up with any address), so it is not added: send an invitation (POST /v1/invitations), whose link goes to the address. Prefer invitations in any case.',
    ok: MemberOutput,
    created: '/v1/members/{userId}',
    errors: [ErrorCode.NotFound, ErrorCode.AlreadyMember, ErrorCode.EmailNotVerified],
  })
  add(@Body() input: AddMemberInput): Promise<MemberOutput> {
    return this.members.add(input);
  }

  @Get(':userId')
  @Endpoint({ summary: 'One member of the organization', ok: MemberOutput })
  get(@IdParam('userId') userId: string): Promise<MemberOutput> {
    return this.members.get(userId);
  }

  @Patch(':userId')
  @BillingExempt()
  @Roles('ADMIN')
  @Endpoint({
    summary: "Change a member's role",
    description: 'LAST_ADMIN: the last ADMIN cannot be demoted.',
    ok: MemberOutput,
    errors: [ErrorCode.LastAdmin],
    ifMatch: 'member',
  })
  update(@IdParam('userId') userId: string, @Body() input: UpdateMemberInput): Promise<MemberOutput> {
    return this.members.updateRole(userId, input);
  }

  @Delete(':userId')
  @BillingExempt()
  @Roles('ADMIN')
  @Endpoint({
    summary: 'Remove a member; their leads become unassigned',
    description: 'LAST_ADMIN: the last ADMIN cannot be removed.',
    ok: null,
    errors: [ErrorCode.LastAdmin],
    ifMatch: 'member',
  })
  remove(@IdParam('userId') userId: string): Promise<void> {
    return this.members.remove(userId);
  }
}
