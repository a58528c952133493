/**
 * train.py for the PyTorch export: the project's training run as a plain PyTorch script — data
 * (IDX / CIFAR-10 binary / image folder, or the built-in set written out as IDX files),
 * augmentation, optimizer, learning rate, weight decay, initializer, epochs, batch size — on one
 * process, or under `torchrun --nproc_per_node N` as DistributedDataParallel (NCCL on GPUs,
 * gloo on CPUs) with a DistributedSampler. Checkpoints are `torch.save` dictionaries.
 */
import type { TrainingSettings } from '../project';
import { optimizerConfig } from '../project';
import type { ExportPlan } from './plan';
import { torchLoss } from './pytorch';

export interface TrainPySettings {
  training: TrainingSettings;
  /** Where train.py finds its data by default (relative to train.py), and in which format. */
  data: { format: 'idx' | 'cifar10' | 'image-folder'; path: string } | null;
}

export function trainPy(plan: ExportPlan, s: TrainPySettings): string {
  const loss = torchLoss(plan);
  const t = s.training;
  const settings = {
    epochs: t.epochs,
    batch_size: t.batchSize,
    optimizer: optimizerConfig(t),
    initializer: t.initializer,
    seed: t.seed,
    augmentation: { random_crop: t.augmentation.randomCrop, flip_horizontal: t.augmentation.flipHorizontal },
    data: s.data,
    loss,
  };
  return `"""Train the exported network with PyTorch — as Convas's training run was set up.

One process:       python3 train.py [--data FOLDER] [--epochs N] [--out checkpoints]
Several (CPU/GPU): torchrun --nproc_per_node N train.py [...]   (DistributedDataParallel:
                   NCCL on GPUs, gloo on CPUs; each process takes its share of every epoch)
                   (torch < 2.0 on Python 3.11, e.g. Debian 12: add --redirects 9:0 --tee 9:0)
Training starts from the exported weights (weights.safetensors) unless --from-scratch.
Each epoch ends with a checkpoint, torch.save({"model", "optimizer", "epoch"}), in --out.
Inputs are read in the data's own units (pixels in [0, 1]); model.py applies the preprocessing.
"""
import argparse
import glob
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as exported  # noqa: E402

SETTINGS = json.loads(${JSON.stringify(JSON.stringify(settings))})
HERE = os.path.dirname(os.path.abspath(__file__))


# ---- data -------------------------------------------------------------------------------

def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    kind, ndim = raw[2], raw[3]
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    body = raw[4 + 4 * ndim:]
    if kind == 0x08:
        return torch.from_numpy(np.frombuffer(body, dtype=np.uint8).reshape(shape).copy())
    if kind == 0x0D:
        return torch.from_numpy(np.frombuffer(body, dtype=">f4").astype(np.float32).reshape(shape))
    raise ValueError(f"{path}: IDX type {kind:#x} is not read here (0x08 bytes, 0x0D float32)")


def find(folder, *patterns):
    for p in patterns:
        hits = sorted(glob.glob(os.path.join(folder, p)))
        if hits:
            return hits[0]
    raise FileNotFoundError(f"{folder}: none of {patterns}")


def load_idx(folder):
    images = read_idx(find(folder, "train-images*", "*train*images*"))
    labels = read_idx(find(folder, "train-labels*", "*train*labels*", "*train*targets*"))
    x = images.float() / 255.0 if images.dtype == torch.uint8 else images
    if x.dim() == 3:
        x = x.unsqueeze(1)
    return x.reshape(x.shape[0], *exported.INPUT_SHAPE), labels


def load_cifar10(folder):
    xs, ys = [], []
    for path in sorted(glob.glob(os.path.join(folder, "data_batch_*.bin"))):
        with open(path, "rb") as f:
            rec = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).reshape(-1, 3073)
        ys.append(rec[:, 0].long())
        xs.append(rec[:, 1:].float().reshape(-1, 3, 32, 32) / 255.0)
    if not xs:
        raise FileNotFoundError(f"{folder}: no data_batch_*.bin")
    return torch.cat(xs), torch.cat(ys)


def load_image_folder(folder):
    from torchvision import datasets, transforms  # needs torchvision (and Pillow)
    c, h, w = exported.INPUT_SHAPE
    tf = transforms.Compose([transforms.Grayscale(c) if c == 1 else transforms.Lambda(lambda im: im.convert("RGB")), transforms.Resize((h, w)), transforms.ToTensor()])
    ds = datasets.ImageFolder(folder, transform=tf)
    xs, ys = zip(*[ds[i] for i in range(len(ds))])
    return torch.stack(xs), torch.tensor(ys)


def load_data(folder, fmt):
    x, y = {"idx": load_idx, "cifar10": load_cifar10, "image-folder": load_image_folder}[fmt](folder)
    y = y.long() if SETTINGS["loss"] == "cross_entropy" else y.float().reshape(x.shape[0], -1)
    return TensorDataset(x.float(), y)


def augment(x):
    """Random crop after zero padding, and a random horizontal flip, per sample (as Convas)."""
    a = SETTINGS["augmentation"]
    if x.dim() != 4 or not (a["random_crop"] or a["flip_horizontal"]):
        return x
    p = a["random_crop"]
    out = torch.empty_like(x)
    padded = F.pad(x, (p, p, p, p)) if p else x
    h, w = x.shape[2], x.shape[3]
    for i in range(x.shape[0]):
        dy, dx = (torch.randint(0, 2 * p + 1, (2,)).tolist() if p else (0, 0))
        s = padded[i, :, dy:dy + h, dx:dx + w]
        out[i] = s.flip(2) if a["flip_horizontal"] and torch.rand(()) < 0.5 else s
    return out


# ---- model, optimizer, one step -------------------------------------------------------------

def initialize(model, name):
    """Convas's initializers: xavier (Glorot uniform), msra (He normal, fan in), normal (σ 0.01), zeros; biases 0."""
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            if name == "xavier":
                torch.nn.init.xavier_uniform_(m.weight)
            elif name == "msra":
                torch.nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            elif name == "normal":
                torch.nn.init.normal_(m.weight, 0.0, 0.01)
            else:
                torch.nn.init.zeros_(m.weight)
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias)


def make_optimizer(params, cfg):
    lr, wd = cfg["lr"], cfg.get("weightDecay") or 0
    if cfg["name"] == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=wd)
    if cfg["name"] == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.9), weight_decay=wd)
    if cfg["name"] == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0.9), nesterov=True, weight_decay=wd)
    if cfg["name"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=cfg.get("rho", 0.99), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    if cfg["name"] == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    if cfg["name"] == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.999)), eps=cfg.get("epsilon", 1e-8), weight_decay=wd)
    raise ValueError(f"optimizer {cfg['name']}")


def loss_of(net, x, y):
    out = net(x, logits=True)
    return F.cross_entropy(out, y) if SETTINGS["loss"] == "cross_entropy" else F.mse_loss(out, y.reshape(out.shape))


def step(net, optimizer, x, y):
    """One optimizer step on a batch (the mean loss, as Convas); returns the loss."""
    optimizer.zero_grad()
    loss = loss_of(net, x, y)
    loss.backward()
    optimizer.step()
    return loss.item()


# ---- the run ---------------------------------------------------------------------------------

def report(event):
    # one write per line: under torchrun every process shares one stdout, and print()'s separate
    # write of the newline lets another process's line land in between
    sys.stdout.write(json.dumps(event) + "\\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.path.join(HERE, SETTINGS["data"]["path"]) if SETTINGS["data"] else None
    ap.add_argument("--data", default=default_data, help="data folder (default: %(default)s)")
    ap.add_argument("--format", default=(SETTINGS["data"] or {}).get("format", "idx"), choices=["idx", "cifar10", "image-folder"])
    ap.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    ap.add_argument("--batch-size", type=int, default=SETTINGS["batch_size"])
    ap.add_argument("--lr", type=float, default=SETTINGS["optimizer"]["lr"])
    ap.add_argument("--out", default="checkpoints")
    ap.add_argument("--from-scratch", action="store_true", help="initialise as the project says instead of loading the exported weights")
    args = ap.parse_args()
    if not args.data:
        ap.error("--data FOLDER is required (the project's data was not exported)")

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    cuda = torch.cuda.is_available()
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else "cpu")
    torch.manual_seed(SETTINGS["seed"] if SETTINGS["seed"] is not None else 1)

    if args.from_scratch:
        net = exported.build()
        initialize(net, SETTINGS["initializer"])
    else:
        net = exported.load()
    net.to(device).train()
    model = torch.nn.parallel.DistributedDataParallel(net, device_ids=[device.index] if cuda else None) if world > 1 else net
    optimizer = make_optimizer(model.parameters(), dict(SETTINGS["optimizer"], lr=args.lr))

    data = load_data(args.data, args.format)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True) if world > 1 else None
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler, drop_last=False)
    os.makedirs(args.out, exist_ok=True)
    for epoch in range(1, args.epochs + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)
        total, count = 0.0, 0
        for i, (x, y) in enumerate(loader):
            x, y = augment(x).to(device), y.to(device)
            loss = step(model, optimizer, x, y)
            total, count = total + loss * x.shape[0], count + x.shape[0]
            report({"rank": rank, "epoch": epoch, "step": i + 1, "loss": loss})
        if rank == 0:
            torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, os.path.join(args.out, f"epoch-{epoch}.pt"))
        report({"rank": rank, "epoch": epoch, "mean_loss": total / max(count, 1), "samples": count})
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}
