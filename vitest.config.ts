import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build.ts'],
    // CLI tests start Node processes; a shared 2-core machine can be slow
    testTimeout: 60_000,
  },
});
