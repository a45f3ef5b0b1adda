import { useEffect, useState } from 'react';

/** Seconds left until `until`, ticking once a second; 0 once it has passed or when unset. */
export function useCountdown(until: Date | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return 0;
  return Math.max(0, Math.ceil((until.getTime() - now) / 1000));
}
