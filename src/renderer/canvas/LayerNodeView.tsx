/**
 * The one node component: renders any layer from its LayerSpec and the engine's shape report —
 * name (node id), type, key parameters (spec.summary), output shape, parameter count, and the
 * engine's error message when the layer does not work. Merge layers get one input handle per
 * port (the connected ones plus one free, up to the spec's maximum).
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { getLayer } from '../../engine/layers/index';
import type { LayerSpec } from '../../engine/layers/spec';
import { categoryVar } from '../graph/categories';
import { formatCompact, formatInt, formatShape } from '../graph/format';
import { inHandle, OUT_HANDLE, type LayerNode } from '../graph/types';
import { useNodeInfo } from '../store/report';
import { connectedPorts, isPendingWiring } from '../graph/wiring';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../store/editor';
import { NodePreview } from './preview/NodePreview';

function safeSummary(spec: LayerSpec, params: Record<string, unknown> | null): string {
  if (!params) return '';
  try {
    return spec.summary(params);
  } catch {
    return '';
  }
}

/** How many input handles to draw: every connected port plus one free, within the spec's range. */
function portCount(spec: LayerSpec, highestConnected: number): number {
  const { min, max } = spec.inputs;
  if (max === 0) return 0;
  return Math.min(max, Math.max(min, highestConnected + 2, 1));
}

function LayerNodeViewInner({ id, data, selected }: NodeProps<LayerNode>) {
  const spec = getLayer(data.type);
  const info = useNodeInfo(id);
  const wired = useEditor(useShallow((s) => connectedPorts(s.edges, id)));
  const highest = wired.length ? Math.max(...wired) : -1;
  const error = info?.error ?? null;
  // Missing wires while a network is being built are expected: shown quieter than a real error.
  const pending = isPendingWiring(error, spec, wired);
  const ports = spec ? portCount(spec, highest) : 1;
  const category = spec?.category ?? 'Other';
  const summary = spec ? safeSummary(spec, info?.params ?? null) : '';
  const isMerge = spec ? spec.inputs.max > 1 : false;

  return (
    <div
      className={`layer-node${selected ? ' is-selected' : ''}${error ? (pending ? ' is-pending' : ' has-error') : ''}${info?.blockedBy ? ' is-blocked' : ''}`}
      style={{ ['--cat' as string]: categoryVar(category) }}
      data-testid="layer-node"
      data-type={data.type}
    >
      {Array.from({ length: ports }, (_, p) => (
        <Handle
          key={p}
          type="target"
          id={inHandle(p)}
          position={Position.Top}
          className="port port-in"
          style={{ left: `${((p + 1) / (ports + 1)) * 100}%` }}
          title={isMerge ? `input ${p}` : 'input'}
        >
          {isMerge && <span className="port-label">{p}</span>}
        </Handle>
      ))}
      <div className="layer-node-header">
        <span className="layer-node-swatch" />
        <span className="layer-node-name" title={id}>
          {id}
        </span>
        <span className="layer-node-type">{spec?.label ?? data.type}</span>
      </div>
      <div className="layer-node-body">
        {(summary || !spec || spec.params.length > 0) && (
          <div className="layer-node-summary" title={summary}>
            {summary || <span className="muted">{spec ? '—' : 'unknown layer type'}</span>}
          </div>
        )}
        <div className="layer-node-stats">
          <span className="layer-node-shape" data-testid="node-output" title="output shape (per sample)">
            {info?.outputShape ? formatShape(info.outputShape) : '—'}
          </span>
          <span className="layer-node-params" data-testid="node-params" title={`${formatInt(info?.paramCount ?? 0)} trainable parameters`}>
            {info && info.paramCount > 0 ? `${formatCompact(info.paramCount)} params` : ''}
          </span>
        </div>
        {info?.outputShape && !error && <NodePreview id={id} shape={info.outputShape} isOutput={!!spec?.output} labels={null} />}
      </div>
      {error && (
        <div className={`layer-node-error${pending ? ' is-pending' : ''}`} data-testid="node-error" data-pending={pending} role="alert">
          <span className="layer-node-error-icon">{pending ? '…' : '!'}</span>
          <span>{error.detail}</span>
        </div>
      )}
      {!error && info?.blockedBy && <div className="layer-node-blocked">waiting for {info.blockedBy}</div>}
      {spec && !spec.output && <Handle type="source" id={OUT_HANDLE} position={Position.Bottom} className="port port-out" title="output" />}
    </div>
  );
}

export const LayerNodeView = memo(LayerNodeViewInner);
