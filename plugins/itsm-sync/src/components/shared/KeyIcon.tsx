/** A key, for callback tokens (drawn inline like the navigation icon: no icon library needed). */
export function KeyIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      aria-hidden="true"
    >
      <circle cx="7.5" cy="16.5" r="4.5" />
      <path d="M10.7 13.3 20.5 3.5M16.5 7.5l3 3M14 10l2 2" />
    </svg>
  );
}
