/**
 * Loaded before the worker entry in a test: gives the forked child an Electron-style
 * `process.parentPort` (events carry `{ data }`), built on the fork channel underneath, so the
 * host's utility-process path runs without Electron.
 */
// (Electron's own types declare parentPort on process; this shim is only its message shape)
(process as unknown as { parentPort: unknown }).parentPort = {
  on(name: 'message', listener: (e: { data: unknown }) => void) {
    process.on(name, (m) => listener({ data: m }));
  },
  postMessage(m: unknown) {
    process.send!({ viaParentPort: true, message: m });
  },
};
