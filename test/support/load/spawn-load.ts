import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadOptions, LoadReport } from './http-load.js';

const generator = path.join(path.dirname(fileURLToPath(import.meta.url)), 'http-load.ts');

/** Runs the load generator in a second process on this machine and answers its one JSON line. */
export function loadFromChildProcess(options: LoadOptions): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', generator, JSON.stringify(options)], { timeout: (options.seconds + 60) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`load generator failed: ${err.message}\n${stderr}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as LoadReport);
      } catch {
        reject(new Error(`load generator printed no report: ${stdout}\n${stderr}`));
      }
    });
  });
}
