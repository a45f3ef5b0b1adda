/** A V8 .cpuprofile, as `node --cpu-prof` writes it. */
interface CpuProfile {
  startTime: number;
  endTime: number;
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** Top functions by self time (ms and share), with the package or file they live in. */
export function summariseCpuProfile(profile: CpuProfile, top: number) {
  return selfTimeBy(profile, top, ({ functionName, url, lineNumber }) => {
    const where = url.includes('node_modules/')
      ? url
          .split('node_modules/')
          .pop()!
          .split('/')
          .slice(0, url.includes('node_modules/@') ? 2 : 1)
          .join('/')
      : url.replace(/^.*\/work\/main\//, '');
    return `${functionName || '(anonymous)'} ${where}${where && lineNumber >= 0 ? `:${lineNumber + 1}` : ''}`;
  }).map(({ key, self_ms, share }) => ({ function: key, self_ms, share }));
}

/** Sums each sample's time under the key of its function's call frame; the top keys with ms and share. */
function selfTimeBy(
  profile: CpuProfile,
  top: number,
  keyOf: (frame: CpuProfile['nodes'][number]['callFrame']) => string,
) {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byKey = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const key = keyOf(node.callFrame);
    byKey.set(key, (byKey.get(key) ?? 0) + us);
  }
  return [...byKey]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => ({
      key,
      self_ms: Math.round(us / 1000),
      share: +((100 * us) / total).toFixed(1),
    }));
}

/**
 * Self time grouped by where the code lives: a package, a Node.js built-in module, the
 * project's own plugins, or native work (socket writes, GC, idle waiting).
 */
export function summariseByOrigin(profile: CpuProfile, top: number) {
  return selfTimeBy(profile, top, ({ functionName, url }) => {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (!url) return `native ${functionName || '(anonymous)'}`;
    if (pkg) return pkg;
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    if (url.includes('/plugins/'))
      return `project ${url.split('/plugins/')[1].split('/')[0]}`;
    return url.replace(/^.*\/work\/main\//, '');
  }).map(({ key, self_ms, share }) => ({ origin: key, self_ms, share }));
}

/**
 * The part of a profile sampled within windows of monotonic time (µs, see monotonicMicros):
 * one phase of a run, without start-up or the phases around it.
 */
export function profileWindow(
  profile: CpuProfile,
  windows: Array<{ from: number; to: number }>,
): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (!windows.some(w => at >= w.from && at <= w.to)) return;
    samples.push(id);
    timeDeltas.push(profile.timeDeltas[i] ?? 0);
  });
  return { ...profile, samples, timeDeltas };
}
