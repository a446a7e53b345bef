import { defineConfig } from '@playwright/test';

// scripts/run-e2e.mjs sets CHROMIUM_PATH (Playwright's own browser, else Debian's chromium).
const executablePath = process.env.CHROMIUM_PATH || undefined;
// E2E_PORT lets several checkouts run their e2e suites at once on one machine.
const port = Number(process.env.E2E_PORT || 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1360, height: 900 },
    launchOptions: {
      executablePath,
      // The fake media flags give getUserMedia a synthetic microphone (a beep) without a prompt.
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
