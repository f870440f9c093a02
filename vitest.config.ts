import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 5_000,
    // Provides the shared PostgreSQL server (RUNTIME_CORE_PG_URL or a throwaway cluster) to the tests that need one.
    globalSetup: ['test/support/postgres-global-setup.ts'],
  },
});
