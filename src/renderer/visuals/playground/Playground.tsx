/**
 * The kernel playground (seed 17.1, figs. 17-6 and 17-7): a picture, one of table 17-1's nine
 * 3×3 kernels or the user's own, and what a convolution layer does with it — the filtered
 * picture (valid cross-correlation, as Conv2D computes), its ReLU, and 2×2 max pooling — plus
 * the nine kernels side by side on the same picture.
 */
import { useMemo, useRef, useState } from 'react';
import { CLASSIC_KERNELS, classicKernel } from '../../../engine/visuals/classic-kernels';
import { correlate, maxPool, rangeOf, relu, type Plane } from '../../../engine/visuals/planes';
import { useVisuals } from '../store';
import { autoScale, scaleFor, type Scale } from '../colormap';
import { Figure } from '../Figure';
import { KernelSwatch } from '../KernelSwatch';
import { TensorImage } from '../TensorImage';
import { KernelEditor, parseCell } from './KernelEditor';
import { builtinSamples, sampleFromFile, type Sample } from './samples';
import '../visuals.css';

const STEP = 188;
const SMALL = 136;
const CUSTOM = 'custom';

function textsOf(values: readonly number[]): string[] {
  return values.map((v) => String(v).replace('-', '−'));
}

interface Pipeline {
  conv: Plane;
  act: Plane;
  pool: Plane;
  convScale: Scale;
  actScale: Scale;
}

function runPipeline(picture: Plane, kernel: readonly number[]): Pipeline {
  const conv = correlate(picture, kernel, 3, 3);
  const act = relu(conv);
  const pool = maxPool(act);
  // ReLU and pooling share one scale, so the pooled picture's brightness compares with its input
  const actScale = scaleFor('grey', { min: 0, max: rangeOf(act.data).max });
  return { conv, act, pool, convScale: autoScale(rangeOf(conv.data)), actScale };
}

const ORIGINAL: Scale = { map: 'grey', lo: 0, hi: 1 };

export function Playground() {
  const open = useVisuals((s) => s.playgroundOpen);
  return open ? <PlaygroundDialog /> : null;
}

