import path from 'node:path';
import { startLocalCloud } from './cloud.js';

/** `npm start`: the whole product on this machine, kept under DATA_DIR (default .data/). */
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
console.log(`暖流 local cloud: starting (data in ${dataDir}) …`);
const cloud = await startLocalCloud({ dataDir, movableClock: process.env.NUANLIU_MOVABLE_CLOCK === '1' });
const e = cloud.endpoints;
console.log(`Web app and API   ${e.http}`);
console.log(`Health            ${e.http}/health`);
console.log(`Mailbox           ${e.mailbox}`);
console.log(`Step Functions    ${e.stepfunctions}`);
console.log(`DynamoDB          ${e.dynamodb}`);
console.log(`SMTP              ${e.smtp}`);
console.log(`Secrets Manager   ${e.secretsmanager}`);
console.log(`Sign in as ${cloud.coordinatorEmail}: ${cloud.signInUrl}`);
console.log(`Ready in ${(cloud.startupMs / 1000).toFixed(1)} s`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cloud.close().finally(() => process.exit(0));
  });
}
