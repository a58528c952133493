/**
 * The layer summary, like the seed's table 18-5: layer, its settings, input and output shapes,
 * parameter count (split per tensor, "200 + 8"), plus FLOPs. Click a row to select the layer.
 */
import { focusNode } from '../canvas/flowApi';
import { categoryVar } from '../graph/categories';
import { formatCompact, formatInt } from '../graph/format';
import { summaryRows } from '../graph/summary';
import { useReport } from '../store/report';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';

export function SummaryTable() {
  const report = useReport();
  const rows = summaryRows(report);
  const selected = useEditor((s) => (s.nodes.filter((n) => n.selected).length === 1 ? s.nodes.find((n) => n.selected)!.id : null));
  return (
    <section className="summary" aria-label="Layer summary" data-testid="summary-table">
      <div className="summary-header">
        <span>Summary</span>
        <span className="muted">{rows.length} layers · in execution order</span>
        <span className="status-spacer" />
        <button className="icon-button" title="Close summary" onClick={() => useUi.getState().togglePanel('summary')}>
          ✕
        </button>
      </div>
      <div className="summary-scroll">
        <table>
          <thead>
            <tr>
              <th>Layer</th>
              <th>Type</th>
              <th>Parameters</th>
              <th>Input</th>
              <th>Output</th>
              <th className="num">Param count</th>
              <th className="num">FLOPs</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className={`${r.error ? 'has-error' : ''}${selected === r.id ? ' is-selected' : ''}`}
                onClick={() => {
                  useEditor.getState().selectOnly(r.id);
                  focusNode(r.id);
                }}
                title={r.error ?? undefined}
              >
                <td className="mono">
                  <span className="swatch" style={{ background: categoryVar(r.category) }} />
                  {r.id}
                </td>
                <td>{r.type}</td>
                <td className="mono">{r.settings}</td>
                <td className="mono">{r.input}</td>
                <td className="mono">{r.error ? <span className="bad">{r.error}</span> : r.output}</td>
                <td className="num mono">
                  {r.params > 0 ? formatInt(r.params) : ''}
                  {r.breakdown && <span className="muted"> ({r.breakdown})</span>}
                </td>
                <td className="num mono">{r.flops > 0 ? formatCompact(r.flops) : ''}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={5}>Total</td>
              <td className="num mono" data-testid="summary-total">
                {formatInt(report.totals.params)}
              </td>
              <td className="num mono">{formatCompact(report.totals.flops)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
