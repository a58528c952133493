/**
 * The presets shipped in resources/presets/*.convas.json, bundled at build time. Each is an
 * ordinary project file (read with the engine's loader when opened); the gallery shows its
 * `name`, `description` and a silhouette of its layout. No presets is a valid state.
 */
import { documentFromText, type OpenedDocument } from '../project/convert';

const files = import.meta.glob('../../../resources/presets/*.convas.json', { eager: true, query: '?raw', import: 'default' }) as Record<string, string>;

export interface Preset {
  /** File name, e.g. "lenet5.convas.json". */
  file: string;
  /** Display name from the file's `name`, else the file name. */
  name: string;
  description: string;
  text: string;
  /** The parsed document, or the loader's message when the file does not load. */
  doc: OpenedDocument | null;
  error: string | null;
}

function load(path: string, text: string): Preset {
  const file = path.split('/').pop()!;
  const fallback = file.replace(/\.convas\.json$/, '');
  try {
    const doc = documentFromText(text, `preset ${file}`, { name: fallback, path: null });
    return { file, name: doc.meta.title || fallback, description: doc.meta.description, text, doc, error: null };
  } catch (e) {
    return { file, name: fallback, description: '', text, doc: null, error: e instanceof Error ? e.message : String(e) };
  }
}

let cache: Preset[] | null = null;

export function presets(): Preset[] {
  cache ??= Object.entries(files)
    .map(([path, text]) => load(path, text))
    .sort((a, b) => a.name.localeCompare(b.name));
  return cache;
}
