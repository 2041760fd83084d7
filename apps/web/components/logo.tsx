/** The app's mark: a speech bubble on a sky-blue tile (decorative, hidden from assistive tech). */
export function Logo({ large = false }: { large?: boolean }) {
  return (
    <svg
      viewBox="0 0 32 32"
      className={large ? 'size-12' : 'size-7'}
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="8" className="fill-sky-600" />
      <path
        d="M8 10.5A2.5 2.5 0 0 1 10.5 8h11A2.5 2.5 0 0 1 24 10.5v7a2.5 2.5 0 0 1-2.5 2.5H15l-4.5 4v-4A2.5 2.5 0 0 1 8 17.5z"
        fill="#fff"
      />
    </svg>
  );
}
