"""PyTorch reference for Convas's tests: reads a JSON batch of cases on stdin, answers on stdout.

One process answers many cases, so the test suite pays Python's start-up once per file.
Case kinds:
  layer  -- one layer: forward output, input gradients, parameter gradients, updated state
  train  -- a whole graph: N optimizer steps from given weights; final weights and losses
  infer  -- a whole graph in eval mode: every node's output
Layer semantics mirror src/engine/layers (names and layouts as PyTorch's).
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def tensor(flat, shape, grad=False):
    t = torch.tensor(flat, dtype=torch.float64).reshape(shape)
    if grad:
        t.requires_grad_(True)
    return t


def pair(v):
    return [v, v] if isinstance(v, (int, float)) else list(v)


def window_pads(in_h, in_w, k, s, padding):
    """(top, bottom, left, right) as src/engine/layers/geometry.ts computes them."""
    if padding == "same":
        oh, ow = math.ceil(in_h / s[0]), math.ceil(in_w / s[1])
        th = max((oh - 1) * s[0] + k[0] - in_h, 0)
        tw = max((ow - 1) * s[1] + k[1] - in_w, 0)
        return (th // 2, th - th // 2, tw // 2, tw - tw // 2)
    if padding == "valid" or padding is None:
        return (0, 0, 0, 0)
    ph, pw = pair(padding)
    return (ph, ph, pw, pw)


def window_forward(x, k, s, padding, fill, op):
    t, b, l, r = window_pads(x.shape[2], x.shape[3], k, s, padding)
    xp = F.pad(x, (l, r, t, b), value=fill) if (t or b or l or r) else x
    # 'same' may pad more than the stride pattern covers; crop to the output size the engine uses
    if padding == "same":
        oh, ow = math.ceil(x.shape[2] / s[0]), math.ceil(x.shape[3] / s[1])
        xp = xp[:, :, : (oh - 1) * s[0] + k[0], : (ow - 1) * s[1] + k[1]]
    return op(xp)


# Layers whose spec states its PyTorch call (LayerSpec.torch, sent by tests/helpers/torch.ts):
# {type: {fn: "F.elu", args: {torch keyword: Convas parameter}, defaults: {parameter: default}}}
OPS = {}
NAMESPACES = {"F": F, "torch": torch}


def spec_call(op, p, x):
    space, name = op["fn"].split(".", 1)
    kwargs = {kw: p.get(param, op["defaults"].get(param)) for kw, param in op["args"].items()}
    return getattr(NAMESPACES[space], name)(x, **kwargs)


def layer_forward(typ, p, inputs, params, state, random, training):
    """Returns (output, new_state). `inputs` are tensors (N, ...)."""
    x = inputs[0] if inputs else None
    if typ in OPS:
        return spec_call(OPS[typ], p, x), state
    if typ == "Conv2D":
        k = pair(p["kernelSize"]); s = pair(p.get("stride", [1, 1]))
        w = params["weight"]; b = params.get("bias")
        return window_forward(x, k, s, p.get("padding", "valid"), 0.0, lambda xp: F.conv2d(xp, w, b, stride=s)), state
    if typ == "MaxPool2D":
        k = pair(p["poolSize"]); s = pair(p.get("stride") or k)
        return window_forward(x, k, s, p.get("padding", "valid"), -math.inf, lambda xp: F.max_pool2d(xp, k, s)), state
    if typ == "AvgPool2D":
        k = pair(p["poolSize"]); s = pair(p.get("stride") or k)
        return window_forward(x, k, s, p.get("padding", "valid"), 0.0, lambda xp: F.avg_pool2d(xp, k, s)), state
    if typ == "GlobalAvgPool":
        return x.mean(dim=(2, 3)), state
    if typ == "Flatten":
        return x.flatten(1), state
    if typ == "Dense":
        return F.linear(x, params["weight"], params.get("bias")), state
    if typ == "BatchNorm":
        rm = state["running_mean"].clone(); rv = state["running_var"].clone()
        y = F.batch_norm(x, rm, rv, params["weight"], params["bias"], training,
                         p.get("momentum", 0.1), p.get("epsilon", 1e-5))
        return y, {"running_mean": rm, "running_var": rv}
    if typ == "Dropout":
        rate = p.get("rate", 0.5)
        if not training or rate == 0:
            return x, state
        keep = (random["mask"].reshape(x.shape) >= rate).to(x.dtype)
        return x * keep / (1 - rate), state
    if typ == "LRN":
        return F.local_response_norm(x, p.get("size", 5), p.get("alpha", 1e-4), p.get("beta", 0.75), p.get("k", 1.0)), state
    if typ == "Add":
        out = inputs[0]
        for t in inputs[1:]:
            out = out + t
        return out, state
    if typ == "Concat":
        return torch.cat(inputs, dim=1), state
    if typ == "Softmax":
        return torch.softmax(x, dim=1), state
    if typ == "Regression":
        return x, state
    raise ValueError("unknown layer type " + typ)


def loss_of(typ, x_in, targets):
    """Loss from the output layer's *input* (logits for Softmax)."""
    if typ == "Softmax":
        return F.cross_entropy(x_in, targets.long())
    if typ == "Regression":
        return F.mse_loss(x_in, targets.reshape(x_in.shape))
    raise ValueError(typ + " is not an output layer")


