import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:faults`): crashes, bad input, concurrency and load; not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
