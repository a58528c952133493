/**
 * What main knows about each window's document: its name, path and unsaved marker (sent by the
 * renderer), and whether a close has been approved. The title and the close decision are
 * derived here so they can be tested without a window.
 */
import type { DocumentState } from '../preload/contract';

export const APP_NAME = 'Convas';

export function windowTitle(state: DocumentState | undefined): string {
  if (!state) return APP_NAME;
  return `${state.dirty ? '● ' : ''}${state.name} — ${APP_NAME}`;
}

export class DocumentRegistry {
  private states = new Map<number, DocumentState>();
  private approved = new Set<number>();

  /**
   * Record the window's document state. Returns true when it names another document than the last
   * state did (the page replaced it): what was granted for the old one must be revoked.
   */
  set(windowId: number, state: DocumentState): boolean {
    const before = this.states.get(windowId)?.document;
    this.states.set(windowId, state);
    return before !== undefined && state.document !== before;
  }

  get(windowId: number): DocumentState | undefined {
    return this.states.get(windowId);
  }

  approveClose(windowId: number): void {
    this.approved.add(windowId);
  }

  /** 'close' lets the window go; 'ask' means unsaved work must be confirmed first. */
  closeDecision(windowId: number): 'close' | 'ask' {
    if (this.approved.has(windowId)) return 'close';
    return this.states.get(windowId)?.dirty ? 'ask' : 'close';
  }

  forget(windowId: number): void {
    this.states.delete(windowId);
    this.approved.delete(windowId);
  }
}
