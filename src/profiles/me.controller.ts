import { Get } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import { MeOutput } from './dto/me.output.js';
import { MeService } from './me.service.js';

@UserController('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @Endpoint({ summary: 'Your profile and the organizations you belong to', ok: MeOutput })
  get(): Promise<MeOutput> {
    return this.me.me();
  }
}
