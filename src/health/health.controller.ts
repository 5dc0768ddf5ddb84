import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { DatabaseService } from '../database/database.service.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { LiveOutput, ReadyOutput } from './health.output.js';

@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: DatabaseService,
  ) {}

  @Get('live')
  @Endpoint({ summary: 'Liveness: the process is up', ok: LiveOutput })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @Endpoint({ summary: 'Readiness: the database answers', ok: ReadyOutput })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.pingDatabase()]);
  }

  private async pingDatabase(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('database');
    try {
      await this.database.ping();
      return check.up({ kind: this.database.kind });
    } catch {
      return check.down({ kind: this.database.kind });
    }
  }
}
