/**
 * @module mcp/monitor/view/chart
 * Jobs per status as a bar chart: one button per status (largest first), its bar as long as its
 * share of the largest count; pressing one filters the table on that status, pressing the one
 * in force clears the filter.
 */
import { h, svg } from './dom.ts';

/** A CSS class for a status's colour (letters only). */
export const statusClass = (status: string): string => `s-${status.replace(/[^A-Za-z]/g, '')}`;

export function statusChart(
  counts: Record<string, number>,
  active: string | null,
  onPick: (status: string | null) => void,
): HTMLElement {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const largest = Math.max(1, ...entries.map(([, n]) => n));
  const label = entries.map(([status, n]) => `${status} ${n}`).join(', ');
  const list = h('ul', { class: 'chart', 'aria-label': `Jobs per status: ${label || 'none'}` });
  for (const [status, n] of entries) {
    const width = Math.max(2, Math.round((100 * n) / largest));
    const bar = svg(
      'svg',
      { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
      svg('rect', { class: statusClass(status), x: 0, y: 0, width, height: 10, rx: 1 }),
    );
    const button = h(
      'button',
      { type: 'button', class: 'chart-row', 'aria-pressed': status === active, title: `Show only ${status} jobs` },
      h('span', { class: 'chart-label' }, status),
      bar,
      h('span', { class: 'chart-count' }, n),
    );
    button.addEventListener('click', () => onPick(status === active ? null : status));
    list.append(h('li', {}, button));
  }
  if (entries.length === 0) list.append(h('li', { class: 'empty' }, 'No jobs.'));
  return list;
}
