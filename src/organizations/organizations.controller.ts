import { Body, Get, Patch, Post, Query } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import { CreateOrganizationInput, UpdateOrganizationInput } from './dto/organization.input.js';
import { OrganizationOutput } from './dto/organization.output.js';
import { OrganizationsService } from './organizations.service.js';

@UserController('organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @Endpoint({
    summary: 'Create a brokerage; you become its ADMIN',
    ok: OrganizationOutput,
    created: '/v1/organizations/{id}',
  })
  create(@CurrentUser() user: AuthUser, @Body() input: CreateOrganizationInput): Promise<OrganizationOutput> {
    return this.orgs.create(user.id, input);
  }

  @Get()
  @Endpoint({
    summary: 'The organizations you belong to, with your role in each, oldest membership first',
    ok: PageOf(OrganizationOutput),
  })
  list(@CurrentUser() user: AuthUser, @Query() query: IdsPageQuery): Promise<Page<OrganizationOutput>> {
    return this.orgs.listMine(user.id, query);
  }

  @Get(':id')
  @Endpoint({ summary: 'One of your organizations', ok: OrganizationOutput })
  get(@IdParam() id: string): Promise<OrganizationOutput> {
    return this.orgs.get(id);
  }

  @Patch(':id')
  @Endpoint({
    summary: "Rename an organization, or change its time zone, audit retention or AGENTs' contact visibility",
    description: 'Roles: ADMIN of it. Only the fields sent change.',
    ok: OrganizationOutput,
    errors: [ErrorCode.Forbidden],
    ifMatch: 'organization',
  })
  update(@IdParam() id: string, @Body() input: UpdateOrganizationInput): Promise<OrganizationOutput> {
    return this.orgs.update(id, input);
  }
}
