/**
 * The code each function's worker thread runs: the part of Lambda's Node.js runtime a local run needs. It is a
 * string (run with `eval: true`) so that the same code runs from the TypeScript sources, the tests and the
 * bundled CLI alike, with nothing for a bundler or a test transform to rewrite.
 *
 * Messages, kept to strings and small arrays so the copy between threads stays cheap, and batched: every
 * message wakes the other thread, which costs more than the copy (measured: 17% of the gateway's time went to
 * `postMessage` with one message per invocation).
 * - in:  `{ t: 'init', env }` once (the worker boots before the stack's values are known), then batches of
 *        invocations `[[id, requestId, deadlineEpochMs, eventJson], ...]`.
 * - out: `{ t: 'ready' }` | `{ t: 'load-failed', message }`, `{ t: 'log', text }` for output outside an invocation,
 *        and batches of outcomes `[[id, failed (0|1), resultJsonOrError, logText], ...]`.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { AsyncLocalStorage } = require('node:async_hooks');
const { functionName, memorySize, url, handlerName } = workerData;
// A bundle's inline source map turns its stack traces back into the handler's own file and line (Lambda's
// NODE_OPTIONS=--enable-source-maps); on before anything loads, as maps are read when a module is.
process.setSourceMapsEnabled(true);

// The function's output is its own: written into the log of the invocation it was written during (followed
// through its awaits), or sent on its own outside one.
const invocation = new AsyncLocalStorage();
const capture = (chunk, encoding, callback) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const current = invocation.getStore();
  if (current && !current.settled) current.log += text;
  else parentPort.postMessage({ t: 'log', text });
  const done = typeof encoding === 'function' ? encoding : callback;
  if (typeof done === 'function') done();
  return true;
};
process.stdout.write = capture;
process.stderr.write = capture;

const describe = (error) => (error instanceof Error ? error.name + ': ' + error.message : String(error));

function contextFor(requestId, deadline, settle) {
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:' + functionName,
    memoryLimitInMB: String(memorySize),
    logGroupName: '/aws/lambda/' + functionName,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Lambda's Node.js runtime still offers the legacy done/fail/succeed: they end the invocation like a callback.
    done: (error, result) => settle(error, result),
    fail: (error) => settle(error == null ? new Error('context.fail') : error),
    succeed: (result) => settle(undefined, result),
  };
}

// Outcomes settled in the same turn go back in one message.
let outbox = [];
const flush = () => {
  const batch = outbox;
  outbox = [];
  parentPort.postMessage(batch);
};
const answer = (outcome) => {
  if (outbox.push(outcome) === 1) setImmediate(flush);
};

let handler;
function invoke([id, requestId, deadline, eventJson]) {
  const current = { log: '', settled: false };
  invocation.run(current, () => run(current, id, requestId, deadline, eventJson));
}

function run(current, id, requestId, deadline, eventJson) {
  const settle = (error, result) => {
    if (current.settled) return;
    current.settled = true;
    const log = current.log;
    if (error) {
      const line = 'ERROR\tInvoke Error\t' + JSON.stringify({ errorType: error && error.name ? error.name : 'Error', errorMessage: error && error.message !== undefined ? String(error.message) : String(error) }) + '\n';
      answer([id, 1, describe(error), log + line]);
      return;
    }
    let text;
    try {
      text = result === undefined ? 'null' : JSON.stringify(result);
    } catch (e) {
      answer([id, 1, 'the result cannot be serialised: ' + describe(e), log]);
      return;
    }
    answer([id, 0, text, log]);
  };
  try {
    const event = JSON.parse(eventJson);
    const context = contextFor(requestId, deadline, settle);
    // Lambda's Node.js runtime accepts both async handlers and (event, context, callback) ones.
    const returned = handler.length >= 3 ? handler(event, context, (error, result) => settle(error, result)) : handler(event, context);
    if (returned && typeof returned.then === 'function') returned.then((result) => settle(undefined, result), (error) => settle(error == null ? new Error('rejected') : error));
    else if (handler.length < 3) settle(undefined, returned);
  } catch (error) {
    settle(error);
  }
}

parentPort.once('message', ({ env }) => {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env);
  import(url).then(
    (mod) => {
      const found = mod[handlerName] !== undefined ? mod[handlerName] : mod.default ? mod.default[handlerName] : undefined;
      if (typeof found !== 'function') {
        parentPort.postMessage({ t: 'load-failed', message: 'it does not export ' + '\u0060' + handlerName + '\u0060' });
        return;
      }
      handler = found;
      parentPort.on('message', (batch) => {
        for (const item of batch) invoke(item);
      });
      parentPort.postMessage({ t: 'ready' });
    },
    (error) => parentPort.postMessage({ t: 'load-failed', message: error instanceof Error ? error.message : String(error) }),
  );
});
`;
