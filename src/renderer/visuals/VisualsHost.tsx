/** Mounts the visual views that float over the editor: the kernel playground and "Look inside". */
import { InsideDialog } from './inside/InsideDialog';
import { Playground } from './playground/Playground';

export function VisualsHost() {
  return (
    <>
      <Playground />
      <InsideDialog />
    </>
  );
}
