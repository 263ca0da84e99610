/**
 * @module mcp/monitor/view/timeline
 * A job's status history as a timeline, oldest first: each record's status (coloured as in the
 * chart), minor and application status, time and source.
 */
import { statusClass } from './chart.ts';
import { h, shortTime } from './dom.ts';

export interface HistoryRecord {
  Status: string;
  MinorStatus: string;
  ApplicationStatus: string;
  StatusTime: string;
  Source: string;
}

export function timeline(records: readonly HistoryRecord[], total: number): HTMLElement {
  const list = h('ol', { class: 'timeline', 'aria-label': 'Status history' });
  for (const r of records) {
    const details = [r.MinorStatus, r.ApplicationStatus].filter((t) => t && t !== 'Unknown').join(' · ');
    list.append(
      h(
        'li',
        {},
        h('span', { class: `dot ${statusClass(r.Status)}`, 'aria-hidden': 'true' }),
        h('strong', {}, r.Status),
        h('time', { datetime: r.StatusTime }, shortTime(r.StatusTime)),
        h('span', { class: 'minor' }, [details, r.Source].filter(Boolean).join(' · ')),
      ),
    );
  }
  if (records.length === 0) list.append(h('li', { class: 'empty' }, 'No history.'));
  if (total > records.length) list.prepend(h('li', { class: 'more' }, `${total - records.length} older records`));
  return list;
}
