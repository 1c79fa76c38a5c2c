// The embedded database (PGlite: PostgreSQL compiled to WebAssembly) in a thread of its own. PGlite runs a query
// synchronously in the thread that calls it, so in the bot's thread an import's rounds or a re-fold of every PBI held
// up every Slack acknowledgement. Here it speaks PostgreSQL's wire protocol over a MessagePort, and the bot's thread
// uses the same driver (pg) as with a PostgreSQL server. PGlite has one session: it serves one connection at a time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const TERMINATE = 0x58; // 'X'

const db = await PGlite.create(workerData.dataDir, { postgresqlconf: workerData.postgresqlconf });
await collectGarbage();
/** The connection being served: a newer one ends it (the bot's pool opens another only when this one broke). */
let current = null;
/** Every message of every connection in the order received: PGlite runs one at a time. */
let queue = Promise.resolve();

parentPort.on('message', (message) => {
  if (message.connect) accept(message.connect);
  if (message.close) inTurn(close);
});
parentPort.postMessage({ ready: true });

/** A failure of PGlite itself (not an SQL error, which goes back on the wire) ends the thread: the bot is told why. */
function inTurn(step) {
  queue = queue.then(step).catch((error) =>
    setImmediate(() => {
      throw error;
    }),
  );
}

function accept(port) {
  const connection = { port, pending: new Uint8Array(0), started: false, ended: false };
  inTurn(async () => {
    if (current) await endSession(current);
    current = connection;
  });
  port.on('message', (bytes) => inTurn(() => received(connection, bytes)));
  port.on('close', () => inTurn(() => endSession(connection)));
}

/** Runs every whole message received so far; one cut across two chunks waits for the rest. */
async function received(connection, bytes) {
  if (connection.ended) return;
  connection.pending = connection.pending.length ? concat([connection.pending, bytes]) : bytes;
  const out = [];
  const send = (data) => out.push(data.slice()); // a view of PGlite's memory, which its next answer reuses
  if (!connection.started) {
    const pending = connection.pending;
    if (pending.length < 8 || pending.length < int32(pending, 0)) return;
    const first = take(connection, int32(pending, 0));
    if (int32(first, 4) === SSL_REQUEST) {
      reply(connection, [Uint8Array.of(0x4e)]); // 'N': no TLS between two threads
      return received(connection, new Uint8Array(0));
    }
    await db.execProtocolRawStream(first, { onRawData: send }); // the startup message
    connection.started = true;
  }
  // the typed messages received whole go to PGlite together: a query's Parse, Bind, Execute and Sync in one call
  const pending = connection.pending;
  let whole = 0;
  let terminate = false;
  while (pending.length - whole >= 5) {
    if (pending[whole] === TERMINATE) {
      terminate = true;
      break;
    }
    const length = 1 + int32(pending, whole + 1);
    if (pending.length - whole < length) break;
    whole += length;
  }
  if (whole) await db.execProtocolRawStream(take(connection, whole), { onRawData: send });
  reply(connection, out);
  if (terminate) await endSession(connection);
}

function int32(bytes, at) {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getInt32(0);
}

function take(connection, length) {
  const message = connection.pending.subarray(0, length);
  connection.pending = connection.pending.subarray(length);
  return message;
}

function reply(connection, chunks) {
  if (!chunks.length) return;
  const bytes = concat(chunks);
  connection.port.postMessage(bytes, [bytes.buffer]);
}

/** A connection that ends inside a transaction leaves it rolled back, as a PostgreSQL server would. */
async function endSession(connection) {
  if (connection.ended) return;
  connection.ended = true;
  connection.port.close();
  if (current !== connection) return;
  current = null;
  if (connection.started && db.isInTransaction()) await db.exec('ROLLBACK');
}

async function close() {
  if (current) await endSession(current);
  await db.close();
  parentPort.postMessage({ closed: true });
  parentPort.close();
}

/**
 * A new database is made by initdb, a WebAssembly program of its own whose memory (about 400 MB) is garbage once it
 * is done. In the bot's thread ordinary allocation soon had it collected; this thread allocates too little for that,
 * and a fresh bot kept it for good (817 MB at start in the import benchmark, against 422 before). Collected here at
 * once: twice, as the first collection only lets go of the instance and the second frees its memory.
 */
async function collectGarbage() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

/** One buffer of its own (a transferred buffer must not be shared with anything else). */
function concat(chunks) {
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].byteLength === chunks[0].buffer.byteLength)
    return chunks[0];
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}
