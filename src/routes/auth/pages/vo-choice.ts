/**
 * @module routes/auth/pages/vo-choice
 * The first page of a login for an MCP client: the person chooses the virtual organisation
 * (VO) and group to sign in with, before being sent to that VO's identity provider. One GET
 * form to `action` carrying the flow's `hidden` fields and one radio field, `vo_group`: a
 * fieldset per VO (legend = VO), a radio per group, the VO's default group first and marked,
 * the first VO's default preselected. Works without JavaScript. Read the answer with
 * `parseVoChoice`, which only accepts a VO and group that were offered.
 *
 * The redirect that answers this form goes to an IdP: pass the offered VOs' IdP URLs as
 * `extraFormActions` to `htmlResponse` (Chrome applies `form-action` to that redirect).
 */
import { clientLabel, unverifiedNote } from './client.ts';
import { checkFormAction, hiddenInputs } from './form.ts';
import { html, page } from './html.ts';

/** The name of the form field holding the choice. */
export const VO_CHOICE_FIELD = 'vo_group';

export interface VoOption {
  readonly name: string;
  /** The groups the person may pick; may be empty (then only "default group" is offered). */
  readonly groups: readonly string[];
  readonly defaultGroup?: string;
}

export interface VoChoicePageOptions {
  /** Self-declared client name (attacker-controlled; escaped). */
  readonly clientName: string;
  /** Host the browser returns to at the end (e.g. `claude.ai`). */
  readonly clientHost: string;
  /** True when the name is only the client's claim (dynamic registration). */
  readonly unverifiedClient?: boolean;
  readonly vos: readonly VoOption[];
  /** Where the GET form goes; no query (use `hidden`). */
  readonly action: string;
  /** Fields carried through the form (no CR/LF in values). `vo_group` is reserved. */
  readonly hidden: Readonly<Record<string, string>>;
  readonly nonce: string;
  /** A message to show above the form (e.g. when a previous answer was refused). */
  readonly error?: string;
}

/** The groups of `vo` in display order: the default first. */
function orderedGroups(vo: VoOption): string[] {
  const rest = vo.groups.filter((g) => g !== vo.defaultGroup);
  return vo.defaultGroup === undefined ? rest : [vo.defaultGroup, ...rest];
}

/** The field value for a choice: URI-encoded VO, and `/` URI-encoded group when there is one. */
export function voChoiceValue(vo: string, group?: string): string {
  return group === undefined ? encodeURIComponent(vo) : `${encodeURIComponent(vo)}/${encodeURIComponent(group)}`;
}

/** The VO and group chosen, if `value` is one of the choices `vos` offers. */
export function parseVoChoice(
  value: string | null | undefined,
  vos: readonly VoOption[],
): { vo: string; group: string | undefined } | undefined {
  if (typeof value !== 'string') return undefined;
  for (const vo of vos) {
    const groups = orderedGroups(vo);
    if (groups.length === 0 && value === voChoiceValue(vo.name)) return { vo: vo.name, group: undefined };
    const group = groups.find((g) => value === voChoiceValue(vo.name, g));
    if (group !== undefined) return { vo: vo.name, group };
  }
  return undefined;
}

/** What the choice is for (in parts only to keep the source lines short). */
const CHOICE_HELP = html`${[
  html`<p id="choice-help">Choose the virtual organisation (VO) and group to sign in with. `,
  html`You will log in at that VO's identity provider next, then see what the application asks for `,
  html`before you approve anything.</p>`,
]}`;

/** The VO and group choice page. */
export function renderVoChoicePage(options: VoChoicePageOptions): string {
  const { clientName, clientHost, vos, nonce } = options;
  if (vos.length === 0) throw new TypeError('renderVoChoicePage: no VO to offer');
  const action = checkFormAction(options.action, 'get');
  const unverified = options.unverifiedClient ?? false;
  const fieldsets = vos.map((vo, v) => {
    const groups = orderedGroups(vo);
    const choices = groups.length === 0 ? [undefined] : groups;
    const radios = choices.map((group, g) => {
      const id = `choice-${v}-${g}`;
      const isDefault = group === undefined || group === vo.defaultGroup;
      const label =
        group === undefined
          ? html`Default group`
          : html`${group}${isDefault && html` <span class="muted">(default group)</span>`}`;
      const value = voChoiceValue(vo.name, group);
      const checked = v === 0 && g === 0 && html` checked required`;
      const input = html`<input type="radio" id="${id}" name="${VO_CHOICE_FIELD}" value="${value}"${checked}>`;
      return html`<div class="choice">${input}<label for="${id}">${label}</label></div>\n`;
    });
    const legend = html`<legend>VO <code>${vo.name}</code></legend>\n`;
    return html`<fieldset aria-describedby="choice-help">\n${legend}${radios}</fieldset>\n`;
  });
  const intro = html`${[
    html`<p>${clientLabel(clientName, false)} asked to use the grid as you. `,
    html`At the end, your browser will be sent back to <span class="host">${clientHost}</span>.</p>`,
  ]}`;
  const error = options.error !== undefined && html`<p class="error" role="alert">${options.error}</p>\n`;
  const body = html`<h1>Sign in for ${clientLabel(clientName, unverified)}</h1>
${unverifiedNote(unverified)}${intro}
${error}<form method="get" action="${action}">
${hiddenInputs(options.hidden, [VO_CHOICE_FIELD])}${CHOICE_HELP}
${fieldsets}<div class="actions"><button type="submit" class="primary">Continue to log in</button></div>
</form>`;
  return page({ title: 'Choose your VO and group', body, nonce });
}
