/**
 * PyTorch export: a folder with `model.py` (a readable nn.Module, one attribute per Convas layer
 * named by its node id, `build()` and `load()`), `weights.safetensors` (Convas's binary weights
 * file: safetensors, keys `<nodeId>.<name>`) and `README.md`.
 */
import { GENERATED_BY } from '../header';
import { encodeWeightsFile } from '../weights-encode';
import { textFile, type Artifact, type ArtifactFile } from './artifact';
import { ExportError, type ExportPlan, type PlanNode } from './plan';
import { pyNum, pythonNames } from './python-names';
import { TORCH_LAYERS, type TorchLayer } from './pytorch-layers';

export const TORCH_WEIGHTS = 'weights.safetensors';

function layerOf(node: PlanNode): TorchLayer {
  const layer = TORCH_LAYERS[node.type];
  if (!layer) throw new ExportError(`${node.id} (${node.type}): PyTorch export has no mapping for this layer type`, node.id);
  return layer;
}

function pyList(v: readonly number[]): string {
  return `[${v.map(pyNum).join(', ')}]`;
}

/** The output layer's loss, for train.py: null when the graph ends in no output layer. */
export function torchLoss(plan: ExportPlan): 'cross_entropy' | 'mse' | null {
  return TORCH_LAYERS[plan.output.type]?.loss ?? null;
}

