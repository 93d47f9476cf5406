import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { keepIdleConnections } from './idle-connections.js';

/** A secret as the template declares it: its ARN and how to generate its value. */
export interface SecretSpec {
  arn: string;
  name: string;
  generate?: { SecretStringTemplate?: string; GenerateStringKey?: string; PasswordLength?: number };
  secretString?: string;
}

/**
 * The local stand-in for Secrets Manager's GetSecretValue: values are generated once, as
 * the template asks, and kept in `<dataDir>/secrets.json` so they survive restarts.
 */
export class LocalSecrets {
  private readonly values: Record<string, string>;

  constructor(file: string, specs: SecretSpec[]) {
    this.values = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    let changed = false;
    for (const spec of specs) {
      if (this.values[spec.arn] !== undefined) continue;
      this.values[spec.arn] = spec.secretString ?? generate(spec.generate);
      changed = true;
    }
    if (changed) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    }
  }

  value(arn: string): string | undefined {
    return this.values[arn];
  }

  /** Serves the Secrets Manager JSON protocol (GetSecretValue only) on localhost. */
  async serve(port = 0): Promise<{ endpoint: string; close(): Promise<void> }> {
    const server = keepIdleConnections(http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        return reply(400, { __type: 'UnknownOperationException', message: 'Only GetSecretValue is served locally' });
      }
      let secretId = '';
      try {
        secretId = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).SecretId ?? '');
      } catch {
        return reply(400, { __type: 'SerializationException', message: 'Invalid JSON' });
      }
      const value = this.values[secretId];
      if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      reply(200, { ARN: secretId, Name: secretId.split(':secret:')[1] ?? secretId, SecretString: value, VersionStages: ['AWSCURRENT'] });
    }));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const { port: bound } = server.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${bound}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
}

function generate(spec: SecretSpec['generate']): string {
  const password = randomBytes(64).toString('base64url').replace(/[-_]/g, '').slice(0, spec?.PasswordLength ?? 32);
  if (!spec?.GenerateStringKey) return password;
  return JSON.stringify({ ...JSON.parse(spec.SecretStringTemplate ?? '{}'), [spec.GenerateStringKey]: password });
}
