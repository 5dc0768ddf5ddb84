// A local SMTP server for the email specs: smtp-server on 127.0.0.1 (port 0), every message
// parsed with mailparser.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpReceiver {
  url: string;
  messages: ParsedMail[];
  /** Refuse the next `n` messages with a 451 (a temporary failure the sender retries). */
  refuseNext(n: number): void;
  /** The first message to `to` matching `match`, waiting up to `timeoutMs` for it. */
  waitFor(to: string, match?: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Messages to `to` so far. */
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

const recipients = (m: ParsedMail): string[] =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

export async function startSmtp(): Promise<SmtpReceiver> {
  const messages: ParsedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to make, and nodemailer does not try STARTTLS.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      if (refusals > 0) {
        refusals--;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((m) => {
          messages.push(m);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const to = (address: string) => messages.filter((m) => recipients(m).includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuseNext: (n) => (refusals = n),
    to,
    async waitFor(address, match = () => true, timeoutMs = 15_000) {
      for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(50)) {
        const found = to(address).find(match);
        if (found) return found;
      }
      throw new Error(`No email to ${address} within ${timeoutMs} ms (got ${messages.length} in all)`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
