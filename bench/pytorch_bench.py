"""PyTorch peer for `npm run bench` (CPU, or CUDA when torch sees a GPU): trains a Convas graph as
idiomatic PyTorch, on command.

Line protocol (one JSON object per line), so bench/measure.ts can interleave PyTorch's timed
runs with Convas's and both see the same machine load:
  stdin  first line: {"graph": {...Graph IR...}, "batch": 64, "optimizer": {"name": "momentum", "lr": 0.1, ...},
                      "threads": 1, "seed": 7, "device": "cpu" | "cuda"}
  stdout            {"ready": true, "torch": "1.13.1", "threads": 1, "params": 12042, "device": "cpu"}
                    or, asked for cuda where torch sees none: {"ready": false, "reason": "..."}
  stdin  then:      {"steps": 20}
  stdout            {"seconds": 0.113, "loss": 2.29}
  stdin closed:     the process exits.

Each node becomes the nn module a PyTorch user would write (a chain runs as nn.Sequential; a graph
with merges — ResNet's Add — runs its modules in topological order), so this measures PyTorch as
people run it, not a transcription of Convas's kernels. Shapes are found by pushing a dummy tensor
through the modules as they are built. On CUDA, `loss.item()` every step waits for the GPU, as
Convas's per-call readback does.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def pair(v):
    return [v, v] if isinstance(v, (int, float)) else list(v)


def topo(graph):
    """Nodes in an order where every node comes after its inputs, with each node's inputs by port."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    inputs = {i: [] for i in nodes}
    for e in graph["edges"]:
        inputs[e["to"]].append((e.get("port", e.get("toPort", 0)), e["from"]))
    inputs = {i: [f for _, f in sorted(v)] for i, v in inputs.items()}
    starts = [n["id"] for n in graph["nodes"] if n["type"] == "Input"]
    if len(starts) != 1:
        raise ValueError("expected one Input node, found %d" % len(starts))
    order, done = [], set()
    while len(order) < len(nodes):
        ready = [i for i in nodes if i not in done and all(f in done for f in inputs[i])]
        if not ready:
            raise ValueError("graph has a cycle or an unreachable node")
        for i in ready:
            order.append(nodes[i])
            done.add(i)
    return order, inputs


def conv_padding(p, k, s):
    padding = p.get("padding", "valid")
    if padding == "valid":
        return 0
    if padding == "same":
        if s != [1, 1] or k[0] % 2 == 0 or k[1] % 2 == 0:
            raise ValueError("the PyTorch peer supports 'same' only for odd kernels at stride 1, got kernel %s stride %s" % (k, s))
        return (k[0] // 2, k[1] // 2)
    return tuple(pair(padding))


class Add(nn.Module):
    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class GraphNet(nn.Module):
    """Runs the graph's modules in topological order (what a user writes by hand for a ResNet)."""

    def __init__(self, order, inputs, mods):
        super().__init__()
        self.order = [n["id"] for n in order]
        self.inputs = inputs
        self.mods = nn.ModuleDict(mods)

    def forward(self, x):
        vals = {}
        for i in self.order:
            if i not in self.mods:
                srcs = self.inputs[i]
                vals[i] = x if not srcs else vals[srcs[0]]
                continue
            vals[i] = self.mods[i](*[vals[s] for s in self.inputs[i]])
        return vals[self.order[-1]]


def module(n, probe):
    t, p = n["type"], n.get("params", {})
    if t == "Conv2D":
        k = pair(p["kernelSize"]); s = pair(p.get("stride", [1, 1]))
        return nn.Conv2d(probe.shape[1], p["filters"], k, s, conv_padding(p, k, s), bias=p.get("useBias", True))
    if t == "ReLU":
        return nn.ReLU()
    if t == "MaxPool2D":
        k = pair(p["poolSize"]); s = pair(p.get("stride") or k)
        if p.get("padding", "valid") != "valid":
            raise ValueError("the PyTorch peer supports MaxPool2D with valid padding only (%s)" % n["id"])
        return nn.MaxPool2d(k, s)
    if t == "GlobalAvgPool":
        return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    if t == "Flatten":
        return nn.Flatten()
    if t == "Dense":
        return nn.Linear(probe.shape[1], p["units"], bias=p.get("useBias", True))
    if t == "BatchNorm":
        bn = nn.BatchNorm2d if probe.dim() == 4 else nn.BatchNorm1d
        return bn(probe.shape[1], eps=p.get("epsilon", 1e-5), momentum=p.get("momentum", 0.1))
    if t == "Dropout":
        return nn.Dropout(p.get("rate", 0.5))
    if t == "Add":
        return Add()
    raise ValueError("the PyTorch peer has no mapping for layer type %s (node %s)" % (t, n["id"]))


def build(graph):
    """(nn.Module producing logits, per-sample input shape, number of classes)."""
    order, inputs = topo(graph)
    shape = list(order[0]["params"]["shape"])
    probes = {}
    mods = {}
    out_type = None
    for n in order:
        if n["type"] == "Input":
            probes[n["id"]] = torch.zeros([2] + shape)
            continue
        srcs = [probes[s] for s in inputs[n["id"]]]
        if n["type"] in ("Softmax", "Regression"):
            out_type = n["type"]
            probes[n["id"]] = srcs[0]
            continue
        m = module(n, srcs[0])
        mods[n["id"]] = m
        with torch.no_grad():
            probes[n["id"]] = m(*srcs)
    if out_type != "Softmax" or order[-1]["type"] != "Softmax":
        raise ValueError("the bench workloads end in a Softmax classifier, got %s" % out_type)
    chain = all(len(inputs[n["id"]]) <= 1 for n in order) and len(order) == len(mods) + 2
    model = nn.Sequential(*[mods[n["id"]] for n in order if n["id"] in mods]) if chain else GraphNet(order, inputs, mods)
    return model, shape, probes[order[-1]["id"]].shape[1]


def optimizer(cfg, params):
    name, lr, wd = cfg["name"], cfg["lr"], cfg.get("weightDecay", 0)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.9), weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=cfg.get("rho", 0.99), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    raise ValueError("unknown optimizer " + name)


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    job = json.loads(sys.stdin.readline())
    device = job.get("device", "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        say({"ready": False, "reason": "torch %s sees no CUDA device" % torch.__version__})
        return
    torch.set_num_threads(job["threads"])
    torch.manual_seed(job["seed"])
    model, shape, classes = build(job["graph"])
    model.to(device).train()
    opt = optimizer(job["optimizer"], model.parameters())
    batch = job["batch"]
    g = torch.Generator().manual_seed(job["seed"])
    x = torch.rand([batch] + shape, generator=g).to(device)
    y = torch.randint(0, classes, (batch,), generator=g).to(device)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    say({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
         "params": sum(p.numel() for p in model.parameters() if p.requires_grad),
         "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu"})
    for line in sys.stdin:
        if not line.strip():
            continue
        n = json.loads(line)["steps"]
        t0 = time.perf_counter()
        for _ in range(n):
            loss = step()
        seconds = time.perf_counter() - t0
        if not math.isfinite(loss):
            raise ValueError("loss became %s after %d steps" % (loss, n))
        say({"seconds": seconds, "loss": loss})


if __name__ == "__main__":
    main()
