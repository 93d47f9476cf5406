import type { ChainStep } from '../data/approval-chains.js';
import type { ApprovalMailKind } from '../mail/messages.js';
import { applyRecordedDecision, issueWait, planStep, unitChains, type ApprovalDeps } from './approval.js';
import { awaitUnitResubmission } from './resubmission.js';

type Ref = { campaignId: string; unit: string; round: number; step: number };

/** What the deploy workflow asks of the approval function, by `action`. */
export type ApprovalAction =
  | { action: 'units'; campaignId: string }
  | ({ action: 'plan'; steps: number; config: ChainStep } & Ref)
  | ({ action: 'wait'; kind: ApprovalMailKind; taskToken: string } & Ref)
  | ({ action: 'apply' } & Ref)
  | { action: 'resubmission'; campaignId: string; unit: string; round: number; taskToken: string };

export function runApprovalAction(event: ApprovalAction, deps: ApprovalDeps) {
  switch (event.action) {
    case 'units':
      return unitChains(event, deps);
    case 'plan':
      return planStep(event, deps);
    case 'wait':
      return issueWait(event, deps);
    case 'apply':
      return applyRecordedDecision(event, deps);
    case 'resubmission':
      return awaitUnitResubmission(event, deps);
  }
}
