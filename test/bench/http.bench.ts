/**
 * `npm run bench:http`: the pages people open from their mail, under load from a second process on
 * loopback. The demo campaign runs on a fresh local cloud through its pages; while its lists wait for
 * the first approver, the load generator (test/support/load/http-load.ts, its own process, keep-alive
 * connections) GETs the pending approval pages; once 回访 has started, the callback staff's list page.
 * HTTP_BENCH_SECONDS per page (default 60), HTTP_BENCH_CONNECTIONS (default 32).
 *
 * Each page's figures are printed as they come (p50/p95/p99/max latency in ms, requests/s, statuses,
 * 5xx and connection errors); the last line is one JSON object with both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign } from '../../infra/local/demo-campaign.js';
import { DemoClient } from '../../infra/local/demo-client.js';
import { approvalLinks, callbackLinkOf } from '../support/load/campaign-pages.js';
import { loadFromChildProcess } from '../support/load/spawn-load.js';

const SECONDS = Number(process.env.HTTP_BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.HTTP_BENCH_CONNECTIONS ?? 32);

console.log(`HTTP load benchmark: ${CONNECTIONS} keep-alive connections from a second process, ${SECONDS} s per page; Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-bench-http-'));
const cloud = await startLocalCloud({ dataDir, ephemeralPorts: true, movableClock: true });
try {
  const demo = new DemoCampaign(new DemoClient(cloud.url));
  await demo.create('负载基准');
  const surveyed = await demo.survey();
  await demo.startDeploy();
  const links = await approvalLinks(demo.client, DEMO.approvers[0], DEMO.units.length);
  const approval = await loadFromChildProcess({ urls: links.map((l) => `${cloud.url}${l}`), seconds: SECONDS, connections: CONNECTIONS });
  console.log(`  approval page (${links.length} pending lists of ${surveyed.beneficiaries.count} beneficiaries): ${JSON.stringify(approval)}`);

  await demo.approve(DEMO.approvers[0]);
  await demo.passPostings();
  await demo.approve(DEMO.approvers[1]);
  await demo.implement();
  const callbackLink = await callbackLinkOf(demo);
  const callback = await loadFromChildProcess({ urls: [`${cloud.url}${callbackLink}`], seconds: SECONDS, connections: CONNECTIONS });
  console.log(`  callback page: ${JSON.stringify(callback)}`);

  const failed = demo.checks.filter((c) => !c.ok).map((c) => c.what);
  if (failed.length) throw new Error(`the campaign went wrong: ${failed.join('; ')}`);
  console.log(JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, beneficiaries: surveyed.beneficiaries.count, approval, callback }));
} finally {
  await cloud.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
