import { defineConfig } from 'vitest/config';

export default defineConfig({
  // src/devin/undici-parts.cts and the executables are CommonJS TypeScript: compile .cts too.
  esbuild: { include: /\.(m?ts|cts|[jt]sx)$/ },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-build.ts'],
    setupFiles: ['test/setup/no-internet.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
