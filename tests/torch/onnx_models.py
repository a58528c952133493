"""
Networks built in PyTorch and exported with torch.onnx.export (opset 13) for the ONNX import
tests (tests/integration/import-*.test.ts). Usage: onnx_models.py <out-dir> <name>...; writes
<name>.onnx and prints one JSON object: per model the input shape, the input and PyTorch's output
(eval mode) as flat lists.
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class LrnOnnx(torch.autograd.Function):
    """PyTorch's LocalResponseNorm, exported as one ONNX LRN (torch 1.13 writes it out as pads and pools)."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class LRN(nn.Module):
    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.args = (size, alpha, beta, k)

    def forward(self, x):
        return LrnOnnx.apply(x, *self.args)


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.classifier = nn.Sequential(nn.Linear(16 * 8 * 8, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10))

    def forward(self, x):
        x = self.features(x)
        x = x.view(x.size(0), -1)  # Shape → Gather → Unsqueeze → Concat → Reshape
        return F.softmax(self.classifier(x), dim=1)


class BasicBlock(nn.Module):
    """ResNet basic block with a 1×1 stride-2 projection on the shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.down(x))


class ResBlockNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block = BasicBlock(8, 16, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.block(F.relu(self.stem(x))))
        return self.fc(torch.flatten(x, 1))


class Inception(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = nn.Conv2d(8, 4, 1)
        self.b2 = nn.Sequential(nn.Conv2d(8, 4, 1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1))
        self.b3 = nn.Sequential(nn.Conv2d(8, 2, 1), nn.ReLU(), nn.Conv2d(2, 3, 5, padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, padding=1), nn.Conv2d(8, 3, 1))
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.avg = nn.AvgPool2d(3, 2, padding=1)  # count_include_pad=True: torch writes a Pad first
        self.fc = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)
        x = self.avg(F.relu(x))
        return self.fc(x.reshape(x.shape[0], -1))


class SeedMnistBn(nn.Module):
    """The seed's MNIST CNN with BatchNorm after each convolution."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 5)
        self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 16, 5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.c1(x))), 2)
        x = F.max_pool2d(torch.tanh(self.bn2(self.c2(x))), 2)
        return F.softmax(self.fc(torch.flatten(x, 1)), 1)


class SeedCifarBn(nn.Module):
    """The seed's CIFAR-10 Keras-style net with BatchNorm, LeakyReLU and sigmoid."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3)
        self.c3 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn3 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 7 * 7, 24)
        self.bnf = nn.BatchNorm1d(24)
        self.fc2 = nn.Linear(24, 10)

    def forward(self, x):
        x = F.leaky_relu(self.bn1(self.c1(x)), 0.1)
        x = F.max_pool2d(torch.sigmoid(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.bn3(self.c3(x))), 2)
        x = F.relu(self.bnf(self.fc1(torch.flatten(x, 1))))
        return F.softmax(self.fc2(x), 1)


class AlexLrn(nn.Module):
    """AlexNet's shape at small size: big strided kernel, LRN, overlapping max pools, three dense layers."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 12, 5, stride=2, padding=2), nn.ReLU(), LRN(5, 1e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
            nn.Conv2d(12, 16, 3, padding=1), nn.ReLU(), LRN(3, 1e-3, 0.75, 1.0), nn.MaxPool2d(3, 2))
        self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(16 * 3 * 3, 32), nn.ReLU(), nn.Dropout(), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class Unmappable(nn.Module):
    """A model with an op Convas has no layer for (SELU), then more layers after it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x):
        x = F.selu(F.relu(self.conv(x)))
        return self.fc(torch.flatten(x, 1))


def nhwc_model(path):
    """What Keras/TF exporters write: an N×H×W×C input transposed to NCHW, a Conv, back to NHWC,
    a flattening Reshape, MatMul + Add and Softmax. Built with onnx.helper (no TensorFlow here);
    the reference is computed with torch on the same numbers."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = torch.randn(4, 3, 3, 3) * 0.3
    b = torch.randn(4) * 0.1
    w2 = torch.randn(6 * 6 * 4, 5) * 0.1
    b2 = torch.randn(5) * 0.1
    init = [numpy_helper.from_array(t.numpy().astype(np.float32), n) for t, n in [(w, "w"), (b, "b"), (w2, "w2"), (b2, "b2")]]
    init.append(numpy_helper.from_array(np.array([-1, 6 * 6 * 4], dtype=np.int64), "flat"))
    nodes = [
        helper.make_node("Transpose", ["input"], ["nchw"], name="to_nchw", perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["nchw", "w", "b"], ["c"], name="conv2d/Conv2D", kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["r"], name="conv2d/Relu"),
        helper.make_node("Transpose", ["r"], ["nhwc"], name="to_nhwc", perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["nhwc", "flat"], ["f"], name="flatten/Reshape"),
        helper.make_node("MatMul", ["f", "w2"], ["m"], name="dense/MatMul"),
        helper.make_node("Add", ["m", "b2"], ["a"], name="dense/BiasAdd"),
        helper.make_node("Softmax", ["a"], ["output"], name="dense/Softmax", axis=-1),
    ]
    graph = helper.make_graph(nodes, "keras_like", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 8, 8, 3])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 5])], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="keras-like")
    onnx.checker.check_model(model)
    onnx.save(model, path)
    x = torch.randn(2, 8, 8, 3)
    y = F.relu(F.conv2d(x.permute(0, 3, 1, 2), w, b)).permute(0, 2, 3, 1).reshape(2, -1) @ w2 + b2
    # Convas's input is N×C×H×W: the same sample, channels first
    return {"shape": [3, 8, 8], "x": x.permute(0, 3, 1, 2).flatten().tolist(), "y": F.softmax(y, 1).flatten().tolist(),
            "params": 4 * 3 * 9 + 4 + 144 * 5 + 5}


