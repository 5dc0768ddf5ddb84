import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '../../common/dto-fields.js';
import { EMAIL_NOTIFICATION_TYPES, type EmailNotificationType } from './notification.output.js';

export const REMINDER_MINUTES = { min: 5, max: 10_080, default: 60 } as const;

/**
 * Defines one boolean property per email notification type on `target`: the list is written
 * once (EMAIL_NOTIFICATION_TYPES), and a type added there is documented and accepted here.
 */
function perEmailType(target: object, optional: boolean): void {
  for (const type of EMAIL_NOTIFICATION_TYPES) {
    const doc = { type: Boolean, example: true, description: `${type} notifications also by email` };
    (optional ? ApiPropertyOptional(doc) : ApiProperty(doc))(target, type);
    if (optional) OptionalNotNull()(target, type);
    IsBoolean()(target, type);
  }
}

/** Whether each kind of notification also goes by email. */
export class EmailChannelOutput implements Record<EmailNotificationType, boolean> {
  declare LEAD_ASSIGNED: boolean;
  declare TICKET_ASSIGNED: boolean;
  declare APPOINTMENT_REMINDER: boolean;
  declare ACTIVITIES_OVERDUE: boolean;
  declare LISTING_EXPIRING: boolean;
}
perEmailType(EmailChannelOutput.prototype, false);

/** Only the types sent change. */
export class EmailChannelInput implements Partial<Record<EmailNotificationType, boolean>> {
  declare LEAD_ASSIGNED?: boolean;
  declare TICKET_ASSIGNED?: boolean;
  declare APPOINTMENT_REMINDER?: boolean;
  declare ACTIVITIES_OVERDUE?: boolean;
  declare LISTING_EXPIRING?: boolean;
}
perEmailType(EmailChannelInput.prototype, true);

export class NotificationPreferencesOutput {
  @ApiProperty({
    type: EmailChannelOutput,
    description: 'Which notifications also reach you by email (at your profile address). Every type is on by default.',
  })
  email!: EmailChannelOutput;

  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: REMINDER_MINUTES.min,
    maximum: REMINDER_MINUTES.max,
    example: REMINDER_MINUTES.default,
    description: 'How many minutes before an appointment of yours starts you are reminded (notification and email)',
  })
  appointmentReminderMinutes!: number;

  @ApiProperty({
    format: 'date-time',
    example: null,
    nullable: true,
    type: String,
    description: 'When you last changed them; null while you use the defaults',
  })
  updatedAt!: string | null;
}

/** Only the fields sent change. Per user: the same in every organization you belong to. */
export class UpdateNotificationPreferencesInput {
  @ApiPropertyOptional({ type: EmailChannelInput, example: { LEAD_ASSIGNED: false } })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailChannelInput)
  email?: EmailChannelInput;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: REMINDER_MINUTES.min,
    maximum: REMINDER_MINUTES.max,
    example: 30,
    description: 'Minutes before an appointment starts (5 minutes to 7 days)',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(REMINDER_MINUTES.min)
  @Max(REMINDER_MINUTES.max)
  appointmentReminderMinutes?: number;
}
