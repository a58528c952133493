/** The inspector with nothing selected: the project, its totals and how to get started. */
import { formatInt } from '../graph/format';
import { useReport } from '../store/report';
import { useEditor } from '../store/editor';

export function ProjectInfo() {
  const meta = useEditor((s) => s.meta);
  const count = useEditor((s) => s.nodes.length);
  const report = useReport();
  const expected = meta.expectedParams;
  const matches = expected !== null && expected === report.totals.params;
  return (
    <div className="inspector-body" data-testid="inspector-project">
      <header className="inspector-title">
        <div>
          <div className="inspector-type">{meta.title || meta.name}</div>
          <div className="inspector-category">Project</div>
        </div>
      </header>
      {meta.description && <p className="inspector-description">{meta.description}</p>}
      <section className="inspector-section">
        <dl className="kv">
          <div>
            <dt>Layers</dt>
            <dd className="mono">{count}</dd>
          </div>
          <div>
            <dt>Parameters</dt>
            <dd className="mono">{formatInt(report.totals.params)}</dd>
          </div>
          {expected !== null && (
            <div>
              <dt>Published</dt>
              <dd className={`mono ${matches ? 'ok' : 'warn'}`} data-testid="expected-params">
                {formatInt(expected)} {matches ? '✓ matches' : `✗ differs by ${formatInt(report.totals.params - expected)}`}
              </dd>
            </div>
          )}
          <div>
            <dt>File</dt>
            <dd className="muted small">{meta.path ?? 'not saved yet'}</dd>
          </div>
        </dl>
      </section>
      <section className="inspector-section tips">
        <h3>Tips</h3>
        <ul>
          <li>Select a layer to edit its parameters.</li>
          <li>Drag from a port to wire layers; a wire that cannot work is refused with the reason.</li>
          <li>
            <kbd>Tab</kbd> or double-click the canvas to add a layer at the cursor.
          </li>
          <li>Drag on empty canvas to select several; middle or right button to pan.</li>
        </ul>
      </section>
    </div>
  );
}
