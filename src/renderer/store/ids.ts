/** Node ids for new and pasted layers: `conv2d_1`, `conv2d_2`, … never colliding with existing ones. */

function idBase(type: string): string {
  const base = type.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return /^[a-z_]/.test(base) ? base : `n_${base}`;
}

export function freshId(type: string, taken: ReadonlySet<string>): string {
  const base = idBase(type);
  for (let k = 1; ; k++) {
    const id = `${base}_${k}`;
    if (!taken.has(id)) return id;
  }
}
