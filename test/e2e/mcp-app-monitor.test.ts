/**
 * The job monitor MCP App, end to end in headless Chromium: a host page built on the ext-apps
 * host bridge (`mcp-app-host/host.ts`: the v2 MCP client against our real /mcp, `AppBridge`, the
 * view in a sandboxed iframe) renders `show_job_monitor` for chaen. The view shows the seeded
 * jobs (and none of albdr's; a name written as markup shows as text); its status and name
 * filters change the rows, its column headers sort them and its pager pages (in the host's dark
 * theme); a failed job's history and the tail of the StdErr in its output
 * sandbox (a pilot's archive, assigned through REST) show; a kill opens the view's confirmation
 * with the tool's plan: cancelling changes nothing, confirming goes through the tool's own
 * confirmation token (the server's threshold is 0 here, so even one job needs it) and the job
 * is Killed; a reschedule likewise raises the job's counter once confirmed; a job of another
 * user, shown only when asked (the VO shares job information), cannot be killed: the tool's
 * refusal is shown and nothing changes, as when the host itself refuses a call. The view
 * itself makes no network request: everything goes through the bridge. Screenshots are taken
 * of the monitor and of the confirmation; with DIRACX_MONITOR_SCREENSHOTS_DIR set they are
 * written there (docs/ holds the committed ones).
 * Without Chromium the test skips with the reason in its name, unless
 * DIRACX_REQUIRE_BROWSER_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import type { JobStatus } from '../../src/logic/jobs/job-status.ts';
import { setJobStatuses } from '../../src/logic/jobs/set-status.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { assignOutput, uploadArchive } from '../harness/sandbox-seed.ts';
import { STORE_SETTINGS } from '../routes/sandboxes/app.ts';
import { call, PEOPLE, submitJob } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_BROWSER_TESTS === '1';
const haveChromium = await Bun.file(CHROMIUM).exists();
const TITLE = 'job monitor MCP App in Chromium';
/** A pilot's output sandbox whose StdErr ends with a segmentation violation. */
/** A job name that would be markup if the view inserted it as HTML. */
const MARKUP_NAME = 'calib <b>v2</b><img src=x id=injected>';
const OUTPUT_SANDBOX = new URL('../fixtures/sandboxes/pilot-output.tar.bz2', import.meta.url);

