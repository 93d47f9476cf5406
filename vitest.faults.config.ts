import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:faults`): crashes, bad input, concurrency and load; not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    // One file at a time: each starts a local cloud of its own, and load figures mean little when files share 2 cores.
    fileParallelism: false,
    testTimeout: 1_200_000,
    hookTimeout: 180_000,
  },
});
