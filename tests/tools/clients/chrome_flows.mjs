// Loads a Chrome trace-event file with Chrome DevTools' own trace engine and
// prints, as JSON, the flows it bound: for each, its events as
// [name, ts, pid, tid, ph], in order.
import fs from 'node:fs';

// The engine expects a browser; DOMRect is the one global it needs.
globalThis.DOMRect ??= class {
  constructor(x = 0, y = 0, width = 0, height = 0) {
    Object.assign(this, {x, y, width, height});
  }
};
const Trace = await import('@paulirish/trace_engine');

const events = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).traceEvents;
const model = Trace.TraceModel.Model.createWithAllHandlers();
await model.parse(events);
const parsed = model.parsedTrace();
const data = parsed.data ?? parsed;
const flows = data.Flows.flows.map(flow => flow.map(e => [e.name, e.ts, e.pid, e.tid, e.ph]));
process.stdout.write(JSON.stringify({flows}) + '\n');
