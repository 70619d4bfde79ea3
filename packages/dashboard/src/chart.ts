import { h, svg } from './dom.js';
import { num } from './format.js';

/**
 * A horizontal bar chart in SVG: one bar a row, sized by attributes (the CSP allows no inline
 * style). Hidden from screen readers: the table beside it holds the same numbers.
 */
export function barChart(title: string, rows: Array<{ label: string; value: number }>): SVGSVGElement | HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'Nothing to chart.');
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowHeight = 22;
  const labelWidth = 140;
  const width = 420;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${rows.length * rowHeight}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${title} (the table holds the same numbers)`,
    preserveAspectRatio: 'xMinYMin meet',
  });
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    const barWidth = Math.max(row.value > 0 ? 2 : 0, ((width - labelWidth - 60) * row.value) / max);
    const label = row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label;
    chart.append(
      svg('text', { x: labelWidth - 6, y: y + 15, 'text-anchor': 'end', class: 'chart-label' }, label),
      svg('rect', { x: labelWidth, y: y + 4, width: barWidth.toFixed(1), height: rowHeight - 8, rx: 2, class: 'chart-bar' }),
      svg('text', { x: labelWidth + barWidth + 4, y: y + 15, class: 'chart-value' }, num(row.value)),
    );
  });
  return chart;
}
