/**
 * Series colours: mid tones that read on both the light and the dark theme's surfaces;
 * grid and axes take Backstage UI's theme variables.
 */
export const CHART_COLORS = {
  primary: '#4c8dff',
  secondary: '#2fb36f',
  danger: '#f0524f',
  warning: '#f2a93b',
  grid: 'var(--bui-border-1, #ddd)',
  text: 'var(--bui-fg-secondary, #666)',
} as const;
