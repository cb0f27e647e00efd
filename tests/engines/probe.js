// Test harness only, never shipped: the cross-engine specs serve a copy of dist/ with this file as the page's first
// script (tests/engines/webdriver.mjs, `probedDist`). A classic WebDriver client gets no page errors from Firefox
// or WebKit (Playwright hears Chromium's through CDP), so the page keeps its own: every uncaught error, unhandled
// rejection, Content-Security-Policy violation and console.error, in sessionStorage so that a reload keeps them.
// The harness reads and clears the list before every navigation and when a spec asks for no page errors.
(() => {
  const KEY = 'lanes-engine-probe';
  const note = (kind, text) => {
    try {
      const entries = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
      entries.push({ kind, text: String(text).slice(0, 4000), url: location.href });
      sessionStorage.setItem(KEY, JSON.stringify(entries.slice(-100)));
    } catch {
      // No storage (blocked): nothing can be kept, and the spec that needs it will say the list is missing.
    }
  };
  addEventListener('error', (event) => {
    const stack = event.error?.stack ?? '';
    note('pageerror', `${event.message} (${event.filename}:${event.lineno})${stack ? `\n${stack}` : ''}`);
  });
  addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    note('pageerror', `unhandled rejection: ${reason?.message ?? reason}${reason?.stack ? `\n${reason.stack}` : ''}`);
  });
  addEventListener('securitypolicyviolation', (event) => {
    note('csp', `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
  });
  const consoleError = console.error;
  console.error = function error(...args) {
    note('console', args.map((arg) => (arg instanceof Error ? arg.stack ?? arg.message : String(arg))).join(' '));
    return consoleError.apply(this, args);
  };
})();
