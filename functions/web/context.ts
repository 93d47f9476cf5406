import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Table } from '../data/table.js';
import type { SendMail } from '../shared/mailer.js';
import type { AppSecrets } from '../shared/secrets.js';

/** What the web app needs from the outside world; tests pass real local services. */
export interface WebDeps {
  table: Table;
  sfn: SFNClient;
  sendMail: SendMail;
  secrets: () => Promise<AppSecrets>;
  campaignWorkflowArn: string;
  intakeWorkflowArn: string;
  /**
   * The address people's emailed links point at (PUBLIC_URL). Without it the request's own
   * origin is used, which is fine behind API Gateway but trusts the Host header.
   */
  publicUrl?: string;
  now?: () => Date;
}

/** Dependencies with the defaults filled in. */
export type AppDeps = Required<Omit<WebDeps, 'publicUrl'>> & Pick<WebDeps, 'publicUrl'>;

/** Hono environment: the signed-in coordinator, once the session middleware has run. */
export interface WebEnv {
  Variables: {
    coordinator: { email: string; name: string; sessionId: string };
  };
}
