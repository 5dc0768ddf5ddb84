import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/config.js';
import { EmailTransport } from './email.transport.js';

describe('EmailTransport without SMTP_URL: the log transport', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-mail-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes an .eml file (owner-only) and logs the masked recipient, subject and file, never the body or the whole address', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOCAL_AUTH_JWT_SECRET: 'x'.repeat(32) });
    const transport = new EmailTransport(config);
    expect(transport.kind).toBe('log');
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const secret = 'https://api.example.test/v1/public/tickets/SECRET_TOKEN';
    await transport.send({
      id: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
      kind: 'TICKET_REPLY',
      toAddress: 'dana@example.test',
      subject: 'Your reply',
      text: `Open ${secret}`,
      html: `<a href="${secret}">open</a>`,
      attachments: [
        { filename: 'a.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR').toString('base64') },
      ],
      attempts: 1,
    });
    const files = readdirSync(join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    const file = join(dataDir, 'mail', files[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const eml = readFileSync(file, 'utf8');
    expect(eml).toContain('Subject: Your reply');
    expect(eml).toContain('To: dana@example.test');
    expect(eml).toContain('filename=a.ics');
    const lines = logged.mock.calls.map(([message]) => String(message));
    expect(lines).toEqual([expect.stringContaining('d***@example.test')]);
    expect(lines[0]).not.toContain('dana@');
    expect(lines[0]).toContain('"Your reply"');
    expect(lines[0]).toContain(file);
    expect(lines[0]).not.toContain('SECRET_TOKEN');
    logged.mockRestore();
    transport.onApplicationShutdown();
  });
});
