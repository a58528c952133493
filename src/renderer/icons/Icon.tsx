/** A small stroke icon set (16 px grid), drawn inline so the app needs no icon font or network. */
const PATHS = {
  file: 'M4 1.5h5l3.5 3.5v9.5h-8.5z M9 1.5v3.5h3.5',
  open: 'M1.5 4V13h11l2-6.5H4L2 13 M1.5 4V2.5h4l1.5 1.5h5.5V6.5',
  save: 'M2.5 2.5h9l2 2v9h-11z M5 2.5v3.5h5V2.5 M4.5 13.5v-4h7v4',
  undo: 'M5.5 3.5 2.5 6.5l3 3 M2.5 6.5h7a3.5 3.5 0 0 1 0 7H7',
  redo: 'M10.5 3.5l3 3-3 3 M13.5 6.5h-7a3.5 3.5 0 0 0 0 7H9',
  layout: 'M6 1.5h4v3H6z M1.5 11.5h4v3h-4z M10.5 11.5h4v3h-4z M8 4.5v3.5 M3.5 11.5V8h9v3.5',
  fit: 'M1.5 5V1.5H5 M11 1.5h3.5V5 M14.5 11v3.5H11 M5 14.5H1.5V11 M5.5 5.5h5v5h-5z',
  grid: 'M2 2h5v5H2z M9 2h5v5H9z M2 9h5v5H2z M9 9h5v5H9z',
  table: 'M1.5 2.5h13v11h-13z M1.5 6h13 M1.5 9.5h13 M6 6v7.5',
  sidebarLeft: 'M1.5 2.5h13v11h-13z M5.5 2.5v11',
  sidebarRight: 'M1.5 2.5h13v11h-13z M10.5 2.5v11',
  wireShapes: 'M8 1.5v3 M8 10v4.5 M5.5 12 8 14.5 10.5 12 M2.5 4.5h11v5.5h-11z',
  map: 'M1.5 3.5l4-1.5 5 1.5 4-1.5v10.5l-4 1.5-5-1.5-4 1.5z M5.5 2v10.5 M10.5 3.5V14',
  sun: 'M8 4.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7z M8 .8v1.6 M8 13.6v1.6 M.8 8h1.6 M13.6 8h1.6 M2.9 2.9 4 4 M12 12l1.1 1.1 M2.9 13.1 4 12 M12 4l1.1-1.1',
  moon: 'M13.5 9.5A6 6 0 0 1 6.5 2.5a6 6 0 1 0 7 7z',
  plus: 'M8 2.5v11 M2.5 8h11',
  download: 'M8 1.5v9 M4.5 7 8 10.5 11.5 7 M2 13.5h12',
  keyboard: 'M1.5 4h13v8h-13z M4 6.5h1 M7 6.5h1 M10 6.5h1 M4.5 9.5h7',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.3} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={PATHS[name]} />
    </svg>
  );
}
