// The baseline for local API throughput: a bare node:http server answering what the health route answers.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'healthy', version: '0.0.0' });
const server = createServer({ keepAlive: true }, (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
