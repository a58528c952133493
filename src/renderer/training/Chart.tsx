/**
 * One uPlot chart. Built once per set of series (a run added to the overlay rebuilds it); new
 * points only call `setData`, which the store already paces to one call per animation frame.
 * Sized by a ResizeObserver; hovering shows every series' value at that x in the legend.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useUi } from '../store/ui';
import type { ChartData } from './chart-data';

interface Props {
  title: string;
  data: ChartData;
  log?: boolean;
  percent?: boolean;
  testId: string;
}

/** Ticks at round fractions of an epoch (0.25, 0.5) or whole epochs, never 0.07. */
const EPOCH_TICKS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/**
 * Epoch markers while they have room: a series' own points in view (not the x values of every
 * series: steps share the axis) at most one per 8 px. A kernel fit's thousands of epochs draw
 * a line, not thousands of circles a redraw.
 */
function fewPoints(u: uPlot, si: number, i0: number, i1: number): boolean {
  const values = u.data[si];
  const room = u.bbox.width / (8 * (globalThis.devicePixelRatio || 1));
  let n = 0;
  for (let i = i0; i <= i1; i++) if (values[i] !== null && values[i] !== undefined && ++n > room) return false;
  return true;
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

function fmtValue(percent: boolean) {
  return (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : percent ? `${(v * 100).toFixed(1)}%` : Math.abs(v) >= 0.01 ? v.toFixed(4) : v.toExponential(2));
}

/**
 * Axis colours by theme. Not read from the CSS variables: a chart rebuilt for a theme change runs
 * its effect before the app's effect that switches the root's data-theme, and so read the old
 * theme's colours (the light theme's near-white grid on a dark chart).
 */
const AXIS_COLORS = {
  dark: { text: '#7f8896', grid: 'rgba(255, 255, 255, 0.07)' },
  light: { text: '#6b7280', grid: 'rgba(0, 0, 0, 0.08)' },
} as const;

/** Validation drawn in a lighter shade of the run's colour (and dashed, with hollow markers), so it never reads as training. */
export function validationShade(hex: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  const mix = (c: number) => Math.round(c + (255 - c) * 0.45);
  return `rgb(${mix(n >> 16)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
}

function options(p: Props, width: number, height: number, theme: 'dark' | 'light'): uPlot.Options {
  const { text, grid } = AXIS_COLORS[theme];
  const font = `11px ${css('--font-ui')}`;
  const axis: uPlot.Axis = { stroke: text, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height,
    title: undefined,
    legend: { live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 6 } },
    scales: {
      x: { time: false },
      y: p.log ? { distr: 3 } : p.percent ? { range: (_u, min, max) => [Math.max(0, Math.min(min, 0.9) - 0.02), Math.min(1, Math.max(max, 0.1) + 0.02)] } : {},
    },
    axes: [
      { ...axis, label: 'epoch', labelFont: font, labelSize: 14, incrs: EPOCH_TICKS, values: (_u, ticks) => ticks.map((t) => String(Number(t.toFixed(2)))) },
      { ...axis, size: 52, values: (_u, ticks) => ticks.map((t) => (p.percent ? `${Math.round(t * 100)}%` : Number(t.toPrecision(3)).toString())) },
    ],
    series: [
      { label: 'epoch', value: (_u, v) => (v === null || v === undefined ? '—' : v.toFixed(2)) },
      ...p.data.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.kind === 'val-epoch' ? validationShade(s.color) : s.color,
          width: s.kind === 'train-step' ? 1.25 : 2,
          dash: s.kind === 'val-epoch' ? [6, 4] : undefined,
          spanGaps: true,
          // training: filled dots; validation: hollow rings in its lighter shade
          points:
            s.kind === 'val-epoch'
              ? { show: fewPoints, size: 8, width: 2, fill: theme === 'dark' ? '#181b21' : '#ffffff', stroke: validationShade(s.color) }
              : { show: s.kind === 'train-step' ? false : fewPoints, size: 6, fill: s.color, stroke: s.color },
          value: fmtValue(!!p.percent),
        }),
      ),
    ],
  };
}

const aligned = (d: ChartData): uPlot.AlignedData => [d.x, ...d.series.map((s) => s.values)] as uPlot.AlignedData;

export function Chart(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useUi((s) => s.theme);
  const structure = JSON.stringify([p.data.series.map((s) => [s.label, s.kind, s.color]), p.log, p.percent, theme]);

  useEffect(() => {
    const el = box.current!;
    // the legend sits under the plot and wraps with many series: the plot gets what is left
    const legend = () => (el.querySelector('.u-legend') as HTMLElement | null)?.offsetHeight ?? 20;
    const size = () => ({ width: Math.max(160, el.clientWidth), height: Math.max(60, el.clientHeight - legend() - 4) });
    const u = new uPlot(options(p, Math.max(160, el.clientWidth), Math.max(60, el.clientHeight - 24), theme), aligned(p.data), el);
    plot.current = u;
    u.setSize(size());
    const ro = new ResizeObserver(() => {
      const s = size();
      if (s.width !== u.width || s.height !== u.height) u.setSize(s);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // rebuilt only when the series change; data flows through setData below
  }, [structure]);

  useEffect(() => {
    plot.current?.setData(aligned(p.data));
  }, [p.data]);

  return (
    <figure className="tchart" data-testid={p.testId} data-points={p.data.x.length}>
      <figcaption className="tchart-title">{p.title}</figcaption>
      <div className="tchart-plot" ref={box} />
    </figure>
  );
}
