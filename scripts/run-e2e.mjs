/** `npm run test:e2e`: find a Chromium, then run Playwright against the production build. */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { findChromium } from './find-chromium.mjs';

const exe = await findChromium();
if (!exe) {
  console.error('No Chromium found: install one with `apt-get install chromium` (Debian) or `npx playwright install chromium`, or set CHROMIUM_PATH.');
  process.exit(1);
}
console.log(`e2e: using ${exe}`);
const r = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: exe } });
const report = 'test-results/e2e-report.json';
if (existsSync(report)) {
  const s = JSON.parse(readFileSync(report, 'utf8')).stats ?? {};
  console.log(`e2e: ${s.expected ?? 0} passed, ${(s.unexpected ?? 0) + (s.flaky ?? 0)} failed, ${s.skipped ?? 0} skipped`);
}
process.exit(r.status ?? 1);
