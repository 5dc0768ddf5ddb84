import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ContractInterceptor } from './contract.interceptor.js';
import { ConditionalRepository } from './conditional.repository.js';

@Global()
@Module({
  providers: [ConditionalRepository, { provide: APP_INTERCEPTOR, useClass: ContractInterceptor }],
})
export class HttpContractModule {}
