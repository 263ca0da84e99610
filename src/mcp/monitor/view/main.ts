/**
 * @module mcp/monitor/view/main
 * The job monitor view: the result of `show_job_monitor` as a status chart, filters, a table
 * and, for the selected job, its status history, StdErr tail and kill/reschedule buttons. Every
 * change of filter, sort or page calls `show_job_monitor` again through the host; nothing else
 * leaves the view. Errors are shown in the message line, never thrown away.
 */
import { confirmAndRun, dialogAsk, type Action } from './actions.ts';
import { HostBridge, type HostContext, type ToolResult } from './bridge.ts';
import { call, resultText } from './calls.ts';
import { statusChart } from './chart.ts';
import { fill, h } from './dom.ts';
import { stderrTail } from './stderr.ts';
import { jobTable } from './table.ts';
import { timeline } from './timeline.ts';
import type { HistoryResult, MonitorArgs, MonitorResult } from './types.ts';

const bridge = new HostBridge(window.parent);
const root = document.getElementById('app') as HTMLElement;
const ask = dialogAsk(root);

let current: MonitorResult | undefined;
let selected: number | null = null;

const total = h('span', { class: 'total' });
const refresh = h('button', { type: 'button' }, 'Refresh');
const chart = h('section', { class: 'chart-box', 'aria-label': 'Jobs per status' });
const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, 'All statuses'));
const mineBox = h('input', { name: 'mine', type: 'checkbox', checked: true });
const nameInput = h('input', { name: 'name', type: 'search', maxlength: 128, placeholder: 'part of a job name' });
const apply = h('button', { type: 'button' }, 'Apply');
// Not a <form>: a sandboxed frame without allow-forms never fires `submit`.
const filters = h(
  'div',
  { class: 'filters', role: 'search', 'aria-label': 'Filter jobs' },
  h('label', {}, 'Status ', statusSelect),
  h('label', {}, 'Name contains ', nameInput),
  h('label', {}, mineBox, ' Only my jobs'),
  apply,
);
const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
const table = h('section', { class: 'jobs' });
const details = h('section', { class: 'details', 'aria-label': 'Selected job', hidden: true });

fill(
  root,
  h('header', {}, h('h1', {}, 'Jobs'), total, refresh),
  h('div', { class: 'top' }, chart, filters),
  message,
  h('div', { class: 'main' }, table, details),
);

const say = (text: string, isError = false): void => {
  message.textContent = text;
  message.classList.toggle('error', isError);
};

/** The arguments of the current view, with `change` applied (a new filter goes back to page 1). */
function args(change: Partial<MonitorArgs> = {}): MonitorArgs {
  const base: MonitorArgs = {
    mine: current?.filter.mine ?? true,
    status: current?.filter.status ?? null,
    name_contains: current?.filter.name_contains ?? null,
    sort_by: current?.sort.by ?? 'JobID',
    sort_direction: current?.sort.direction ?? 'desc',
    page: current?.page ?? 1,
    per_page: current?.per_page ?? 20,
  };
  return { ...base, ...change };
}

async function load(change: Partial<MonitorArgs> = {}): Promise<void> {
  try {
    render(await call<MonitorResult>(bridge, 'show_job_monitor', args(change) as Record<string, unknown>));
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), true);
  }
}

function render(result: MonitorResult): void {
  current = result;
  total.textContent = `${result.total_jobs} jobs`;
  fill(
    chart,
    statusChart(result.status_summary, result.filter.status, (status) => load({ status, page: 1 })),
  );
  const statuses = Object.keys(result.status_summary).sort();
  if (result.filter.status && !statuses.includes(result.filter.status)) statuses.push(result.filter.status);
  fill(statusSelect, h('option', { value: '' }, 'All statuses'), ...statuses.map((s) => h('option', { value: s }, s)));
  statusSelect.value = result.filter.status ?? '';
  nameInput.value = result.filter.name_contains ?? '';
  mineBox.checked = result.filter.mine;
  fill(
    table,
    jobTable(result, selected, {
      sort: (column) =>
        load({
          sort_by: column,
          sort_direction: result.sort.by === column && result.sort.direction === 'asc' ? 'desc' : 'asc',
          page: 1,
        }),
      select: (jobId) => void showJob(jobId),
      page: (page) => load({ page }),
    }),
  );
}

async function act(action: Action, jobId: number): Promise<void> {
  try {
    say(await confirmAndRun(bridge, ask, action, jobId));
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), true);
  }
  await load();
  if (selected === jobId) await showJob(jobId);
}

async function showJob(jobId: number): Promise<void> {
  selected = jobId;
  for (const row of table.querySelectorAll('tr[data-job-id]'))
    row.setAttribute('aria-selected', String(row.getAttribute('data-job-id') === String(jobId)));
  const row = current?.jobs.find((j) => Number(j.JobID) === jobId);
  const kill = h('button', { type: 'button', class: 'danger' }, 'Kill');
  const reschedule = h('button', { type: 'button' }, 'Reschedule');
  kill.addEventListener('click', () => act('kill', jobId));
  reschedule.addEventListener('click', () => act('reschedule', jobId));
  const history = h('div', { class: 'history' }, 'Loading…');
  const stderr = h('pre', { class: 'stderr', 'aria-label': 'StdErr (last lines)' }, 'Loading…');
  details.hidden = false;
  fill(
    details,
    h('h2', {}, `Job ${jobId}`, row?.JobName ? ` · ${String(row.JobName)}` : ''),
    h('div', { class: 'buttons' }, kill, reschedule),
    h('h3', {}, 'Status history'),
    history,
    h('h3', {}, 'StdErr (last lines)'),
    stderr,
  );
  const [historyResult, tail] = await Promise.allSettled([
    call<HistoryResult>(bridge, 'get_job_status_history', { job_id: jobId }),
    stderrTail(bridge, jobId),
  ]);
  if (selected !== jobId) return;
  if (historyResult.status === 'fulfilled')
    fill(history, timeline(historyResult.value.history, historyResult.value.total_records));
  else fill(history, h('p', { class: 'error' }, String(historyResult.reason)));
  if (tail.status === 'rejected') stderr.textContent = String(tail.reason);
  else if (tail.value.missing !== undefined) {
    stderr.classList.add('missing');
    stderr.textContent = tail.value.missing;
  } else {
    stderr.textContent = tail.value.text || '(empty)';
    stderr.scrollTop = stderr.scrollHeight; // the end of StdErr is what tells why a job failed
    if (tail.value.notice) stderr.before(h('p', { class: 'hint' }, tail.value.notice));
  }
}

function applyFilters(): void {
  const name_contains = nameInput.value.trim() || null;
  void load({ status: statusSelect.value || null, name_contains, mine: mineBox.checked, page: 1 });
}
apply.addEventListener('click', applyFilters);
nameInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') applyFilters();
});
refresh.addEventListener('click', () => load());

function applyContext(context: HostContext): void {
  if (context.theme) document.documentElement.dataset.theme = context.theme;
  for (const [name, value] of Object.entries(context.styles?.variables ?? {}))
    if (value) document.documentElement.style.setProperty(name, value);
}

bridge.ontoolresult = (result: ToolResult) => {
  if (result.isError || !result.structuredContent) say(resultText(result), true);
  else render(result.structuredContent as MonitorResult);
};
bridge.oncontext = applyContext;
bridge.reportSize(document.documentElement);
applyContext(await bridge.connect());