if (!haveChromium && !BROWSER_TESTS_REQUIRED) {
  describe(TITLE, () => {
    it.skip(
      `runs in a real browser (skipped: no ${CHROMIUM}, apt-get install chromium; ` +
        'set DIRACX_REQUIRE_BROWSER_TESTS=1 to fail instead)',
      () => {},
    );
  });
} else {
  let server: McpTestServer;
  let browser: Browser;
  let hostScript: string;
  const jobs: Record<string, number> = {};
  let albdrJob = 0;
  const shots = Bun.env.DIRACX_MONITOR_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'monitor-shots-'));

  /** Sets statuses as a pilot would have reported them (past the state machine). */
  async function force(jobId: number, status: JobStatus, minor: string, at: Date): Promise<void> {
    const body = { [jobId]: { [at.toISOString()]: { Status: status, MinorStatus: minor, Source: 'JobWrapper' } } };
    await setJobStatuses({ database: server.app.database, now: () => at }, body, true);
  }

  beforeAll(async () => {
    const store = new LocalObjectStore({
      directory: new MemoryBlobDirectory(),
      signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
      maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
    });
    server = await startMcpTestServer({ confirmThreshold: 0, sandboxes: { store, settings: STORE_SETTINGS } });
    const submit = (name: string) => submitJob(server.app, 'owner', `[Executable = "run.sh"; JobName = "${name}";]`);
    for (const name of ['reco_2026_a', 'reco_2026_b', 'sim_muons', 'sim_electrons', 'merge_all', MARKUP_NAME]) {
      jobs[name] = await submit(name);
    }
    albdrJob = await submitJob(server.app, 'sameGroup', '[Executable = "echo"; JobName = "albdr_private";]');
    const t = Date.now();
    await force(jobs.reco_2026_a!, 'Running', 'Application', new Date(t + 1000));
    await force(jobs.reco_2026_a!, 'Failed', 'Application Finished With Errors', new Date(t + 2000));
    await force(jobs.reco_2026_b!, 'Failed', 'Input Data Not Available', new Date(t + 1000));
    await force(jobs.sim_muons!, 'Matched', 'Assigned', new Date(t + 1000));
    await force(jobs.sim_muons!, 'Running', 'Application', new Date(t + 2000));
    await force(jobs.sim_electrons!, 'Done', 'Execution Complete', new Date(t + 1000));
    const output = await uploadArchive(server.app, 'owner', await Bun.file(OUTPUT_SANDBOX).bytes(), 'tar.bz2');
    await assignOutput(server.app, jobs.reco_2026_a!, output);
    const built = await Bun.build({
      entrypoints: [join(import.meta.dir, 'mcp-app-host/host.ts')],
      target: 'browser',
      format: 'esm',
    });
    if (!built.success || !built.outputs[0]) throw new AggregateError(built.logs, 'the host page did not build');
    hostScript = await built.outputs[0].text();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The host page at our server's origin (served by the browser's router, not by the server). */
  async function openHost(
    options: { args?: Record<string, unknown>; theme?: 'light' | 'dark'; refuse?: string[] } = {},
  ): Promise<{ page: Page; view: FrameLocator; viewRequests: string[] }> {
    const [vo, group, user] = PEOPLE.owner;
    const token = await server.token(vo, group, user);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const hostUrl = `${server.base}/__test_host__/`;
    await page.route(`${hostUrl}**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body:
          '<!doctype html><html><head><title>Test host</title></head>' +
          '<body style="margin:0;font-family:sans-serif"><div id="host"></div>' +
          `<script>window.hostConfig = ${JSON.stringify({ token, ...options })};</script>` +
          `<script type="module">${hostScript.replaceAll('</script', '<\\/script')}</script></body></html>`,
      }),
    );
    // Requests made by the view's frame (none are allowed: it has only the bridge).
    const viewRequests: string[] = [];
    page.on('request', (request) => {
      if (request.frame() !== page.mainFrame()) viewRequests.push(request.url());
    });
    await page.goto(hostUrl);
    await page.waitForFunction(() => window.hostState?.ready === true || window.hostState?.error !== undefined);
    const state = await page.evaluate(() => window.hostState);
    expect(state.error).toBeUndefined();
    expect(state).toMatchObject({
      resourceUri: 'ui://diracx/job-monitor.html',
      mimeType: 'text/html;profile=mcp-app',
    });
    const view = page.frameLocator('iframe#view');
    await view.locator('tbody tr[data-job-id]').first().waitFor();
    return { page, view, viewRequests };
  }

  /** `read()` once `accept` holds of it (the view updates after its tool call returns); fails after 15 s. */
  async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (accept(value) || Date.now() > deadline) return value;
      await Bun.sleep(100);
    }
  }
  /** Waits until `read()` gives `expected`, then asserts it (so a failure shows the last value). */
  async function settles<T>(read: () => Promise<T>, expected: Awaited<T>): Promise<void> {
    expect(await until(read, (value) => Bun.deepEquals(value, expected))).toEqual(expected);
  }

  /** A screenshot of the page where the view is (an element screenshot of an iframe comes out blank). */
  async function shoot(page: Page, name: string): Promise<void> {
    const box = await page.locator('iframe#view').boundingBox();
    expect(box).not.toBeNull();
    const clip = { x: 0, y: 0, width: box!.x + box!.width, height: Math.min(800, box!.y + box!.height) };
    await page.screenshot({ path: join(shots, name), clip });
  }

  const rowIds = async (view: FrameLocator): Promise<number[]> =>
    (
      await view.locator('tbody tr[data-job-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id')))
    ).map(Number);

  const restJob = async (jobId: number): Promise<{ Status: string; RescheduleCounter: number }> => {
    const res = await call(server.app, 'owner', 'POST', '/api/jobs/search', {
      parameters: ['JobID', 'Status', 'RescheduleCounter'],
      search: [{ parameter: 'JobID', operator: 'eq', value: jobId }],
    });
    return (res.body as { Status: string; RescheduleCounter: number }[])[0]!;
  };
  const restStatus = async (jobId: number): Promise<string> => (await restJob(jobId)).Status;

  describe(TITLE, () => {
    it('renders the seeded jobs and the counts per status, and a filter changes the rows', async () => {
      const { page, view, viewRequests } = await openHost();
      try {
        const all = Object.values(jobs);
        expect((await rowIds(view)).sort()).toEqual([...all].sort());
        expect(await rowIds(view)).not.toContain(albdrJob);
        await expect(view.getByRole('list', { name: /Jobs per status/ }).getAttribute('aria-label')).resolves.toBe(
          'Jobs per status: Failed 2, Received 2, Done 1, Running 1',
        );
        await expect(view.getByRole('status').filter({ hasText: 'Jobs 1–6 of 6' }).count()).resolves.toBe(1);
        // Grid text is shown as text: the markup of a job name is its name, not elements.
        await expect(view.locator(`tr[data-job-id="${jobs[MARKUP_NAME]!}"] td`).nth(1).textContent()).resolves.toBe(
          MARKUP_NAME,
        );
        await expect(view.locator('#injected, b').count()).resolves.toBe(0);

        await view.locator('select[name=status]').selectOption('Failed');
        await view.getByRole('button', { name: 'Apply' }).click();
        await settles(
          () => rowIds(view),
          [jobs.reco_2026_b!, jobs.reco_2026_a!].sort((a, b) => b - a),
        );
        await view.locator('select[name=status]').selectOption('');
        await view.locator('input[name=name]').fill('sim_');
        await view.getByRole('button', { name: 'Apply' }).click();
        await settles(async () => (await rowIds(view)).sort(), [jobs.sim_muons!, jobs.sim_electrons!].sort());
        expect(viewRequests).toEqual([]);
        const calls = await page.evaluate(() => window.hostState.calls);
        expect(calls).toEqual(['show_job_monitor', 'show_job_monitor']);
      } finally {
        await page.close();
      }
    }, 60_000);

    it('sorts by a column header (again: the other way) and pages with Next and Previous', async () => {
      const { page, view } = await openHost({ args: { per_page: 4 }, theme: 'dark' });
      const ids = Object.values(jobs).sort((a, b) => b - a);
      const pager = view.getByRole('navigation', { name: 'Pages' });
      try {
        expect(await view.locator('html').getAttribute('data-theme')).toBe('dark');
        expect(await rowIds(view)).toEqual(ids.slice(0, 4));
        expect(await pager.getByRole('status').textContent()).toBe('Jobs 1–4 of 6');
        await pager.getByRole('button', { name: 'Next ›' }).click();
        await settles(() => rowIds(view), ids.slice(4));
        expect(await pager.getByRole('status').textContent()).toBe('Jobs 5–6 of 6');
        expect(await pager.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true);
        await pager.getByRole('button', { name: '‹ Previous' }).click();
        await settles(() => rowIds(view), ids.slice(0, 4));

        const nameHeader = view.getByRole('columnheader', { name: /Name/ });
        await nameHeader.getByRole('button').click();
        const names = () => view.locator('tbody tr td:nth-child(2)').allTextContents();
        await settles(names, ['calib <b>v2</b><img src=x id=injected>', 'merge_all', 'reco_2026_a', 'reco_2026_b']);
        expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
        await nameHeader.getByRole('button').click();
        await settles(names, ['sim_muons', 'sim_electrons', 'reco_2026_b', 'reco_2026_a']);
        expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
      } finally {
        await page.close();
      }
    }, 60_000);

    it("shows a failed job's status history and the tail of its StdErr", async () => {
      const { page, view } = await openHost();
      try {
        await view.locator(`tr[data-job-id="${jobs.reco_2026_a!}"]`).click();
        const history = view.getByRole('list', { name: 'Status history' });
        await settles(() => history.locator('strong').allTextContents(), ['Received', 'Running', 'Failed']);
        const stderr = view.getByLabel('StdErr (last lines)');
        await settles(
          async () => (await stderr.textContent())?.trimEnd().split('\n').at(-1),
          'Error: segmentation violation in Reco::Track::fit',
        );
        expect((await stderr.textContent())?.trimEnd().split('\n')).toHaveLength(40);
        await view.getByText('Only the last lines are shown.').waitFor();
        await shoot(page, 'monitor-app.png');
        // A job without an output sandbox: the tool's reason instead.
        await view.locator(`tr[data-job-id="${jobs.sim_muons!}"]`).click();
        await settles(async () => /no output sandbox/.test((await stderr.textContent()) ?? ''), true);
      } finally {
        await page.close();
      }
    }, 60_000);

    it('shows a job history; a kill asks first: cancel changes nothing, confirm kills the job', async () => {
      const { page, view, viewRequests } = await openHost();
      const target = jobs.sim_muons!;
      try {
        await view.locator(`tr[data-job-id="${target}"]`).click();
        const history = view.getByRole('list', { name: 'Status history' });
        await settles(() => history.locator('strong').allTextContents(), ['Received', 'Matched', 'Running']);

        await view.getByRole('button', { name: 'Kill', exact: true }).click();
        const dialog = view.getByRole('dialog', { name: `Kill job ${target}?` });
        await dialog.waitFor();
        await expect(dialog.textContent()).resolves.toContain(`Job ${target}: Running → Killed`);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await view.getByRole('status').filter({ hasText: 'Nothing was changed.' }).waitFor();
        expect(await restStatus(target)).toBe('Running');

        await view.getByRole('button', { name: 'Kill', exact: true }).click();
        await dialog.waitFor();
        await shoot(page, 'monitor-app-confirm.png');
        await dialog.getByRole('button', { name: `Kill job ${target}` }).click();
        await view.getByRole('status').filter({ hasText: '1 of 1 jobs changed status.' }).waitFor();
        expect(await restStatus(target)).toBe('Killed');
        await settles(() => view.locator(`tr[data-job-id="${target}"] td.status`).textContent(), 'Killed');
        await settles(() => history.locator('strong').last().textContent(), 'Killed');
        const calls = await page.evaluate(() => window.hostState.calls);
        // The dry run for the plan, the call the server answers with its confirmation token, the
        // confirmed call: the kill ran once, after the person confirmed.
        expect(calls.filter((c) => c === 'kill_jobs')).toHaveLength(4);
        expect(viewRequests).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);

    it('reschedules a job once the person confirms the plan the tool gives', async () => {
      const { page, view } = await openHost();
      const target = jobs.merge_all!;
      try {
        expect((await restJob(target)).RescheduleCounter).toBe(0);
        await view.locator(`tr[data-job-id="${target}"]`).click();
        await view.getByRole('button', { name: 'Reschedule', exact: true }).click();
        const dialog = view.getByRole('dialog', { name: `Reschedule job ${target}?` });
        await dialog.waitFor();
        await expect(dialog.textContent()).resolves.toContain(`Job ${target}: would reschedule`);
        await expect(dialog.textContent()).resolves.toContain('reschedule counter 0 → 1');
        expect((await restJob(target)).RescheduleCounter).toBe(0);
        await dialog.getByRole('button', { name: `Reschedule job ${target}` }).click();
        await view.getByRole('status').filter({ hasText: '1 of 1 jobs rescheduled.' }).waitFor();
        expect(await restJob(target)).toMatchObject({ Status: 'Received', RescheduleCounter: 1 });
      } finally {
        await page.close();
      }
    }, 60_000);

    it("shows the host's refusal of a call and changes nothing", async () => {
      const { page, view } = await openHost({ refuse: ['reschedule_jobs'] });
      const target = jobs.reco_2026_b!;
      try {
        const before = await restJob(target);
        await view.locator(`tr[data-job-id="${target}"]`).click();
        await view.getByRole('button', { name: 'Reschedule', exact: true }).click();
        const message = view.locator('p.message.error');
        await message.waitFor();
        expect(await message.textContent()).toContain('The host refused to call reschedule_jobs');
        expect(await view.getByRole('dialog').count()).toBe(0);
        expect(await restJob(target)).toEqual(before);
      } finally {
        await page.close();
      }
    }, 60_000);

    it("shows another user's job only when asked and the policy allows, and refuses to kill it", async () => {
      const { page, view } = await openHost();
      try {
        await view.locator('input[name=mine]').uncheck();
        await view.getByRole('button', { name: 'Apply' }).click();
        // lhcb shares job information (GlobalJobsInfo): albdr's job is visible, not manageable.
        await settles(async () => (await rowIds(view)).includes(albdrJob), true);
        await view.locator(`tr[data-job-id="${albdrJob}"]`).click();
        await view.getByRole('button', { name: 'Kill', exact: true }).click();
        const message = view.locator('p.message.error');
        await message.waitFor();
        expect(await message.textContent()).toMatch(/^FORBIDDEN/);
        expect(await view.getByRole('dialog').count()).toBe(0);
        const res = await call(server.app, 'sameGroup', 'POST', '/api/jobs/search', {
          parameters: ['Status'],
          search: [{ parameter: 'JobID', operator: 'eq', value: albdrJob }],
        });
        expect(res.body).toEqual([{ Status: 'Received' }]);
      } finally {
        await page.close();
      }
    }, 60_000);
  });
}
