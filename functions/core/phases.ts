/** The four phases of a campaign, in order, with the names people read. */
export const PHASES = ['survey', 'deploy', 'implement', 'review'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_NAMES: Record<Phase, string> = {
  survey: '排摸',
  deploy: '部署',
  implement: '实施',
  review: '回访',
};

/** Where a campaign stands within its current phase. */
export type PhaseStatus = 'awaiting' | 'running' | 'done' | 'failed';

export const PHASE_STATUS_NAMES: Record<PhaseStatus, string> = {
  awaiting: '待启动',
  running: '进行中',
  done: '已完成',
  failed: '未完成',
};
