// What a campaign left in the store, read straight from a running local cloud's DynamoDB: the
// people stored, the payments made and the approval decisions, for comparing two runs.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { listApprovalTasks } from '../../../functions/data/approval-tasks.js';
import { getCampaign } from '../../../functions/data/campaigns.js';
import { beneficiaryKey, includedBeneficiaries } from '../../../functions/data/exclusions.js';
import { attemptOf, listPayments } from '../../../functions/data/payments.js';
import { Table } from '../../../functions/data/table.js';
import { drawCallLists, paidPopulation } from '../../../functions/steps/sampling.js';
import { localDynamoClient } from '../../../infra/local/dynamodb.js';

export interface StoreFacts {
  /** Each stored person as (phone, project, amount): the same in two runs, whatever the keyed hash. */
  people: string[];
  /** Payable people whose payment is missing, and payments of nobody payable. */
  unpaid: number;
  paidNobody: number;
  payments: number;
  paymentsNotAtFirstAttempt: number;
  tasks: number;
  tasksApproved: number;
}

async function tableAt(dynamodb: string): Promise<Table> {
  const ddb = localDynamoClient(dynamodb);
  return new Table(ddb, (await ddb.send(new ListTablesCommand({}))).TableNames![0]);
}

export async function storeFacts(dynamodb: string, campaignId: string): Promise<StoreFacts> {
  const table = await tableAt(dynamodb);
  const [people, payments, tasks] = await Promise.all([includedBeneficiaries(table, campaignId), listPayments(table, campaignId), listApprovalTasks(table, campaignId)]);
  const payable = new Set(people.map(beneficiaryKey));
  const paid = new Set(payments.map(beneficiaryKey));
  return {
    people: people.map((b) => `${b.phone}:${b.projectCode}:${b.amountFen}`).sort(),
    unpaid: [...payable].filter((k) => !paid.has(k)).length,
    paidNobody: [...paid].filter((k) => !payable.has(k)).length,
    payments: payments.length,
    paymentsNotAtFirstAttempt: payments.filter((p) => attemptOf(p) !== 1).length,
    tasks: tasks.length,
    tasksApproved: tasks.filter((t) => t.decision?.outcome === 'approved').length,
  };
}

/**
 * How many calls the campaign's revealed sampling seed gives, drawn again from its stored payments:
 * what its sample must hold (a seed of its own per campaign, so two runs' samples differ in size).
 */
export async function sampleCallsOfSeed(dynamodb: string, campaignId: string, seed: string): Promise<number> {
  const table = await tableAt(dynamodb);
  const { lists } = drawCallLists(seed, await paidPopulation(table, campaignId), (await getCampaign(table, campaignId))!);
  return Object.values(lists).reduce((n, list) => n + list.length, 0);
}
