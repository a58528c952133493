/** Mounts the visual views that float over the editor (the kernel playground). */
import { Playground } from './playground/Playground';

export function VisualsHost() {
  return <Playground />;
}
