/**
 * Export model: the trained network as ONNX, PyTorch, TF.js or Keras (a save dialog on the
 * desktop, a download in the browser build), with the check's figure beside it — the largest
 * difference between the exported model, run in the page, and Convas.
 */
import { useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat } from '../../engine/io/export/plan';
import { describeVerification } from '../../engine/io/export/verify';
import { platform } from '../platform';
import type { ExportSource, ModelExport } from './export-model';

const LABELS: Record<ExportFormat, string> = { pytorch: 'PyTorch (model.py + weights, zip)', onnx: 'ONNX (opset 17)', tfjs: 'TF.js layers (zip)', keras: 'Keras 3 (.keras)' };

export function ExportModel({ disabled, source, infer }: { disabled: boolean; source: () => Promise<ExportSource>; infer: (sample: Float32Array) => Promise<Float32Array> }) {
  const [format, setFormat] = useState<ExportFormat>('onnx');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ text: string; ok: boolean } | null>(null);

  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      const { exportModel } = await import('./export-model');
      const e: ModelExport = await exportModel(format, await source(), infer);
      const v = e.verification;
      if (v && !v.ok) {
        setResult({ text: `${describeVerification(v)} — not saved`, ok: false });
        return;
      }
      const saved = await platform.exportFile({ suggestedName: e.suggestedName, content: e.content, mime: e.mime, filter: { name: LABELS[format], extensions: e.extensions } });
      if (saved) setResult({ text: `${e.suggestedName}: ${v ? describeVerification(v) : e.why}`, ok: true });
    } catch (err) {
      setResult({ text: err instanceof Error ? err.message : String(err), ok: false });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export-model" data-testid="export-model">
      <div className="button-row">
        <select value={format} onChange={(ev) => setFormat(ev.target.value as ExportFormat)} data-testid="export-model-format" aria-label="Export format">
          {EXPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {LABELS[f]}
            </option>
          ))}
        </select>
        <button className="button" disabled={disabled || busy} onClick={() => void run()} data-testid="export-model-run" title="Export the trained network and check it in the target's runtime">
          {busy ? 'Exporting…' : 'Export model…'}
        </button>
      </div>
      {result && (
        <p className={result.ok ? 'field-hint' : 'field-error'} data-testid="export-model-result" role="status">
          {result.text}
        </p>
      )}
    </div>
  );
}
