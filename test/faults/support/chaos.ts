// Kills of the local cloud at seeded random points of a campaign's phases, each followed by a restart.
import { PHASES, type FaultPhase, type PhaseHooks } from './resilient-campaign.js';
import type { CloudProcess } from './cloud-process.js';

/** mulberry32: a small seeded PRNG, in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a kill is planned: a phase, and a fraction of that phase's uninterrupted duration. */
export interface PlannedKill {
  phase: FaultPhase;
  fraction: number;
}

/** `kills` kills, at least one per phase when there are enough, the rest in random phases; in phase order, fractions ascending. */
export function planKills(seed: number, kills: number): PlannedKill[] {
  const random = prng(seed);
  const phases: FaultPhase[] = PHASES.slice(0, Math.min(kills, PHASES.length));
  while (phases.length < kills) phases.push(PHASES[Math.floor(random() * PHASES.length)]);
  return phases
    .map((phase) => ({ phase, fraction: Math.round(random() * 1000) / 1000 }))
    .sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || a.fraction - b.fraction);
}

/** A kill as it happened: when, and what the campaign looked like just before. */
export interface Kill extends PlannedKill {
  msIntoPhase: number;
  /** Killed when the phase's steps had already ended (its kill came later than the phase). */
  atPhaseEnd: boolean;
  before: string;
  restartMs: number;
}

/**
 * Phase hooks that kill the cloud at the planned points: each kill of a phase `fraction ×
 * phaseMs[phase]` after the phase began or the previous restart ended (so a restart does not eat
 * the next kill's time); kills not yet made when the phase's steps end are made then.
 */
export class Chaos implements PhaseHooks {
  readonly kills: Kill[] = [];
  /** Called just before each kill (e.g. to note the mail sent so far). */
  beforeKill: (phase: FaultPhase) => Promise<void> = async () => undefined;
  private running = new Map<FaultPhase, { done: Promise<void>; hurry: () => void }>();

  constructor(
    private readonly cloud: CloudProcess,
    private readonly plan: PlannedKill[],
    private readonly phaseMs: Record<FaultPhase, number>,
    private readonly snapshot: () => Promise<string>,
    private readonly log: (line: string) => void,
  ) {}

  enter(phase: FaultPhase): void {
    let hurried = false;
    let wake = () => undefined as void;
    const entered = Date.now();
    const pause = (ms: number) => new Promise<void>((resolve) => {
      if (hurried) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });
    const done = (async () => {
      let previous = 0;
      for (const planned of this.plan.filter((k) => k.phase === phase)) {
        await pause((planned.fraction - previous) * this.phaseMs[phase]);
        previous = planned.fraction;
        await this.beforeKill(phase).catch(() => undefined);
        const before = await Promise.race([this.snapshot().catch((err: Error) => `unreadable: ${err.message}`), new Promise<string>((r) => setTimeout(() => r('no answer in 1 s'), 1000))]);
        const msIntoPhase = Date.now() - entered;
        const atPhaseEnd = hurried;
        await this.cloud.kill();
        const restarting = Date.now();
        await this.cloud.start();
        const kill = { ...planned, msIntoPhase, atPhaseEnd, before, restartMs: Date.now() - restarting };
        this.kills.push(kill);
        this.log(`kill ${this.kills.length}: ${phase} +${msIntoPhase} ms${atPhaseEnd ? ' (at its end)' : ''}, ${before}; restarted in ${kill.restartMs} ms`);
      }
    })();
    this.running.set(phase, { done, hurry: () => ((hurried = true), wake()) });
  }

  async leave(phase: FaultPhase): Promise<void> {
    const run = this.running.get(phase);
    run?.hurry();
    await run?.done;
  }
}
