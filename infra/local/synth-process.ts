/**
 * Synthesizes the CDK stack in a child process of the local cloud (see synthesize in cloud.ts), so that
 * aws-cdk-lib and what it keeps after synth (its template validator's WebAssembly memory, about
 * 170 MB) leave with it. Bundling writes esbuild's output to this process's stderr.
 */
import { buildApp } from '../app.js';

export interface SynthRequest {
  outdir: string;
  context: Record<string, string>;
}

/** What synthesis gave, and the child's peak RSS (the local cloud's own figure leaves it out). */
export type SynthReply = { stackName: string; templateFile: string; peakRssMb: number } | { error: string };

process.once('message', (request: SynthRequest) => {
  let reply: SynthReply;
  try {
    const { app, stack } = buildApp({ outdir: request.outdir, nag: false, context: request.context });
    const assembly = app.synth();
    reply = { stackName: stack.stackName, templateFile: assembly.getStackArtifact(stack.artifactId).templateFullPath, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  } catch (err) {
    reply = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  process.send!(reply, () => process.disconnect());
});
