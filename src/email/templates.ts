import { html, href, type SafeHtml } from './html.js';

/** A small file sent with a message (an .ics): its bytes as base64, stored in the outbox row. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
}

/** What a template renders: the message without its recipient. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
}

/** The templates, by name: the outbox's `kind` of a message not tied to a notification. */
export type EmailKind =
  | 'LEAD_ASSIGNED'
  | 'DEAL_ASSIGNED'
  | 'TICKET_ASSIGNED'
  | 'APPOINTMENT_REMINDER'
  | 'ACTIVITIES_OVERDUE'
  | 'LISTING_EXPIRING'
  | 'TICKET_REPLY'
  | 'INVITATION'
  | 'EMAIL_VERIFICATION'
  | 'PASSWORD_RESET';

// Subjects are one line: a title with a newline must not fold a header.
const oneLine = (s: string, max = 200): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const greeting = (name: string | null | undefined): string => (name ? `Hi ${name},` : 'Hello,');

/** An instant as a reader in `timeZone` reads it: "Tuesday, November 25, 2026 at 5:00 PM GMT+1". */
export function formatInstant(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    dateStyle: 'full',
    timeStyle: 'short',
  })
    .format(at)
    .concat(` (${timeZone})`);
}

/** A calendar date (a `date` column, midnight UTC) as "November 25, 2026". */
export function formatDate(day: Date): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long' }).format(day);
}

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body
        style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; color: #1f2937; line-height: 1.5"
      >
        <div style="max-width: 560px; margin: 0 auto; padding: 24px">
          ${body}
          <p style="color: #6b7280; font-size: 12px; margin-top: 32px">
            Sent by Brokerage CRM. You can choose which notifications reach you by email in your notification
            preferences.
          </p>
        </div>
      </body>
    </html>`.value;
}

const button = (url: string, label: string): SafeHtml =>
  html`<p>
    <a
      href="${href(url)}"
      style="display: inline-block; padding: 10px 16px; background: #2563eb; color: #fff; border-radius: 6px; text-decoration: none"
      >${label}</a
    >
  </p>`;

// ---------------------------------------------------------------------------------------

export interface AssignedRecord {
  name: string;
  /** A ticket's reference (T-1042). */
  reference?: string;
}

export interface AssignmentInput {
  recipientName: string | null;
  /** Who assigned it, when a person did. */
  actorName: string | null;
  record: 'lead' | 'deal' | 'ticket';
  /** One, or several at once (a bulk assignment is one email). */
  records: readonly AssignedRecord[];
}

const label = (r: AssignedRecord): string => (r.reference ? `${r.reference}: ${r.name}` : r.name);

/** A lead, deal or ticket (or several) assigned to the recipient. */
export function assignmentEmail(input: AssignmentInput): RenderedEmail {
  const { record, records } = input;
  const first = records[0];
  const subject =
    records.length === 1 && first
      ? `${record.charAt(0).toUpperCase()}${record.slice(1)} assigned to you: ${label(first)}`
      : `${records.length} ${record}s assigned to you`;
  const by = input.actorName ? ` by ${input.actorName}` : '';
  const intro =
    records.length === 1
      ? `A ${record} was assigned to you${by}:`
      : `${records.length} ${record}s were assigned to you${by}:`;
  const text = [greeting(input.recipientName), '', intro, ...records.map((r) => `- ${label(r)}`), ''].join('\n');
  const body = html`<p>${greeting(input.recipientName)}</p>
    <p>${intro}</p>
    <ul>
      ${records.map((r) => html`<li><strong>${label(r)}</strong></li>`)}
    </ul>`;
  return { subject: oneLine(subject), text, html: layout(subject, body) };
}

// ---------------------------------------------------------------------------------------

export interface ReminderAppointment {
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
}

export interface AppointmentReminderInput {
  recipientName: string | null;
  appointment: ReminderAppointment;
  /** The organization's time zone: how the times read. */
  timeZone: string;
  /** The appointment as an iCalendar document (appointments.calendar.ts), attached as invite.ics. */
  ics: string;
}

export function appointmentReminderEmail(input: AppointmentReminderInput): RenderedEmail {
  const a = input.appointment;
  const when = formatInstant(a.startsAt, input.timeZone);
  const until = formatInstant(a.endsAt, input.timeZone);
  const subject = `Reminder: ${a.title}, ${when}`;
  const text = [
    greeting(input.recipientName),
    '',
    `Your appointment "${a.title}" starts ${when}.`,
    `Ends: ${until}`,
    ...(a.location ? [`Where: ${a.location}`] : []),
    '',
    'The attached invite.ics adds it to your calendar.',
    '',
  ].join('\n');
  const body = html`<p>${greeting(input.recipientName)}</p>
    <p>Your appointment <strong>${a.title}</strong> starts <strong>${when}</strong>.</p>
    <table style="border-collapse: collapse">
      <tr>
        <td style="padding-right: 12px; color: #6b7280">Ends</td>
        <td>${until}</td>
      </tr>
      ${
        a.location
          ? html`<tr>
              <td style="padding-right: 12px; color: #6b7280">Where</td>
              <td>${a.location}</td>
            </tr>`
          : ''
      }
    </table>
    <p>The attached <code>invite.ics</code> adds it to your calendar.</p>`;
  return {
    subject: oneLine(subject),
    text,
    html: layout(subject, body),
    attachments: [
      {
        filename: 'invite.ics',
        contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
        content: Buffer.from(input.ics, 'utf8').toString('base64'),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------

export interface OverdueActivity {
  title: string;
  type: string;
  dueDate: Date;
}

export interface OverdueDigestInput {
  recipientName: string | null;
  timeZone: string;
  /** The oldest first, at most a screenful; `total` says how many there are. */
  activities: readonly OverdueActivity[];
  total: number;
}

export function overdueDigestEmail(input: OverdueDigestInput): RenderedEmail {
  const subject = `You have ${input.total} overdue ${input.total === 1 ? 'activity' : 'activities'}`;
  const more = input.total - input.activities.length;
  const line = (a: OverdueActivity) => `${a.type}: ${a.title} (due ${formatInstant(a.dueDate, input.timeZone)})`;
  const text = [
    greeting(input.recipientName),
    '',
    `${subject}:`,
    ...input.activities.map((a) => `- ${line(a)}`),
    ...(more > 0 ? [`…and ${more} more.`] : []),
    '',
  ].join('\n');
  const body = html`<p>${greeting(input.recipientName)}</p>
    <p>${subject}:</p>
    <ul>
      ${input.activities.map((a) => html`<li>${line(a)}</li>`)}
    </ul>
    ${more > 0 ? html`<p>…and ${more} more.</p>` : ''}`;
  return { subject, text, html: layout(subject, body) };
}

// ---------------------------------------------------------------------------------------

export interface ListingExpiringInput {
  recipientName: string | null;
  listing: { title: string; address: string; expirationDate: Date };
  daysLeft: number;
}

export function listingExpiringEmail(input: ListingExpiringInput): RenderedEmail {
  const l = input.listing;
  const date = formatDate(l.expirationDate);
  const inDays = input.daysLeft <= 0 ? 'today' : input.daysLeft === 1 ? 'tomorrow' : `in ${input.daysLeft} days`;
  const subject = `Listing expires ${inDays}: ${l.title}`;
  const text = [
    greeting(input.recipientName),
    '',
    `The listing "${l.title}" (${l.address}) expires ${inDays}, on ${date}.`,
    'Renew the listing agreement or update its expiration date.',
    '',
  ].join('\n');
  const body = html`<p>${greeting(input.recipientName)}</p>
    <p>The listing <strong>${l.title}</strong> (${l.address}) expires ${inDays}, on <strong>${date}</strong>.</p>
    <p>Renew the listing agreement or update its expiration date.</p>`;
  return { subject: oneLine(subject), text, html: layout(subject, body) };
}

// ---------------------------------------------------------------------------------------

export interface TicketReplyInput {
  customerName: string | null;
  organizationName: string;
  reference: string;
  ticketTitle: string;
  /** The member's public comment. */
  comment: string;
  /** The customer view (a share link: a secret, never logged). */
  shareUrl: string;
  expiresAt: Date;
}

export function ticketReplyEmail(input: TicketReplyInput): RenderedEmail {
  const subject = `[${input.reference}] New reply: ${input.ticketTitle}`;
  const until = formatDate(input.expiresAt);
  const text = [
    greeting(input.customerName),
    '',
    `${input.organizationName} replied to your request ${input.reference} "${input.ticketTitle}":`,
    '',
    input.comment,
    '',
    `See the conversation and reply (link valid until ${until}):`,
    input.shareUrl,
    '',
  ].join('\n');
  const body = html`<p>${greeting(input.customerName)}</p>
    <p>${input.organizationName} replied to your request <strong>${input.reference}</strong> “${input.ticketTitle}”:</p>
    <blockquote style="margin: 0; padding: 8px 16px; border-left: 4px solid #d1d5db; white-space: pre-wrap">
      ${input.comment}
    </blockquote>
    ${button(input.shareUrl, 'See the conversation and reply')}
    <p style="color: #6b7280; font-size: 13px">
      This link is valid until ${until}. Do not forward this email: anyone with the link can read and reply.
    </p>`;
  return { subject: oneLine(subject), text, html: layout(subject, body) };
}

// ---------------------------------------------------------------------------------------

export interface InvitationInput {
  organizationName: string;
  inviterName: string | null;
  role: string;
  acceptUrl: string;
  expiresAt: Date;
}

export function invitationEmail(input: InvitationInput): RenderedEmail {
  const subject = `You are invited to join ${input.organizationName}`;
  const who = input.inviterName ? `${input.inviterName} invited you` : 'You were invited';
  const until = formatDate(input.expiresAt);
  const text = [
    'Hello,',
    '',
    `${who} to join ${input.organizationName} on Brokerage CRM as ${input.role}.`,
    '',
    `Accept the invitation (valid until ${until}):`,
    input.acceptUrl,
    '',
    'If you did not expect this invitation, ignore this email.',
    '',
  ].join('\n');
  const body = html`<p>Hello,</p>
    <p>${who} to join <strong>${input.organizationName}</strong> on Brokerage CRM as ${input.role}.</p>
    ${button(input.acceptUrl, 'Accept the invitation')}
    <p style="color: #6b7280; font-size: 13px">
      Valid until ${until}. If you did not expect this invitation, ignore this email.
    </p>`;
  return { subject: oneLine(subject), text, html: layout(subject, body) };
}

export interface EmailVerificationInput {
  recipientName: string | null;
  verifyUrl: string;
  /** Hours the link works. */
  validHours: number;
}

export function emailVerificationEmail(input: EmailVerificationInput): RenderedEmail {
  const subject = 'Confirm your email address for Brokerage CRM';
  const text = [
    greeting(input.recipientName),
    '',
    `Confirm that this address is yours (the link works for ${input.validHours} hours):`,
    input.verifyUrl,
    '',
    'Until you do, no organization can add you as a member. If you did not sign up, ignore this email.',
    '',
  ].join('\n');
  const body = html`<p>${greeting(input.recipientName)}</p>
    <p>Confirm that this address is yours (the link works for ${input.validHours} hours):</p>
    ${button(input.verifyUrl, 'Confirm my email address')}
    <p style="color: #6b7280; font-size: 13px">
      Until you do, no organization can add you as a member. If you did not sign up, ignore this email.
    </p>`;
  return { subject, text, html: layout(subject, body) };
}

export interface PasswordResetInput {
  recipientName: string | null;
  resetUrl: string;
  /** Minutes the link works. */
  validMinutes: number;
}

export function passwordResetEmail(input: PasswordResetInput): RenderedEmail {
  const subject = 'Reset your Brokerage CRM password';
  const text = [
    greeting(input.recipientName),
    '',
    `Someone asked to reset your password. Choose a new one within ${input.validMinutes} minutes:`,
    input.resetUrl,
    '',
    'If it was not you, ignore this email: your password stays as it is.',
    '',
  ].join('\n');
  const body = html`<p>${greeting(input.recipientName)}</p>
    <p>Someone asked to reset your password. Choose a new one within ${input.validMinutes} minutes:</p>
    ${button(input.resetUrl, 'Choose a new password')}
    <p style="color: #6b7280; font-size: 13px">If it was not you, ignore this email: your password stays as it is.</p>`;
  return { subject, text, html: layout(subject, body) };
}
