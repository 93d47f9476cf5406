import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';

/** The stored secret: one master key, from which each purpose gets its own key. */
const masterSecret = z.object({ key: z.string().min(32) });

export interface AppSecrets {
  /** Signs people's links. */
  linkKey: string;
  /** Keys the hash of ID numbers used for de-duplication. */
  idHashKey: string;
  /** Seals payees' full ID numbers and bank accounts (see core/seal.ts). */
  sealKey: string;
}

const derive = (master: string, purpose: string) => createHmac('sha256', master).update(`nuanliu/${purpose}`).digest('hex');

function appSecretsFrom(value: unknown): AppSecrets {
  const { key } = masterSecret.parse(value);
  return { linkKey: derive(key, 'link'), idHashKey: derive(key, 'id-hash'), sealKey: derive(key, 'seal') };
}

const smtpSecret = z.object({ username: z.string(), password: z.string() });
export type SmtpCredentials = z.infer<typeof smtpSecret>;

let client: SecretsManagerClient | undefined;
const cache = new Map<string, Promise<unknown>>();

async function fetchSecret(arn: string): Promise<unknown> {
  client ??= new SecretsManagerClient({});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  return JSON.parse(SecretString ?? '{}');
}

function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key) as Promise<T>;
}

/** The application's keys: from APP_SECRETS (local cloud) or the secret at APP_SECRETS_ARN (AWS). */
export function getAppSecrets(env: { APP_SECRETS?: string; APP_SECRETS_ARN?: string }): Promise<AppSecrets> {
  return once('app', async () => {
    if (env.APP_SECRETS) return appSecretsFrom(JSON.parse(env.APP_SECRETS));
    if (env.APP_SECRETS_ARN) return appSecretsFrom(await fetchSecret(env.APP_SECRETS_ARN));
    throw new Error('Invalid configuration: APP_SECRETS or APP_SECRETS_ARN is required');
  });
}

/** SMTP credentials, when the server needs them. */
export function getSmtpCredentials(arn: string | undefined): Promise<SmtpCredentials | undefined> {
  return once('smtp', async () => (arn ? smtpSecret.parse(await fetchSecret(arn)) : undefined));
}
