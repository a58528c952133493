/** The key to a picture's colours: the gradient, labelled at its ends (and at 0 when it diverges). */
import { cssGradient, ticks, type Scale } from './colormap';

export function ColorBar({ scale, width, testId }: { scale: Scale; width: number; testId?: string }) {
  const marks = ticks(scale);
  return (
    <div className="color-bar" style={{ width }} data-testid={testId} aria-label={`colour scale from ${marks[0].label} to ${marks[marks.length - 1].label}`}>
      <div className="color-bar-ramp" style={{ background: cssGradient(scale.map) }} />
      <div className="color-bar-ticks mono">
        {marks.map((t, i) => (
          <span key={i} className={i === 0 ? 'is-first' : i === marks.length - 1 ? 'is-last' : ''} style={{ left: `${t.at * 100}%` }}>
            {t.label}
          </span>
        ))}
      </div>
    </div>
  );
}
