"""
PyTorch side of the seed's chapter-18 experiments on real data (docs/seed-experiments.md):
the same network, initialisation (MSRA/He normal, zero biases, BatchNorm gamma 1 beta 0),
standardisation (per-channel mean and population std of the training split), optimizer
(SGD with momentum), batch size and epochs as the Convas preset, on the same IDX files.
Prints one JSON line: {"accuracies": [...], "mean": ...} (test accuracy after the last epoch).

  /usr/bin/python3 tests/torch/seed_recipes.py --data DIR --model mnist-cnn --epochs 2 --batch 64 --lr 0.1 --seeds 1 2 3
"""
import argparse, gzip, json, os, struct
import torch
import torch.nn as nn

torch.set_num_threads(1)


def read_idx(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    zero, dtype, rank = struct.unpack('>HBB', data[:4])
    dims = struct.unpack('>' + 'I' * rank, data[4:4 + 4 * rank])
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


def find(d, name):
    for n in (name, name + '.gz'):
        if os.path.exists(os.path.join(d, n)):
            return os.path.join(d, n)
    raise SystemExit(f'{d}: no {name}')


def load(d):
    xs = read_idx(find(d, 'train-images-idx3-ubyte')).float().div(255).unsqueeze(1)
    ys = read_idx(find(d, 'train-labels-idx1-ubyte')).long()
    xt = read_idx(find(d, 't10k-images-idx3-ubyte')).float().div(255).unsqueeze(1)
    yt = read_idx(find(d, 't10k-labels-idx1-ubyte')).long()
    mean = xs.double().mean().item()
    std = xs.double().std(unbiased=False).item()
    return (xs - mean) / std, ys, (xt - mean) / std, yt


def mnist_cnn():
    # table 18-5: conv 8@5x5, pool, conv 16@5x5, pool, FC 32, BN, FC 10
    return nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(256, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10))


def fashion_dnn():
    # 18.5.2: FC 128, BN, ReLU, FC 64, BN, ReLU, FC 10
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 128), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 10))


def msra(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
            nn.init.zeros_(m.bias)
    return model


def run(data, model_name, epochs, batch, lr, momentum, seed):
    xs, ys, xt, yt = data
    torch.manual_seed(seed)
    model = msra(mnist_cnn() if model_name == 'mnist-cnn' else fashion_dnn())
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(xs), generator=g)
        for i in range(0, len(xs), batch):
            idx = order[i:i + batch]
            if len(idx) < 2:
                continue  # BatchNorm needs two samples
            opt.zero_grad()
            loss_fn(model(xs[idx]), ys[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        correct = sum((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item() for i in range(0, len(xt), 1000))
    return correct / len(xt)


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--model', choices=['mnist-cnn', 'fashion-dnn'], required=True)
    p.add_argument('--epochs', type=int, required=True)
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--lr', type=float, required=True)
    p.add_argument('--momentum', type=float, default=0.9)
    p.add_argument('--seeds', type=int, nargs='+', default=[1])
    a = p.parse_args()
    data = load(a.data)
    accs = [run(data, a.model, a.epochs, a.batch, a.lr, a.momentum, s) for s in a.seeds]
    print(json.dumps({'accuracies': accs, 'mean': sum(accs) / len(accs)}))
