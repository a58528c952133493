/**
 * The envelope every Convas file shares: `format` says what the file is, `version` which
 * revision of that format wrote it, `generatedBy` which program. A file from a newer Convas is
 * refused with a message saying so, rather than half-read.
 */
import { version as convasVersion } from '../../../package.json';
import { describeValue, FormatError } from './errors';

export const GENERATED_BY = `Convas ${convasVersion}`;

export const FORMATS = ['convas-project', 'convas-weights'] as const;
export type FormatName = (typeof FORMATS)[number];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Check `format` and `version` and return the object with its version. `current` is the newest
 * version this code reads; `prefix` locates an embedded file (e.g. a project's `weights`).
 */
export function checkHeader(raw: unknown, format: FormatName, current: number, prefix = ''): { obj: Record<string, unknown>; version: number } {
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const where = prefix ? `${prefix}: ` : '';
  if (!isRecord(raw)) {
    throw new FormatError(`${where}expected a JSON object with "format": "${format}", got ${Array.isArray(raw) ? 'an array' : describeValue(raw)}`, prefix || null);
  }
  const f = raw.format;
  if (f === undefined) throw new FormatError(`${at('format')}: is missing; a ${format} file starts with "format": "${format}"`, at('format'));
  if (f !== format) {
    const known = typeof f === 'string' && (FORMATS as readonly string[]).includes(f);
    throw new FormatError(
      known ? `${where}this is a ${f} file, not a ${format} file` : `${at('format')}: unknown format ${describeValue(f)}, expected "${format}"`,
      at('format'),
    );
  }
  const v = raw.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new FormatError(`${at('version')}: must be a whole number ≥ 1, got ${describeValue(v)}`, at('version'));
  }
  if (v > current) throw new FormatError(`${where}${format} version ${v} is newer than this Convas understands (${current})`, at('version'));
  return { obj: raw, version: v };
}
