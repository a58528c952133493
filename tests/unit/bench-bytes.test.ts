import { describe, expect, it } from 'vitest';
import { callsFor, defaultStepsPerCall, workloadStateBytes } from '../../bench/convas';
import { CIFAR_KERAS, MNIST_CNN, RESNET8, VGG16_224 } from '../../bench/workloads';

describe('bench: steps per call and the state bytes_per_step is measured against', () => {
  it('counts the plan calls a run of n steps makes at k steps per call (chunks of k, the rest in powers of two)', () => {
    expect(callsFor(20, 256)).toBe(2); // 16 + 4
    expect(callsFor(16, 16)).toBe(1);
    expect(callsFor(35, 16)).toBe(4); // 16 + 16 + 2 + 1
    expect(callsFor(7, 1)).toBe(7);
  });

  it('knows each workload’s weights + BatchNorm statistics + optimizer slots, and the longest chunk the worker allows', () => {
    // W1: 12,042 parameters × (weight + momentum) + BatchNorm's 2 × 32 running statistics
    expect(workloadStateBytes(MNIST_CNN)).toBe((12_042 * 2 + 64) * 4);
    // W2: 1,250,858 parameters × (weight + RMSprop square average)
    expect(workloadStateBytes(CIFAR_KERAS)).toBe(1_250_858 * 2 * 4);
    expect(defaultStepsPerCall(MNIST_CNN)).toBe(256);
    expect(defaultStepsPerCall(CIFAR_KERAS)).toBe(256);
    expect(defaultStepsPerCall(VGG16_224)).toBe(128);
    expect(RESNET8.batch).toBe(128);
    expect(defaultStepsPerCall(RESNET8)).toBe(64);
  });
});
