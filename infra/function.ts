import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface NuanliuFunctionProps {
  /** The handler module under functions/handlers/, without extension. */
  handler: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
}

/** Every Lambda of the product, with the shared defaults fixed in one place. */
export class NuanliuFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NuanliuFunctionProps) {
    super(scope, id, {
      entry: path.join(ROOT, 'functions', 'handlers', `${props.handler}.ts`),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: props.environment,
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.SIX_MONTHS }),
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        // No source maps at run time: Node decodes a bundle's whole map as it loads it, 50–100 MB of
        // heap per sandbox for the larger functions. Names are kept instead, so stack traces still read.
        minify: false,
        esbuildArgs: { '--minify-whitespace': true, '--minify-syntax': true },
        // Error classes keep their names, so Retry/Catch ErrorEquals match them.
        keepNames: true,
        // Bundle the SDK too: the versions the lock file pins, not the runtime's.
        externalModules: [],
        mainFields: ['module', 'main'],
        banner: "import { createRequire as __nuanliuRequire } from 'node:module'; const require = __nuanliuRequire(import.meta.url);",
      },
    });
  }
}
