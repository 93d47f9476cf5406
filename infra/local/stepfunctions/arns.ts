import { ApiError } from './errors.js';

export interface Partition {
  region: string;
  account: string;
}

const partitionOf = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : 'aws');

export const stateMachineArn = (p: Partition, name: string) =>
  `arn:${partitionOf(p.region)}:states:${p.region}:${p.account}:stateMachine:${name}`;

export const executionArn = (p: Partition, machineName: string, name: string, express: boolean) =>
  `arn:${partitionOf(p.region)}:states:${p.region}:${p.account}:${express ? 'express' : 'execution'}:${machineName}:${name}`;

export const mapRunArn = (p: Partition, machineName: string, label: string, id: string) =>
  `arn:${partitionOf(p.region)}:states:${p.region}:${p.account}:mapRun:${machineName}/${label}:${id}`;

/** Names of state machines and executions, as AWS restricts them. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80 || /[\s?*<>{}[\]"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new ApiError('InvalidName', `Invalid ${what} name: '${String(name)}'`);
  }
  return name;
}

export function machineNameOf(arn: string): string {
  return arn.split(':')[6] ?? '';
}
