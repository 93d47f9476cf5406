// The local cloud stopped while a workflow is mid-way, and started again on the same data: the
// engine resumes the execution only once the functions it calls are registered, so it completes
// instead of failing with "Function not found".
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign, unitCsv } from '../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../infra/local/demo-client.js';
import { tempDir } from '../support/engine.js';

describe('the local cloud restarted in the middle of an intake', () => {
  const dataDir = tempDir('nuanliu-cloud-restart-');
  let cloud: LocalCloud | undefined;
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const intakeExecutions = (c: LocalCloud) => {
    const machine = c.engine.listStateMachines({}).stateMachines.find((m) => m.name.startsWith('IntakeWorkflow'))!;
    return c.engine.listExecutions({ stateMachineArn: machine.stateMachineArn }).executions;
  };

  it('resumes the intake after the restart and stores the list', async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
    const demo = new DemoCampaign(new DemoClient(cloud.url));
    const campaignId = await demo.create('重启测试');
    expect((await demo.client.upload(campaignId, `${DEMO.units[0]}.csv`, unitCsv(0))).status).toBe(303);
    // Stopped while the intake runs (close records nothing more, as a crash would).
    expect(intakeExecutions(cloud).map((e) => e.status)).toEqual(['RUNNING']);
    await cloud.close();

    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
    const client = new DemoClient(cloud.url);
    await client.signIn(DEMO.coordinator);
    const upload = await until('the intake to end', async () => {
      const [u] = (await client.status(campaignId)).uploads;
      return u.state === 'processing' ? undefined : u;
    });
    expect(upload).toMatchObject({ state: 'done', storedCount: DEMO.perUnit[0] - DEMO.invalidPerUnit, rejectedCount: DEMO.invalidPerUnit });
    expect(intakeExecutions(cloud).map((e) => e.status)).toEqual(['SUCCEEDED']);
  }, 240_000);
});
