import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ErrorBody } from '../common/error-body.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { UserRoute } from '../tenancy/tenant-route.decorator.js';
import { UserScoped } from '../tenancy/user-scoped.decorator.js';
import { CreateOrganizationInput, UpdateOrganizationInput } from './dto/organization.input.js';
import { OrganizationOutput } from './dto/organization.output.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('organizations')
@UserRoute()
@UserScoped()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input or id' })
@Controller({ path: 'organizations', version: '1' })
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a brokerage; you become its ADMIN' })
  @ApiCreatedResponse({ type: OrganizationOutput })
  create(@CurrentUser() user: AuthUser, @Body() input: CreateOrganizationInput): Promise<OrganizationOutput> {
    return this.orgs.create(user.id, input);
  }

  @Get()
  @ApiOperation({ summary: 'The organizations you belong to, with your role in each' })
  @ApiOkResponse({ type: [OrganizationOutput] })
  list(@CurrentUser() user: AuthUser): Promise<OrganizationOutput[]> {
    return this.orgs.listMine(user.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your organizations' })
  @ApiOkResponse({ type: OrganizationOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Unknown, or not yours' })
  get(@IdParam() id: string): Promise<OrganizationOutput> {
    return this.orgs.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename an organization (ADMIN)' })
  @ApiOkResponse({ type: OrganizationOutput })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Not an ADMIN of it' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Unknown, or not yours' })
  update(@IdParam() id: string, @Body() input: UpdateOrganizationInput): Promise<OrganizationOutput> {
    return this.orgs.update(id, input);
  }
}
