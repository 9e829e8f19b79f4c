/**
 * The code each function's worker thread runs: the part of Lambda's Node.js runtime a local run needs. It is a
 * string (run with `eval: true`) so that the same code runs from the TypeScript sources, the tests and the
 * bundled CLI alike, with nothing for a bundler or a test transform to rewrite.
 *
 * Messages, kept to strings and small arrays so the copy between threads stays cheap:
 * - in:  `{ t: 'init', env }` once (the worker boots before the stack's values are known), then
 *        `[id, requestId, deadlineEpochMs, eventJson]` per invocation, one at a time, as Lambda sends them.
 * - out: `{ t: 'ready' }` | `{ t: 'load-failed', message }`, `{ t: 'log', text }` for output outside an invocation,
 *        and `[id, failed (0|1), resultJsonOrError, logText]` per invocation.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { functionName, memorySize, url, handlerName } = workerData;

// The function's output is its own: written into the current invocation's log, or sent on its own outside one.
let current = null;
const capture = (chunk, encoding, callback) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (current) current.log += text;
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

let handler;
function invoke([id, requestId, deadline, eventJson]) {
  current = { log: '' };
  let settled = false;
  const settle = (error, result) => {
    if (settled) return;
    settled = true;
    const log = current.log;
    current = null;
    if (error) {
      const line = 'ERROR\tInvoke Error\t' + JSON.stringify({ errorType: error && error.name ? error.name : 'Error', errorMessage: error && error.message !== undefined ? String(error.message) : String(error) }) + '\n';
      parentPort.postMessage([id, 1, describe(error), log + line]);
      return;
    }
    let text;
    try {
      text = result === undefined ? 'null' : JSON.stringify(result);
    } catch (e) {
      parentPort.postMessage([id, 1, 'the result cannot be serialised: ' + describe(e), log]);
      return;
    }
    parentPort.postMessage([id, 0, text, log]);
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
      parentPort.on('message', invoke);
      parentPort.postMessage({ t: 'ready' });
    },
    (error) => parentPort.postMessage({ t: 'load-failed', message: error instanceof Error ? error.message : String(error) }),
  );
});
`;
