// `node --import ./refuse-modules.mjs`: importing any package named in CONVAS_REFUSE_MODULES
// (comma-separated: gpu.js, tsx, …) fails with "refused to load <name>". Proves which packages
// a command loads, in the process that runs it and in the processes it forks (via NODE_OPTIONS).
import { register } from 'node:module';

const refused = (process.env.CONVAS_REFUSE_MODULES ?? '').split(',').filter(Boolean);
const hook = `
const refused = ${JSON.stringify(refused)};
export async function resolve(specifier, context, next) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (refused.includes(name)) throw new Error('refused to load ' + name);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
