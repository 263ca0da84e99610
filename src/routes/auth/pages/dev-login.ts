/**
 * @module routes/auth/pages/dev-login
 * The development identity provider's login page: the VO's users from the configuration, one
 * radio each (user name, groups, subject), the first preselected, and a plain statement that
 * there is no password and that this provider is for development on this computer only. One
 * POST form to `action` carrying the authorization request (`hidden`), the CSRF token and the
 * choice (`sub`); read the choice with `readDevLoginChoice`.
 *
 * The answer redirects to the login callback: pass it as an `extraFormActions` entry to
 * `htmlResponse` (Chrome applies `form-action` to the redirect that follows the POST).
 */
import { CSRF_FIELD } from './consent.ts';
import { checkFormAction, hiddenInputs } from './form.ts';
import { html, page } from './html.ts';

/** The form field holding the chosen user's subject. */
export const DEV_LOGIN_USER_FIELD = 'sub';

export interface DevLoginUser {
  readonly sub: string;
  readonly username: string;
  readonly groups: readonly string[];
}

export interface DevLoginPageOptions {
  readonly vo: string;
  readonly users: readonly DevLoginUser[];
  readonly csrfToken: string;
  /** Where the POST form goes. */
  readonly action: string;
  /** The authorization request's fields; `csrf_token` and `sub` are reserved. */
  readonly hidden: Readonly<Record<string, string>>;
  readonly nonce: string;
}

/** The subject posted, if it is one of `users`. */
export function readDevLoginChoice(value: unknown, users: readonly DevLoginUser[]): string | undefined {
  return typeof value === 'string' && users.some((u) => u.sub === value) ? value : undefined;
}

/** What this page is (in parts only to keep the source lines short). */
const NOTICE = html`${[
  html`<div class="warn"><p><strong>Development identity provider: no password.</strong> `,
  html`It signs you in as whichever user you pick below, from the server's configuration. `,
  html`It only answers on this computer, and only with the shipped development configuration `,
  html`or when turned on explicitly; never use it in production.</p></div>\n`,
]}`;

/** The login page. */
export function renderDevLoginPage(options: DevLoginPageOptions): string {
  const { vo, users, nonce } = options;
  const action = checkFormAction(options.action, 'post');
  const hidden = hiddenInputs(options.hidden, [CSRF_FIELD, DEV_LOGIN_USER_FIELD]);
  const radios = users.map((user, i) => {
    const id = `user-${i}`;
    const checked = i === 0 && html` checked required`;
    const groups = user.groups.length > 0 ? user.groups.join(', ') : 'no group';
    const input = html`<input type="radio" id="${id}" name="${DEV_LOGIN_USER_FIELD}" value="${user.sub}"${checked}>`;
    const label = html`<label for="${id}">${user.username} <span class="muted">(${groups})</span></label>`;
    return html`<div class="choice">${input}${label}</div>\n`;
  });
  const choice =
    users.length > 0
      ? html`<fieldset>\n<legend>Users of VO <code>${vo}</code></legend>\n${radios}</fieldset>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>\n`
      : html`<p class="error" role="alert">The configuration lists no user in VO <code>${vo}</code>.</p>\n`;
  const body = html`<h1>Sign in to VO <code>${vo}</code></h1>
${NOTICE}<form method="post" action="${action}">
${hidden}<input type="hidden" name="${CSRF_FIELD}" value="${options.csrfToken}">
${choice}</form>`;
  return page({ title: `Sign in to ${vo} (development)`, body, nonce });
}
