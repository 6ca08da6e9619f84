// A webhook receiver run inside a test's network namespace (where the monitor's 127.0.0.1 is):
// holds the first alert request open (never answers it), answers everything else 200, and
// prints one line per request: `HOLD <webhook-id>` or `OK <webhook-id> <event.kind>`.
import http from 'node:http';

const port = Number(process.argv[2]);
let held = false;
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const id = String(req.headers['webhook-id']);
    let kind = '?';
    try {
      kind = JSON.parse(body).event?.kind ?? '?';
    } catch {
      // not JSON: answered all the same
    }
    if (!held && kind === 'alert') {
      held = true;
      process.stdout.write(`HOLD ${id}\n`);
      return;
    }
    process.stdout.write(`OK ${id} ${kind}\n`);
    res.writeHead(200);
    res.end();
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`LISTENING ${port}\n`));
