import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** A Vega specification, kept as plain data so tests can read what a chart will show. */
export type VegaSpec = Record<string, unknown>;

type Drawn = { png?: Uint8Array; svg?: string };
type Pending = { resolve: (drawn: Drawn) => void; reject: (error: Error) => void; by: Worker };

/**
 * A chart worker with nothing to draw for this long ends, giving its memory back (Vega, resvg and the font take
 * 100–300 MB of RSS beside the bot); the next chart starts one again, which costs about half a second once.
 */
export const CHART_WORKER_IDLE_MS = 30_000;
/**
 * The worker's own heap limits: a small old generation makes it collect the garbage of each drawing early instead of
 * growing to V8's default (about 2 GB) first. A drawing that needs more fails alone, with a clear error.
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

let worker: Worker | null = null;
let idle: NodeJS.Timeout | null = null;
let idleMs = CHART_WORKER_IDLE_MS;
const pending = new Map<number, Pending>();
let nextId = 0;

function fontFiles(): string[] {
  const fonts = path.join(path.dirname(createRequire(__filename).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(fonts, f));
}

/**
 * One worker thread draws every chart: started on the first chart, it keeps the process alive only while drawing, and
 * ends after CHART_WORKER_IDLE_MS without a chart.
 */
function renderer(): Worker {
  if (idle) clearTimeout(idle);
  idle = null;
  if (worker) return worker;
  const started = new Worker(path.join(__dirname, 'render-worker.mjs'), {
    workerData: { fontFiles: fontFiles() },
    resourceLimits: WORKER_HEAP,
  });
  started.unref();
  started.on('message', ({ id, error, ...drawn }: Drawn & { id: number; error?: string }) => {
    const waiting = pending.get(id);
    pending.delete(id);
    if (!drawingOn(started).length) {
      started.unref();
      idle = setTimeout(() => endIdle(started), idleMs).unref();
    }
    if (error !== undefined) waiting?.reject(new Error(`chart rendering failed: ${error}`));
    else waiting?.resolve(drawn);
  });
  // a worker that dies (an error, or a drawing over its heap limit) fails what it was drawing; the next chart starts anew
  const failAll = (error: Error) => {
    if (worker === started) worker = null;
    for (const [id, waiting] of drawingOn(started)) {
      pending.delete(id);
      waiting.reject(error);
    }
  };
  started.on('error', failAll);
  started.on('exit', (code) =>
    failAll(new Error(`chart rendering failed: the chart worker stopped (exit code ${code})`)),
  );
  worker = started;
  return started;
}

/** Whether a chart worker is running now (tests and the benchmark watch it end). */
export function isChartWorkerRunning(): boolean {
  return worker !== null;
}

/** How long an idle chart worker lives; tests shorten it so as not to wait 30 s. */
export function setChartWorkerIdle(ms: number): void {
  idleMs = ms;
}

/** What `drawer` has been asked to draw and not answered yet (an ended worker's exit must not fail its successor's). */
function drawingOn(drawer: Worker): [number, Pending][] {
  return [...pending].filter(([, p]) => p.by === drawer);
}

function endIdle(idleWorker: Worker): void {
  if (worker !== idleWorker || drawingOn(idleWorker).length) return;
  worker = null;
  idle = null;
  void idleWorker.terminate();
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
    const drawing = renderer();
    pending.set(id, { resolve, reject, by: drawing });
    drawing.ref();
    drawing.postMessage({ id, spec, format });
  });
}
