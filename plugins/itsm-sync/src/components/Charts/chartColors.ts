/** Series colours from Backstage UI's theme variables, so the charts follow light and dark themes. */
export const CHART_COLORS = {
  primary: 'var(--bui-fg-info, #1f5493)',
  secondary: 'var(--bui-fg-success, #2e7d32)',
  danger: 'var(--bui-fg-danger, #c62828)',
  warning: 'var(--bui-fg-warning, #ed6c02)',
  grid: 'var(--bui-border-1, #ddd)',
  text: 'var(--bui-fg-secondary, #666)',
} as const;
