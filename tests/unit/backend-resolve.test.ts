import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, resolveBackend, type GpuEnvironment } from '../../src/engine/backend/device';

const env = (gpu: string | null, gl: string | null | false): GpuEnvironment => ({
  webgpuAdapter: async () => ({ ok: gpu !== null, name: gpu, software: gpu !== null && /swiftshader/i.test(gpu) }),
  webgl2: () => gl !== false,
  webgl2Renderer: () => (gl === false ? null : gl),
});

describe('backend choice', () => {
  it('auto prefers a hardware WebGPU adapter', async () => {
    await expect(resolveBackend('auto', env('nvidia ampere', 'ANGLE (NVIDIA)'))).resolves.toEqual({ mode: 'webgpu', adapter: 'nvidia ampere' });
  });
  it('auto takes hardware WebGL2 over WebAssembly when WebGPU is software or absent', async () => {
    await expect(resolveBackend('auto', env('google swiftshader', 'ANGLE (Intel, Mesa Intel(R) UHD)'))).resolves.toMatchObject({ mode: 'webgl2' });
    await expect(resolveBackend('auto', env(null, null))).resolves.toMatchObject({ mode: 'webgl2' });
  });
  it('auto takes WebAssembly over software renderers (SwiftShader, llvmpipe)', async () => {
    await expect(resolveBackend('auto', env('google swiftshader', 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))'))).resolves.toMatchObject({ mode: 'webasm' });
    await expect(resolveBackend('auto', env(null, 'llvmpipe (LLVM 15.0.6, 256 bits)'))).resolves.toMatchObject({ mode: 'webasm' });
    await expect(resolveBackend('auto', env(null, false))).resolves.toMatchObject({ mode: 'webasm' });
  });
  it('an explicit backend that is missing is an error, never a silent fall back', async () => {
    await expect(resolveBackend('webgpu', env(null, null))).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(resolveBackend('webgl2', env(null, false))).rejects.toThrow('backend webgl2 is not available here: no WebGL2 context');
    await expect(resolveBackend('webgpu', env('google swiftshader', false))).resolves.toMatchObject({ mode: 'webgpu' });
  });
});
