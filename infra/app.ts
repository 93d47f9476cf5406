import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { checkWithNag } from './nag.js';
import { NuanliuStack } from './stack.js';

/** Builds the CDK app; `outdir` is where it synthesizes (cdk.out by default). */
export function buildApp(options: { outdir?: string; context?: Record<string, unknown>; nag?: boolean } = {}) {
  const app = new App({ outdir: options.outdir, context: options.context });
  const ctx = (key: string, fallback: string) => String(app.node.tryGetContext(key) ?? fallback);
  const stack = new NuanliuStack(app, ctx('stackName', 'Nuanliu'), {
    env: { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT },
    smtp: {
      host: ctx('smtpHost', 'smtp.example.com'),
      port: Number(ctx('smtpPort', '465')),
      secure: ctx('smtpSecure', 'true') === 'true',
      from: ctx('mailFrom', '暖流 <noreply@example.com>'),
    },
  });
  if (options.nag ?? true) checkWithNag(app);
  return { app, stack };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  buildApp().app.synth();
}
