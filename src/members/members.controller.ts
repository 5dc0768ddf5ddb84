import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { PageOf, PageQuery, type Page } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { AddMemberInput, UpdateMemberInput } from './dto/member.input.js';
import { MemberOutput } from './dto/member.output.js';
import { MembersService } from './members.service.js';

@ApiTags('members')
@TenantRoute()
@Controller({ path: 'members', version: '1' })
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: "The organization's members" })
  @ApiOkResponse({ type: PageOf(MemberOutput) })
  list(@Query() query: PageQuery): Promise<Page<MemberOutput>> {
    return this.members.list(query);
  }

  @Post()
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Add an existing user to the organization (ADMIN)' })
  @ApiCreatedResponse({ type: MemberOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No user with this email' })
  @ApiConflictResponse({ type: ErrorBody, description: 'ALREADY_MEMBER' })
  add(@Body() input: AddMemberInput): Promise<MemberOutput> {
    return this.members.add(input);
  }

  @Patch(':userId')
  @Roles('ADMIN')
  @ApiOperation({ summary: "Change a member's role (ADMIN)" })
  @ApiOkResponse({ type: MemberOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Not a member of this organization' })
  @ApiConflictResponse({ type: ErrorBody, description: 'LAST_ADMIN — the last ADMIN cannot be demoted' })
  update(@IdParam('userId') userId: string, @Body() input: UpdateMemberInput): Promise<MemberOutput> {
    return this.members.updateRole(userId, input);
  }

  @Delete(':userId')
  @Roles('ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a member (ADMIN); their leads become unassigned' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Not a member of this organization' })
  @ApiConflictResponse({ type: ErrorBody, description: 'LAST_ADMIN — the last ADMIN cannot be removed' })
  remove(@IdParam('userId') userId: string): Promise<void> {
    return this.members.remove(userId);
  }
}
