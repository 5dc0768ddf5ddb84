import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { EventsHousekeeping } from './events.housekeeping.js';
import { EventsHub } from './events.hub.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

/** The outbox's readers in the API: GET /v1/events, the SSE stream and its fan-out (issue 16). */
@Module({
  controllers: [EventsController],
  providers: [EventsRepository, EventsService, EventsHub, EventsHousekeeping],
  exports: [EventsService, EventsHub],
})
export class EventsModule {}