class GoogLeNetMini(nn.Module):
    """GoogLeNet's pieces as torchvision builds them: BasicConv2d (conv without bias, BatchNorm eps 0.001,
    ReLU), ceil_mode max pooling, an inception module whose pool branch pools 3×3 stride 1 with ceil_mode."""

    def __init__(self):
        super().__init__()
        import importlib
        # the module (torchvision.models.googlenet the attribute is the builder function)
        g = importlib.import_module("torchvision.models.googlenet")
        self.conv1 = g.BasicConv2d(3, 8, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception = g.Inception(8, 4, 4, 6, 2, 3, 3)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.maxpool2(self.inception(self.maxpool1(self.conv1(x))))
        return self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))


def resnet18():
    import torchvision
    return torchvision.models.resnet18(num_classes=10)


# eval-mode export folds BatchNorm into the convolution before it; PRESERVE keeps it a BatchNormalization node
KEEP_BN = {"training": torch.onnx.TrainingMode.PRESERVE}

MODELS = {
    "vgg": (Vgg, [3, 32, 32], {}),
    "resblock": (ResBlockNet, [3, 16, 16], KEEP_BN),
    "resblock-folded": (ResBlockNet, [3, 16, 16], {}),
    "inception": (Inception, [3, 16, 16], {}),
    "seed-mnist-bn": (SeedMnistBn, [1, 28, 28], KEEP_BN),
    "seed-cifar-bn": (SeedCifarBn, [3, 32, 32], KEEP_BN),
    "alexnet-lrn": (AlexLrn, [3, 32, 32], {}),
    "resnet18": (resnet18, [3, 64, 64], KEEP_BN),
    "unmappable": (Unmappable, [1, 8, 8], {}),
    "googlenet-mini": (GoogLeNetMini, [3, 32, 32], KEEP_BN),
    # the opsets around 13: 11 (Unsqueeze axes and Softmax axis as attributes), 17 (torch 1.13's newest)
    "vgg-opset11": (Vgg, [3, 32, 32], {"opset_version": 11}),
    "resblock-opset17": (ResBlockNet, [3, 16, 16], {**KEEP_BN, "opset_version": 17}),
}
BUILT = {"nhwc": nhwc_model}


def randomize_bn(m):
    for mod in m.modules():
        if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)


def main():
    out_dir, names = sys.argv[1], sys.argv[2:]
    result = {}
    for name in names:
        if name in BUILT:
            result[name] = BUILT[name](f"{out_dir}/{name}.onnx")
            continue
        make, shape, opts = MODELS[name]
        m = make().eval()
        randomize_bn(m)
        x = torch.randn(2, *shape)
        with torch.no_grad():
            y = m(x)
        torch.onnx.export(m, x, f"{out_dir}/{name}.onnx", input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, **{"opset_version": 13, **opts})
        result[name] = {"shape": shape, "x": x.flatten().tolist(), "y": y.flatten().tolist(),
                        "params": sum(p.numel() for p in m.parameters())}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
