/** How the dashboard writes durations, rates and metrics. */

/** 75 → "1:15"; 3725 → "1:02:05". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatRate(samplesPerSec: number): string {
  if (!(samplesPerSec > 0)) return '—';
  return samplesPerSec >= 100 ? Math.round(samplesPerSec).toLocaleString('en-US') : samplesPerSec.toFixed(1);
}

export function formatPercent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}

export function formatLoss(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  return v === 0 || (abs >= 0.01 && abs < 1e5) ? v.toFixed(4) : v.toExponential(2);
}

/** Where a checkpoint sits, as people say it: "the start of epoch 3" or "epoch 3, after step 40". */
export function formatCheckpoint(c: { epoch: number; step: number }): string {
  return c.step === 0 ? `the start of epoch ${c.epoch}` : `epoch ${c.epoch}, after step ${c.step}`;
}

/** The worker's message without its own note on the last checkpoint (the panel says that itself). */
export function withoutCheckpointNote(message: string): string {
  return message.replace(/\s*The last good checkpoint is .*$/s, '');
}
