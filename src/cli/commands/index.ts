/**
 * The subcommands of `convas`. Add one: write its file in this folder, add one line here.
 *
 * Each command's module is imported only when that command runs (or when help lists them all):
 * `convas --version` and `convas validate` never load gpu.js, onnxruntime or the worker client.
 */
import type { Command } from '../command';

export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

function lazy<M>(name: string, load: () => Promise<M>, pick: (m: M) => Command): CommandEntry {
  return {
    name,
    async load() {
      const command = pick(await load());
      if (command.name !== name) throw new Error(`src/cli/commands/index.ts lists "${name}" but its module exports the command "${command.name}"`);
      return command;
    },
  };
}

export const COMMANDS: readonly CommandEntry[] = [
  lazy('validate', () => import('./validate'), (m) => m.validate),
  lazy('infer', () => import('./infer'), (m) => m.infer),
  lazy('train', () => import('./train'), (m) => m.train),
  lazy('export', () => import('./export'), (m) => m.exportCommand),
  lazy('import', () => import('./import'), (m) => m.importCommand),
  lazy('layers', () => import('./layers'), (m) => m.layers),
];
