import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:faults`): slow, run by .ci/run beside `npm test`, never inside it. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
  },
});
