import { Module } from '@nestjs/common';
import { AcquisitionStagesController } from './acquisition-stages.controller.js';
import { AcquisitionStagesRepository } from './acquisition-stages.repository.js';
import { AcquisitionStagesService } from './acquisition-stages.service.js';

@Module({
  controllers: [AcquisitionStagesController],
  providers: [AcquisitionStagesRepository, AcquisitionStagesService],
  exports: [AcquisitionStagesService],
})
export class AcquisitionStagesModule {}
