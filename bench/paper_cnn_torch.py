"""melgrad's paper-cnn (experiments/models/builtin_models.cpp) as a PyTorch nn.Sequential, layer for layer
(same indices, so state_dict names match melgrad's: "0.weight", "1.running_mean", ...). Shared by the
benchmarks' PyTorch sides."""
import torch.nn as nn


def paper_cnn(dropout_p=0.5):
    layers, c_in = [], 1
    for c_out in (16, 32, 64, 128):
        layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c_out
    layers += [nn.Flatten(), nn.Dropout(dropout_p), nn.Linear(8192, 128), nn.ReLU(), nn.Dropout(dropout_p),
               nn.Linear(128, 10)]
    return nn.Sequential(*layers)