export function modelPy(plan: ExportPlan, name: string): string {
  const names = pythonNames(plan.nodes.map((n) => n.id));
  const renamed = plan.nodes.filter((n) => names.get(n.id) !== n.id).map((n) => `    ${JSON.stringify(n.id)}: ${JSON.stringify(names.get(n.id))},`);
  const pre = plan.preprocessing;
  const image = plan.input.outShape.length === 3;
  const init: string[] = [];
  const body: string[] = [];
  const inVar = names.get(plan.input.id)!;
  if (pre) {
    const view = image ? '(1, -1, 1, 1)' : '(1, -1)';
    init.push(`        self.register_buffer("mean", torch.tensor(MEAN).reshape${view}, persistent=False)`);
    init.push(`        self.register_buffer("std", torch.tensor(STD).reshape${view}, persistent=False)`);
    body.push(`        ${inVar} = (x - self.mean) / self.std  # preprocessing, as Convas trained it`);
  } else {
    body.push(`        ${inVar} = x`);
  }
  const loss = torchLoss(plan);
  for (const node of plan.nodes) {
    if (node === plan.input) continue;
    const layer = layerOf(node);
    const attr = names.get(node.id)!;
    const mod = layer.module(node);
    if (mod) init.push(`        self.${attr} = ${mod}`);
    const inputs = node.inputs.map((s) => names.get(s)!);
    if (node === plan.output && loss) {
      body.push('        if logits:  # the output layer\'s input, for the loss (train.py)');
      body.push(`            return ${inputs[0]}`);
    }
    body.push(`        ${attr} = ${layer.call(node, inputs, `self.${attr}`)}`);
  }
  body.push(`        return ${names.get(plan.output.id)}`);
  const layoutNote = image ? 'N×C×H×W' : 'N×F';
  const preNote = pre
    ? `forward() normalises them as training did: (x - MEAN[c]) / STD[c] (${pre.normalize}).`
    : 'the weights record no preprocessing: inputs go in as they are.';
  return `"""${name}: a PyTorch model exported from ${GENERATED_BY}.

build() -> nn.Module       the network, initialised by PyTorch
load(path) -> nn.Module    the network with the exported weights (${TORCH_WEIGHTS}), in eval mode

Each Convas layer is one attribute named by its node id (made a valid Python identifier where
needed: CONVAS_NAMES), so state_dict keys are the Convas tensor names <nodeId>.<name>.
Inputs: float32 batches N×${plan.input.outShape.join('×')} (${layoutNote}), ${pre ? pre.inputUnits : 'as the network was trained on'};
${preNote}
The output is ${plan.output.id} (${plan.output.type})${loss === 'cross_entropy' ? ': class probabilities; forward(x, logits=True) gives the scores before the softmax' : ''}.
"""
import json
import os
import struct

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (${plan.input.outShape.join(', ')}${plan.input.outShape.length === 1 ? ',' : ''})
OUTPUT = ${JSON.stringify(plan.output.id)}
LOSS = ${loss ? JSON.stringify(loss) : 'None'}
# Convas node id -> attribute name, where the id is not a usable Python identifier
CONVAS_NAMES = {${renamed.length ? `\n${renamed.join('\n')}\n` : ''}}
${pre ? `# preprocessing (per channel), from the weights file\nMEAN = ${pyList(pre.mean)}\nSTD = ${pyList(pre.std)}\n` : ''}

class Model(nn.Module):
    def __init__(self):
        super().__init__()
${init.join('\n')}

    def forward(self, x, logits=False):
${body.join('\n')}


def build():
    return Model()


def read_safetensors(path):
    """A safetensors file of float32 tensors, read with the standard library and torch only."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    tensors = {}
    for key, t in header.items():
        if key == "__metadata__":
            continue
        if t["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {key} is {t['dtype']}, expected F32")
        begin, end = t["data_offsets"]
        tensors[key] = torch.frombuffer(data, dtype=torch.float32, count=(end - begin) // 4, offset=begin).reshape(t["shape"])
    return tensors


def load(weights_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "${TORCH_WEIGHTS}")):
    model = Model()
    state = {}
    for key, value in read_safetensors(weights_path).items():
        node, name = key.split(".", 1)
        state[CONVAS_NAMES.get(node, node) + "." + name] = value
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{weights_path}: missing tensors {missing}, unexpected tensors {unexpected}")
    return model.eval()


if __name__ == "__main__":
    net = load()
    print(net)
    print(net(torch.zeros(2, *INPUT_SHAPE)).shape)
`;
}

function readme(plan: ExportPlan, name: string, withTrain: boolean): string {
  const shape = plan.input.outShape.join(', ');
  return `# ${name} — PyTorch export

Exported from ${GENERATED_BY}. Needs Python 3 and PyTorch (1.13 or newer); nothing else.

| file | what |
| --- | --- |
| \`model.py\` | the network as an \`nn.Module\`: \`build()\`, \`load(weights_path)\` |
| \`${TORCH_WEIGHTS}\` | the trained weights (safetensors; keys are the Convas tensor names \`<nodeId>.<name>\`) |
${withTrain ? '| `train.py` | trains the network further, on one machine or many |\n' : ''}
## Use the model

\`\`\`python
import torch
from model import load

net = load()                          # reads ${TORCH_WEIGHTS} beside model.py, eval mode
x = torch.rand(4, ${shape})           # a batch of inputs, ${plan.preprocessing ? plan.preprocessing.inputUnits : 'as the network was trained on'}
y = net(x)                            # ${plan.output.id}: ${plan.output.type === 'Softmax' ? 'class probabilities' : 'the output'}
\`\`\`

\`python3 model.py\` prints the network and the shape of its output on zeros.
${plan.preprocessing ? `\nThe model normalises its inputs itself, as training did: \`(x - MEAN[c]) / STD[c]\` (MEAN and STD are in model.py).\n` : ''}${withTrain ? TRAIN_README : ''}`;
}

/** The folder; `extra` adds train.py and its data when the project's training settings are known. */
const TRAIN_README = `
## Train further

\`train.py\` carries the project's training settings (optimizer, learning rate, weight decay,
initializer, epochs, batch size, augmentation) and its data: a folder it names, or the built-in
set written out in \`data/\` as IDX files. It starts from the exported weights (\`--from-scratch\`
initialises instead) and saves \`checkpoints/epoch-<n>.pt\` (\`torch.save\`: model, optimizer, epoch).

\`\`\`sh
python3 train.py                                  # one process (a GPU if there is one)
python3 train.py --data /path/to/mnist --epochs 10 --lr 0.01
torchrun --nproc_per_node 4 train.py              # 4 processes on this machine: DDP, NCCL on GPUs, gloo on CPUs
torchrun --nnodes 2 --node_rank 0 --master_addr HOST --nproc_per_node 8 train.py   # on each of 2 machines (node_rank 0, 1)
\`\`\`

Each process trains on its share of every epoch (a DistributedSampler); gradients are averaged
across processes, so the effective batch is \`--batch-size\` × processes. It prints one JSON line
per step and per epoch.

PyTorch before 2.0 on Python 3.11 (Debian 12's \`python3-torch\` 1.13): its torchrun fails at start
(\`AttributeError: 'NoneType' object has no attribute 'get'\` in \`to_map\`) unless told how to
redirect output; a mapping for a local rank that is not started keeps the default (no
redirection), for up to 9 processes per machine:

\`\`\`sh
torchrun --standalone --nproc_per_node 4 --redirects 9:0 --tee 9:0 train.py
\`\`\`
`;

export function pytorchArtifact(plan: ExportPlan, name: string, extra: ArtifactFile[] = []): Artifact {
  const model = modelPy(plan, name);
  return {
    kind: 'folder',
    files: [
      textFile('model.py', model),
      { name: TORCH_WEIGHTS, chunks: () => encodeWeightsFile(plan.report, plan.weights, { graph: plan.graph, preprocessing: plan.preprocessing }, 'binary') },
      ...extra,
      textFile('README.md', readme(plan, name, extra.some((e) => e.name === 'train.py'))),
    ],
  };
}
