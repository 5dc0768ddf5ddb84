import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRoute } from '../tenancy/tenant-route.decorator.js';
import { UserScoped } from '../tenancy/user-scoped.decorator.js';
import { MeOutput } from './dto/me.output.js';
import { MeService } from './me.service.js';

@ApiTags('me')
@UserRoute()
@UserScoped()
@Controller({ path: 'me', version: '1' })
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @ApiOperation({ summary: 'Your profile and the organizations you belong to' })
  @ApiOkResponse({ type: MeOutput })
  get(): Promise<MeOutput> {
    return this.me.me();
  }
}
