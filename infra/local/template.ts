import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Reads a synthesized CloudFormation template and resolves its tokens to local values. Never guesses: what it cannot resolve throws, naming the path. */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface LocalCloudOptions {
  region: string;
  account: string;
  stackName: string;
  /** The local HTTP API's base URL: the value of an ApiGatewayV2 Api's `ApiEndpoint`. */
  apiUrl?: string;
  /** The cloud assembly (cdk.out) holding the function code assets. */
  assemblyDir?: string;
  /** Template parameter values; a parameter without one takes its Default. */
  parameters?: Record<string, string>;
  /** Resolves `{{resolve:...}}` dynamic references; without it they throw. */
  dynamicReference?: (reference: string) => string;
}

export interface ResolvedResource {
  logicalId: string;
  type: string;
  properties: Record<string, any>;
}

export class TemplateError extends Error {
  constructor(at: string, problem: string) {
    super(`${at}: ${problem}`);
    this.name = 'TemplateError';
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

export class LocalTemplate {
  readonly partition: string;
  private readonly conditions = new Map<string, boolean>();
  private readonly resolving = new Set<string>();

  constructor(
    readonly template: CfnTemplate,
    readonly options: LocalCloudOptions,
  ) {
    this.partition = options.region.startsWith('cn-') ? 'aws-cn' : 'aws';
  }

  /** Loads `<Stack>.template.json`; its directory is the assembly unless told otherwise. */
  static load(file: string, options: LocalCloudOptions): LocalTemplate {
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
    return new LocalTemplate(template, { assemblyDir: path.dirname(file), ...options });
  }

  // ---- resources -------------------------------------------------------------

  /** Logical ids of the resources of a type that exist (their Condition, if any, holds). */
  logicalIds(type: string): string[] {
    return Object.entries(this.template.Resources ?? {})
      .filter(([id, r]) => r.Type === type && this.exists(id))
      .map(([id]) => id);
  }

  /** Every existing resource of a type, with all its properties resolved. */
  resources(type: string): ResolvedResource[] {
    return this.logicalIds(type).map((logicalId) => ({
      logicalId,
      type,
      properties: (this.resolve(this.raw(logicalId).Properties ?? {}, `Resources.${logicalId}.Properties`) ?? {}) as Record<string, any>,
    }));
  }

  /** One property of a resource, resolved (undefined when absent). */
  property(logicalId: string, name: string): any {
    const raw = this.raw(logicalId).Properties?.[name];
    return raw === undefined ? undefined : this.resolve(raw, `Resources.${logicalId}.Properties.${name}`);
  }

  /** An output's value, resolved. */
  output(name: string): unknown {
    const output = this.template.Outputs?.[name];
    if (!output) throw new TemplateError(`Outputs.${name}`, 'no such output');
    return this.resolve(output.Value, `Outputs.${name}.Value`);
  }

  /** A resource as written in the template; throws naming `at` when absent. */
  raw(logicalId: string, at = `Resources.${logicalId}`): CfnResource {
    const resource = this.template.Resources?.[logicalId];
    if (!resource) throw new TemplateError(at, `no resource '${logicalId}' in the template`);
    return resource;
  }

  private exists(logicalId: string): boolean {
    const condition = this.raw(logicalId).Condition;
    return condition === undefined || this.condition(condition, `Resources.${logicalId}.Condition`);
  }

  // ---- physical ids and attributes ------------------------------------------------

  private arn(service: string, rest: string, regional = true): string {
    return `arn:${this.partition}:${service}:${regional ? this.options.region : ''}:${this.options.account}:${rest}`;
  }

  /** The name a resource gets: its name property, or its logical id (never a random suffix). */
  private nameOf(logicalId: string, prop: string, at: string): string {
    const name = this.property(logicalId, prop);
    if (name === undefined) return logicalId;
    if (typeof name !== 'string') throw new TemplateError(at, `${logicalId}.${prop} is not a string`);
    return name;
  }

  /** What `Ref` returns for a resource, following CloudFormation's return values per type. */
  ref(logicalId: string, at: string): string {
    const { Type: type } = this.raw(logicalId, at);
    if (!this.exists(logicalId)) throw new TemplateError(at, `Ref to ${logicalId}, whose Condition is false`);
    const key = `Ref:${logicalId}`;
    if (this.resolving.has(key)) throw new TemplateError(at, `circular reference through ${logicalId}`);
    this.resolving.add(key);
    try {
      switch (type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          return this.nameOf(logicalId, 'TableName', at);
        case 'AWS::Lambda::Function':
          return this.nameOf(logicalId, 'FunctionName', at);
        case 'AWS::StepFunctions::StateMachine':
          return this.arn('states', `stateMachine:${this.nameOf(logicalId, 'StateMachineName', at)}`);
        case 'AWS::SecretsManager::Secret': {
          // AWS appends 6 random characters; locally they are derived from the name so they stay stable.
          const name = this.nameOf(logicalId, 'Name', at);
          const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
          return this.arn('secretsmanager', `secret:${name}-${suffix}`);
        }
        case 'AWS::IAM::Role':
          return this.nameOf(logicalId, 'RoleName', at);
        case 'AWS::Logs::LogGroup':
          return this.nameOf(logicalId, 'LogGroupName', at);
        case 'AWS::ApiGatewayV2::Api':
          return logicalId.toLowerCase();
        case 'AWS::ApiGatewayV2::Stage':
          return this.nameOf(logicalId, 'StageName', at);
        case 'AWS::ApiGatewayV2::Integration':
        case 'AWS::ApiGatewayV2::Route':
        case 'AWS::IAM::Policy':
          return logicalId;
        default:
          throw new TemplateError(at, `Ref to ${logicalId} (${type}) is not supported by the local cloud`);
      }
    } finally {
      this.resolving.delete(key);
    }
  }

  /** What `Fn::GetAtt` returns, for the attributes the local cloud knows. */
  getAtt(logicalId: string, attribute: string, at: string): string {
    const { Type: type } = this.raw(logicalId, at);
    const unsupported = () => new TemplateError(at, `Fn::GetAtt ${logicalId}.${attribute} (${type}) is not supported by the local cloud`);
    switch (type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        if (attribute === 'Arn') return this.arn('dynamodb', `table/${this.ref(logicalId, at)}`);
        throw unsupported();
      case 'AWS::Lambda::Function':
        if (attribute === 'Arn') return this.arn('lambda', `function:${this.ref(logicalId, at)}`);
        throw unsupported();
      case 'AWS::StepFunctions::StateMachine':
        if (attribute === 'Arn') return this.ref(logicalId, at);
        if (attribute === 'Name') return this.nameOf(logicalId, 'StateMachineName', at);
        throw unsupported();
      case 'AWS::SecretsManager::Secret':
        if (attribute === 'Id' || attribute === 'Arn') return this.ref(logicalId, at);
        throw unsupported();
      case 'AWS::IAM::Role':
        if (attribute === 'Arn') {
          const rolePath = (this.property(logicalId, 'Path') as string | undefined) ?? '/';
          return this.arn('iam', `role${rolePath}${this.ref(logicalId, at)}`, false);
        }
        throw unsupported();
      case 'AWS::Logs::LogGroup':
        if (attribute === 'Arn') return this.arn('logs', `log-group:${this.ref(logicalId, at)}:*`);
        throw unsupported();
      case 'AWS::ApiGatewayV2::Api':
        if (attribute === 'ApiId') return this.ref(logicalId, at);
        if (attribute === 'ApiEndpoint') {
          if (!this.options.apiUrl) throw new TemplateError(at, `Fn::GetAtt ${logicalId}.ApiEndpoint needs the local API URL (options.apiUrl)`);
          return this.options.apiUrl;
        }
        throw unsupported();
      default:
        throw unsupported();
    }
  }

  // ---- intrinsic functions ----------------------------------------------------------

  /** Resolves every token in `value`; `at` names its place in the template for errors. */
  resolve(value: unknown, at: string): any {
    const resolved = this.walk(value, at);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  private walk(value: unknown, at: string): unknown {
    if (typeof value === 'string') return this.dynamicReferences(value, at);
    if (Array.isArray(value)) return value.map((v, i) => this.walk(v, `${at}[${i}]`)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], (value as Record<string, unknown>)[keys[0]], `${at}.${keys[0]}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const v = this.walk((value as Record<string, unknown>)[key], `${at}.${key}`);
      if (v !== NO_VALUE) out[key] = v;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, at: string): unknown {
    switch (fn) {
      case 'Ref':
        if (typeof arg !== 'string') throw new TemplateError(at, 'Ref takes a name');
        return this.refName(arg, at);
      case 'Condition':
        if (typeof arg !== 'string') throw new TemplateError(at, 'Condition takes a name');
        return this.condition(arg, at);
      case 'Fn::GetAtt': {
        const [id, ...attr] = typeof arg === 'string' ? arg.split('.') : (this.walk(arg, at) as string[]);
        if (typeof id !== 'string' || attr.length === 0) throw new TemplateError(at, 'Fn::GetAtt takes [LogicalId, Attribute]');
        return this.getAtt(id, attr.join('.'), at);
      }
      case 'Fn::Join': {
        const [sep, list] = this.args(arg, 2, at);
        const items = this.walk(list, `${at}[1]`);
        if (typeof sep !== 'string' || !Array.isArray(items)) throw new TemplateError(at, 'Fn::Join takes [delimiter, list]');
        return items.map((item, i) => this.string(item, `${at}[1][${i}]`)).join(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg, at);
      case 'Fn::Select': {
        const [index, list] = this.args(arg, 2, at).map((a, i) => this.walk(a, `${at}[${i}]`));
        const n = Number(index);
        if (!Array.isArray(list) || !Number.isInteger(n) || n < 0 || n >= list.length) throw new TemplateError(at, `Fn::Select index ${String(index)} is out of range`);
        return list[n];
      }
      case 'Fn::Split': {
        const [sep, source] = this.args(arg, 2, at).map((a, i) => this.walk(a, `${at}[${i}]`));
        if (typeof sep !== 'string' || typeof source !== 'string') throw new TemplateError(at, 'Fn::Split takes [delimiter, string]');
        return source.split(sep);
      }
      case 'Fn::If': {
        const [name, yes, no] = this.args(arg, 3, at);
        if (typeof name !== 'string') throw new TemplateError(at, 'Fn::If takes [condition, then, else]');
        return this.condition(name, at) ? this.walk(yes, `${at}[1]`) : this.walk(no, `${at}[2]`);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(arg, 2, at).map((x, i) => this.walk(x, `${at}[${i}]`));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !this.bool(this.args(arg, 1, at)[0], `${at}[0]`);
      case 'Fn::And':
        return this.list(arg, at).every((c, i) => this.bool(c, `${at}[${i}]`));
      case 'Fn::Or':
        return this.list(arg, at).some((c, i) => this.bool(c, `${at}[${i}]`));
      case 'Fn::FindInMap': {
        const [map, top, second] = this.args(arg, 3, at).map((a, i) => this.walk(a, `${at}[${i}]`)) as string[];
        const value = this.template.Mappings?.[map]?.[top]?.[second];
        if (value === undefined) throw new TemplateError(at, `Fn::FindInMap: no ${map}.${top}.${second}`);
        return value;
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(this.walk(arg, at), at)).toString('base64');
      default:
        throw new TemplateError(at, `${fn} is not supported by the local cloud`);
    }
  }

  private args(arg: unknown, n: number, at: string): unknown[] {
    if (!Array.isArray(arg) || arg.length !== n) throw new TemplateError(at, `expected a list of ${n}`);
    return arg;
  }

  private list(arg: unknown, at: string): unknown[] {
    if (!Array.isArray(arg)) throw new TemplateError(at, 'expected a list');
    return arg;
  }

  private bool(value: unknown, at: string): boolean {
    const b = this.walk(value, at);
    if (typeof b !== 'boolean') throw new TemplateError(at, 'expected a condition');
    return b;
  }

  /** A resolved scalar as a string (numbers and booleans too, as CloudFormation joins them). */
  string(value: unknown, at: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new TemplateError(at, `expected a string, got ${JSON.stringify(value)}`);
  }

  /** `Ref` to a pseudo parameter, a template parameter or a resource. */
  private refName(name: string, at: string): unknown {
    const { region, account, stackName } = this.options;
    switch (name) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return this.arn('cloudformation', `stack/${stackName}/local`);
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    if (name.startsWith('AWS::')) throw new TemplateError(at, `pseudo parameter ${name} is not supported by the local cloud`);
    const parameter = this.template.Parameters?.[name];
    if (parameter) return this.parameter(name, parameter, at);
    return this.ref(name, at);
  }

  private parameter(name: string, p: { Type: string; Default?: unknown }, at: string): unknown {
    const given = this.options.parameters?.[name];
    if (given === undefined && p.Type.startsWith('AWS::SSM::Parameter::Value')) {
      throw new TemplateError(at, `parameter ${name} is read from SSM (${String(p.Default)}); pass its value in options.parameters`);
    }
    const value = given ?? p.Default;
    if (value === undefined) throw new TemplateError(at, `parameter ${name} has no value and no Default`);
    return p.Type === 'CommaDelimitedList' || p.Type.startsWith('List<') ? String(value).split(',') : value;
  }

  private condition(name: string, at: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new TemplateError(at, `no condition '${name}'`);
    const key = `Condition:${name}`;
    if (this.resolving.has(key)) throw new TemplateError(at, `circular condition ${name}`);
    this.resolving.add(key);
    const value = this.bool(definition, `Conditions.${name}`);
    this.resolving.delete(key);
    this.conditions.set(name, value);
    return value;
  }

  /** `Fn::Sub` in both forms: "text ${Name} ${Res.Attr} ${!Literal}" or [text, { Name: value }]. */
  private sub(arg: unknown, at: string): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : (this.args(arg, 2, at) as [unknown, Record<string, unknown>]);
    if (typeof text !== 'string' || vars === null || typeof vars !== 'object') throw new TemplateError(at, 'Fn::Sub takes a string or [string, variables]');
    return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in vars) return this.string(this.walk(vars[name], `${at}[1].${name}`), `${at}[1].${name}`);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return this.getAtt(name.slice(0, dot), name.slice(dot + 1), at);
      return this.string(this.refName(name, at), at);
    });
  }

  private dynamicReferences(text: string, at: string): string {
    if (!text.includes('{{resolve:')) return text;
    return text.replace(/\{\{resolve:[^}]*\}\}/g, (reference) => {
      if (!this.options.dynamicReference) throw new TemplateError(at, `dynamic reference ${reference} needs options.dynamicReference`);
      return this.options.dynamicReference(reference);
    });
  }
}
