/**
 * The layer palette: every LayerSpec in the engine's registry, grouped by category, searchable.
 * Drag an item onto the canvas, or double-click it to add it in the middle of the view.
 */
import { useMemo, useState } from 'react';
import { LAYERS } from '../../engine/layers/index';
import type { LayerSpec } from '../../engine/layers/spec';
import { LAYER_MIME } from '../canvas/dnd';
import { flow } from '../canvas/flowApi';
import { CATEGORY_ORDER, categoryRank, categoryVar } from '../graph/categories';
import { useEditor } from '../store/editor';
import { searchLayers } from './search';

function addAtCentre(type: string): void {
  const rf = flow();
  const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
  if (!rf || !canvas) return;
  const p = rf.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 });
  // Successive additions step down so they do not pile up exactly on top of each other.
  const n = useEditor.getState().nodes.length;
  useEditor.getState().addLayer(type, { x: p.x - 112 + (n % 5) * 12, y: p.y - 50 + (n % 5) * 12 });
}

function PaletteItem({ spec }: { spec: LayerSpec }) {
  const inputs = spec.inputs.max > 1 ? `${spec.inputs.min}–${spec.inputs.max} inputs` : null;
  return (
    <li
      className="palette-item"
      draggable
      data-testid={`palette-item-${spec.type}`}
      title={`${spec.description}\n\nDrag onto the canvas, or double-click to add.`}
      onDragStart={(e) => {
        e.dataTransfer.setData(LAYER_MIME, spec.type);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      onDoubleClick={() => addAtCentre(spec.type)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') addAtCentre(spec.type);
      }}
      tabIndex={0}
    >
      <span className="palette-swatch" style={{ background: categoryVar(spec.category) }} />
      <span className="palette-label">{spec.label}</span>
      {inputs && <span className="palette-hint">{inputs}</span>}
    </li>
  );
}

export function Palette() {
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});
  const groups = useMemo(() => {
    const found = query ? searchLayers(query) : LAYERS;
    const byCat = new Map<string, LayerSpec[]>();
    for (const spec of found) byCat.set(spec.category, [...(byCat.get(spec.category) ?? []), spec]);
    // Categories the engine adds later than this list still show, after the known ones.
    const cats = [...new Set([...CATEGORY_ORDER, ...byCat.keys()])].filter((c) => byCat.has(c));
    return cats.sort((a, b) => categoryRank(a) - categoryRank(b)).map((c) => ({ category: c, specs: byCat.get(c)! }));
  }, [query]);

  return (
    <aside className="panel palette" aria-label="Layer palette" data-testid="palette">
      <div className="panel-header">
        <span>Layers</span>
        <span className="panel-header-count">{LAYERS.length}</span>
      </div>
      <div className="palette-search">
        <input
          type="search"
          placeholder="Search layers"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
          aria-label="Search layers"
          data-testid="palette-search"
        />
      </div>
      <div className="palette-groups">
        {groups.map(({ category, specs }) => {
          const closed = !query && collapsed[category];
          return (
            <section key={category} className="palette-group">
              <button
                className="palette-group-title"
                onClick={() => setCollapsed((c) => ({ ...c, [category]: !c[category] }))}
                aria-expanded={!closed}
              >
                <span className={`chevron${closed ? ' is-closed' : ''}`} aria-hidden>
                  ▾
                </span>
                <span className="palette-group-dot" style={{ background: categoryVar(category) }} />
                {category}
                <span className="palette-group-count">{specs.length}</span>
              </button>
              {!closed && (
                <ul className="palette-list">
                  {specs.map((spec) => (
                    <PaletteItem key={spec.type} spec={spec} />
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {groups.length === 0 && <p className="palette-empty">No layer matches “{query}”.</p>}
      </div>
      <div className="palette-footer">Drag onto the canvas · double-click to add · Tab on canvas for quick add</div>
    </aside>
  );
}
