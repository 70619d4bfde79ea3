// The webhook and Slack receivers for bench/alerts.mjs's throughput runs: answers 200 to every POST and counts them.
// Its own process, because the bench blocks its event loop while wrk runs; GET /count answers how many came.
import { createServer } from 'node:http';

let received = 0;
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    if (req.method === 'GET') return res.end(JSON.stringify({ received }));
    received += 1;
    res.end('ok');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
