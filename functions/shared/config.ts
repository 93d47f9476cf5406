import { z } from 'zod';

/**
 * Reads and validates environment variables once, failing fast with every missing name.
 * Handlers call this at module load; the core never reads process.env.
 */
export function readConfig<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** Settings every function shares. */
export const baseConfig = {
  TABLE_NAME: z.string().min(1),
  /** JSON of AppSecrets, given locally; on AWS the secret is read by ARN instead. */
  APP_SECRETS: z.string().optional(),
  APP_SECRETS_ARN: z.string().optional(),
};

/** Settings of functions that send mail. */
export const mailConfig = {
  SMTP_HOST: z.string().min(1),
  SMTP_PORT: z.coerce.number().int().positive(),
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  SMTP_SECRET_ARN: z.string().optional(),
  MAIL_FROM: z.string().min(3),
  /** Where the people's links point: the HTTP API's URL. */
  PUBLIC_URL: z.string().url(),
};
