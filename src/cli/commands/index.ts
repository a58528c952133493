/**
 * The subcommands of `convas`. Add one: write its file in this folder, add one line here.
 */
import type { Command } from '../command';
import { infer } from './infer';
import { layers } from './layers';
import { train } from './train';
import { validate } from './validate';

export const COMMANDS: readonly Command[] = [
  validate,
  infer,
  train,
  layers,
];
