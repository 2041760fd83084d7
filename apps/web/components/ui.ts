/* Shared class names, so forms and buttons look alike everywhere. */

export const inputClass =
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 ' +
  'placeholder:text-zinc-500 focus-visible:border-sky-500 focus-visible:outline-2 ' +
  'focus-visible:outline-offset-0 focus-visible:outline-sky-500 aria-invalid:border-red-500 ' +
  'dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400';

export const labelClass = 'mb-1 block text-sm font-medium text-zinc-700 dark:text-zinc-300';

export const focusRing =
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500';

export const primaryButtonClass =
  'inline-flex items-center justify-center rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold ' +
  'text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-50 ' +
  focusRing;

export const secondaryButtonClass =
  'inline-flex items-center justify-center rounded-md border border-zinc-300 px-3 py-1.5 ' +
  'text-sm font-medium text-zinc-700 hover:bg-zinc-100 disabled:opacity-50 ' +
  'dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800 ' +
  focusRing;

export const fieldErrorClass = 'mt-1 text-sm text-red-600 dark:text-red-400';

export const alertClass =
  'rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 ' +
  'dark:border-red-800 dark:bg-red-950 dark:text-red-200';

export const noticeClass =
  'rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 ' +
  'dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100';
