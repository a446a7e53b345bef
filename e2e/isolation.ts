import type { Page } from '@playwright/test';

/**
 * Serve the app's page without COOP/COEP, as a static host without those headers would: the page
 * is then not cross-origin isolated and tfjs-backend-wasm cannot use threads. Used by
 * e2e/threads.spec.ts and bench/threadsApp.ts; block service workers in the context, or the
 * offline one fetches the page past this route.
 */
export async function serveWithoutIsolation(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      const headers = Object.fromEntries(Object.entries(response.headers()).filter(([k]) => !/^cross-origin-(opener|embedder)-policy$/i.test(k)));
      await route.fulfill({ response, headers });
    },
  );
}
