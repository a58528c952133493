/**
 * Publishing at a pace a page can draw: `schedule()` asks for a publish on the next animation
 * frame, but no sooner than `everyMs` after the last one (a redraw of the dashboard costs a
 * software-rendered page tens of milliseconds: ten a second, not one per event), and a timer
 * backs it up every `hiddenMs` because a hidden page gets no frames. `now()` publishes at once.
 */
export interface Pacer {
  schedule(): void;
  /** Publish now if something waits, and forget the frame or timers asked for. */
  now(): void;
  /** Forget what waits, publishing nothing. */
  cancel(): void;
}

type Raf = (cb: () => void) => number;

export function createPacer(publish: () => void, everyMs: number, hiddenMs = 1000): Pacer {
  let pending = false;
  let frame: number | null = null;
  /** Waiting out `everyMs` before asking for a frame. */
  let pace: ReturnType<typeof setTimeout> | null = null;
  let fallback: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;

  const clear = () => {
    frame = null;
    if (pace) clearTimeout(pace);
    pace = null;
    if (fallback) clearTimeout(fallback);
    fallback = null;
  };

  const fire = () => {
    clear();
    if (!pending) return;
    pending = false;
    last = Date.now();
    publish();
  };

  return {
    schedule() {
      pending = true;
      fallback ??= setTimeout(fire, hiddenMs);
      if (frame !== null || pace !== null) return;
      const raf = (globalThis as { requestAnimationFrame?: Raf }).requestAnimationFrame;
      if (!raf) return;
      const wait = last + everyMs - Date.now();
      if (wait <= 0) frame = raf(fire);
      else
        pace = setTimeout(() => {
          pace = null;
          if (pending && frame === null) frame = raf(fire);
        }, wait);
    },
    now() {
      pending = true;
      fire();
    },
    cancel() {
      pending = false;
      clear();
    },
  };
}
