import fs from 'node:fs';
import path from 'node:path';
import type { FunctionConfig } from './lambda-host.js';
import { functionNameOf } from './stepfunctions/integrations/lambda.js';
import { TemplateError, type LocalTemplate } from './template.js';

/** What the local cloud runs from a template: tables, functions, state machines and the HTTP API. */

const TABLE_TYPES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

export interface TableSpec {
  logicalId: string;
  type: 'AWS::DynamoDB::Table' | 'AWS::DynamoDB::GlobalTable';
  tableName: string;
  arn: string;
  properties: Record<string, any>;
}

export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** The ASL definition, DefinitionSubstitutions applied. */
  definition: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
}

export interface HttpApiSpec {
  logicalId: string;
  apiId: string;
  /** Each route (`$default`, `ANY /{proxy+}`, `GET /items/{id}`) and the function behind it. */
  routes: { routeKey: string; functionName: string }[];
}

export function dynamoTables(t: LocalTemplate): TableSpec[] {
  return TABLE_TYPES.flatMap((type) =>
    t.resources(type).map((r) => {
      const at = `Resources.${r.logicalId}`;
      return { logicalId: r.logicalId, type: type as TableSpec['type'], tableName: t.ref(r.logicalId, at), arn: t.getAtt(r.logicalId, 'Arn', at), properties: r.properties };
    }),
  );
}

/** Node.js functions with their code directory in the assembly, environment and timeout. */
export function lambdaFunctions(t: LocalTemplate): FunctionConfig[] {
  return t.logicalIds('AWS::Lambda::Function').map((id) => {
    const at = `Resources.${id}.Properties`;
    const runtime = t.property(id, 'Runtime');
    if (t.property(id, 'PackageType') === 'Image') throw new TemplateError(`${at}.PackageType`, 'container image functions are not supported by the local cloud');
    if (typeof runtime !== 'string' || !runtime.startsWith('nodejs')) throw new TemplateError(`${at}.Runtime`, `runtime ${String(runtime)} is not supported by the local cloud (Node.js only)`);
    if (t.property(id, 'Layers') !== undefined) throw new TemplateError(`${at}.Layers`, 'layers are not supported by the local cloud');
    const variables = (t.property(id, 'Environment')?.Variables ?? {}) as Record<string, unknown>;
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(variables)) environment[k] = t.string(v, `${at}.Environment.Variables.${k}`);
    const handler = t.property(id, 'Handler');
    if (typeof handler !== 'string') throw new TemplateError(`${at}.Handler`, 'a handler is required');
    return {
      name: t.ref(id, at),
      arn: t.getAtt(id, 'Arn', at),
      codeDir: codeDir(t, id),
      handler,
      environment,
      timeoutSeconds: Number(t.property(id, 'Timeout') ?? 3),
      memoryMb: Number(t.property(id, 'MemorySize') ?? 128),
    };
  });
}

