/** The toolbar's Export model button (the browser build's File → Export model…): disabled with the reason until a run has trained weights. */
import { Icon } from '../icons/Icon';
import { run } from '../shell/commands';
import { shortcutFor } from '../shell/shortcuts';
import { requests, useTraining } from '../training/store';
import { exportModelBlocker } from './export-command';

export function ExportModelButton() {
  const blocker = useTraining((s) => exportModelBlocker(s.live, requests.available()));
  const keys = shortcutFor('exportModel');
  const label = 'Export model…';
  return (
    <button className="tool-button" onClick={() => run('exportModel')} disabled={blocker !== null} title={blocker ?? `Export model: ONNX, PyTorch, TF.js or Keras, checked against Convas (${keys})`} aria-label={label} data-testid="tool-exportModel">
      <Icon name="download" />
    </button>
  );
}
