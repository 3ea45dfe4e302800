import { defineConfig } from 'vitest/config';

// Tests import the built package (dist/): worker threads run compiled JavaScript, and the
// tests then exercise exactly what ships. `npm test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
