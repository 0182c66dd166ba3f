import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The CDK tests bundle nothing (esbuild is stubbed out by skipping bundling), but still take ~1 s each.
    sequence: { concurrent: false },
  },
});
