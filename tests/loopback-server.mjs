// A real HTTP/1.1 delay server on 127.0.0.1, for the network cases: the connections preset's default endpoint
// (`.ci/serve.sh` starts it on port 8081 beside the page) and the end-to-end specs (`startLoopback` in
// tests/e2e/support.mjs). `/delay?ms=300&status=200&bytes=64` answers after the delay with CORS and CORP headers
// (the page is cross-origin isolated; `cors=0` leaves CORS out, so the browser blocks the response) and
// `Timing-Allow-Origin: *`, without which the browser hides a cross-origin request's protocol and its wait for a
// connection (`tao=0` leaves it out). TCP_NODELAY on every socket; responses are held at most 60 s.
//
//   node tests/loopback-server.mjs [port]     (default 8081; prints the URL, stops on Ctrl-C)
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves to `{ url, close }`. */
export async function startLoopback(port = 0) {
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const number = (name, fallback, max) => Math.min(max, Math.max(0, Number(url.searchParams.get(name) ?? fallback) || 0));
    const status = number('status', 200, 599) || 200;
    const body = 'x'.repeat(number('bytes', 64, 1 << 20));
    const timer = setTimeout(() => {
      response.writeHead(status, {
        'Content-Type': 'text/plain',
        'Cache-Control': 'no-store',
        ...(url.searchParams.get('cors') === '0' ? {} : { 'Access-Control-Allow-Origin': '*' }),
        ...(url.searchParams.get('tao') === '0' ? {} : { 'Timing-Allow-Origin': '*' }),
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
      response.end(body);
    }, number('ms', 300, 60_000));
    request.on('close', () => clearTimeout(timer));
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.keepAliveTimeout = 5_000;
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', done);
  });
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8081);
  try {
    const { url } = await startLoopback(port);
    console.log(`HTTP/1.1 delay endpoint: ${url}/delay?ms=300`);
  } catch (error) {
    console.error(`the HTTP/1.1 delay endpoint could not start on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  }
}
