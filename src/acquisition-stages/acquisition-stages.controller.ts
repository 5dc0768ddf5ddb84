import { Body, Post } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { AcquisitionStagesService } from './acquisition-stages.service.js';
import {
  CreateAcquisitionStageInput,
  ReorderAcquisitionStagesInput,
  UpdateAcquisitionStageInput,
} from './dto/acquisition-stage.input.js';
import { AcquisitionStageListOutput, AcquisitionStageOutput } from './dto/acquisition-stage.output.js';
import { AcquisitionStageQuery } from './dto/acquisition-stage.query.js';
import { ListAcquisitionStagesQuery } from './dto/list-acquisition-stages.query.js';

@TenantController('acquisition-stages')
@ResourceRoutes('acquisitionStage', {
  create: {
    summary: 'Add an acquisition stage at the end of the pipeline',
    description: 'At most 50 stages (422); the name is unique in the organization, any case (409).',
    body: CreateAcquisitionStageInput,
    ok: AcquisitionStageOutput,
    created: '/v1/acquisition-stages/{id}',
    errors: [ErrorCode.Conflict, ErrorCode.BusinessRule],
  },
  list: {
    summary: "The organization's acquisition stages, first stage first",
    description: 'The whole pipeline in one response (at most 50 stages).',
    query: ListAcquisitionStagesQuery,
    ok: AcquisitionStageListOutput,
  },
  get: { summary: 'Get an acquisition stage', query: AcquisitionStageQuery, ok: AcquisitionStageOutput },
  update: {
    summary: 'Rename a stage, or change its default probability or kind (only the fields sent)',
    description: 'Its position changes through POST /v1/acquisition-stages/reorder.',
    body: UpdateAcquisitionStageInput,
    ok: AcquisitionStageOutput,
    errors: [ErrorCode.Conflict],
  },
  delete: { summary: 'Delete an acquisition stage for good (the stages after it move up one place)' },
  writeRoles: ['ADMIN'],
})
export class AcquisitionStagesController {
  constructor(readonly service: AcquisitionStagesService) {}

  @Post('reorder')
  @Roles('ADMIN')
  @Endpoint({
    summary: 'Put the pipeline in a new order',
    description:
      "ids lists every one of the organization's stages once, first stage first; " +
      'a missing, extra or repeated id is 400 VALIDATION_FAILED and nothing changes. One transaction.',
    ok: AcquisitionStageListOutput,
  })
  reorder(@Body() input: ReorderAcquisitionStagesInput): Promise<AcquisitionStageListOutput> {
    return this.service.reorder(input.ids);
  }
}
