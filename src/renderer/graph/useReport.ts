/**
 * Moved to store/report.ts (a React hook does not belong in the pure graph folder). This
 * re-export keeps files still being written against the old path compiling; import from
 * '../store/report' instead — it goes once nothing imports it.
 */
export { currentReport, selectGraph, selectReport, useNodeInfo, useReport } from '../store/report';
