// Makes the README's screenshot from the release build: `node tests/e2e/screenshot.mjs` (after trunk build).
import { openBrowser, resultRows, serveStatic } from './support.mjs';

const server = await serveStatic();
const browser = await openBrowser();
try {
  await browser.page.setViewportSize({ width: 1100, height: 1000 });
  await browser.page.goto(`${server.url}/?kernel=mandelbrot&n=640&modes=main,worker,pool&r=2&autorun=1`);
  await resultRows(browser.page, 3, 120_000);
  await browser.page.getByTestId('verdict').waitFor();
  // The CPU experiment and the report (verdict, speedup chart, timeline): what a first run shows.
  await browser.page.locator('section[aria-label="I/O experiment"]').evaluate((element) => { element.style.display = 'none'; });
  await browser.page.locator('#presets').evaluate((element) => { element.style.display = 'none'; });
  await browser.page.screenshot({ path: new URL('../../www/screenshot.png', import.meta.url).pathname, fullPage: true });
  browser.assertNoPageErrors();
} finally {
  await browser.close();
  await server.close();
}
