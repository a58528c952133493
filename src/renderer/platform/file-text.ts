/**
 * A picked file's text, refusing invalid UTF-8 with the file name and byte offset (File.text()
 * would silently turn bad bytes into U+FFFD, and the damage would be saved back).
 */
import { decodeUtf8, JsonTextError } from '../../engine/io/json-text';

export async function fileText(file: Blob & { name: string }): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return decodeUtf8(bytes);
  } catch (e) {
    if (e instanceof JsonTextError) throw new Error(`${file.name}: ${e.message}`);
    throw e;
  }
}
