/**
 * A child process for crash tests: the engine on DATA_DIR with a few registered
 * functions, served on an ephemeral port that it prints as `{"url": ...}`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../infra/local/stepfunctions/engine.js';
import { LambdaRegistry } from '../../infra/local/stepfunctions/integrations/lambda.js';
import { serve } from '../../infra/local/stepfunctions/server.js';

const dataDir = process.env.DATA_DIR!;
const lambda = new LambdaRegistry();
lambda.register('record-token', (event: { token: string }) => {
  fs.appendFileSync(path.join(dataDir, 'tokens.txt'), `${event.token}\n`);
  return { recorded: true };
});
lambda.register('double', async (event: { value: number }) => {
  await new Promise((r) => setTimeout(r, 2));
  return event.value * 2;
});

const engine = new Engine({ dataDir, lambda }).start();
const { url } = await serve(engine, 0);
process.stdout.write(`${JSON.stringify({ url })}\n`);
