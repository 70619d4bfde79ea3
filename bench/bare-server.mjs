// The baseline for bench/collect.mjs: a bare node:http server that only reads the body and answers 204.
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(204, { 'Access-Control-Allow-Origin': '*' });
    res.end();
  });
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