/** A function's code: the `aws:asset:path` metadata, or the asset manifest entry whose objectKey is its S3Key. */
function codeDir(t: LocalTemplate, id: string): string {
  const at = `Resources.${id}.Properties.Code`;
  const assemblyDir = t.options.assemblyDir;
  if (!assemblyDir) throw new TemplateError(at, 'options.assemblyDir (cdk.out) is needed to find function code');
  const code = t.property(id, 'Code') as Record<string, unknown>;
  if (code.ZipFile !== undefined) throw new TemplateError(`${at}.ZipFile`, 'inline code is not supported by the local cloud; use an asset');
  const metaPath = t.raw(id).Metadata?.['aws:asset:path'];
  let source = typeof metaPath === 'string' ? metaPath : undefined;
  for (const file of source ? [] : fs.readdirSync(assemblyDir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8')) as { files?: Record<string, any> };
    for (const asset of Object.values(manifest.files ?? {})) {
      const keys = Object.values(asset.destinations ?? {}).map((d: any) => d.objectKey);
      if (keys.includes(code.S3Key)) source = asset.source?.path;
    }
  }
  if (!source) throw new TemplateError(at, `no asset in ${assemblyDir} holds S3Key ${String(code.S3Key)}`);
  const dir = path.resolve(assemblyDir, source);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new TemplateError(at, `asset ${dir} is not a directory`);
  return dir;
}

export function stateMachines(t: LocalTemplate): StateMachineSpec[] {
  return t.logicalIds('AWS::StepFunctions::StateMachine').map((id) => {
    const at = `Resources.${id}.Properties`;
    if (t.raw(id).Properties?.DefinitionS3Location !== undefined) {
      throw new TemplateError(`${at}.DefinitionS3Location`, 'definitions in S3 are not supported by the local cloud');
    }
    const string = t.property(id, 'DefinitionString');
    const object = t.property(id, 'Definition');
    let definition = typeof string === 'string' ? string : object !== undefined ? JSON.stringify(object) : undefined;
    if (definition === undefined) throw new TemplateError(at, 'a state machine needs DefinitionString or Definition');
    const substitutions = (t.property(id, 'DefinitionSubstitutions') ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(substitutions)) {
      definition = definition.split(`\${${key}}`).join(t.string(value, `${at}.DefinitionSubstitutions.${key}`));
    }
    const type = t.property(id, 'StateMachineType') ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') throw new TemplateError(`${at}.StateMachineType`, `unknown type ${String(type)}`);
    return {
      logicalId: id,
      name: t.getAtt(id, 'Name', at),
      arn: t.ref(id, at),
      definition,
      type,
      roleArn: t.string(t.property(id, 'RoleArn'), `${at}.RoleArn`),
    };
  });
}

/** The HTTP API, if any: one Api whose routes are Lambda proxies (payload 2.0) without authorizers. */
export function httpApi(t: LocalTemplate): HttpApiSpec | undefined {
  const apis = t.logicalIds('AWS::ApiGatewayV2::Api');
  if (apis.length === 0) return undefined;
  if (apis.length > 1) throw new TemplateError('Resources', `the local cloud serves one HTTP API, the template has ${apis.join(', ')}`);
  const [id] = apis;
  const at = `Resources.${id}.Properties`;
  if ((t.property(id, 'ProtocolType') ?? 'HTTP') !== 'HTTP') throw new TemplateError(`${at}.ProtocolType`, 'only HTTP APIs are supported by the local cloud');
  for (const prop of ['CorsConfiguration', 'Target', 'Body', 'BodyS3Location']) {
    if (t.raw(id).Properties?.[prop] !== undefined) throw new TemplateError(`${at}.${prop}`, 'not supported by the local cloud');
  }
  const apiId = t.ref(id, at);
  const routes = t.logicalIds('AWS::ApiGatewayV2::Route')
    .filter((r) => t.property(r, 'ApiId') === apiId)
    .map((route) => {
      const rat = `Resources.${route}.Properties`;
      if ((t.property(route, 'AuthorizationType') ?? 'NONE') !== 'NONE') throw new TemplateError(`${rat}.AuthorizationType`, 'authorizers are not supported by the local cloud');
      const target = String(t.property(route, 'Target') ?? '');
      const integration = target.replace(/^integrations\//, '');
      const iat = `Resources.${integration}.Properties`;
      if (t.raw(integration, `${rat}.Target`).Type !== 'AWS::ApiGatewayV2::Integration') throw new TemplateError(`${rat}.Target`, `${target} is not an integration`);
      if (t.property(integration, 'IntegrationType') !== 'AWS_PROXY') throw new TemplateError(`${iat}.IntegrationType`, 'only Lambda proxy integrations are supported');
      if (t.property(integration, 'PayloadFormatVersion') !== '2.0') throw new TemplateError(`${iat}.PayloadFormatVersion`, 'only payload format 2.0 is supported');
      const functionName = functionNameOf(t.string(t.property(integration, 'IntegrationUri'), `${iat}.IntegrationUri`));
      return { routeKey: t.string(t.property(route, 'RouteKey'), `${rat}.RouteKey`), functionName };
    });
  if (routes.length === 0) throw new TemplateError(`Resources.${id}`, 'the HTTP API has no routes');
  return { logicalId: id, apiId, routes };
}
