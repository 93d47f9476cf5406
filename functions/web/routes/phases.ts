import type { Hono } from 'hono';
import { PHASE_NAMES, PHASES, type Phase } from '../../core/phases.js';
import { passGate, reopenGate } from '../../data/gates.js';
import { loadFacts, startReasons } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { Conflict, NotFound } from '../errors.js';
import { completeTask } from '../workflows.js';
import { campaignOf } from './campaigns.js';

/** How long after its start a phase still waiting at its gate counts as a start lost before it reached the workflow. */
const LOST_START_MS = 30_000;

const isPhase = (text: string): text is Phase => (PHASES as readonly string[]).includes(text);

export function phaseRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  /**
   * Starts a phase: its preconditions, then the gate is passed once (a conditional write, so
   * a double click starts once) and the waiting workflow's task is completed.
   */
  app.post('/campaigns/:id/phases/:phase/start', async (c) => {
    const phase = c.req.param('phase');
    if (!isPhase(phase)) throw new NotFound('没有这个阶段。');
    const campaign = await campaignOf(c, deps);
    const back = `/campaigns/${campaign.id}`;
    const facts = await loadFacts(deps, campaign);
    const gate = facts.gates[phase];
    const reasons = startReasons(phase, facts);
    if (gate?.passedAt && campaign.phase === phase) {
      // Started, but the workflow still waits at the gate long after: the start was recorded and then
      // lost (the server died before telling the workflow). Told again, with the same token; a
      // token already used answers 'closed', which changes nothing. A second click just after the
      // first has nothing more to do.
      if (campaign.phaseStatus === 'awaiting' && deps.now().getTime() - Date.parse(gate.passedAt) > LOST_START_MS) {
        await completeTask(deps, gate.taskToken, { output: { startedBy: c.var.coordinator.email, at: gate.passedAt } });
      }
      return c.redirect(`${back}?notice=already-started`, 303);
    }
    if (reasons.length || !gate) throw new Conflict(`「${PHASE_NAMES[phase]}」阶段暂时不能启动，原因如下：`, reasons);

    const at = deps.now();
    if (!(await passGate(deps.table, campaign.id, phase, gate.taskToken, at))) return c.redirect(`${back}?notice=already-started`, 303);
    let sent: 'sent' | 'closed';
    try {
      sent = await completeTask(deps, gate.taskToken, { output: { startedBy: c.var.coordinator.email, at: at.toISOString() } });
    } catch (err) {
      // The workflow was not told: let the coordinator try again.
      await reopenGate(deps.table, campaign.id, phase, gate.taskToken, at);
      throw err;
    }
    if (sent === 'closed') throw new Conflict('工作流已不再等待启动此阶段（可能已超时或已被停止），请联系系统管理员。');
    return c.redirect(`${back}?notice=started`, 303);
  });
}
