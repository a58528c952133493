/** The toolbar's ways into the visuals: the kernel playground, and "Look inside" the trained network. */
import { useTraining } from '../training/store';
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

export function InsideButton() {
  const open = useVisuals((s) => s.inside !== null);
  const trained = useTraining((s) => s.live !== null);
  return (
    <button
      className={`tool-button${open ? ' is-active' : ''}`}
      onClick={() => useVisuals.getState().openInside('evaluation')}
      disabled={!trained}
      title={trained ? 'Look inside: evaluation, confusion matrix, mistakes, every layer’s output' : 'Look inside: train the network first'}
      aria-label="Look inside"
      aria-pressed={open}
      data-testid="tool-inside"
    >
      <svg className="icon" width={16} height={16} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.3} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
        <path d="M6.5 2.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8z M9.5 9.5l4 4 M4.5 7.5l1.2-2 1.3 1.5 1-1" />
      </svg>
    </button>
  );
}
