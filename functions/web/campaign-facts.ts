import { PHASE_NAMES, PHASES, type Phase } from '../core/phases.js';
import type { Campaign } from '../data/campaigns.js';
import { listConflicts, type Conflict } from '../data/conflicts.js';
import { getCoverage, type CoverageReport } from '../data/coverage.js';
import { getGate, type Gate } from '../data/gates.js';
import { attemptOf, getUpload, listUploads, type ListedUpload, type Upload } from '../data/uploads.js';
import type { AppDeps } from './context.js';
import { listObjections } from '../data/objections.js';
import { listRemovals } from '../data/removals.js';
import { paymentTally, registerTally, type PaymentTally, type RegisterInputs, type RegisterTally } from './register-tally.js';
import { intakeStatus } from './workflows.js';

export type UploadState = 'processing' | 'done' | 'failed';
export const UPLOAD_STATE_NAMES: Record<UploadState, string> = { processing: '处理中', done: '已完成', failed: '处理失败' };

/** An upload as pages show it: never its rejected rows (raw ID numbers). */
export type UploadView = ListedUpload & { state: UploadState };

/** What a campaign's page and its start buttons need to know. */
export interface CampaignFacts {
  campaign: Campaign;
  gates: Partial<Record<Phase, Gate>>;
  uploads: UploadView[];
  beneficiaries: RegisterTally['beneficiaries'];
  payments: PaymentTally;
  /** Conflicts found at 排摸 close, open ones first. */
  conflicts: { list: Conflict[]; open: number; resolved: number };
  coverage?: CoverageReport;
  /** Whether the plan passes its checks, and why not (its totals are on its own page). */
  plan: Pick<RegisterTally['plan'], 'ok' | 'problems'>;
}

/**
 * The state of one upload: done once intake recorded it; failed once its latest attempt recorded a
 * failure, or if that attempt's workflow ended without recording either.
 */
export async function uploadView(deps: AppDeps, upload: ListedUpload | Upload): Promise<UploadView> {
  const { rejectedRows: _rows, ...rest } = upload as Upload;
  if (upload.processedAt) return { ...rest, state: 'done' };
  if (upload.failedAt) return { ...rest, state: 'failed' };
  const status = await intakeStatus(deps, upload);
  if (!status || status === 'RUNNING' || status === 'PENDING_REDRIVE') return { ...rest, state: 'processing' };
  // The workflow may have ended after the upload was read: what it recorded decides.
  const recorded = await getUpload(deps.table, upload.campaignId, upload.id);
  if (recorded?.processedAt && attemptOf(recorded) === attemptOf(upload)) return uploadView(deps, recorded);
  return { ...rest, state: 'failed' };
}

/** What the register's tally is keyed by (see register-tally.ts), read at once: the uploads with their states, the conflicts, the objections and the removals. */
export async function registerInputs(deps: AppDeps, campaign: Campaign): Promise<RegisterInputs & { uploads: UploadView[]; conflicts: Conflict[] }> {
  const [uploads, conflicts, objections, removals] = await Promise.all([
    listUploads(deps.table, campaign.id).then((list) => Promise.all(list.sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt)).map((u) => uploadView(deps, u)))),
    listConflicts(deps.table, campaign.id),
    listObjections(deps.table, campaign.id),
    listRemovals(deps.table, campaign.id),
  ]);
  return { uploads, conflicts, objections, removals };
}

/** The uploads and conflicts, and the register's tally they key (kept between looks, see register-tally.ts). */
export async function loadRegister(deps: AppDeps, campaign: Campaign) {
  const inputs = await registerInputs(deps, campaign);
  // Read after the uploads' states, so every row of an upload shown done is counted.
  return { uploads: inputs.uploads, conflicts: inputs.conflicts, register: await registerTally(deps.table, campaign, inputs) };
}

export async function loadFacts(deps: AppDeps, campaign: Campaign): Promise<CampaignFacts> {
  const [gateList, { uploads, conflicts, register }, coverage, payments] = await Promise.all([
    Promise.all(PHASES.map((p) => getGate(deps.table, campaign.id, p))),
    loadRegister(deps, campaign),
    getCoverage(deps.table, campaign.id),
    paymentTally(deps.table, campaign),
  ]);
  const open = conflicts.filter((c) => c.status === 'open').length;
  const gates: Partial<Record<Phase, Gate>> = {};
  PHASES.forEach((p, i) => {
    if (gateList[i]) gates[p] = gateList[i];
  });
  return {
    campaign,
    gates,
    uploads,
    beneficiaries: register.beneficiaries,
    payments,
    conflicts: {
      list: conflicts.sort((a, b) => (a.status === b.status ? a.foundAt.localeCompare(b.foundAt) || a.id.localeCompare(b.id) : a.status === 'open' ? -1 : 1)),
      open,
      resolved: conflicts.length - open,
    },
    coverage,
    plan: register.plan,
  };
}

