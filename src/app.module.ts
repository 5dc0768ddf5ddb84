import type { PGlite } from '@electric-sql/pglite';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import { ActivitiesModule } from './activities/activities.module.js';
import { AppointmentsModule } from './appointments/appointments.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { ProductsModule } from './products/products.module.js';
import { AcquisitionStagesModule } from './acquisition-stages/acquisition-stages.module.js';
import { EventsModule } from './events/events.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BillingModule } from './billing/billing.module.js';
import { CaptureModule } from './capture/capture.module.js';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { HttpContractModule } from './http/http-contract.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EMBEDDED_DB } from './database/database.service.js';
import { DealsModule } from './deals/deals.module.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LeadRoutingModule } from './lead-routing/lead-routing.module.js';
import { LeadScoringModule } from './lead-scoring/lead-scoring.module.js';
import { LeadsModule } from './leads/leads.module.js';
import { ListingsModule } from './listings/listings.module.js';
import { loggerOptions } from './logging.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { MembersModule } from './members/members.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { RecordsModule } from './records/records.module.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { TimelineModule } from './timeline/timeline.module.js';
import { TenancyGuard } from './tenancy/tenancy.guard.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { DataSourcesModule } from './data-sources/data-sources.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, pglite: PGlite | null = null): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerOptions(config)),
        // The request's CLS context is opened by a Fastify onRequest hook (app.factory.ts).
        ClsModule.forRoot({ global: true }),
        DatabaseModule,
        // Interceptors apply outermost first: ETags see the bodies idempotent replays return.
        HttpContractModule,
        IdempotencyModule,
        RecordsModule,
        ProfilesModule,
        AuthModule,
        HealthModule,
        OrganizationsModule,
        BillingModule,
        MembersModule,
        InvitationsModule,
        LeadsModule,
        LeadScoringModule,
        ContactsModule,
        DealsModule,
        ListingsModule,
        CampaignsModule,
        ProductsModule,
        AcquisitionStagesModule,
        NotificationsModule,
        ActivitiesModule,
        AppointmentsModule,
        TimelineModule,
        StorageModule,
        TicketsModule,
        ApiKeysModule,
        AuditModule,
        EventsModule,
        JobsModule,
        WebhooksModule,
        RemindersModule,
        LeadRoutingModule,
        CaptureModule,
        ExportsModule,
        DataSourcesModule,
        ImportsModule,
        AnalyticsModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: EMBEDDED_DB, useValue: pglite },
        // Order matters: authenticate first, then record the tenant scope.
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: TenancyGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [APP_CONFIG, EMBEDDED_DB],
    };
  }
}
