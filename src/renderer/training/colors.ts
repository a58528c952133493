/** A stable colour per run, so a run keeps its colour in the list and in every chart. */
const PALETTE = ['#4d8dff', '#f59e0b', '#22c55e', '#ec4899', '#a78bfa', '#14b8a6', '#f97316', '#ef4444', '#84cc16', '#06b6d4'];

export function colorOf(runId: string): string {
  let h = 2166136261;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}
