/** Small graphs the weights-format tests share: Input → Conv2D → BatchNorm → Flatten → Dense. */
import type { Graph } from '../../src/engine/graph/types';

export function convBnDense(o: { side: number; filters: number; kernel: number; units: number }): Graph {
  return {
    nodes: [
      { id: 'input', type: 'Input', params: { shape: [1, o.side, o.side] } },
      { id: 'conv1', type: 'Conv2D', params: { filters: o.filters, kernelSize: [o.kernel, o.kernel] } },
      { id: 'bn', type: 'BatchNorm', params: {} },
      { id: 'flat', type: 'Flatten', params: {} },
      { id: 'fc', type: 'Dense', params: { units: o.units } },
    ],
    edges: [
      { from: 'input', to: 'conv1', port: 0 },
      { from: 'conv1', to: 'bn', port: 0 },
      { from: 'bn', to: 'flat', port: 0 },
      { from: 'flat', to: 'fc', port: 0 },
    ],
  };
}
