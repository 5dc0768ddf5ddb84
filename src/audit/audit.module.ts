import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { RecordAuditController } from './record-audit.controller.js';

/** Reads the audit history the database writes (migration 20261206020000; docs/audit.md). */
@Module({
  controllers: [AuditController, RecordAuditController],
  providers: [AuditRepository, AuditService],
})
export class AuditModule {}
