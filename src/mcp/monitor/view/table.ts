/**
 * @module mcp/monitor/view/table
 * One page of jobs as a table: headers that sort (pressing the sorted one reverses it), rows
 * that select a job, and a pager saying which rows of how many are shown.
 */
import { statusClass } from './chart.ts';
import { h, shortTime } from './dom.ts';
import type { MonitorResult, SortColumn } from './types.ts';

export interface TableEvents {
  sort(column: SortColumn): void;
  select(jobId: number): void;
  page(page: number): void;
}

const LABELS: Record<string, string> = {
  JobID: 'Job',
  JobName: 'Name',
  Status: 'Status',
  MinorStatus: 'Minor status',
  Site: 'Site',
  LastUpdateTime: 'Last update',
};

const cellText = (value: unknown): string => (value === null || value === undefined ? '' : shortTime(String(value)));

export function jobTable(result: MonitorResult, selected: number | null, on: TableEvents): HTMLElement {
  const head = h('tr');
  for (const column of result.columns) {
    const sorted = result.sort.by === column;
    const direction = result.sort.direction === 'asc' ? 'ascending' : 'descending';
    const button = h('button', { type: 'button', class: 'sort' }, LABELS[column] ?? column, sorted ? ' ' : '');
    if (sorted) button.append(h('span', { 'aria-hidden': 'true' }, result.sort.direction === 'asc' ? '▲' : '▼'));
    button.addEventListener('click', () => on.sort(column as SortColumn));
    head.append(h('th', { scope: 'col', 'aria-sort': sorted ? direction : undefined }, button));
  }
  const body = h('tbody');
  for (const job of result.jobs) {
    const id = Number(job.JobID);
    const row = h('tr', { 'data-job-id': id, 'aria-selected': id === selected, tabindex: 0 });
    for (const column of result.columns) {
      const text = cellText(job[column]);
      row.append(h('td', column === 'Status' ? { class: `status ${statusClass(text)}` } : {}, text));
    }
    row.addEventListener('click', () => on.select(id));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') on.select(id);
    });
    body.append(row);
  }
  if (result.jobs.length === 0)
    body.append(h('tr', {}, h('td', { colspan: result.columns.length, class: 'empty' }, 'No job matches.')));
  const { start, end, total, has_more } = result.pagination;
  const shown = total === 0 ? 'No jobs' : `Jobs ${start + 1}–${end + 1} of ${total}`;
  const previous = h('button', { type: 'button', disabled: result.page <= 1 }, '‹ Previous');
  const next = h('button', { type: 'button', disabled: !has_more }, 'Next ›');
  previous.addEventListener('click', () => on.page(result.page - 1));
  next.addEventListener('click', () => on.page(result.page + 1));
  return h(
    'div',
    { class: 'table' },
    h('table', { 'aria-label': 'Jobs' }, h('thead', {}, head), body),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, h('span', { role: 'status' }, shown), next),
  );
}
