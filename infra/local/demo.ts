/**
 * `npm run demo`: a small campaign against a running local cloud (NUANLIU_URL), acting only
 * through what people use: the HTTP pages and the links in the mailbox. Exit 0 only if every
 * check holds.
 */
import { runDemoCampaign } from './demo-campaign.js';

const base = (process.env.NUANLIU_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
console.log(`Demo campaign against ${base}`);
try {
  const r = await runDemoCampaign(base, console.log);
  console.log(
    `\nSummary: ${r.beneficiaries} beneficiaries, ${r.rejected} rejected rows, ${r.payments} payments (¥${(r.paidFen / 100).toFixed(2)}), ` +
      `sample ${r.sample?.size} of ${r.sample?.population} (seed commitment ${r.sample?.commitment.slice(0, 16)}…). ${r.seconds.toFixed(1)} s.`,
  );
  console.log(JSON.stringify(r));
  process.exit(r.ok ? 0 : 1);
} catch (err) {
  console.error(`✗ ${(err as Error).message}`);
  process.exit(1);
}
