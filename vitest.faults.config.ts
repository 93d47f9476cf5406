import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:faults`): crashes, bad input, concurrency and load; not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    // Crash and resume (about 6 minutes) runs only on request, npm run test:crash: it passed at its
    // seed and then stalled once in 回访 after a kill, cause not yet found.
    exclude: process.env.FAULT_CRASH === '1' ? [] : ['test/faults/crash-resume.test.ts'],
    // One file at a time: each starts a local cloud of its own, and load figures mean little when files share 2 cores.
    fileParallelism: false,
    testTimeout: 1_200_000,
    hookTimeout: 180_000,
  },
});
