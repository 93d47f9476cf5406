import { PHASE_NAMES, PHASES, type Phase } from '../core/phases.js';
import { listBeneficiaries } from '../data/beneficiaries.js';
import type { Campaign } from '../data/campaigns.js';
import { getGate, type Gate } from '../data/gates.js';
import { listPayments } from '../data/payments.js';
import { listUploads, type Upload } from '../data/uploads.js';
import type { AppDeps } from './context.js';
import { intakeStatus } from './workflows.js';

export type UploadState = 'processing' | 'done' | 'failed';
export const UPLOAD_STATE_NAMES: Record<UploadState, string> = { processing: '处理中', done: '已完成', failed: '处理失败' };

/** An upload as pages show it: never its content (raw ID numbers). */
export type UploadView = Omit<Upload, 'content'> & { state: UploadState };

export interface ProjectTotal {
  code: string;
  name: string;
  count: number;
  totalFen: number;
}

/** What a campaign's page and its start buttons need to know. */
export interface CampaignFacts {
  campaign: Campaign;
  gates: Partial<Record<Phase, Gate>>;
  uploads: UploadView[];
  beneficiaries: { count: number; totalFen: number; projects: ProjectTotal[] };
  payments: { count: number; totalFen: number };
}

/** The state of one upload: done once intake recorded it; failed if its workflow ended without that. */
export async function uploadView(deps: AppDeps, upload: Upload): Promise<UploadView> {
  const { content: _content, ...rest } = upload;
  if (upload.processedAt) return { ...rest, state: 'done' };
  const status = await intakeStatus(deps, upload.campaignId, upload.id);
  return { ...rest, state: status && status !== 'RUNNING' && status !== 'PENDING_REDRIVE' ? 'failed' : 'processing' };
}

export async function loadFacts(deps: AppDeps, campaign: Campaign): Promise<CampaignFacts> {
  const [gateList, uploads, beneficiaries, payments] = await Promise.all([
    Promise.all(PHASES.map((p) => getGate(deps.table, campaign.id, p))),
    listUploads(deps.table, campaign.id),
    listBeneficiaries(deps.table, campaign.id),
    listPayments(deps.table, campaign.id),
  ]);
  const gates: Partial<Record<Phase, Gate>> = {};
  PHASES.forEach((p, i) => {
    if (gateList[i]) gates[p] = gateList[i];
  });
  const projects = campaign.projects.map((p) => {
    const mine = beneficiaries.filter((b) => b.projectCode === p.code);
    return { code: p.code, name: p.name, count: mine.length, totalFen: mine.reduce((n, b) => n + b.amountFen, 0) };
  });
  return {
    campaign,
    gates,
    uploads: await Promise.all(uploads.sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt)).map((u) => uploadView(deps, u))),
    beneficiaries: { count: beneficiaries.length, totalFen: beneficiaries.reduce((n, b) => n + b.amountFen, 0), projects },
    payments: { count: payments.length, totalFen: payments.reduce((n, p) => n + p.amountFen, 0) },
  };
}

/** Whether uploads are accepted: only while the campaign waits at the 排摸 gate. */
export const acceptsUploads = (campaign: Campaign, surveyGate: Gate | undefined) =>
  campaign.phase === 'survey' && campaign.phaseStatus === 'awaiting' && !surveyGate?.passedAt;

/** What each phase needs before it can start, as the start button explains it. */
export const PHASE_PRECONDITIONS: Record<Phase, readonly string[]> = {
  survey: ['至少有一个处理完成的名单文件', '没有仍在处理中的文件', '至少有一位入库的帮困对象'],
  deploy: ['至少有一位入库的帮困对象（启动后按顺序邮件通知审批人审批）'],
  implement: ['「部署」阶段已完成，名单已审批通过（启动后统一发放）'],
  review: ['至少有一笔发放记录（启动后随机抽取回访名单，邮件发给回访人员）'],
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
  else if (campaign.phaseStatus === 'failed') reasons.push(`「${name}」阶段未通过，工作流正在回到启动点，请稍候刷新页面`);
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
