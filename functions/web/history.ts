import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { PHASE_NAMES, PHASE_STATUS_NAMES, PHASES, type Phase, type PhaseStatus } from '../core/phases.js';

export interface HistoryLine {
  id: number;
  at: Date | undefined;
  type: string;
  /** What happened, in zh-CN. */
  label: string;
}

const TYPE_NAMES: Record<string, string> = {
  ExecutionStarted: '工作流开始',
  ExecutionSucceeded: '工作流完成',
  ExecutionFailed: '工作流失败',
  ExecutionAborted: '工作流已停止',
  ExecutionTimedOut: '工作流超时',
  TaskScheduled: '任务已安排',
  TaskStarted: '任务开始',
  TaskSubmitted: '任务已提交',
  TaskSucceeded: '任务完成',
  TaskFailed: '任务失败',
  TaskTimedOut: '任务超时',
  TaskStartFailed: '任务启动失败',
  TaskSubmitFailed: '任务提交失败',
  LambdaFunctionScheduled: '函数已安排',
  LambdaFunctionStarted: '函数开始',
  LambdaFunctionSucceeded: '函数完成',
  LambdaFunctionFailed: '函数失败',
  LambdaFunctionTimedOut: '函数超时',
  MapStateStarted: '并行处理开始',
  MapStateSucceeded: '并行处理完成',
  MapStateFailed: '并行处理失败',
  ParallelStateStarted: '分支开始',
  ParallelStateSucceeded: '分支完成',
  ParallelStateFailed: '分支失败',
};

const isPhase = (text: string): text is Phase => (PHASES as readonly string[]).includes(text);

/** What a state of the campaign workflow is, in words (the names PhaseStep gives its states). */
export function stateLabel(name: string): string {
  let m = /^Await (\w+)$/.exec(name);
  if (m && isPhase(m[1])) return `等待协调员启动「${PHASE_NAMES[m[1]]}」`;
  m = /^Run (\w+)$/.exec(name);
  if (m && isPhase(m[1])) return `「${PHASE_NAMES[m[1]]}」阶段工作流`;
  m = /^Mark (\w+) (running|done|failed)$/.exec(name);
  if (m && isPhase(m[1])) return `记录「${PHASE_NAMES[m[1]]}」${PHASE_STATUS_NAMES[m[2] as PhaseStatus]}`;
  if (name === 'Mark campaign done') return '记录活动完成';
  if (name === 'Campaign complete') return '活动完成';
  return name;
}

function eventLabel(type: string, state: string | undefined): string {
  const entered = /StateEntered$/.test(type);
  const exited = /StateExited$/.test(type);
  if (state && entered) {
    if (/^Await \w+$/.test(state)) return `开始${stateLabel(state)}`;
    if (/^Run \w+$/.test(state)) return `${stateLabel(state)}开始运行`;
    return `进入：${stateLabel(state)}`;
  }
  if (state && exited) {
    const phase = /^Await (\w+)$/.exec(state)?.[1];
    if (phase && isPhase(phase)) return `「${PHASE_NAMES[phase]}」已由协调员启动`;
    if (/^Run \w+$/.test(state)) return `${stateLabel(state)}运行结束`;
    return `完成：${stateLabel(state)}`;
  }
  const name = TYPE_NAMES[type] ?? type;
  return state ? `${stateLabel(state)} · ${name}` : name;
}

/**
 * History events as lines people can read, newest first. Only the type, time and the state's
 * name are used: event details (inputs, parameters) are never shown, they may hold task tokens.
 */
export function historyLines(events: readonly HistoryEvent[]): HistoryLine[] {
  const stateOf = new Map<number, string>();
  const lines: HistoryLine[] = [];
  for (const e of events) {
    const id = e.id ?? 0;
    const type = String(e.type ?? '');
    const own = e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name;
    const inherited = !type.startsWith('Execution') && e.previousEventId !== undefined ? stateOf.get(e.previousEventId) : undefined;
    const state = own ?? (/StateExited$/.test(type) ? undefined : inherited);
    if (state && !/StateExited$/.test(type)) stateOf.set(id, state);
    lines.push({ id, at: e.timestamp, type, label: eventLabel(type, state) });
  }
  return lines.reverse();
}