function PlaygroundDialog() {
  const samples = useMemo(builtinSamples, []);
  const [upload, setUpload] = useState<Sample | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [sourceId, setSourceId] = useState(samples[0].id);
  const [kernelId, setKernelId] = useState('sobel-x');
  const [texts, setTexts] = useState(() => textsOf(classicKernel('sobel-x').values));
  const [lastValid, setLastValid] = useState<readonly number[]>(classicKernel('sobel-x').values);
  const fileInput = useRef<HTMLInputElement>(null);
  const close = () => useVisuals.getState().setPlaygroundOpen(false);

  const sample = (sourceId === 'upload' ? upload : samples.find((s) => s.id === sourceId)) ?? samples[0];
  const kernel = kernelId === CUSTOM ? lastValid : classicKernel(kernelId).values;
  const tooSmall = sample.plane.width < 4 || sample.plane.height < 4;
  const result = useMemo(() => (tooSmall ? null : runPipeline(sample.plane, kernel)), [sample, kernel, tooSmall]);
  const nine = useMemo(
    () =>
      tooSmall
        ? []
        : CLASSIC_KERNELS.map((k) => {
            const conv = correlate(sample.plane, k.values, 3, 3);
            return { k, conv, scale: autoScale(rangeOf(conv.data)) };
          }),
    [sample, tooSmall],
  );

  const chooseKernel = (id: string) => {
    setKernelId(id);
    if (id !== CUSTOM) {
      setTexts(textsOf(classicKernel(id).values));
      setLastValid(classicKernel(id).values);
    }
  };
  const editCell = (i: number, text: string) => {
    const next = texts.map((t, j) => (j === i ? text : t));
    setTexts(next);
    setKernelId(CUSTOM);
    const parsed = next.map(parseCell);
    if (parsed.every((v) => v !== null)) setLastValid(parsed as number[]);
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      setUpload(await sampleFromFile(file));
      setUploadError(null);
      setSourceId('upload');
    } catch (e) {
      setUploadError((e as Error).message);
    }
  };

  const current = kernelId === CUSTOM ? null : classicKernel(kernelId);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal playground" role="dialog" aria-label="Kernel playground" data-testid="playground" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <header className="modal-header">
          <div>
            <h2>Kernel playground</h2>
            <p className="muted">What one 3×3 convolution kernel does to a picture, then ReLU and 2×2 max pooling — the seed’s figures 17-6 and 17-7.</p>
          </div>
          <button className="icon-button" onClick={close} title="Close (Esc)" aria-label="Close" autoFocus>
            ✕
          </button>
        </header>
        <div className="playground-body">
          <aside className="playground-side">
            <section>
              <h3>Picture</h3>
              <div className="picture-list">
                {[...samples, ...(upload ? [upload] : [])].map((s) => (
                  <button key={s.id} className={`picture-choice${s.id === sample.id ? ' is-on' : ''}`} onClick={() => setSourceId(s.id)} data-testid={`picture-${s.id}`} aria-pressed={s.id === sample.id}>
                    <TensorImage plane={s.plane} scale={ORIGINAL} size={36} label={s.name} />
                    <span>
                      <span className="picture-name">{s.name}</span>
                      <span className="muted small">{s.detail}</span>
                    </span>
                  </button>
                ))}
              </div>
              <button className="button picture-upload" onClick={() => fileInput.current?.click()} data-testid="picture-upload-button">
                Your own picture…
              </button>
              <input ref={fileInput} type="file" accept="image/png,image/jpeg" hidden data-testid="picture-file" onChange={(e) => void onFile(e.target.files?.[0])} />
              {uploadError && (
                <div className="field-error" role="alert" data-testid="picture-error">
                  {uploadError}
                </div>
              )}
            </section>
            <section>
              <h3>Kernel (table 17-1)</h3>
              <div className="kernel-choices">
                {CLASSIC_KERNELS.map((k) => (
                  <button key={k.id} className={`kernel-choice${k.id === kernelId ? ' is-on' : ''}`} onClick={() => chooseKernel(k.id)} title={k.effect} data-testid={`kernel-${k.id}`} aria-pressed={k.id === kernelId}>
                    <KernelSwatch values={k.values} rows={3} cols={3} cell={9} />
                    <span>{k.name}</span>
                  </button>
                ))}
              </div>
              <button className={`kernel-choice custom${kernelId === CUSTOM ? ' is-on' : ''}`} onClick={() => chooseKernel(CUSTOM)} data-testid="kernel-custom" aria-pressed={kernelId === CUSTOM}>
                Custom — type your own values below
              </button>
            </section>
            <section>
              <h3>Values</h3>
              <KernelEditor texts={texts} onChange={editCell} />
              <p className="muted small kernel-about" data-testid="kernel-about">
                {current ? (
                  <>
                    <strong>{current.name}</strong> (the seed’s “{current.seedName}”): {current.effect}.
                  </>
                ) : (
                  <>
                    <strong>Custom kernel.</strong> Each output pixel is the sum of the 3×3 pixels under the kernel, each times its value (no flip, as Conv2D computes).
                  </>
                )}
              </p>
            </section>
          </aside>
          <main className="playground-main">
            {!result ? (
              <p className="bad">The picture is {sample.plane.width}×{sample.plane.height}: a 3×3 kernel and 2×2 pooling need at least 4×4 pixels.</p>
            ) : (
              <>
                <section>
                  <h3>Convolution → ReLU → max pooling (fig. 17-7)</h3>
                  <div className="pipeline-row">
                    <Figure title="1 · Picture" plane={sample.plane} scale={ORIGINAL} size={STEP} testId="pg-input" note="grey levels 0 (black) to 1 (white)" />
                    <Figure title="2 · Convolution" plane={result.conv} scale={result.convScale} size={STEP} testId="pg-conv" note="valid, stride 1: 2 pixels narrower" />
                    <Figure title="3 · ReLU" plane={result.act} scale={result.actScale} size={STEP} testId="pg-relu" note={result.actScale.hi > 0 ? 'negative responses set to 0' : 'every response was ≤ 0: all of it is now 0'} />
                    <Figure title="4 · Max pool 2×2" plane={result.pool} scale={result.actScale} size={STEP} testId="pg-pool" note="largest of each 2×2: a quarter of the pixels" />
                  </div>
                </section>
                <section>
                  <h3>
                    The nine kernels on this picture (fig. 17-6) · <span className="mono">{nine[0].conv.width}×{nine[0].conv.height}</span> each
                  </h3>
                  <div className="nine-grid">
                    {nine.map(({ k, conv, scale }) => (
                      <button key={k.id} className={`nine-cell${k.id === kernelId ? ' is-on' : ''}`} onClick={() => chooseKernel(k.id)} data-testid={`nine-${k.id}`} title={`${k.name}: ${k.effect}`}>
                        <Figure title={k.name} plane={conv} scale={scale} size={SMALL} compact />
                      </button>
                    ))}
                  </div>
                </section>
              </>
            )}
          </main>
        </div>
      </div>
    </div>
  );
}
