/**
 * Which Vulkan drivers Dawn sees in Node (backend/device.node.ts) and how an adapter is named
 * (backend/device.ts): a real GPU must never be passed over for SwiftShader.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAdapter } from '../../src/engine/backend/device';
import { SWIFTSHADER_ICD, systemVulkanDrivers, vulkanDriverEnv } from '../../src/engine/backend/device.node.js';

const NVIDIA = '/usr/share/vulkan/icd.d/nvidia_icd.json';
const LAVAPIPE = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
const INTEL = '/usr/share/vulkan/icd.d/intel_icd.x86_64.json';

describe('Vulkan drivers for Dawn', () => {
  it('auto: the hardware drivers first, SwiftShader last, lavapipe never', () => {
    const r = vulkanDriverEnv({}, SWIFTSHADER_ICD, [INTEL, LAVAPIPE, NVIDIA]);
    expect(r.set).toEqual({ VK_ICD_FILENAMES: `${INTEL}:${NVIDIA}:${SWIFTSHADER_ICD}` });
    expect(r.note).toContain('then SwiftShader');
  });
  it('auto without SwiftShader: the hardware drivers alone', () => {
    expect(vulkanDriverEnv({}, null, [NVIDIA, LAVAPIPE]).set).toEqual({ VK_ICD_FILENAMES: NVIDIA });
  });
  it('auto on a machine with no GPU driver: SwiftShader alone (webgpu works, auto moves on to webasm)', () => {
    expect(vulkanDriverEnv({ CONVAS_WEBGPU_ADAPTER: 'auto' }, SWIFTSHADER_ICD, [LAVAPIPE]).set).toEqual({ VK_ICD_FILENAMES: SWIFTSHADER_ICD });
  });
  it('software only when asked for, hardware only when asked for', () => {
    expect(vulkanDriverEnv({ CONVAS_WEBGPU_ADAPTER: 'software' }, SWIFTSHADER_ICD, [NVIDIA]).set).toEqual({ VK_ICD_FILENAMES: SWIFTSHADER_ICD });
    expect(vulkanDriverEnv({ CONVAS_WEBGPU_ADAPTER: 'Hardware' }, SWIFTSHADER_ICD, [NVIDIA, LAVAPIPE]).set).toEqual({ VK_ICD_FILENAMES: NVIDIA });
    expect(() => vulkanDriverEnv({ CONVAS_WEBGPU_ADAPTER: 'software' }, null, [NVIDIA])).toThrow(/needs SwiftShader's Vulkan driver at .*apt-get install chromium/);
    expect(() => vulkanDriverEnv({ CONVAS_WEBGPU_ADAPTER: 'gpu' }, SWIFTSHADER_ICD, [])).toThrow('CONVAS_WEBGPU_ADAPTER must be auto, hardware or software, got "gpu"');
  });
  it("a user's own VK_ICD_FILENAMES / VK_DRIVER_FILES is left alone", () => {
    expect(vulkanDriverEnv({ VK_ICD_FILENAMES: '/opt/x.json' }, SWIFTSHADER_ICD, [NVIDIA]).set).toEqual({});
    expect(vulkanDriverEnv({ VK_DRIVER_FILES: '/opt/y.json', CONVAS_WEBGPU_ADAPTER: 'software' }, SWIFTSHADER_ICD, [NVIDIA]).set).toEqual({});
  });
  it('finds driver manifests where the Vulkan loader looks', () => {
    const root = mkdtempSync(join(tmpdir(), 'convas-icd-'));
    for (const [dir, file] of [['etc/vulkan/icd.d', 'nvidia_icd.json'], ['share/vulkan/icd.d', 'radeon_icd.json'], ['share/vulkan/icd.d', 'README']]) {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, file), '{}');
    }
    const found = systemVulkanDrivers({ XDG_CONFIG_DIRS: join(root, 'etc'), XDG_DATA_DIRS: join(root, 'share'), HOME: root });
    expect(found).toEqual([join(root, 'etc/vulkan/icd.d/nvidia_icd.json'), join(root, 'share/vulkan/icd.d/radeon_icd.json')]);
  });
});

describe('adapter names', () => {
  it('names vendor, architecture, device and description without repeats', () => {
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 550.54.14' })).toEqual({ name: 'nvidia hopper NVIDIA H200 NVIDIA: 550.54.14', software: false });
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true })).toEqual({ name: 'google swiftshader SwiftShader driver 5.0.0', software: true });
    expect(describeAdapter({})).toEqual({ name: 'unknown adapter', software: false });
  });
  it('a fallback adapter is software whatever its name', () => {
    expect(describeAdapter({ vendor: 'acme', isFallbackAdapter: true }).software).toBe(true);
    expect(describeAdapter({ description: 'llvmpipe (LLVM 15)' }).software).toBe(true);
  });
});
