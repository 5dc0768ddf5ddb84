import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserRoute } from '../tenancy/tenant-route.decorator.js';
import { UserScoped } from '../tenancy/user-scoped.decorator.js';
import { MeOutput } from './dto/me.output.js';
import { MeService } from './me.service.js';

@UserRoute('me')
@UserScoped()
@Controller({ path: 'me', version: '1' })
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Endpoint({ summary: 'Your profile and the organizations you belong to', ok: MeOutput })
  get(): Promise<MeOutput> {
    return this.me.me();
  }
}
