// Makes the README's screenshot from the release build: `node tests/e2e/screenshot.mjs` (after trunk build).
import { openBrowser, resultRows, serveStatic } from './support.mjs';

const server = await serveStatic();
const browser = await openBrowser();
try {
  await browser.page.setViewportSize({ width: 1100, height: 1000 });
  await browser.page.goto(`${server.url}/?kernel=mandelbrot&n=640&modes=main,worker,pool&autorun=1`);
  await resultRows(browser.page, 3);
  await browser.page.screenshot({ path: new URL('../../www/screenshot.png', import.meta.url).pathname, fullPage: true });
  browser.assertNoPageErrors();
} finally {
  await browser.close();
  await server.close();
}
