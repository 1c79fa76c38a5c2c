// Renders Vega specs to PNG off the main thread: vega is ESM-only with top-level await (CommonJS can't require
// it), and drawing takes tens of milliseconds that would otherwise stall every Slack request.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';

lowerOwnPriority();

parentPort.on('message', async ({ id, spec, format }) => {
  try {
    const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.None }); // errors go back to the caller
    const svg = await view.toSVG();
    view.finalize();
    if (format === 'svg') return parentPort.postMessage({ id, svg });
    const png = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: 2 },
      // no system fonts: the shipped DejaVu draws the same text on every machine
      font: { fontFiles: workerData.fontFiles, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng();
    parentPort.postMessage({ id, png }, [png.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});

/**
 * Drawing is background work: a digest's chart can wait, a Slack acknowledgement can't. On Linux a thread has its own
 * nice value, so this thread gives way to the main thread (and the database) when the cores are busy: with 1,000
 * digests due at once, charts took the cores the acknowledgements needed.
 */
function lowerOwnPriority() {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
  } catch {
    // not Linux: the thread keeps the process's priority
  }
}
