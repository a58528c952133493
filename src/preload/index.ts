/**
 * Preload (sandboxed): exposes `window.convas`, one function per channel of the contract.
 * Never exposes ipcRenderer, process or any generic send/invoke.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api';

contextBridge.exposeInMainWorld('convas', buildApi(ipcRenderer));
