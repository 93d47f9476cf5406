import nodemailer, { type Transporter } from 'nodemailer';
import { getSmtpCredentials } from './secrets.js';

export interface MailSettings {
  SMTP_HOST: string;
  SMTP_PORT: number;
  SMTP_SECURE: 'true' | 'false';
  SMTP_SECRET_ARN?: string;
  MAIL_FROM: string;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendMail = (mail: Mail) => Promise<void>;

/** Mail over SMTP: works in every region, China's included, where SES is absent. */
export function smtpMailer(settings: MailSettings): SendMail {
  let transport: Promise<Transporter> | undefined;
  const open = async () => {
    const credentials = await getSmtpCredentials(settings.SMTP_SECRET_ARN);
    return nodemailer.createTransport({
      host: settings.SMTP_HOST,
      port: settings.SMTP_PORT,
      secure: settings.SMTP_SECURE === 'true',
      auth: credentials ? { user: credentials.username, pass: credentials.password } : undefined,
    });
  };
  return async (mail) => {
    transport ??= open();
    await (await transport).sendMail({ from: settings.MAIL_FROM, ...mail });
  };
}
