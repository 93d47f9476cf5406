import middy from '@middy/core';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { z } from 'zod';
import { Table } from '../data/table.js';
import { dynamodb, sfn } from '../shared/clients.js';
import { baseConfig, mailConfig, readConfig } from '../shared/config.js';
import { smtpMailer } from '../shared/mailer.js';
import { getAppSecrets } from '../shared/secrets.js';
import { createApp } from '../web/app.js';

const config = readConfig({
  ...baseConfig,
  ...mailConfig,
  CAMPAIGN_WORKFLOW_ARN: z.string().startsWith('arn:'),
  INTAKE_WORKFLOW_ARN: z.string().startsWith('arn:'),
});

const app = createApp({
  table: new Table(dynamodb, config.TABLE_NAME),
  sfn,
  sendMail: smtpMailer(config),
  secrets: () => getAppSecrets(config),
  campaignWorkflowArn: config.CAMPAIGN_WORKFLOW_ARN,
  intakeWorkflowArn: config.INTAKE_WORKFLOW_ARN,
  publicUrl: config.PUBLIC_URL,
});

const serve = handle(app);

/** The HTTP API's one function: every page and form of the product. */
export const handler = middy<LambdaEvent, Awaited<ReturnType<typeof serve>>>().handler((event, context) => serve(event, context));
