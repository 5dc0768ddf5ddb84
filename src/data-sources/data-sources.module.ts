import { Module } from '@nestjs/common';
import { CredentialsCipher } from './credentials-cipher.js';
import { DataSourcesController } from './data-sources.controller.js';
import { DataSourcesRepository } from './data-sources.repository.js';
import { DataSourcesService } from './data-sources.service.js';
import { SourceHttp } from './source-http.js';
import { SourceRecords } from './source-records.js';

/** Data sources of imports (issue 17): routes, encrypted credentials, and the readers imports use. */
@Module({
  controllers: [DataSourcesController],
  providers: [DataSourcesRepository, DataSourcesService, CredentialsCipher, SourceHttp, SourceRecords],
  exports: [DataSourcesService, SourceRecords],
})
export class DataSourcesModule {}
