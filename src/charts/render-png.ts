import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** A Vega specification, kept as plain data so tests can read what a chart will show. */
export type VegaSpec = Record<string, unknown>;

type Drawn = { png?: Uint8Array; svg?: string };
type Pending = { resolve: (drawn: Drawn) => void; reject: (error: Error) => void };

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 0;

function fontFiles(): string[] {
  const fonts = path.join(path.dirname(createRequire(__filename).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(fonts, f));
}

/** One worker thread draws every chart; started on the first chart, it keeps the process alive only while drawing. */
function renderer(): Worker {
  if (worker) return worker;
  const started = new Worker(path.join(__dirname, 'render-worker.mjs'), { workerData: { fontFiles: fontFiles() } });
  started.unref();
  started.on('message', ({ id, error, ...drawn }: Drawn & { id: number; error?: string }) => {
    const waiting = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) started.unref();
    if (error !== undefined) waiting?.reject(new Error(`chart rendering failed: ${error}`));
    else waiting?.resolve(drawn);
  });
  started.on('error', (error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    worker = null;
  });
  worker = started;
  return started;
}

/** The chart as a PNG (drawn at twice its size, so it stays sharp on high-density screens). */
export async function renderPng(spec: VegaSpec): Promise<Buffer> {
  const { png } = await draw(spec, 'png');
  return Buffer.from(png!.buffer, png!.byteOffset, png!.byteLength);
}

/** The chart as the SVG the PNG is drawn from: what tests read to see ticks and labels as a person would. */
export async function renderSvg(spec: VegaSpec): Promise<string> {
  return (await draw(spec, 'svg')).svg!;
}

function draw(spec: VegaSpec, format: 'png' | 'svg'): Promise<Drawn> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const drawing = renderer();
    drawing.ref();
    drawing.postMessage({ id, spec, format });
  });
}
