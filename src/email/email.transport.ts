import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ClaimedEmail } from './email.repository.js';

/**
 * Well inside the five-minute lease a send holds its message for (email.repository.ts):
 * nodemailer's defaults (2 min to connect, 10 min of socket silence) would let a stalled
 * server outlive the lease, and a second worker send the message again.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/**
 * Where messages leave: SMTP when SMTP_URL is set, else the log transport, which writes each
 * message as an .eml file under DATA_DIR/mail/ (open it in any mail client). Either way the
 * log names only the outbox id, the masked recipient (`m***@example.com`: enough to tell two
 * apart, not a mailing list), the subject and the file or message id: bodies hold links that
 * are secrets (share links, later invitations and password resets).
 */
@Injectable()
export class EmailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(EmailTransport.name);
  private transporter?: Promise<Transporter<{ messageId?: string; message?: Buffer | unknown }>>;
  private readonly smtp: boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.smtp = Boolean(config.email.smtpUrl);
  }

  /** nodemailer is imported at the first send: a process that has sent nothing does not hold it. */
  private transport(): Promise<Transporter<{ messageId?: string; message?: Buffer | unknown }>> {
    const { smtpUrl } = this.config.email;
    return (this.transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      smtpUrl
        ? nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS })
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    ));
  }

  get kind(): 'smtp' | 'log' {
    return this.smtp ? 'smtp' : 'log';
  }

  /** Delivers one message; throws when the server refuses it (the job retries). */
  async send(email: ClaimedEmail): Promise<void> {
    const transporter = await this.transport();
    const info = await transporter.sendMail({
      from: this.config.email.from,
      to: email.toAddress,
      subject: email.subject,
      text: email.text,
      html: email.html,
      // The outbox id: a receiver (or a test) can tell a retry of one message from a second message.
      headers: { 'X-CRM-Email-Id': email.id },
      attachments: email.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
        encoding: 'base64',
      })),
    });
    if (this.smtp) {
      this.logger.log(
        `Email ${email.id} (${email.kind}) sent to ${maskAddress(email.toAddress)}: "${email.subject}" (${info.messageId ?? 'no id'})`,
      );
      return;
    }
    const file = await this.writeEml(Buffer.isBuffer(info.message) ? info.message : Buffer.alloc(0));
    this.logger.log(
      `Email ${email.id} (${email.kind}) to ${maskAddress(email.toAddress)}: "${email.subject}" written to ${file}`,
    );
  }

  private async writeEml(message: Buffer): Promise<string> {
    const dir = this.config.email.mailDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`);
    // Owner-only: the file holds the same secret links the log leaves out.
    await writeFile(file, message, { mode: 0o600 });
    return file;
  }

  async onApplicationShutdown(): Promise<void> {
    // A transport that never came up (its import or creation failed) has nothing to close.
    (await this.transporter?.catch(() => undefined))?.close();
  }
}

/** `maria@example.com` → `m***@example.com`: the domain and the first character only. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 1 ? '***' : `${address[0]}***${address.slice(at)}`;
}
