/**
 * The requests a run answers between (or after) its steps: `evaluate` (the validation split,
 * per sample), `infer` (every layer's output for one sample) and `saliency` (Grad-CAM and the
 * input gradient for one sample). Each posts its answer; a problem is thrown to the session.
 */
import { applyPreprocessing } from '../data/preprocessing';
import { size } from '../layers/spec';
import { compileSaliency } from '../train/saliency';
import { probe } from './diagnosis';
import { validate, type Exclusive } from './epoch';
import { event } from './protocol';
import { RunError, trainingPlans, type Run, type SessionHost } from './run';

export async function evaluate(r: Run, host: SessionHost, exclusive: Exclusive, requestId: number): Promise<void> {
  trainingPlans(r, 'evaluate');
  const acc = await validate(r, exclusive, true);
  host.post(event({ type: 'evaluation', requestId, loss: acc.loss, accuracy: acc.accuracy, count: acc.samples, confusion: acc.confusion, samples: acc.perSample }));
}

export async function infer(r: Run, host: SessionHost, exclusive: Exclusive, requestId: number, x: Float32Array | undefined, sample: number | undefined): Promise<void> {
  // from the shape report: a preview run has no training plan to ask
  const inShape = r.report.nodes.find((n) => n.type === 'Input')!.outputShape!;
  const inSize = size(inShape);
  let input: Float32Array;
  if (x) {
    if (x.length !== inSize) throw new RunError(`infer: the sample has ${x.length} values, the Input needs ${inSize} (${inShape.join('×')})`, 'request');
    // a sample from outside is in the data's own units: preprocess it as training did
    input = applyPreprocessing(r.pipeline.preprocessing, { shape: [1, ...inShape], data: x }).data;
  } else {
    const split = r.pipeline.valCount > 0 ? 'validation' : 'train';
    input = (await r.pipeline.sample(split, sample ?? 0)).x;
  }
  const p = probe(r, 1);
  const outs = await exclusive(() => p.run(input, r.weights));
  const outputs: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const n of r.report.nodes) outputs[n.id] = { shape: [...n.outputShape!], data: outs[n.id] };
  host.post(event({ type: 'inference', requestId, outputs }));
}

export async function explain(r: Run, host: SessionHost, exclusive: Exclusive, requestId: number, sample: number, classIndex: number | undefined): Promise<void> {
  const split = r.pipeline.valCount > 0 ? 'validation' : 'train';
  const s = await r.pipeline.sample(split, sample);
  r.saliency ??= compileSaliency(r.graph, r.device);
  const plan = r.saliency;
  const out = await exclusive(() => plan.run(s.x, r.weights, classIndex));
  const inShape = out.inputShape;
  const hw = inShape.length === 3 ? inShape.slice(1) : [1, inShape[0]];
  host.post(
    event({
      type: 'saliency',
      requestId,
      classIndex: out.classIndex,
      scores: out.scores,
      label: r.classifier ? s.y[0] : null,
      input: { shape: inShape, data: s.x },
      layer: out.layer,
      gradCam: { shape: out.layerShape.slice(1), data: out.gradCam },
      saliency: { shape: hw, data: out.saliency },
    }),
  );
}
