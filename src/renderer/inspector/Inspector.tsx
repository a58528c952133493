/**
 * The inspector: for one selected layer, its name, every parameter (from the LayerSpec's
 * ParamDefs) and what the engine computed — input and output shapes, trainable tensors, FLOPs,
 * the error. With several layers selected, a summary of the selection; with none, the project.
 */
import { useShallow } from 'zustand/react/shallow';
import { getLayer } from '../../engine/layers/index';
import { size } from '../../engine/layers/spec';
import type { NodeShapeInfo } from '../../engine/shapes/inferShapes';
import { categoryVar } from '../graph/categories';
import { formatCompact, formatInt, formatShape } from '../graph/format';
import { useNodeInfo, useReport } from '../store/report';
import { connectedPorts, isPendingWiring } from '../graph/wiring';
import { run } from '../shell/commands';
import { useEditor, type EditorState } from '../store/editor';
import { NameField } from './NameField';
import { ParamField } from './ParamField';
import { ProjectInfo } from './ProjectInfo';

const selectedIds = (s: EditorState) => s.nodes.filter((n) => n.selected).map((n) => n.id);

function problemTitle(paramLabel: string | undefined): string {
  return paramLabel ? `Problem with ${paramLabel}` : 'This layer does not work';
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function Computed({ info }: { info: NodeShapeInfo | undefined }) {
  const sources = useEditor(useShallow((s) => (info ? s.edges.filter((e) => e.target === info.id) : [])));
  if (!info) return null;
  const tensors = Object.entries(info.paramShapes);
  return (
    <section className="inspector-section">
      <h3>Shapes</h3>
      <dl className="kv">
        {info.inShapes.length > 0 ? (
          info.inShapes.map((s, i) => (
            <div key={i}>
              <dt>{info.inShapes.length > 1 ? `Input ${i}` : 'Input'}</dt>
              <dd className="mono">
                {formatShape(s)}
                <span className="muted"> from {sources.find((e) => e.targetHandle === `in-${i}`)?.source ?? '?'}</span>
              </dd>
            </div>
          ))
        ) : (
          <div>
            <dt>Input</dt>
            <dd className="muted">{info.type === 'Input' ? 'the data' : info.blockedBy ? `waiting for ${info.blockedBy}` : 'not connected'}</dd>
          </div>
        )}
        <div>
          <dt>Output</dt>
          <dd className="mono strong" data-testid="inspector-output">
            {formatShape(info.outputShape)}
          </dd>
        </div>
        {tensors.map(([name, shape]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd className="mono">
              {shape.join('×')} <span className="muted">= {formatInt(size(shape))}</span>
            </dd>
          </div>
        ))}
        <div>
          <dt>Parameters</dt>
          <dd className="mono">{formatInt(info.paramCount)}</dd>
        </div>
        <div>
          <dt>FLOPs</dt>
          <dd className="mono">{formatCompact(info.flops)} / sample</dd>
        </div>
      </dl>
    </section>
  );
}

function LayerInspector({ id }: { id: string }) {
  const node = useEditor((s) => s.nodes.find((n) => n.id === id));
  const info = useNodeInfo(id);
  const ports = useEditor(useShallow((s) => connectedPorts(s.edges, id)));
  if (!node) return null;
  const spec = getLayer(node.data.type);
  const pending = isPendingWiring(info?.error, spec, ports);
  const { setParam, resetParam } = useEditor.getState();
  return (
    <div className="inspector-body" data-testid="inspector-layer">
      <header className="inspector-title" style={{ ['--cat' as string]: categoryVar(spec?.category ?? 'Other') }}>
        <span className="inspector-swatch" />
        <div>
          <div className="inspector-type">{spec?.label ?? node.data.type}</div>
          <div className="inspector-category">{spec?.category ?? 'Unknown layer type'}</div>
        </div>
      </header>
      {spec && <p className="inspector-description">{spec.description}</p>}
      {info?.error && (
        <div className={`inspector-error${pending ? ' is-pending' : ''}`} role="alert" data-testid="inspector-error">
          <strong>{pending ? 'Not wired yet' : problemTitle(spec?.params.find((d) => d.name === info.error!.field)?.label)}</strong>
          <span>{info.error.detail}</span>
        </div>
      )}
      <section className="inspector-section">
        <NameField id={id} type={node.data.type} />
      </section>
      {spec && (
        <section className="inspector-section">
          <h3>Parameters</h3>
          {spec.params.length === 0 && <p className="muted small">This layer has no parameters.</p>}
          {spec.params.map((def) => {
            const value = node.data.params[def.name];
            const changed = 'default' in def && value !== undefined && !sameValue(value, def.default);
            return (
              <div className="param-row" key={`${id}:${def.name}`}>
                <ParamField nodeId={id} def={def} value={value} onChange={(v) => setParam(id, def.name, v)} onReset={() => resetParam(id, def.name)} />
                {changed && (
                  <button className="icon-button param-reset" title={`Reset to default (${JSON.stringify(def.default)})`} onClick={() => resetParam(id, def.name)}>
                    ↺
                  </button>
                )}
              </div>
            );
          })}
        </section>
      )}
      <Computed info={info} />
      <div className="button-row inspector-actions">
        <button className="button" onClick={() => run('duplicate')} title="Duplicate (Ctrl+D)">
          Duplicate
        </button>
        <button className="button danger" onClick={() => run('delete')} title="Delete (Del)" data-testid="inspector-delete">
          Delete
        </button>
      </div>
    </div>
  );
}

function SelectionInspector({ ids }: { ids: string[] }) {
  const report = useReport();
  const total = ids.reduce((a, id) => a + (report.byId.get(id)?.paramCount ?? 0), 0);
  return (
    <div className="inspector-body">
      <header className="inspector-title">
        <div>
          <div className="inspector-type">{ids.length} layers selected</div>
          <div className="inspector-category">{formatInt(total)} parameters together</div>
        </div>
      </header>
      <ul className="selection-list">
        {ids.map((id) => (
          <li key={id}>
            <button className="link" onClick={() => useEditor.getState().selectOnly(id)}>
              {id}
            </button>
            <span className="muted">{report.byId.get(id)?.spec?.label}</span>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button className="button" onClick={() => run('duplicate')}>
          Duplicate
        </button>
        <button className="button danger" onClick={() => run('delete')}>
          Delete
        </button>
      </div>
    </div>
  );
}

/** The Inspector tab's body (the side panel, shell/SidePanel.tsx, hosts it beside Train and Visuals). */
export function Inspector() {
  const ids = useEditor(useShallow(selectedIds));
  return ids.length === 1 ? <LayerInspector id={ids[0]} /> : ids.length > 1 ? <SelectionInspector ids={ids} /> : <ProjectInfo />;
}
