/** A V8 .cpuprofile, as `node --cpu-prof` writes it. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Top functions by self time (ms and share), with the package or file they live in. */
export function summariseCpuProfile(profile: CpuProfile, top: number) {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.includes('node_modules/') ? url.split('node_modules/').pop()!.split('/').slice(0, url.includes('node_modules/@') ? 2 : 1).join('/') : url.replace(/^.*\/work\/main\//, '');
    const key = `${functionName || '(anonymous)'} ${where}${where && lineNumber >= 0 ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ function: fn, self_ms: Math.round(us / 1000), share: +((100 * us) / total).toFixed(1) }));
}

/**
 * Self time grouped by where the code lives: a package, a Node.js built-in module, the
 * project's own plugins, or native work (socket writes, GC, idle waiting).
 */
export function summariseByOrigin(profile: CpuProfile, top: number) {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const { functionName, url } = node.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    let origin: string;
    if (!url) origin = `native ${functionName || '(anonymous)'}`;
    else if (pkg) origin = pkg;
    else if (url.startsWith('node:')) origin = `node:${url.slice(5).split('/')[0]}`;
    else if (url.includes('/plugins/')) origin = `project ${url.split('/plugins/')[1].split('/')[0]}`;
    else origin = url.replace(/^.*\/work\/main\//, '');
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
  }
  return [...byOrigin]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([origin, us]) => ({ origin, self_ms: Math.round(us / 1000), share: +((100 * us) / total).toFixed(1) }));
}
