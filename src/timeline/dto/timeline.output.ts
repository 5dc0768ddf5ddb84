import { type Type } from '@nestjs/common';
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import {
  ActivityType,
  AppointmentStatus,
  AppointmentType,
  DealStage,
  ListingStatus,
} from '../../generated/prisma/enums.js';

export const TIMELINE_ITEM_TYPES = [
  'activity',
  'appointment',
  'stage_change',
  'price_change',
  'status_change',
] as const;
export type TimelineItemType = (typeof TIMELINE_ITEM_TYPES)[number];

const ID = '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const AT = '2026-11-23T16:00:00.000Z';
const MONEY_DOC = { maxLength: 13, description: 'Decimal string' };

export class TimelineActor {
  @ApiProperty({ format: 'uuid', example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' }) id!: string;
  @ApiProperty({
    maxLength: 200,
    example: 'Dana Broker',
    nullable: true,
    type: String,
    description: 'Full name, else email; null once the person is no longer a member',
  })
  name!: string | null;
}

// What every item shares; TimelineItemOf adds each kind's `type` and `data`.
abstract class TimelineItemBase {
  @ApiProperty({
    format: 'date-time',
    example: AT,
    description:
      'activity: completedAt, else createdAt; appointment: startsAt; stage/price/status change: when it changed',
  })
  occurredAt!: string;
  @ApiProperty({ type: TimelineActor, nullable: true }) actor!: TimelineActor | null;
  @ApiProperty({ maxLength: 500, example: 'Call: Intro call about the Noe Valley listing' }) summary!: string;
}

export class TimelineActivityData {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ enum: ActivityType, enumName: 'ActivityType', example: 'CALL' }) type!: ActivityType;
  @ApiProperty({ maxLength: 200, example: 'Intro call' }) title!: string;
  @ApiProperty({ maxLength: 2000, nullable: true, type: String, example: null }) outcome!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: AT }) dueDate!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) completedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) assignedToId!: string | null;
}

export class TimelineAppointmentData {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ enum: AppointmentType, enumName: 'AppointmentType', example: 'SHOWING' }) type!: AppointmentType;
  @ApiProperty({ enum: AppointmentStatus, enumName: 'AppointmentStatus', example: 'SCHEDULED' })
  status!: AppointmentStatus;
  @ApiProperty({ maxLength: 200, example: 'Showing: 12 Oak St' }) title!: string;
  @ApiProperty({ format: 'date-time', example: AT }) startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T17:00:00.000Z' }) endsAt!: string;
  @ApiProperty({ maxLength: 500, nullable: true, type: String, example: '12 Oak St' }) location!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) agentId!: string | null;
}

export class TimelineStageChangeData {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', nullable: true, example: 'QUALIFIED' })
  fromStage!: DealStage | null;
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'PROPOSAL' }) toStage!: DealStage;
}

export class TimelinePriceChangeData {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ ...MONEY_DOC, nullable: true, type: String, example: '1300000.00' }) oldPrice!: string | null;
  @ApiProperty({ ...MONEY_DOC, example: '1250000.00' }) newPrice!: string;
}

export class TimelineStatusChangeData {
  @ApiProperty({ format: 'uuid', example: ID }) id!: string;
  @ApiProperty({ enum: ListingStatus, enumName: 'ListingStatus', nullable: true, example: 'ACTIVE' })
  fromStatus!: ListingStatus | null;
  @ApiProperty({ enum: ListingStatus, enumName: 'ListingStatus', example: 'PENDING' }) toStatus!: ListingStatus;
}

/** The item of one kind: the shared fields, then `type` and that kind's `data`. */
function TimelineItemOf<T extends TimelineItemType, D>(type: T, data: Type<D>) {
  abstract class TimelineItemOfKind extends TimelineItemBase {
    @ApiProperty({ enum: [type], example: type }) type!: T;
    @ApiProperty({ type: data }) data!: D;
  }
  return TimelineItemOfKind;
}

export class TimelineActivityItem extends TimelineItemOf('activity', TimelineActivityData) {}
export class TimelineAppointmentItem extends TimelineItemOf('appointment', TimelineAppointmentData) {}
export class TimelineStageChangeItem extends TimelineItemOf('stage_change', TimelineStageChangeData) {}
export class TimelinePriceChangeItem extends TimelineItemOf('price_change', TimelinePriceChangeData) {}
export class TimelineStatusChangeItem extends TimelineItemOf('status_change', TimelineStatusChangeData) {}

/** One item of a timeline: `type` says which, and so what `data` holds. */
export type TimelineItem =
  | TimelineActivityItem
  | TimelineAppointmentItem
  | TimelineStageChangeItem
  | TimelinePriceChangeItem
  | TimelineStatusChangeItem;

/** Each kind's schema, for the document's discriminator (the controller registers them as extra models). */
export const TIMELINE_ITEM_MODELS = {
  activity: TimelineActivityItem,
  appointment: TimelineAppointmentItem,
  stage_change: TimelineStageChangeItem,
  price_change: TimelinePriceChangeItem,
  status_change: TimelineStatusChangeItem,
} as const satisfies Record<TimelineItemType, unknown>;

export class TimelinePage {
  @ApiProperty({
    type: 'array',
    maxItems: 100,
    items: {
      oneOf: Object.values(TIMELINE_ITEM_MODELS).map((model) => ({ $ref: getSchemaPath(model) })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(
          Object.entries(TIMELINE_ITEM_MODELS).map(([type, model]) => [type, getSchemaPath(model)]),
        ),
      },
    },
    description: 'Newest first; each item is one of the kinds named by its type',
  })
  data!: TimelineItem[];
  @ApiProperty({
    nullable: true,
    type: String,
    maxLength: 200,
    example: 'MjAyNi0xMS0yM1QxNjowMDowMC4wMDAwMDBafGFjdGl2aXR5fDNmNmMxYjll',
    description: 'Pass as cursor for the next page; null at the end',
  })
  nextCursor!: string | null;
}
