import path from 'node:path';
import { Duplex } from 'node:stream';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

/**
 * The embedded database running in `embedded-worker.mjs`, a thread of its own: `connect` gives a stream that speaks
 * PostgreSQL's wire protocol to it, for pg's `stream` option.
 */
export type EmbeddedThread = { connect(): PortSocket; stop(): Promise<void> };

/** Starts the thread and waits until PGlite has opened `dataDir`; a failure to open is thrown here, with its cause. */
export async function startEmbeddedThread(dataDir: string, postgresqlconf: string[]): Promise<EmbeddedThread> {
  const worker = new Worker(path.join(__dirname, 'embedded-worker.mjs'), { workerData: { dataDir, postgresqlconf } });
  let stopped: Error | undefined;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const failed = (why: string) =>
      reject(new Error(`the embedded database in ${dataDir} could not be opened: ${why}`));
    worker.once('message', () => resolve());
    worker.once('error', (error) => failed(error.message));
    void exited.then((code) => failed(`its thread stopped (exit code ${code})`));
  });
  // from here on a thread that stops fails every connection with why, and every later one at once
  worker.on('error', (error) => {
    stopped ??= new Error(`the embedded database stopped: ${error.message}`);
  });
  void exited.then((code) => {
    stopped ??= new Error(`the embedded database stopped (its thread exited with code ${code})`);
  });
  return {
    connect() {
      const { port1, port2 } = new MessageChannel();
      if (!stopped) worker.postMessage({ connect: port2 }, [port2]);
      return new PortSocket(port1, () => stopped);
    },
    async stop() {
      if (!stopped) {
        stopped = new Error('the embedded database was closed');
        const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
        worker.postMessage({ close: true });
        await Promise.race([closed, exited]);
      }
      await worker.terminate();
    },
  };
}

/**
 * A socket for pg whose bytes cross to the database thread over a MessagePort. The writes pg makes at once (a query's
 * Parse, Bind, Execute and Sync) cross as one message, in a buffer of their own handed over without a copy.
 */
export class PortSocket extends Duplex {
  private outgoing: Uint8Array[] = [];
  /** pg ended the connection itself: the port's close is then the end of the stream, not a failure */
  private ending = false;

  constructor(
    private readonly port: MessagePort,
    private readonly stopped: () => Error | undefined,
  ) {
    super();
    port.on('message', (bytes: Uint8Array) => this.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)));
    port.once('close', () => {
      if (this.ending) this.push(null);
      else this.destroy(this.stopped() ?? new Error('the embedded database ended the connection'));
    });
  }

  connect(): this {
    process.nextTick(() => {
      const stopped = this.stopped();
      if (stopped) this.destroy(stopped);
      else this.emit('connect');
    });
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    this.port.ref();
    return this;
  }

  unref(): this {
    this.port.unref();
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.outgoing.length) queueMicrotask(() => this.flush());
    this.outgoing.push(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.ending = true;
    this.flush();
    this.port.close();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.ending = true;
    this.port.close();
    done(error);
  }

  private flush(): void {
    if (!this.outgoing.length) return;
    const bytes = new Uint8Array(this.outgoing.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.outgoing) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.outgoing = [];
    this.port.postMessage(bytes, [bytes.buffer]);
  }
}
