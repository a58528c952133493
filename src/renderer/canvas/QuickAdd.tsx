/**
 * Quick-add menu at the cursor (double-click on the canvas, Tab or Shift+A, or a wire dropped on
 * empty canvas): type to filter, arrows to choose, Enter to add.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { categoryVar } from '../graph/categories';
import { checkConnection } from '../graph/connection';
import { toGraph } from '../graph/toGraph';
import { searchLayers } from '../palette/search';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';

export function QuickAdd() {
  const state = useUi((s) => s.quickAdd);
  const close = () => useUi.getState().openQuickAdd(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const results = searchLayers(query);

  // a layout effect: focused in the same commit that shows the box, so keys typed right after it
  // appears reach the filter (an effect ran after paint: on a busy machine the first keys were lost)
  useLayoutEffect(() => {
    if (state) {
      setQuery('');
      setActive(0);
      inputRef.current?.focus();
    }
  }, [state]);

  if (!state) return null;

  const choose = (type: string) => {
    const editor = useEditor.getState();
    const id = editor.addLayer(type, { x: state.flow.x - 112, y: state.flow.y - 20 });
    if (id && state.connectFrom) {
      const s = useEditor.getState();
      const verdict = checkConnection(toGraph(s.nodes, s.edges), { from: state.connectFrom, to: id, port: 0 });
      if (verdict.ok) s.connect({ source: state.connectFrom, target: id, sourceHandle: 'out', targetHandle: 'in-0' });
      else useUi.getState().notify('error', `Added ${id} but did not connect it: ${verdict.reason}`);
    }
    close();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      setActive((a) => Math.min(results.length - 1, a + 1));
      e.preventDefault();
    } else if (e.key === 'ArrowUp') {
      setActive((a) => Math.max(0, a - 1));
      e.preventDefault();
    } else if (e.key === 'Enter') {
      if (results[active]) choose(results[active].type);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      close();
      e.preventDefault();
    }
  };

  const left = Math.min(state.screen.x, window.innerWidth - 290);
  const top = Math.min(state.screen.y, window.innerHeight - 380);
  return (
    <>
      <div className="popover-backdrop" onMouseDown={close} />
      <div className="quick-add" style={{ left, top }} data-testid="quick-add" onKeyDown={onKeyDown}>
        <input
          ref={inputRef}
          className="quick-add-search"
          placeholder={state.connectFrom ? `Add a layer after ${state.connectFrom}…` : 'Add a layer…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          aria-label="Search layers"
        />
        <ul className="quick-add-list" role="listbox">
          {results.map((spec, i) => (
            <li
              key={spec.type}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'is-active' : ''}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(spec.type);
              }}
            >
              <span className="swatch" style={{ background: categoryVar(spec.category) }} />
              <span className="quick-add-label">{spec.label}</span>
              <span className="quick-add-cat">{spec.category}</span>
            </li>
          ))}
          {results.length === 0 && <li className="empty">No layer matches “{query}”</li>}
        </ul>
      </div>
    </>
  );
}
