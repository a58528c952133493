/**
 * The document being edited: React Flow nodes and edges (node data = Graph IR node), project
 * metadata, and the undo history. Every edit goes through `commit`, which records the previous
 * state; selection, measurement and in-progress drags do not (a drag is recorded once, when it
 * ends). Objects are replaced, never mutated, so memoized views (toGraph, shape reports) stay
 * valid.
 */
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { create } from 'zustand';
import type { Params } from '../../engine/graph/types';
import { getLayer } from '../../engine/layers/index';
import { defaultTraining, type TrainingSettings } from '../../engine/io/project';
import type { WeightsJson } from '../../engine/io/weights';
import { edgeId, inHandle, OUT_HANDLE, portOf, type LayerEdge, type LayerNode } from '../graph/types';
import { defaultParams } from './defaults';
import { freshId } from './ids';

export interface DocumentMeta {
  /** The file's name without extension: window title, suggested save name. */
  name: string;
  /** The project's own `name` field (presets: "LeNet-5"); may differ from the file name. */
  title: string;
  /** Where it was last saved or opened from (desktop); null for new or browser documents. */
  path: string | null;
  description: string;
  expectedParams: number | null;
  training: TrainingSettings;
  /** Trained weights carried by the file, kept as they were until training lands in the app. */
  weights: WeightsJson | null;
}

interface Snapshot {
  nodes: LayerNode[];
  edges: LayerEdge[];
  rev: number;
}

export interface LoadedDocument {
  nodes: LayerNode[];
  edges: LayerEdge[];
  meta: DocumentMeta;
}

/** Edits to one field within this window merge into one undo step (typing "128" is one edit). */
const COALESCE_MS = 1200;
const HISTORY_LIMIT = 200;

export interface EditorState {
  nodes: LayerNode[];
  edges: LayerEdge[];
  meta: DocumentMeta;
  past: Snapshot[];
  future: Snapshot[];
  /** Identity of the current state; `savedRev` is the one last written to disk. */
  rev: number;
  savedRev: number;
  /** Bumped on load/new so the canvas can zoom to fit. */
  loadCount: number;
  /** Why structural edits are refused now (a training run is live), or null. */
  lock: string | null;

  onNodesChange(changes: NodeChange<LayerNode>[]): void;
  onEdgesChange(changes: EdgeChange<LayerEdge>[]): void;
  beginDrag(): void;
  endDrag(): void;
  addLayer(type: string, position: XYPosition): string | null;
  connect(c: Connection): void;
  /** Move an existing wire to a new source or port (one undo step). */
  reconnect(edgeId: string, c: Connection): void;
  removeEdge(edgeId: string): void;
  setParam(nodeId: string, name: string, value: unknown): void;
  resetParam(nodeId: string, name: string): void;
  renameNode(oldId: string, newId: string): void;
  deleteSelection(): void;
  selectAll(): void;
  selectOnly(nodeId: string): void;
  clearSelection(): void;
  setPositions(positions: Record<string, XYPosition>): void;
  pasteNodes(nodes: LayerNode[], edges: LayerEdge[]): void;
  /** Replace the whole graph in one undoable edit (a block inserted into the middle of it). */
  replaceGraph(nodes: LayerNode[], edges: LayerEdge[]): void;
  undo(): void;
  redo(): void;
  load(doc: LoadedDocument, opts?: { dirty?: boolean }): void;
  markSaved(where: { name: string; path: string | null }): void;
  /** Refuse structural edits (and undo/redo) with this reason until called with null. */
  setLock(reason: string | null): void;
  /** Change project settings (training settings, embedded weights): marks the document unsaved. */
  setMeta(patch: Partial<DocumentMeta>): void;
}

let revCounter = 1;
const nextRev = () => ++revCounter;
let coalesce: { key: string; at: number } | null = null;
let dragOrigin: Snapshot | null = null;
/** Told when an edit is refused because of the lock (the shell shows the reason). */
let onLockedEdit: (reason: string) => void = () => undefined;
export function setLockedEditHandler(fn: (reason: string) => void): void {
  onLockedEdit = fn;
}

