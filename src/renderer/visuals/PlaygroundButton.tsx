/** The toolbar's way into the kernel playground (a 3×3 kernel over a picture). */
import { useVisuals } from './store';

export function PlaygroundButton() {
  const open = useVisuals((s) => s.playgroundOpen);
  return (
    <button
      className={`tool-button${open ? ' is-active' : ''}`}
      onClick={() => useVisuals.getState().setPlaygroundOpen(true)}
      title="Kernel playground: what a 3×3 kernel, ReLU and pooling do to a picture"
      aria-label="Kernel playground"
      aria-pressed={open}
      data-testid="tool-playground"
    >
      <svg className="icon" width={16} height={16} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.3} strokeLinejoin="round" aria-hidden>
        <path d="M2 2h12v12H2z M6 2v12 M10 2v12 M2 6h12 M2 10h12" />
        <path d="M6.6 6.6h2.8v2.8H6.6z" fill="currentColor" stroke="none" />
      </svg>
    </button>
  );
}
