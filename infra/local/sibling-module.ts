import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Whether the local cloud runs from its TypeScript source (through tsx) rather than a build. */
export const fromSource = here.endsWith('.ts');

/** The file of a module in this directory (e.g. 'lambda-worker'), as the cloud runs it: source or build. */
export const siblingModule = (name: string) => path.join(path.dirname(here), `${name}.${fromSource ? 'ts' : 'js'}`);