export function emptyMeta(name = 'Untitled'): DocumentMeta {
  return { name, title: '', path: null, description: '', expectedParams: null, training: defaultTraining(), weights: null };
}

export function makeLayerNode(id: string, type: string, params: Params, position: XYPosition, selected = false): LayerNode {
  return { id, type: 'layer', position, data: { type, params }, selected };
}

export function makeEdge(source: string, target: string, port: number): LayerEdge {
  return { id: edgeId(source, target, port), source, target, sourceHandle: OUT_HANDLE, targetHandle: inHandle(port) };
}

export const useEditor = create<EditorState>()((set, get) => {
  /** Record the current state, then apply `next`. `key` merges rapid edits of one field. */
  const commit = (next: Partial<Pick<EditorState, 'nodes' | 'edges' | 'meta'>>, key?: string) => {
    const s = get();
    if (s.lock && !('nodes' in next && Object.keys(next).length === 1 && sameStructure(s.nodes, next.nodes!))) {
      onLockedEdit(s.lock);
      return;
    }
    const now = Date.now();
    const merge = key !== undefined && coalesce?.key === key && now - coalesce.at < COALESCE_MS && s.past.length > 0;
    coalesce = key !== undefined ? { key, at: now } : null;
    const past = merge ? s.past : [...s.past, { nodes: s.nodes, edges: s.edges, rev: s.rev }].slice(-HISTORY_LIMIT);
    set({ ...next, past, future: [], rev: nextRev() });
  };

  const updateNode = (id: string, fn: (n: LayerNode) => LayerNode) => get().nodes.map((n) => (n.id === id ? fn(n) : n));

  return {
    nodes: [],
    edges: [],
    meta: emptyMeta(),
    past: [],
    future: [],
    rev: 1,
    savedRev: 1,
    loadCount: 0,
    lock: null,

    onNodesChange(changes) {
      // Removal goes through deleteSelection (one undo step); position changes during a drag are
      // recorded by beginDrag/endDrag; selection and size changes are not edits.
      const kept = changes.filter((c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
      // A new selection ends a run of typing: the next edit is its own undo step.
      if (kept.some((c) => c.type === 'select')) coalesce = null;
      if (kept.length) set({ nodes: applyNodeChanges(kept, get().nodes) });
    },

    onEdgesChange(changes) {
      const kept = changes.filter((c) => c.type === 'select');
      if (kept.length) set({ edges: applyEdgeChanges(kept, get().edges) });
    },

    beginDrag() {
      const s = get();
      dragOrigin = { nodes: s.nodes, edges: s.edges, rev: s.rev };
    },

    endDrag() {
      const origin = dragOrigin;
      dragOrigin = null;
      if (!origin) return;
      const before = new Map(origin.nodes.map((n) => [n.id, n.position]));
      const moved = get().nodes.some((n) => {
        const p = before.get(n.id);
        return p && (p.x !== n.position.x || p.y !== n.position.y);
      });
      if (!moved) return;
      coalesce = null;
      const s = get();
      set({ past: [...s.past, origin].slice(-HISTORY_LIMIT), future: [], rev: nextRev() });
    },

    addLayer(type, position) {
      const spec = getLayer(type);
      if (!spec) return null;
      const s = get();
      const id = freshId(type, new Set(s.nodes.map((n) => n.id)));
      const nodes = s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
      commit({ nodes: [...nodes, makeLayerNode(id, type, defaultParams(spec), position, true)] });
      return id;
    },

    connect(c) {
      if (!c.source || !c.target) return;
      const port = portOf(c.targetHandle);
      // A port takes one wire: a new one replaces the old.
      const edges = get().edges.filter((e) => !(e.target === c.target && portOf(e.targetHandle) === port));
      commit({ edges: [...edges, makeEdge(c.source, c.target, port)] });
    },

    reconnect(id, c) {
      if (!c.source || !c.target) return;
      const port = portOf(c.targetHandle);
      const edges = get().edges.filter((e) => e.id !== id && !(e.target === c.target && portOf(e.targetHandle) === port));
      commit({ edges: [...edges, makeEdge(c.source, c.target, port)] });
    },

    removeEdge(id) {
      if (!get().edges.some((e) => e.id === id)) return;
      commit({ edges: get().edges.filter((e) => e.id !== id) });
    },

    setParam(nodeId, name, value) {
      commit(
        { nodes: updateNode(nodeId, (n) => ({ ...n, data: { ...n.data, params: { ...n.data.params, [name]: value } } })) },
        `${nodeId}.${name}`,
      );
    },

    resetParam(nodeId, name) {
      commit({
        nodes: updateNode(nodeId, (n) => {
          const params = { ...n.data.params };
          delete params[name];
          const def = getLayer(n.data.type)?.params.find((d) => d.name === name);
          if (def && 'default' in def) params[name] = def.default;
          return { ...n, data: { ...n.data, params } };
        }),
      });
    },

    renameNode(oldId, newId) {
      if (oldId === newId) return;
      const s = get();
      commit({
        nodes: s.nodes.map((n) => (n.id === oldId ? { ...n, id: newId } : n)),
        edges: s.edges.map((e) => {
          if (e.source !== oldId && e.target !== oldId) return e;
          const source = e.source === oldId ? newId : e.source;
          const target = e.target === oldId ? newId : e.target;
          return { ...makeEdge(source, target, portOf(e.targetHandle)), selected: e.selected };
        }),
      });
    },

    deleteSelection() {
      const s = get();
      const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const edges = s.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
      if (gone.size === 0 && edges.length === s.edges.length) return;
      commit({ nodes: s.nodes.filter((n) => !gone.has(n.id)), edges });
    },

    selectAll() {
      set({ nodes: get().nodes.map((n) => ({ ...n, selected: true })), edges: get().edges.map((e) => ({ ...e, selected: true })) });
    },

    selectOnly(nodeId) {
      coalesce = null;
      set({
        nodes: get().nodes.map((n) => (n.selected === (n.id === nodeId) ? n : { ...n, selected: n.id === nodeId })),
        edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      });
    },

    clearSelection() {
      coalesce = null;
      set({
        nodes: get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
        edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      });
    },

    setPositions(positions) {
      commit({ nodes: get().nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)) });
    },

    pasteNodes(nodes, edges) {
      const s = get();
      commit({
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes.map((n) => ({ ...n, selected: true }))],
        edges: [...s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...edges],
      });
    },

    replaceGraph(nodes, edges) {
      commit({ nodes, edges });
    },

    undo() {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      if (s.lock) return onLockedEdit(s.lock);
      coalesce = null;
      set({
        nodes: prev.nodes,
        edges: prev.edges,
        rev: prev.rev,
        past: s.past.slice(0, -1),
        future: [{ nodes: s.nodes, edges: s.edges, rev: s.rev }, ...s.future],
      });
    },

    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      if (s.lock) return onLockedEdit(s.lock);
      coalesce = null;
      set({
        nodes: next.nodes,
        edges: next.edges,
        rev: next.rev,
        past: [...s.past, { nodes: s.nodes, edges: s.edges, rev: s.rev }],
        future: s.future.slice(1),
      });
    },

    load(doc, opts) {
      coalesce = null;
      dragOrigin = null;
      const rev = nextRev();
      set({
        nodes: doc.nodes,
        edges: doc.edges,
        meta: doc.meta,
        past: [],
        future: [],
        rev,
        // A recovered document is unsaved work: keep it marked dirty.
        savedRev: opts?.dirty ? -1 : rev,
        loadCount: get().loadCount + 1,
      });
    },

    markSaved({ name, path }) {
      set({ savedRev: get().rev, meta: { ...get().meta, name, path } });
    },

    setLock(reason) {
      set({ lock: reason });
    },

    setMeta(patch) {
      // not an undo step: undo/redo restore the graph, settings stay as last set
      set({ meta: { ...get().meta, ...patch }, rev: nextRev() });
    },
  };
});

export const selectDirty = (s: EditorState) => s.rev !== s.savedRev;

/** Same layers, params and order: only positions (layout) differ — allowed while locked. */
function sameStructure(a: readonly LayerNode[], b: readonly LayerNode[]): boolean {
  return a.length === b.length && a.every((n, i) => n.id === b[i].id && n.data === b[i].data);
}
