/** The gpu.js backends every engine test runs on here (webgpu through Dawn + SwiftShader). */
import { createNodeDevice } from '../../src/engine/backend/device.node.js';
import type { BackendName, Device } from '../../src/engine/backend/device';

export const TEST_BACKENDS: BackendName[] = (process.env.CONVAS_TEST_BACKENDS?.split(',') as BackendName[]) ?? ['cpu', 'webasm', 'webgpu'];

const devices = new Map<string, Promise<Device>>();

/** One device per backend per test file; creating one fails loudly if the backend is missing. */
export function deviceFor(b: BackendName): Promise<Device> {
  let d = devices.get(b);
  if (!d) devices.set(b, (d = createNodeDevice(b)));
  return d;
}
