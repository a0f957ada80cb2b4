import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**', 'dist/**'],
    setupFiles: ['tests/setup-tier.ts'],
    // Both cores: vitest's default is one worker fewer than the CPUs, which is one here, and the
    // suite then ran near its 10-minute limit on a slow day.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
