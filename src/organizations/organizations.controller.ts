import { Body, Delete, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ErrorCode } from '../common/errors.js';
import { IdsPageQuery } from '../common/ids-param.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UploadImageInput } from '../storage/dto/upload-image.input.js';
import { AcceptsMultipart, type NextFile, UploadedFileStream } from '../storage/multipart.js';
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
    errors: [ErrorCode.AccountDeleted],
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

  @Put(':id/logo')
  @AcceptsMultipart()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadImageInput })
  @Endpoint({
    summary: "Set the organization's logo (multipart/form-data, one PNG, JPEG or WebP file, at most 5 MiB)",
    description:
      "Roles: ADMIN of it. The type is detected from the file's bytes; a declared type or extension that " +
      'contradicts them is refused. UNSUPPORTED_MEDIA_TYPE (415): not a PNG, JPEG or WebP image. ' +
      "PAYLOAD_TOO_LARGE (413): over 5 MiB. The file is stored under the organization's storage prefix and shown " +
      'to its members only, as logoUrl (signed, valid SIGNED_URL_TTL_SECONDS); the previous logo is deleted.',
    ok: OrganizationOutput,
    errors: [
      ErrorCode.Forbidden,
      ErrorCode.UnsupportedMediaType,
      ErrorCode.PayloadTooLarge,
      ErrorCode.StorageUnavailable,
    ],
  })
  uploadLogo(@IdParam() id: string, @UploadedFileStream() nextFile: NextFile): Promise<OrganizationOutput> {
    return this.orgs.uploadLogo(id, nextFile);
  }

  @Delete(':id/logo')
  @Endpoint({
    summary: "Remove the organization's logo (and its stored file)",
    description: 'Roles: ADMIN of it.',
    ok: null,
    errors: [ErrorCode.Forbidden],
  })
  removeLogo(@IdParam() id: string): Promise<void> {
    return this.orgs.removeLogo(id);
  }
}
