import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// A page's first render loads lazy extensions; on a busy 2-core CI machine that can take
// longer than testing-library's 1 s default, so findBy/waitFor wait up to 5 s.
configure({ asyncUtilTimeout: 5000 });
// Pages with react-aria tables and charts take several seconds there too.
jest.setTimeout(20_000);

// jsdom has no ResizeObserver; the charts' ResponsiveContainer asks for one (it lays out nothing in jsdom).
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??=
  NoResizeObserver;
