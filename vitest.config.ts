import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**', 'dist/**'],
    setupFiles: ['tests/setup-tier.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
