/**
 * Convas node ids from ONNX node names, readable and unique: `/layer1/layer1.0/conv1/Conv`
 * becomes `layer1_0_conv1`, a nameless node its op type with a number.
 */
const MAX_ID = 64;

/** Ops with weights come from a module of their own (nn.Conv2d → Conv): named by the module alone. */
const PARAM_OPS = new Set(['Conv', 'Gemm', 'MatMul', 'BatchNormalization']);

export class IdMaker {
  private used = new Set<string>();

  make(onnxName: string | null | undefined, opType: string): string {
    let base = readable(onnxName ?? '', opType);
    if (base.length > MAX_ID) base = base.slice(base.length - MAX_ID).replace(/^[^A-Za-z_]+/, '') || opType.toLowerCase();
    // a module path taken by an earlier node of the same module: name the op (block_add after block)
    const op = opType.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
    if (this.used.has(base) && op && !base.toLowerCase().endsWith(op)) base = `${base}_${op}`;
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}_${i}`;
    this.used.add(id);
    return id;
  }
}

/**
 * torch.onnx names nodes by module path then op (`/features/features.0/Conv`); the module path
 * says which layer it is, so the op is dropped where a path remains, and repeated path parts
 * (`layer1/layer1.0`) are merged.
 */
function readable(name: string, opType: string): string {
  const parts = name.split('/').filter(Boolean);
  const last = parts[parts.length - 1];
  if (parts.length > 1 && last.replace(/_\d+$/, '') === opType) {
    // a module's own op (conv1/Conv) is the module; a functional op inside a module (block/Relu_1) keeps its name
    const module = parts[parts.length - 2].toLowerCase().replace(/_\d+$/, '');
    const op = opType.toLowerCase();
    if (PARAM_OPS.has(opType) || /\.\d+$/.test(module) || op.includes(module) || module.includes(op)) parts.pop();
    else parts[parts.length - 1] = last.toLowerCase();
  }
  const merged: string[] = [];
  for (const p of parts) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && p.startsWith(`${prev}.`)) merged[merged.length - 1] = p;
    else merged.push(p);
  }
  let id = merged
    .join('_')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!id) id = opType.replace(/[^A-Za-z0-9_]/g, '').toLowerCase() || 'node';
  if (!/^[A-Za-z_]/.test(id)) id = `${opType.toLowerCase()}_${id}`;
  return id;
}
