/**
 * In-app modal questions ("Save changes to X?"), promise-based so file actions read top to
 * bottom. Rendered by <ConfirmHost/>.
 */
import { create } from 'zustand';

export interface ConfirmRequest {
  title: string;
  message: string;
  buttons: { id: string; label: string; kind?: 'primary' | 'danger' | 'plain' }[];
  cancelId: string;
}

interface ConfirmState {
  current: (ConfirmRequest & { resolve(id: string): void }) | null;
}

export const useConfirm = create<ConfirmState>()(() => ({ current: null }));

export function ask(req: ConfirmRequest): Promise<string> {
  return new Promise((resolve) => {
    useConfirm.setState({
      current: {
        ...req,
        resolve: (id) => {
          useConfirm.setState({ current: null });
          resolve(id);
        },
      },
    });
  });
}
