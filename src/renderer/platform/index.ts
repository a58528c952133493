/** Picks the platform once: the preload's `window.convas` exists only inside the desktop app. */
import type { ConvasApi } from '../../preload/contract';
import { browserPlatform } from './browser';
import { electronPlatform } from './electron';
import type { Platform } from './types';

declare global {
  interface Window {
    convas?: ConvasApi;
  }
}

export const platform: Platform = window.convas ? electronPlatform(window.convas) : browserPlatform();
export type { Platform } from './types';
