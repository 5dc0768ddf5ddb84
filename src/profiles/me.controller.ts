import { Body, Delete, Get, Patch, Put } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UploadImageInput } from '../storage/dto/upload-image.input.js';
import { AcceptsMultipart, type NextFile, UploadedFileStream } from '../storage/multipart.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import { MeOutput, ProfileOutput } from './dto/me.output.js';
import { UpdateProfileInput } from './dto/profile.input.js';
import { MeService } from './me.service.js';

@UserController('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Endpoint({
    summary: 'Your profile and the organizations you belong to',
    description: 'ACCOUNT_DELETED: the account was deleted (DELETE /v1/me).',
    ok: MeOutput,
    errors: [ErrorCode.AccountDeleted, ErrorCode.StorageUnavailable],
  })
  get(): Promise<MeOutput> {
    return this.me.me();
  }

  @Patch()
  @Endpoint({
    summary: 'Change your name, phone, time zone or language',
    description:
      'Only the fields sent change; null clears one. timeZone is an IANA name (Europe/Madrid), locale a BCP 47 ' +
      'tag (es-ES, stored canonical), phone as on leads and contacts. Your email changes elsewhere.',
    ok: ProfileOutput,
    errors: [ErrorCode.AccountDeleted, ErrorCode.StorageUnavailable],
  })
  update(@Body() input: UpdateProfileInput): Promise<ProfileOutput> {
    return this.me.update(input);
  }

  @Put('avatar')
  @AcceptsMultipart()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadImageInput })
  @Endpoint({
    summary: 'Set your avatar (multipart/form-data, one PNG, JPEG or WebP file, at most 5 MiB)',
    description:
      "The type is detected from the file's bytes; a declared type or extension that contradicts them is refused. " +
      'UNSUPPORTED_MEDIA_TYPE (415): not a PNG, JPEG or WebP image. PAYLOAD_TOO_LARGE (413): over 5 MiB. ' +
      'The previous avatar is deleted. avatarUrl is a signed URL valid SIGNED_URL_TTL_SECONDS.',
    ok: ProfileOutput,
    errors: [
      ErrorCode.UnsupportedMediaType,
      ErrorCode.PayloadTooLarge,
      ErrorCode.AccountDeleted,
      ErrorCode.StorageUnavailable,
    ],
  })
  uploadAvatar(@UploadedFileStream() nextFile: NextFile): Promise<ProfileOutput> {
    return this.me.uploadAvatar(nextFile);
  }

  @Delete('avatar')
  @Endpoint({
    summary: 'Remove your avatar (and its stored file)',
    ok: null,
    errors: [ErrorCode.AccountDeleted],
  })
  removeAvatar(): Promise<void> {
    return this.me.removeAvatar();
  }
}
