import { describe, expect, it } from '@jest/globals';
import { escapeHtml, href, html } from './html.js';
import {
  appointmentReminderEmail,
  assignmentEmail,
  emailVerificationEmail,
  invitationEmail,
  listingExpiringEmail,
  overdueDigestEmail,
  passwordResetEmail,
  ticketReplyEmail,
} from './templates.js';

const HOSTILE = `<img src=x onerror="alert('x')"> & co`;
const ESCAPED = '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co';

describe('html``', () => {
  it('escapes every interpolated value, keeps nested fragments, drops null', () => {
    const item = (s: string) => html`<li>${s}</li>`;
    // Aliased: Prettier would reformat an html`` literal as HTML, adding whitespace.
    const h = html;
    const list = h`<ul>${[HOSTILE, 'b'].map(item)}</ul>`;
    expect(html`${list}${null}${undefined}`.value).toBe(`<ul><li>${ESCAPED}</li><li>b</li></ul>`);
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('lets only http(s) and path URLs into an href', () => {
    expect(href('https://x.test/a?b=1&c="2"').value).toBe('https://x.test/a?b=1&amp;c=&quot;2&quot;');
    expect(href('/v1/public/tickets/abc').value).toBe('/v1/public/tickets/abc');
    expect(href('javascript:alert(1)').value).toBe('#');
    expect(href('//evil.test/x').value).toBe('#');
    expect(href('/\\evil.test/x').value).toBe('#');
  });
});

describe('email templates', () => {
  it('assignment: one record, or several in one message; escaped in HTML, plain in text', () => {
    const one = assignmentEmail({
      recipientName: HOSTILE,
      actorName: 'Ana',
      record: 'lead',
      records: [{ name: HOSTILE }],
    });
    expect(one.subject).toBe(`Lead assigned to you: ${HOSTILE}`);
    expect(one.text).toContain(`Hi ${HOSTILE},`);
    expect(one.text).toContain('A lead was assigned to you by Ana:');
    expect(one.html).toContain(ESCAPED);
    expect(one.html).not.toContain('<img');
    const many = assignmentEmail({
      recipientName: null,
      actorName: null,
      record: 'ticket',
      records: [{ name: 'Leak', reference: 'T-7' }, { name: 'Door' }],
    });
    expect(many.subject).toBe('2 tickets assigned to you');
    expect(many.text).toContain('Hello,');
    expect(many.text).toContain('- T-7: Leak\n- Door');
  });

  it('keeps subjects on one line', () => {
    const e = assignmentEmail({
      recipientName: null,
      actorName: null,
      record: 'deal',
      records: [{ name: 'a\r\nBcc: x@y' }],
    });
    expect(e.subject).toBe('Deal assigned to you: a Bcc: x@y');
  });

  it('appointment reminder: times in the organization’s zone, the .ics attached as base64', () => {
    const e = appointmentReminderEmail({
      recipientName: 'Sam',
      appointment: {
        title: 'Showing <3>',
        startsAt: new Date('2026-11-25T17:00:00Z'),
        endsAt: new Date('2026-11-25T18:00:00Z'),
        location: 'Oak & Pine',
      },
      timeZone: 'Europe/Madrid',
      ics: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    });
    expect(e.subject).toBe('Reminder: Showing <3>, Wednesday, November 25, 2026 at 6:00 PM (Europe/Madrid)');
    expect(e.text).toContain('Where: Oak & Pine');
    expect(e.html).toContain('Showing &lt;3&gt;');
    expect(e.html).toContain('Oak &amp; Pine');
    expect(e.attachments).toEqual([
      {
        filename: 'invite.ics',
        contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
        content: Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n').toString('base64'),
      },
    ]);
  });

  it('overdue digest: counts, lists, says how many more', () => {
    const e = overdueDigestEmail({
      recipientName: null,
      timeZone: 'UTC',
      activities: [{ title: '<Call>', type: 'CALL', dueDate: new Date('2026-11-20T09:00:00Z') }],
      total: 3,
    });
    expect(e.subject).toBe('You have 3 overdue activities');
    expect(e.text).toContain('- CALL: <Call> (due Friday, November 20, 2026 at 9:00 AM (UTC))');
    expect(e.text).toContain('…and 2 more.');
    expect(e.html).toContain('&lt;Call&gt;');
  });

  it('listing expiring: days left in words', () => {
    const listing = { title: 'Villa', address: '1 Main St', expirationDate: new Date('2026-12-20T00:00:00Z') };
    expect(listingExpiringEmail({ recipientName: null, listing, daysLeft: 14 }).subject).toBe(
      'Listing expires in 14 days: Villa',
    );
    expect(listingExpiringEmail({ recipientName: null, listing, daysLeft: 1 }).subject).toBe(
      'Listing expires tomorrow: Villa',
    );
    expect(listingExpiringEmail({ recipientName: null, listing, daysLeft: 0 }).text).toContain('on December 20, 2026');
  });

  it('ticket reply: the comment, and the share link as text and as a button', () => {
    const url = 'https://api.example.test/v1/public/tickets/abc_DEF-123';
    const e = ticketReplyEmail({
      customerName: 'Dana',
      organizationName: 'Harbor & Co',
      reference: 'T-12',
      ticketTitle: 'Leak',
      comment: 'See you <Thursday>',
      shareUrl: url,
      expiresAt: new Date('2026-12-01T00:00:00Z'),
    });
    expect(e.subject).toBe('[T-12] New reply: Leak');
    expect(e.text).toContain(
      `See you <Thursday>\n\nSee the conversation and reply (link valid until December 1, 2026):\n${url}`,
    );
    expect(e.html).toContain(`href="${url}"`);
    expect(e.html).toContain('Harbor &amp; Co');
    expect(e.html).toContain('See you &lt;Thursday&gt;');
  });

  it('invitation and password reset', () => {
    const invite = invitationEmail({
      organizationName: 'Harbor <Realty>',
      inviterName: 'Ana',
      role: 'AGENT',
      acceptUrl: 'https://app.example.test/invite?t=secret',
      expiresAt: new Date('2026-12-01T00:00:00Z'),
    });
    expect(invite.subject).toBe('You are invited to join Harbor <Realty>');
    expect(invite.text).toContain('Ana invited you to join Harbor <Realty> on Brokerage CRM as AGENT.');
    expect(invite.text).toContain('https://app.example.test/invite?t=secret');
    expect(invite.html).toContain('Harbor &lt;Realty&gt;');
    expect(invite.html).toContain('href="https://app.example.test/invite?t=secret"');

    const reset = passwordResetEmail({
      recipientName: 'Sam',
      resetUrl: 'https://app.example.test/reset?t=s',
      validMinutes: 30,
    });
    expect(reset.subject).toBe('Reset your Brokerage CRM password');
    expect(reset.text).toContain('within 30 minutes:\nhttps://app.example.test/reset?t=s');
    expect(reset.html).toContain('href="https://app.example.test/reset?t=s"');
  });

  it('email verification', () => {
    const verify = emailVerificationEmail({
      recipientName: HOSTILE,
      verifyUrl: 'https://app.example.test/verify-email?token=abc_-1',
      validHours: 24,
    });
    expect(verify.subject).toBe('Confirm your email address for Brokerage CRM');
    expect(verify.text).toContain('(the link works for 24 hours):\nhttps://app.example.test/verify-email?token=abc_-1');
    expect(verify.html).toContain('href="https://app.example.test/verify-email?token=abc_-1"');
    expect(verify.html).toContain(ESCAPED);
    expect(verify.html).not.toContain('<img');
  });
});
