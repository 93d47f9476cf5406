import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:faults`): crash, bad input, concurrency and load; never part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
