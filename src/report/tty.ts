// The TTY view (listr2, imported only here): one listr2 task per play whose title is the play's block (play-view.ts);
// when the play ends its task completes and the block collapses to the summary line (plus any failures).
import { createRequire } from 'node:module';
import type { RunObserver } from '../engine/events.js';
import type { Paint } from './color.js';
import { playBlock } from './play-view.js';
import type { PlayProgress, RunProgress } from './progress.js';

export interface TtyOptions {
  paint: Paint;
  progress: RunProgress;
  check?: boolean;
  /** Where listr2 draws (a TTY); its `columns` and `rows` size the view (80 x 24 when unknown). */
  stream: { write(s: string): unknown; columns?: number; rows?: number };
  /** Called with the run promise of each play's list, so the CLI can await rendering before the recap. */
  track(p: Promise<unknown>): void;
  /** Redraw interval for the elapsed times (ms). */
  tickMs?: number;
}

interface Ui {
  title(text: string): void;
  resolve(): void;
  reject(e: Error): void;
}

// listr2 is loaded (its CommonJS build) when the first play starts on a terminal: --json and plain runs never pay for it.
const lazyRequire = createRequire(import.meta.url);

function loadListr() {
  const listr = lazyRequire('listr2') as typeof import('listr2');
  // The reporter, not listr2, decides that this is a terminal (listr2 would look at process.stdout only).
  class PlayRenderer extends listr.DefaultRenderer {
    static override nonTTY = true;
  }
  return { listr, PlayRenderer };
}

export function ttyObserver(o: TtyOptions): RunObserver {
  let loaded: ReturnType<typeof loadListr> | undefined;
  const columns = () => Math.max(40, o.stream.columns || 80);
  // listr2 takes 2 columns for the icon and keeps 2 free; its continuation lines are indented by 2 more.
  const view = () => ({ paint: o.paint, check: o.check, width: columns() - 6, maxHosts: Math.max(3, Math.min(12, (o.stream.rows || 24) - 10)) });
  const bound = new Map<PlayProgress, Ui>();
  let chain: Promise<unknown> = Promise.resolve();
  let ticker: NodeJS.Timeout | undefined;

  const draw = (play: PlayProgress | undefined) => {
    const ui = play && bound.get(play);
    if (!play || !ui) return;
    const lines = playBlock(o.progress, play, view());
    ui.title(lines.join('\n'));
    if (play.endedAt === undefined) return;
    bound.delete(play);
    // A failed task keeps its title (the error equals it, so listr2 prints it once) and gets listr2's failure mark.
    if (play.failed.size) ui.reject(new Error(lines.join('\n')));
    else ui.resolve();
  };
  const redraw = () => draw(o.progress.active());

  /** One listr2 list with one task (the play's block) per play, and one for the up-front connect phase. */
  const start = (play: PlayProgress) => {
    const { listr, PlayRenderer } = (loaded ??= loadListr());
    // Built when its turn comes: listr2 captures the stream's write method, which the previous list has hijacked until it ends.
    const list = () =>
      new listr.Listr(
        [
          {
            title: playBlock(o.progress, play, view()).join('\n'),
            task: (_ctx: unknown, task: { title: string }) =>
              new Promise<void>((resolve, reject) => {
                bound.set(play, { title: (t) => (task.title = t), resolve, reject });
                draw(play);
              }),
          },
        ],
        {
          renderer: PlayRenderer,
          exitOnError: false,
          registerSignalListeners: false,
          rendererOptions: {
            collapseErrors: false,
            formatOutput: 'truncate',
            logger: new listr.ListrLogger({ useIcons: true, processOutput: new listr.ProcessOutput(o.stream as NodeJS.WriteStream, process.stderr) }),
          },
        },
      );
    chain = chain.then(() => list().run().catch(() => undefined));
    o.track(chain);
    clearInterval(ticker);
    ticker = setInterval(redraw, o.tickMs ?? 1000);
    ticker.unref();
  };
  let connectShown = false;
  /** Before the first play: the connect phase gets its list as soon as a host starts connecting. */
  const connecting = () => {
    const c = o.progress.connect;
    if (c && !connectShown) {
      connectShown = true;
      start(c);
    }
    redraw();
  };

  return {
    playStart() {
      // The connect phase has ended with the first play: draw its collapsed line and complete its task.
      if (o.progress.connect) draw(o.progress.connect);
      start(o.progress.current()!);
    },
    hostPhase: connecting,
    change: redraw,
    hostEnd: redraw,
    runEnd() {
      // Stopped before the first play: the progress ended the up-front phase; this completes its task.
      clearInterval(ticker);
      if (o.progress.plays.length === 0) draw(o.progress.connect);
    },
    playEnd() {
      clearInterval(ticker);
      // The progress already marked the play ended: this draws its collapsed block and completes its task.
      draw(o.progress.plays[o.progress.plays.length - 1]);
    },
  };
}
