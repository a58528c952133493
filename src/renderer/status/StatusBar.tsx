/**
 * The status bar: the engine's errors (click one to select and centre its layer), total
 * parameters, FLOPs per sample, and the estimated training memory at the chosen batch size.
 */
import { useEffect, useRef, useState } from 'react';
import { focusNode } from '../canvas/flowApi';
import { formatBytes, formatCompact, formatInt } from '../graph/format';
import { statusMemory } from '../graph/memory';
import { useReport } from '../graph/useReport';
import { platform } from '../platform';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';

function ErrorList({ onClose }: { onClose(): void }) {
  const report = useReport();
  return (
    <div className="error-list" role="dialog" aria-label="Problems" data-testid="error-list">
      <div className="error-list-title">Problems ({report.errors.length})</div>
      <ul>
        {report.errors.map((e, i) => (
          <li key={i}>
            <button
              disabled={!e.node}
              onClick={() => {
                if (!e.node) return;
                useEditor.getState().selectOnly(e.node);
                focusNode(e.node);
                onClose();
              }}
            >
              {e.node && <span className="error-node mono">{e.node}</span>}
              <span>{e.node && e.message.startsWith(`${e.node}: `) ? e.message.slice(e.node.length + 2) : e.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function BatchInput() {
  const batch = useUi((s) => s.batchSize);
  const [draft, setDraft] = useState(String(batch));
  useEffect(() => setDraft(String(batch)), [batch]);
  return (
    <input
      className="status-batch mono"
      value={draft}
      inputMode="numeric"
      aria-label="Batch size for the memory estimate"
      title="Batch size used for the memory estimate"
      onChange={(e) => {
        setDraft(e.target.value);
        const n = Number(e.target.value);
        if (Number.isInteger(n) && n >= 1 && n <= 65536) useUi.getState().setBatchSize(n);
      }}
      onBlur={() => setDraft(String(batch))}
      data-testid="status-batch"
    />
  );
}

export function StatusBar() {
  const report = useReport();
  const layers = useEditor((s) => s.nodes.length);
  const batch = useUi((s) => s.batchSize);
  const optimizer = useEditor((s) => s.meta.training.optimizer.name);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const memory = statusMemory(report, batch, optimizer);
  const errors = report.errors.length;
  const empty = layers === 0;
  // with a shape error the totals miss the layers after it: say so instead of a wrong number
  const first = report.errors[0];
  const unknownWhy = !empty && first ? `Unknown until ${first.node ?? 'the graph'} works: ${first.message}` : null;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);
  useEffect(() => {
    if (errors === 0) setOpen(false);
  }, [errors]);

  return (
    <footer className="status-bar" data-testid="status-bar">
      <div className="status-errors" ref={ref}>
        {empty ? (
          <span className="status-item muted">Empty canvas</span>
        ) : errors === 0 ? (
          <span className="status-item ok" data-testid="status-errors">
            <span className="dot ok" /> No problems
          </span>
        ) : (
          <button className="status-item bad" onClick={() => setOpen((o) => !o)} data-testid="status-errors" aria-expanded={open}>
            <span className="dot bad" /> {errors} {errors === 1 ? 'problem' : 'problems'}
            <span className="chevron">▴</span>
          </button>
        )}
        {open && errors > 0 && <ErrorList onClose={() => setOpen(false)} />}
      </div>
      <span className="status-sep" />
      <span className="status-item" title="Layers on the canvas">
        <span className="status-label">Layers</span> <span className="mono">{layers}</span>
      </span>
      <span className="status-item" title={unknownWhy ?? `${formatInt(report.totals.params)} trainable parameters`}>
        <span className="status-label">Params</span>{' '}
        <span className="mono" data-testid="status-params" data-why={unknownWhy ?? undefined}>
          {unknownWhy ? '—' : formatInt(report.totals.params)}
        </span>
      </span>
      <span className="status-item" title={unknownWhy ?? `${formatInt(report.totals.flops)} floating-point operations per sample, forward pass`}>
        <span className="status-label">FLOPs</span> <span className="mono">{unknownWhy ? '—' : formatCompact(report.totals.flops)}</span>
        <span className="muted"> /sample</span>
      </span>
      <span
        className={`status-item${memory?.verdict === 'too-big' ? ' bad' : memory?.verdict === 'tight' ? ' warn' : ''}`}
        title={
          memory
            ? `Training memory estimate (${optimizer}, float32): ${memory.message}`
            : report.ok
              ? 'Training memory: the network needs an output layer (Softmax or Regression) to train'
              : 'Training memory: fix the problems first'
        }
        data-testid="status-memory"
      >
        <span className="status-label">Train memory</span> <span className="mono">{memory ? `≈ ${formatBytes(memory.estimate.total)}` : '—'}</span>
        <span className="muted"> @ batch</span> <BatchInput />
      </span>
      <span className="status-spacer" />
      <span className="status-item muted">{platform.kind === 'electron' ? 'Desktop' : 'Browser'}</span>
    </footer>
  );
}
