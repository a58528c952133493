/**
 * Per-class precision, recall and F1 beside the confusion matrix (scikit-learn's
 * classification report): which classes the network finds, which it confuses for others.
 */
import { classReport } from '../../../engine/visuals/confusion';
import type { RunInfo } from './runInfo';
import { className } from './runInfo';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}`);

export function ClassReportTable({ counts, info }: { counts: number[][]; info: RunInfo }) {
  const r = classReport(counts);
  return (
    <table className="class-report" data-testid="class-report">
      <thead>
        <tr>
          <th>Class</th>
          <th title="Of the samples predicted as this class, the share that are">Precision %</th>
          <th title="Of the samples of this class, the share found">Recall %</th>
          <th title="Harmonic mean of precision and recall">F1 %</th>
          <th title="Samples of this class">Samples</th>
        </tr>
      </thead>
      <tbody>
        {r.perClass.map((s, c) => (
          <tr key={c} data-testid={`class-report-row-${c}`} data-precision={s.precision ?? ''} data-recall={s.recall ?? ''} data-f1={s.f1 ?? ''} data-support={s.support}>
            <td className="class-report-name" title={className(info, c)}>
              {className(info, c)}
            </td>
            <td className="mono">{pct(s.precision)}</td>
            <td className="mono">{pct(s.recall)}</td>
            <td className="mono">{pct(s.f1)}</td>
            <td className="mono">{s.support.toLocaleString('en-US')}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-testid="class-report-macro" data-f1={r.macro.f1 ?? ''}>
          <td>Macro mean</td>
          <td className="mono">{pct(r.macro.precision)}</td>
          <td className="mono">{pct(r.macro.recall)}</td>
          <td className="mono">{pct(r.macro.f1)}</td>
          <td className="mono">{r.perClass.reduce((a, s) => a + s.support, 0).toLocaleString('en-US')}</td>
        </tr>
        <tr>
          <td>Weighted mean</td>
          <td className="mono">{pct(r.weighted.precision)}</td>
          <td className="mono">{pct(r.weighted.recall)}</td>
          <td className="mono">{pct(r.weighted.f1)}</td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}
