/** `convas layers [--markdown]`: every layer type with its parameters, from the registry. */
import type { Command } from '../command';
import { EXIT } from '../errors';
import { layersMarkdown, layersText } from '../layer-docs';

export const layers: Command = {
  name: 'layers',
  summary: 'List the layer types with their parameters, defaults and meaning.',
  positionals: [],
  options: [{ name: 'markdown', kind: 'flag', help: 'Print the Markdown reference used in docs/formats.md' }],
  async run(args, io) {
    io.out(args.flag('markdown') ? layersMarkdown() : layersText());
    return EXIT.ok;
  },
};
