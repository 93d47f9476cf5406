import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, CreateStateMachineCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, fnArn, ROLE, tempDir } from '../support/engine.js';

const worker = path.resolve(__dirname, '../support/sfn-worker.ts');

async function startWorker(dataDir: string): Promise<{ child: ChildProcess; client: SFNClient }> {
  const child = spawn(process.execPath, ['--import', 'tsx', worker], { env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  const { url } = JSON.parse(line);
  const client = new SFNClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return { child, client };
}

const kill = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGKILL');
});

const definitions = {
  token: {
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fnArn('record-token'), Payload: { 'token.$': '$$.Task.Token' } },
        ResultPath: '$.decision', End: true,
      },
    },
  },
  map: {
    StartAt: 'Items',
    States: {
      Items: { Type: 'Pass', Parameters: { 'values.$': 'States.ArrayRange(0, 999, 1)' }, Next: 'Double' },
      Double: {
        Type: 'Map', ItemsPath: '$.values', MaxConcurrency: 10,
        ItemSelector: { 'value.$': '$$.Map.Item.Value' },
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Call', States: { Call: { Type: 'Task', Resource: fnArn('double'), End: true } } },
        End: true,
      },
    },
  },
  wait: {
    StartAt: 'Pause',
    States: { Pause: { Type: 'Wait', Seconds: 2, Next: 'Done' }, Done: { Type: 'Pass', Result: 'waited', End: true } },
  },
};

describe('crash and resume (SIGKILL of the engine process)', () => {
  const dataDir = tempDir();
  let current: ChildProcess | undefined;
  afterAll(() => {
    current?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a task token wait, a Map of 1,000 items and a Wait, all with the right output', async () => {
    let { child, client } = await startWorker(dataDir);
    current = child;
    const arns: Record<string, string> = {};
    for (const [name, definition] of Object.entries(definitions)) {
      const { stateMachineArn } = await client.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ case: name }) }));
      arns[name] = executionArn!;
    }
    const tokensFile = path.join(dataDir, 'tokens.txt');
    await eventually(() => (fs.existsSync(tokensFile) ? true : undefined), 10_000, 'the token to be recorded');
    const iterationsDone = async (c: SFNClient) => {
      let count = 0;
      let nextToken: string | undefined;
      do {
        const page = await c.send(new GetExecutionHistoryCommand({ executionArn: arns.map, maxResults: 1000, nextToken }));
        count += page.events!.filter((e) => e.type === 'MapIterationSucceeded').length;
        nextToken = page.nextToken;
      } while (nextToken);
      return count;
    };
    // Kill it in the middle of the Map.
    for (;;) {
      const done = await iterationsDone(client);
      if (done >= 100) {
        expect(done).toBeLessThan(1000);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await kill(child);
    const beforeRestart = fs.readFileSync(tokensFile, 'utf8').trim().split('\n');
    // Let the Wait fall due while the engine is down.
    await new Promise((r) => setTimeout(r, 2500));

    ({ child, client } = await startWorker(dataDir));
    current = child;
    const restartedAt = Date.now();
    const status = async (arn: string) => (await client.send(new DescribeExecutionCommand({ executionArn: arn })));
    // The Wait was due while the process was down: it fires at once.
    for (;;) {
      const d = await status(arns.wait);
      if (d.status === 'SUCCEEDED') break;
      expect(Date.now() - restartedAt).toBeLessThan(1500);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(JSON.parse((await status(arns.wait)).output!)).toBe('waited');

    // The token issued before the crash still completes its task.
    await client.send(new SendTaskSuccessCommand({ taskToken: beforeRestart[0], output: JSON.stringify({ approved: true }) }));
    for (const arn of [arns.token, arns.map]) {
      for (;;) {
        const d = await status(arn);
        if (d.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const token = await status(arns.token);
    expect(token.status).toBe('SUCCEEDED');
    expect(JSON.parse(token.output!)).toEqual({ case: 'token', decision: { approved: true } });
    const map = await status(arns.map);
    expect(map.status).toBe('SUCCEEDED');
    expect(JSON.parse(map.output!)).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2));
    expect(await iterationsDone(client)).toBe(1000);
    await kill(child);
  }, 60_000);
});
