/** The exponential mark. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-label="exponential" role="img">
      <rect width="32" height="32" rx="8" fill="#5e6ad2" />
      <path d="M9 22 16 10l7 12" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
