import { Table } from '../data/table.js';
import { dynamodb } from './clients.js';
import { baseConfig, mailConfig, readConfig } from './config.js';
import { smtpMailer } from './mailer.js';
import { getAppSecrets } from './secrets.js';

/** The table, from TABLE_NAME. */
export function tableFromEnv(): Table {
  return new Table(dynamodb, readConfig(baseConfig).TABLE_NAME);
}

/** Table, mail and keys for the steps that email people links. */
export function mailingDepsFromEnv() {
  const config = readConfig({ ...baseConfig, ...mailConfig });
  return {
    config,
    table: new Table(dynamodb, config.TABLE_NAME),
    sendMail: smtpMailer(config),
    publicUrl: config.PUBLIC_URL.replace(/\/$/, ''),
    secrets: () => getAppSecrets(config),
  };
}
