/**
 * `npm run bench:engine`: the local Step Functions engine against aws-local-stepfunctions,
 * each run in its own process. Prints medians over BENCH_RUNS runs (default 5); the last
 * line is one JSON object with every figure.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const script = path.join(import.meta.dirname, 'engine-scenarios.ts');

interface Sample {
  ms: number;
  units: number;
  maxRssMb: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure(label: string, args: string[], runs = RUNS) {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    samples.push(JSON.parse(out.trim().split('\n').pop()!));
    process.stderr.write(`  ${label}: run ${i + 1}/${runs}\n`);
  }
  const perSecond = median(samples.map((s) => (s.units / s.ms) * 1000));
  const rss = median(samples.map((s) => s.maxRssMb));
  console.log(`${label.padEnd(48)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)}/s   peak RSS ${rss.toFixed(0)} MB`);
  return { perSecond: Math.round(perSecond), peakRssMb: Math.round(rss), runs };
}

console.log(`Engine benchmark: medians of ${RUNS} runs, Node ${process.version}`);
const loopUnits = 'transitions';
const figures = {
  loop: {
    unit: loopUnits,
    durable: measure('Pass/Choice loop, 100,000 transitions, durable', ['loop', 'nuanliu', 'durable']),
    memory: measure('Pass/Choice loop, 100,000 transitions, in memory', ['loop', 'nuanliu', 'memory']),
    awsLocalStepFunctions: measure('  same on aws-local-stepfunctions', ['loop', 'aws-local-stepfunctions', 'memory']),
  },
  map: {
    unit: 'items',
    durable: measure('Map of 10,000 items calling a function, durable', ['map', 'nuanliu', 'durable']),
    memory: measure('Map of 10,000 items calling a function, in memory', ['map', 'nuanliu', 'memory']),
    awsLocalStepFunctions: measure('  same on aws-local-stepfunctions', ['map', 'aws-local-stepfunctions', 'memory']),
  },
  map100k: measure('Map of 100,000 items, durable', ['map', 'nuanliu', 'durable', '100000'], Math.min(RUNS, 3)),
};
const ratios = {
  loopMemoryVsAwsLocalStepFunctions: +(figures.loop.memory.perSecond / figures.loop.awsLocalStepFunctions.perSecond).toFixed(2),
  mapMemoryVsAwsLocalStepFunctions: +(figures.map.memory.perSecond / figures.map.awsLocalStepFunctions.perSecond).toFixed(2),
  loopDurableVsMemory: +(figures.loop.durable.perSecond / figures.loop.memory.perSecond).toFixed(2),
};
console.log(`in-memory speed vs aws-local-stepfunctions: loop x${ratios.loopMemoryVsAwsLocalStepFunctions}, map x${ratios.mapMemoryVsAwsLocalStepFunctions}`);
const targets = {
  durableAtLeast10kTransitionsPerSecond: figures.loop.durable.perSecond >= 10_000,
  memoryNoSlowerThanAwsLocalStepFunctions: ratios.loopMemoryVsAwsLocalStepFunctions >= 1 && ratios.mapMemoryVsAwsLocalStepFunctions >= 1,
  map100kUnder500MbRss: figures.map100k.peakRssMb < 500,
};
console.log(JSON.stringify({ runs: RUNS, node: process.version, ...figures, ratios, targets }));
