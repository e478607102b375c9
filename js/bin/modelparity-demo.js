#!/usr/bin/env node
/**
 * modelparity-demo --artifacts DIR: serve the demo page and an artifacts folder on loopback,
 * so a person can classify pictures in their browser with the exported model.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../src/serve.js';

const USAGE = `usage: modelparity-demo [--artifacts DIR] [--host 127.0.0.1] [--port 8080] [--stop-after SECONDS]

Serve the demo page (demo/) and an artifacts folder written by python -m python.export,
on loopback unless --host says otherwise. Open the printed address in a browser.`;

function fail(message) {
  process.stderr.write(`${USAGE.split('\n')[0]}\nmodelparity-demo: error: ${message}\n`);
  process.exitCode = 2;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      artifacts: { type: 'string', default: 'artifacts' }, host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' }, 'stop-after': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  fail(err.message.split('\n')[0]);
}
if (values?.help) {
  process.stdout.write(`${USAGE}\n`);
} else if (values) {
  const port = Number(values.port);
  const stopAfter = values['stop-after'] === undefined ? null : Number(values['stop-after']);
  if (!existsSync(path.join(values.artifacts, 'manifest.json'))) {
    fail(`${path.join(values.artifacts, 'manifest.json')}: no manifest; run python -m python.export first`);
  } else if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`argument --port: '${values.port}' is not a port`);
  } else if (stopAfter !== null && !(stopAfter > 0)) {
    fail(`argument --stop-after: '${values['stop-after']}' is not a positive number of seconds`);
  } else {
    startServer({ artifacts: values.artifacts, host: values.host, port }).then((served) => {
      process.stdout.write(`modelparity-demo: serving ${path.resolve(values.artifacts)} at ${served.url}/\n`);
      const stop = () => served.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (stopAfter !== null) setTimeout(stop, stopAfter * 1000).unref();
    }, (err) => fail(`cannot listen on ${values.host}:${port} (${err.code ?? err.message})`));
  }
}
