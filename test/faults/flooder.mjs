// A sender in a process of its own, so that its load does not slow the test's event loop (which plays Slack and
// times the other Nexus's answers): POSTs one delivery to a URL at a steady rate for a while, then prints a tally of
// the statuses and whether each 429 carried Retry-After, as JSON on standard output.
//   node flooder.mjs <url> <per-second> <milliseconds>   (the delivery as JSON {body, headers} on standard input)
import { Agent, request } from 'node:http';

const [url, perSecond, ms] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
let input = '';
for await (const chunk of process.stdin) input += chunk;
const delivery = JSON.parse(input);
const headers = { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) };
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const tally = { sent: 0, statuses: {}, limitedWithoutRetryAfter: 0, seconds: 0 };
const answers = [];

function send() {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        tally.statuses[res.statusCode] = (tally.statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 429 && !(Number(res.headers['retry-after']) >= 1)) tally.limitedWithoutRetryAfter++;
        resolve();
      });
    });
    req.on('error', () => {
      tally.statuses[0] = (tally.statuses[0] ?? 0) + 1;
      resolve();
    });
    req.end(delivery.body);
  });
}

const started = performance.now();
await new Promise((done) => {
  const ticker = setInterval(() => {
    const elapsed = performance.now() - started;
    const due = Math.floor((Math.min(elapsed, ms) / 1000) * perSecond);
    while (tally.sent < due) {
      answers.push(send());
      tally.sent++;
    }
    if (elapsed >= ms) {
      clearInterval(ticker);
      done();
    }
  }, 5);
});
await Promise.all(answers);
tally.seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(JSON.stringify(tally));
