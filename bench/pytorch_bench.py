"""PyTorch CPU peer for `npm run bench`: trains a Convas graph as idiomatic PyTorch, on command.

Line protocol (one JSON object per line), so bench/measure.ts can interleave PyTorch's timed
runs with Convas's and both see the same machine load:
  stdin  first line: {"graph": {...Graph IR...}, "batch": 64, "optimizer": {"name": "momentum", "lr": 0.1, ...},
                      "threads": 1, "seed": 7}
  stdout            {"ready": true, "torch": "1.13.1", "threads": 1, "params": 12042}
  stdin  then:      {"steps": 20}
  stdout            {"seconds": 0.113, "loss": 2.29}
  stdin closed:     the process exits.

The graph is a chain (every workload of the bench is); each node becomes the nn module a PyTorch
user would write, so this measures PyTorch as people run it, not a transcription of Convas's
kernels. Shapes are found by pushing a dummy tensor through the modules as they are built.
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


def chain(graph):
    """Node ids from the Input to the output layer; refuses anything that is not a chain."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    nxt = {}
    for e in graph["edges"]:
        if e["from"] in nxt:
            raise ValueError("node %s feeds two layers; the PyTorch peer runs chains only" % e["from"])
        nxt[e["from"]] = e["to"]
    starts = [n["id"] for n in graph["nodes"] if n["type"] == "Input"]
    if len(starts) != 1:
        raise ValueError("expected one Input node, found %d" % len(starts))
    order = [starts[0]]
    while order[-1] in nxt:
        order.append(nxt[order[-1]])
    if len(order) != len(nodes):
        raise ValueError("graph is not a single chain: reached %d of %d nodes" % (len(order), len(nodes)))
    return [nodes[i] for i in order]


def conv_padding(p, k, s):
    padding = p.get("padding", "valid")
    if padding == "valid":
        return 0
    if padding == "same":
        if s != [1, 1] or k[0] % 2 == 0 or k[1] % 2 == 0:
            raise ValueError("the PyTorch peer supports 'same' only for odd kernels at stride 1, got kernel %s stride %s" % (k, s))
        return (k[0] // 2, k[1] // 2)
    return tuple(pair(padding))


def build(graph):
    """(nn.Sequential producing logits, per-sample input shape, number of classes)."""
    nodes = chain(graph)
    shape = list(nodes[0]["params"]["shape"])
    probe = torch.zeros([2] + shape)
    mods = []
    out_type = None
    for n in nodes[1:]:
        t, p = n["type"], n.get("params", {})
        if t == "Conv2D":
            k = pair(p["kernelSize"]); s = pair(p.get("stride", [1, 1]))
            m = nn.Conv2d(probe.shape[1], p["filters"], k, s, conv_padding(p, k, s), bias=p.get("useBias", True))
        elif t == "ReLU":
            m = nn.ReLU()
        elif t == "MaxPool2D":
            k = pair(p["poolSize"]); s = pair(p.get("stride") or k)
            if p.get("padding", "valid") != "valid":
                raise ValueError("the PyTorch peer supports MaxPool2D with valid padding only (%s)" % n["id"])
            m = nn.MaxPool2d(k, s)
        elif t == "Flatten":
            m = nn.Flatten()
        elif t == "Dense":
            m = nn.Linear(probe.shape[1], p["units"], bias=p.get("useBias", True))
        elif t == "BatchNorm":
            bn = nn.BatchNorm2d if probe.dim() == 4 else nn.BatchNorm1d
            m = bn(probe.shape[1], eps=p.get("epsilon", 1e-5), momentum=p.get("momentum", 0.1))
        elif t == "Dropout":
            m = nn.Dropout(p.get("rate", 0.5))
        elif t in ("Softmax", "Regression"):
            out_type = t
            continue
        else:
            raise ValueError("the PyTorch peer has no mapping for layer type %s (node %s)" % (t, n["id"]))
        mods.append(m)
        with torch.no_grad():
            probe = m(probe)
    if out_type != "Softmax":
        raise ValueError("the bench workloads end in a Softmax classifier, got %s" % out_type)
    return nn.Sequential(*mods), shape, probe.shape[1]


def optimizer(cfg, params):
    name, lr = cfg["name"], cfg["lr"]
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.9))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=cfg.get("rho", 0.99), eps=cfg.get("epsilon", 1e-8))
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("epsilon", 1e-8))
    raise ValueError("unknown optimizer " + name)


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    job = json.loads(sys.stdin.readline())
    torch.set_num_threads(job["threads"])
    torch.manual_seed(job["seed"])
    model, shape, classes = build(job["graph"])
    model.train()
    opt = optimizer(job["optimizer"], model.parameters())
    batch = job["batch"]
    g = torch.Generator().manual_seed(job["seed"])
    x = torch.rand([batch] + shape, generator=g)
    y = torch.randint(0, classes, (batch,), generator=g)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    say({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
         "params": sum(p.numel() for p in model.parameters() if p.requires_grad)})
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
