/** Two arrows chasing each other: the plugin's navigation icon (no icon library needed). */
export function ItsmSyncIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="currentColor"
      aria-hidden="true"
    >
      <path d="M12 4a8 8 0 0 1 7.75 6h-2.1A6 6 0 0 0 7.76 7.76L10 10H4V4l2.35 2.35A7.97 7.97 0 0 1 12 4Zm-7.75 10h2.1a6 6 0 0 0 9.89 2.24L14 14h6v6l-2.35-2.35A8 8 0 0 1 4.25 14Z" />
    </svg>
  );
}
