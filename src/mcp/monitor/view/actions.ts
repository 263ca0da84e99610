/**
 * @module mcp/monitor/view/actions
 * Kill and reschedule from the view, through the same tools and confirmation as an agent: the
 * view first asks the tool for a dry run and shows the person its plan (DIRAC's state machine
 * decides what each job would become); only when they confirm does it call the tool for real.
 * When the server wants a confirmation for the call (more jobs than its threshold), the tool
 * changes nothing and answers the plan with a `confirmation_token`: the view sends that token
 * only when the plan is the one the person just confirmed, and asks again otherwise (the jobs
 * changed meanwhile). Cancelling at any point changes nothing.
 */
import type { HostBridge } from './bridge.ts';
import { call } from './calls.ts';
import { h } from './dom.ts';
import type { KillResult, RescheduleResult } from './types.ts';

export type Action = 'kill' | 'reschedule';

/** Asks the person a question with the plan's lines; resolves true when they confirm. */
export type Ask = (question: string, lines: readonly string[], confirmLabel: string) => Promise<boolean>;

const TOOLS: Record<Action, string> = { kill: 'kill_jobs', reschedule: 'reschedule_jobs' };

type Outcome = KillResult | RescheduleResult;

/** The plan of a dry run or preview, one line per job. */
function planLines(result: Outcome): string[] {
  if ('changes' in result)
    return result.changes.map((c) =>
      c.changed
        ? `Job ${c.job_id}: ${c.current_status} → ${c.resulting_status}`
        : `Job ${c.job_id}: stays ${c.current_status}`,
    );
  return (result.plan ?? []).map(
    (s) =>
      `Job ${s.job_id}: ${s.outcome} (${s.current_status} → ${s.resulting_status}, ` +
      `reschedule counter ${s.current_counter} → ${s.resulting_counter})`,
  );
}

/** Runs `action` on `jobId` once the person confirms; resolves with what to tell them. */
export async function confirmAndRun(bridge: HostBridge, ask: Ask, action: Action, jobId: number): Promise<string> {
  const tool = TOOLS[action];
  const verb = action === 'kill' ? 'Kill' : 'Reschedule';
  const args = { job_ids: [jobId] };
  const plan = await call<Outcome>(bridge, tool, { ...args, dry_run: true });
  let confirmed = planLines(plan);
  if (!(await ask(`${verb} job ${jobId}?`, confirmed, `${verb} job ${jobId}`))) return 'Nothing was changed.';
  let result = await call<Outcome>(bridge, tool, args);
  // A token is used once: a second preview means the jobs changed, and the person is asked again.
  for (let asked = 0; result.confirmation_token; asked++) {
    if (asked === 3) return 'The jobs keep changing: nothing was changed. Try again later.';
    const now = planLines(result);
    if (now.join('\n') !== confirmed.join('\n')) {
      const question = `Job ${jobId} changed meanwhile. ${verb} it now?`;
      if (!(await ask(question, now, `${verb} job ${jobId}`))) return 'Nothing was changed.';
      confirmed = now;
    }
    result = await call<Outcome>(bridge, tool, { ...args, confirmation_token: result.confirmation_token });
  }
  return result.note;
}

/** A modal dialog asking the question; the one `Ask` of the view. */
export function dialogAsk(root: HTMLElement): Ask {
  return (question, lines, confirmLabel) =>
    new Promise((resolve) => {
      const title = h('h2', { id: 'confirm-title' }, question);
      const cancel = h('button', { type: 'button', value: 'cancel' }, 'Cancel');
      const confirm = h('button', { type: 'button', value: 'confirm', class: 'danger' }, confirmLabel);
      const dialog = h(
        'dialog',
        { 'aria-labelledby': 'confirm-title', class: 'confirm' },
        title,
        h('ul', {}, ...lines.map((line) => h('li', {}, line))),
        h('p', { class: 'hint' }, 'Nothing changes unless you confirm.'),
        h('div', { class: 'buttons' }, cancel, confirm),
      );
      const finish = (answer: boolean) => {
        dialog.close();
        dialog.remove();
        resolve(answer);
      };
      cancel.addEventListener('click', () => finish(false));
      confirm.addEventListener('click', () => finish(true));
      dialog.addEventListener('cancel', () => finish(false));
      root.append(dialog);
      dialog.showModal();
      cancel.focus();
    });
}
