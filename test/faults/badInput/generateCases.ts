import { Prng } from './prng';
import type { Delivery, VendorKit } from './vendorKits';

/** One generated request, with what kind of bad it is (for the per-kind counts). */
export interface BadCase extends Delivery {
  kind: string;
}

const WRONG_VALUES = (p: Prng): unknown[] => [
  null,
  true,
  -1,
  1e308,
  '',
  [],
  {},
  [[[[{}]]]],
  p.text(50),
  { $gt: '' },
  '__proto__',
  { __proto__: { polluted: true } },
  '<script>alert(1)</script>',
  "'; DROP TABLE incidents; --",
];

/** Every path of leaf and branch keys in a JSON value, up to a depth. */
function keyPaths(
  value: unknown,
  prefix: string[] = [],
  depth = 0,
  out: string[][] = [],
): string[][] {
  if (value && typeof value === 'object' && depth < 4) {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      keyPaths(v, [...prefix, k], depth + 1, out);
    }
  }
  return out;
}

function setPath(root: any, path: string[], value: unknown) {
  let node = root;
  for (const k of path.slice(0, -1)) node = node[k];
  node[path[path.length - 1]] = value;
}

/** Bodies that are bad in one way: not JSON, JSON of the wrong shape, or far too big. */
function badBody(
  p: Prng,
  real: Buffer,
  hugeBytes: number,
): { kind: string; body: Buffer } {
  const text = real.toString('utf8');
  const parsed = JSON.parse(text);
  switch (p.int(10)) {
    case 0:
      return {
        kind: 'truncated-json',
        body: real.subarray(0, p.int(real.length)),
      };
    case 1:
      return { kind: 'random-bytes', body: p.bytes(1 + p.int(512)) };
    case 2:
      return {
        kind: 'json-scalar',
        body: Buffer.from(
          p.pick(['null', '[]', '0', '"x"', 'true', '{}', '', ' ', '[{}]']),
        ),
      };
    case 3:
      return {
        kind: 'deep-nesting',
        body: Buffer.from(
          `${'['.repeat(2000 + p.int(8000))}${']'.repeat(p.int(2) ? 10_000 : 0)}`,
        ),
      };
    case 4: {
      const paths = keyPaths(parsed);
      const copy = JSON.parse(text);
      for (let i = 0; i < 1 + p.int(3) && paths.length; i++) {
        try {
          setPath(copy, p.pick(paths), p.pick(WRONG_VALUES(p)));
        } catch {
          // the path went through a value already replaced
        }
      }
      return { kind: 'wrong-types', body: Buffer.from(JSON.stringify(copy)) };
    }
    case 5: {
      const paths = keyPaths(parsed);
      const copy = JSON.parse(text);
      if (paths.length) {
        try {
          setPath(copy, p.pick(paths), p.text(hugeBytes + p.int(hugeBytes)));
        } catch {
          // as above
        }
      }
      return { kind: 'huge-field', body: Buffer.from(JSON.stringify(copy)) };
    }
    case 6: {
      const paths = keyPaths(parsed);
      const copy = JSON.parse(text);
      if (paths.length) {
        const path = p.pick(paths);
        let node = copy;
        for (const k of path.slice(0, -1)) node = node?.[k];
        if (node && typeof node === 'object')
          delete node[path[path.length - 1]];
      }
      return { kind: 'missing-field', body: Buffer.from(JSON.stringify(copy)) };
    }
    case 7:
      return {
        kind: 'invalid-utf8',
        body: Buffer.concat([
          real.subarray(0, 20),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          real.subarray(20),
        ]),
      };
    case 8:
      return {
        kind: 'duplicate-keys',
        body: Buffer.from(
          text.replace(
            /^\{/,
            `{"${Object.keys(parsed)[0] ?? 'a'}":${JSON.stringify(p.pick(WRONG_VALUES(p)))},`,
          ),
        ),
      };
    default:
      return { kind: 'unchanged-body', body: real };
  }
}

const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  '',
];

/**
 * Requests that carry no valid signature: a missing, forged or misplaced one, over a bad
 * or a real body (a replayed real body with another delivery's signature included).
 * None of them may change anything.
 */
export async function unsignedCase(
  p: Prng,
  kit: VendorKit,
  reals: Buffer[],
  path: string,
  hugeBytes: number,
): Promise<BadCase> {
  const real = p.pick(reals);
  const { kind, body } = badBody(p, real, hugeBytes);
  const mode = p.int(4);
  let headers: Record<string, string>;
  let how: string;
  if (mode === 0) {
    headers = { 'content-type': 'application/json' };
    how = 'no-signature';
  } else if (mode === 1) {
    // A real signature, but of another real delivery's bytes.
    const other = reals.find(r => !r.equals(body)) ?? Buffer.from('{}');
    headers = await kit.sign(other, path);
    how = 'signature-of-other-body';
  } else {
    headers = await kit.forge(body, path, p.int(1000));
    how = 'forged-signature';
  }
  if (p.int(8) === 0) headers['content-type'] = p.pick(CONTENT_TYPES);
  if (p.int(16) === 0) headers['x-padding'] = p.text(6000, 'abcdef');
  return { kind: `${how}/${kind}`, rawBody: body, headers };
}

/** Requests signed with the right secret whose bytes are still bad: must get a 4xx, never a 5xx. */
export async function signedBadCase(
  p: Prng,
  kit: VendorKit,
  reals: Buffer[],
  path: string,
  hugeBytes: number,
): Promise<BadCase> {
  const { kind, body } = badBody(p, p.pick(reals), hugeBytes);
  return {
    kind: `signed/${kind}`,
    rawBody: body,
    headers: await kit.sign(body, path),
  };
}
