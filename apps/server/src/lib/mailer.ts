/**
 * Outgoing mail. With `SMTP_URL` set, nodemailer's SMTP transport; otherwise (local mode) every
 * message is written as an `.eml` file into `<dataDir>/outbox` and its text is logged, so a
 * newcomer can follow a magic link without a mail server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import { newId } from './ids.ts';
import { lazyImport } from './lazy.ts';

/** nodemailer (about 0.65 MB of JavaScript) is loaded by the first message, not at start. */
const loadNodemailer = lazyImport('nodemailer', async () => (await import('nodemailer')).default);

/** One message to send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends mail; tests read `sent`. */
export interface Mailer {
  send(msg: MailMessage): Promise<void>;
  /** Messages sent by this process (newest last), for tests and the local log. */
  readonly sent: MailMessage[];
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  smtpUrl?: string;
  from: string;
  /** Folder for `.eml` files when there is no SMTP server. */
  outboxDir?: string;
  log?: (msg: MailMessage) => void;
}

/** Creates the mailer for the configuration (SMTP, or a local outbox folder). */
export function createMailer(opts: MailerOptions): Mailer {
  const sent: MailMessage[] = [];
  // Both transports are created with the first message that needs them.
  let smtp: Transporter | undefined;
  let builder: Transporter | undefined;
  return {
    sent,
    async send(msg) {
      sent.push(msg);
      if (sent.length > 1000) sent.shift();
      const mail = { from: opts.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html };
      if (opts.smtpUrl) {
        smtp ??= (await loadNodemailer()).createTransport(opts.smtpUrl);
        await smtp.sendMail(mail);
        return;
      }
      opts.log?.(msg);
      if (opts.outboxDir) {
        builder ??= (await loadNodemailer()).createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
        const info = await builder.sendMail(mail);
        mkdirSync(opts.outboxDir, { recursive: true, mode: 0o700 });
        const file = path.join(opts.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${newId()}.eml`);
        writeFileSync(file, info.message as Buffer, { mode: 0o600 });
        // The .eml is MIME-encoded (quoted-printable); a plain copy is easier to read and copy from.
        writeFileSync(file.replace(/\.eml$/, '.txt'), `To: ${msg.to}\nSubject: ${msg.subject}\n\n${msg.text}\n`, { mode: 0o600 });
      }
    },
  };
}