def run_layer(c):
    n = c["batch"]
    inputs = [tensor(d, [n] + s, grad=True) for d, s in zip(c["inputs"], c["inShapes"])]
    params = {k: tensor(v["data"], v["shape"], grad=True) for k, v in c.get("params", {}).items()}
    state = {k: tensor(v["data"], v["shape"]) for k, v in c.get("state", {}).items()}
    random = {k: tensor(v, [len(v)]) for k, v in c.get("random", {}).items()}
    out, new_state = layer_forward(c["type"], c["layerParams"], inputs, params, state, random, c.get("training", True))
    res = {"output": out.detach().flatten().tolist(), "state": {k: v.flatten().tolist() for k, v in new_state.items()}}
    if c.get("targets") is not None:
        loss = loss_of(c["type"], inputs[0], tensor(c["targets"], [len(c["targets"])]))
        loss.backward()
        res["loss"] = loss.item()
    else:
        g = tensor(c["gradOutput"], list(out.shape))
        out.backward(g)
    res["inputGrads"] = [t.grad.flatten().tolist() if t.grad is not None else None for t in inputs]
    res["paramGrads"] = {k: v.grad.flatten().tolist() for k, v in params.items()}
    return res


class Net(torch.nn.Module):
    def __init__(self, graph, shapes, weights):
        super().__init__()
        self.graph = graph
        self.order = topo(graph)
        self.params = torch.nn.ParameterDict()
        self.state = {}
        self.shapes = shapes
        for key, t in weights.items():
            node, name = key.split(".", 1)
            val = tensor(t["data"], t["shape"])
            if name in ("running_mean", "running_var"):
                self.state[key] = val
            else:
                self.params[key.replace(".", "__")] = torch.nn.Parameter(val)

    def forward(self, x, training, random):
        nodes = {n["id"]: n for n in self.graph["nodes"]}
        inputs_of = {n["id"]: [] for n in self.graph["nodes"]}
        for e in sorted(self.graph["edges"], key=lambda e: e.get("port", 0)):
            inputs_of[e["to"]].append(e["from"])
        outs = {}
        last_in = None
        for nid in self.order:
            n = nodes[nid]
            if n["type"] == "Input":
                outs[nid] = x
                continue
            ins = [outs[s] for s in inputs_of[nid]]
            params = {k.split("__", 1)[1]: v for k, v in self.params.items() if k.split("__", 1)[0] == nid}
            state = {k.split(".", 1)[1]: v for k, v in self.state.items() if k.split(".", 1)[0] == nid}
            rnd = {k.split(".", 1)[1]: v for k, v in random.items() if k.split(".", 1)[0] == nid}
            y, new_state = layer_forward(n["type"], n.get("params", {}), ins, params, state, rnd, training)
            for k, v in new_state.items():
                self.state[nid + "." + k] = v.detach()
            outs[nid] = y
            if n["type"] in ("Softmax", "Regression"):
                last_in = (n["type"], ins[0])
        return outs, last_in


def topo(graph):
    ids = [n["id"] for n in graph["nodes"]]
    indeg = {i: 0 for i in ids}
    for e in graph["edges"]:
        indeg[e["to"]] += 1
    ready = [i for i in ids if indeg[i] == 0]
    order = []
    while ready:
        i = ready.pop(0)
        order.append(i)
        for e in graph["edges"]:
            if e["from"] == i:
                indeg[e["to"]] -= 1
                if indeg[e["to"]] == 0:
                    ready.append(e["to"])
    return order


def make_optimizer(cfg, params):
    name = cfg["name"]; lr = cfg["lr"]; wd = cfg.get("weightDecay", 0)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.9), weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=cfg.get("rho", 0.99), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.9), nesterov=True, weight_decay=wd)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    raise ValueError(name)


def run_train(c):
    net = Net(c["graph"], None, c["weights"])
    opt = make_optimizer(c["optimizer"], list(net.params.values()))
    losses = []
    for b in c["batches"]:
        x = tensor(b["x"], b["xShape"])
        random = {k: tensor(v, [len(v)]) for k, v in b.get("random", {}).items()}
        outs, (typ, logits) = net.forward(x, True, random)
        loss = loss_of(typ, logits, tensor(b["targets"], [len(b["targets"])]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    weights = {k.replace("__", "."): v.detach().flatten().tolist() for k, v in net.params.items()}
    weights.update({k: v.flatten().tolist() for k, v in net.state.items()})
    return {"losses": losses, "weights": weights}


def run_infer(c):
    net = Net(c["graph"], None, c["weights"])
    with torch.no_grad():
        outs, _ = net.forward(tensor(c["x"], c["xShape"]), False, {})
    return {"outputs": {k: v.flatten().tolist() for k, v in outs.items()}}


def run_saliency(c):
    """Grad-CAM and input gradients of one class's logit (the Softmax's input), eval mode."""
    net = Net(c["graph"], None, c["weights"])
    x = tensor(c["x"], c["xShape"], grad=True)
    outs, (typ, logits) = net.forward(x, False, {})
    layer = outs[c["layer"]]
    layer.retain_grad()
    logits[0, c["classIndex"]].backward()
    a, g = layer.detach()[0], layer.grad[0]
    cam = torch.relu((g.mean(dim=(1, 2), keepdim=True) * a).sum(0))
    return {
        "scores": logits.detach().flatten().tolist(),
        "activationGrad": g.flatten().tolist(),
        "gradCam": cam.flatten().tolist(),
        "inputGrad": x.grad.flatten().tolist(),
        "saliency": x.grad[0].abs().amax(0).flatten().tolist(),
    }


def main():
    req = json.load(sys.stdin)
    OPS.update(req.get("ops", {}))
    results = []
    for c in req["cases"]:
        try:
            kind = c.get("kind", "layer")
            results.append(run_layer(c) if kind == "layer" else run_train(c) if kind == "train" else run_saliency(c) if kind == "saliency" else run_infer(c))
        except Exception as e:  # report per case; the test shows it
            results.append({"error": repr(e)})
    json.dump({"torch": torch.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