/**
 * Whether conflicts can be resolved: once 排摸 has closed (they are found then) and until 部署
 * starts; again when an approver returns the register to the 部署 gate.
 */
export const acceptsResolutions = (campaign: Campaign, deployGate: Gate | undefined) =>
  (campaign.phase === 'survey' && campaign.phaseStatus === 'done') || (campaign.phase === 'deploy' && campaign.phaseStatus !== 'running' && !deployGate?.passedAt);

/** What each phase needs before it can start, as the start button explains it. */
export const PHASE_PRECONDITIONS: Record<Phase, readonly string[]> = {
  survey: ['至少有一个处理完成的名单文件', '没有仍在处理中的文件', '至少有一位入库的帮困对象'],
  deploy: ['至少有一位入库的帮困对象（启动后按顺序邮件通知审批人审批）', '没有待处理的互斥项目冲突', '资金计划核对通过：每个项目都有资金来源，不超预算、不超名额'],
  implement: ['「部署」阶段已完成，名单已审批通过（启动后统一发放）'],
  review: ['至少有一笔发放记录（启动后先封存随机种子并邮件发送其承诺值，再抽取回访名单发给回访人员；回访完成后由协调员结束回访）'],
};

/**
 * Why `phase` cannot be started now, in zh-CN; empty when it can. The campaign must wait at
 * that phase's gate, not yet passed, and the phase's own preconditions must hold.
 */
export function startReasons(phase: Phase, facts: CampaignFacts): string[] {
  const { campaign, gates } = facts;
  const name = PHASE_NAMES[phase];
  if (campaign.phase === 'done') return ['活动已全部完成'];
  const at = PHASES.indexOf(campaign.phase);
  const wanted = PHASES.indexOf(phase);
  if (at < wanted) return [`需先完成「${PHASE_NAMES[campaign.phase]}」阶段`];
  if (at > wanted) return [`「${name}」阶段已经完成`];

  const reasons: string[] = [];
  if (campaign.phaseStatus === 'running') reasons.push(`「${name}」阶段正在进行中`);
  else if (campaign.phaseStatus === 'done') reasons.push(`「${name}」阶段已经完成`);
  else if (campaign.phaseStatus === 'failed') reasons.push(`「${name}」阶段未完成，工作流正在回到启动点，请稍候刷新页面后重新启动`);
  const gate = gates[phase];
  if (!gate) {
    if (campaign.phaseStatus === 'awaiting') reasons.push('工作流尚未到达此阶段的启动点，请稍候刷新页面');
  } else if (gate.passedAt) reasons.push(`「${name}」阶段已经启动`);
  if (reasons.length) return reasons;

  switch (phase) {
    case 'survey': {
      const done = facts.uploads.filter((u) => u.state === 'done').length;
      const processing = facts.uploads.filter((u) => u.state === 'processing').length;
      if (done === 0) reasons.push('还没有处理完成的名单文件：请下载录入模板，填写后上传');
      if (processing > 0) reasons.push(`还有 ${processing} 个文件正在处理，请等待处理完成`);
      if (facts.beneficiaries.count === 0) reasons.push('还没有入库的帮困对象');
      break;
    }
    case 'deploy':
      if (facts.beneficiaries.count === 0) reasons.push('还没有入库的帮困对象，无法提交审批');
      if (facts.conflicts.open > 0) reasons.push(`还有 ${facts.conflicts.open} 个互斥项目冲突待处理：同一人被申报了互斥的两个项目，请在本页逐一选择保留的项目并填写原因`);
      reasons.push(...planReasons(facts.plan));
      break;
    case 'implement':
      if (!gates.deploy?.passedAt) reasons.push('「部署」阶段尚未完成（名单尚未审批通过）');
      break;
    case 'review':
      if (facts.payments.count === 0) reasons.push('还没有任何发放记录，无法抽取回访名单');
      break;
  }
  return reasons;
}

/** Problems listed one by one before the rest are counted. */
const PLAN_REASONS_SHOWN = 5;

/** Why the plan stops 部署, in zh-CN: its first problems, then how many more (all on the 资金计划 page). */
function planReasons(plan: CampaignFacts['plan']): string[] {
  if (plan.ok) return [];
  const shown = plan.problems.slice(0, PLAN_REASONS_SHOWN).map((p) => `资金计划未通过核对：${p.reason}`);
  const more = plan.problems.length - shown.length;
  return more > 0 ? [...shown, `资金计划还有 ${more} 个问题，请在「资金计划」页查看`] : shown;
}
