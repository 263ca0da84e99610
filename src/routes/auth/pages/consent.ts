/**
 * @module routes/auth/pages/consent
 * Our consent page, shown after the person logged in at their VO's IdP: who is asking (the
 * client's own name, in quotes, flagged when unverified), where the browser goes next (the
 * redirect URI's host, derived here and shown prominently: that is what a person can check),
 * as whom (user, VO, group, properties), and what the tools can do (read-only ones briefly,
 * changes, and destructive ones explicitly). One POST form to `action` with the CSRF token
 * (`csrf.ts`) and two submit buttons, `decision=deny` and `decision=approve`; read the
 * answer with `readConsentDecision`.
 *
 * Both answers redirect to the client: pass `redirectUri` as an `extraFormActions` entry to
 * `htmlResponse` (Chrome applies `form-action` to the redirect that follows the POST).
 */
import { clientLabel, destinationKind, redirectHost, unverifiedNote } from './client.ts';
import { checkFormAction, hiddenInputs } from './form.ts';
import { html, page, type SafeHtml } from './html.ts';

/** The form field holding the CSRF token. */
export const CSRF_FIELD = 'csrf_token';
/** The form field holding the decision (the pressed button). */
export const DECISION_FIELD = 'decision';

export type ConsentDecision = 'approve' | 'deny';

export interface ConsentTool {
  readonly name: string;
  readonly title: string;
  /** Kills, deletes, reschedules: listed one by one under a warning. */
  readonly destructive: boolean;
  /** Only reads (default: not destructive). A tool neither read-only nor destructive changes things (submits). */
  readonly readOnly?: boolean;
}

export interface ConsentPageOptions {
  /** Self-declared client name (attacker-controlled; escaped). */
  readonly clientName: string;
  /**
   * Where the browser goes on either decision (already validated against the client's
   * registration). The host shown is derived from it (`redirectHost`), so the two cannot differ.
   */
  readonly redirectUri: string;
  /** True when the name is only the client's claim (dynamic registration). */
  readonly unverifiedClient: boolean;
  readonly username: string;
  readonly vo: string;
  readonly group: string;
  /** The group's security properties. */
  readonly properties: readonly string[];
  readonly tools: readonly ConsentTool[];
  readonly csrfToken: string;
  /** Where the POST form goes. */
  readonly action: string;
  /** Fields carried through the form (no CR/LF in values); `csrf_token` and `decision` are reserved. */
  readonly hidden: Readonly<Record<string, string>>;
  readonly nonce: string;
  /** Replaces the sentence introducing the destructive tools. */
  readonly destructiveSummary?: string;
}

/** The decision of a posted form value, if it is one. */
export function readConsentDecision(value: unknown): ConsentDecision | undefined {
  return value === 'approve' || value === 'deny' ? value : undefined;
}

function toolSections(tools: readonly ConsentTool[], destructiveSummary: string | undefined): SafeHtml {
  const destructive = tools.filter((t) => t.destructive);
  const readOnly = tools.filter((t) => !t.destructive && (t.readOnly ?? true));
  const changes = tools.filter((t) => !t.destructive && !(t.readOnly ?? true));
  const item = (t: ConsentTool) => html`<li>${t.title} <code>${t.name}</code></li>\n`;
  const readTitles = readOnly.map((t, i) => html`${i > 0 && ', '}${t.title}`);
  const summary = destructiveSummary ?? 'Act on your jobs in ways that cannot be undone:';
  const readSection =
    readOnly.length > 0 && html`<p><strong>Read</strong> your jobs and the grid's state: ${readTitles}.</p>\n`;
  return html`${readSection}${
    changes.length > 0 && html`<p><strong>Make changes</strong> as you:</p>\n<ul>\n${changes.map(item)}</ul>\n`
  }${
    destructive.length > 0 &&
    html`<div class="warn">\n<p><strong>${summary}</strong></p>\n<ul>\n${destructive.map(item)}</ul>\n</div>\n`
  }${tools.length === 0 && html`<p>It will use no tools.</p>\n`}`;
}

/** The approve button's other attributes (apart only to keep the template's lines short). */
const APPROVE_ATTRIBUTES = html`value="approve" class="primary" aria-describedby="destination"`;

/** The consent page. */
export function renderConsentPage(options: ConsentPageOptions): string {
  const { clientName, redirectUri, unverifiedClient, username, vo, group, nonce } = options;
  const action = checkFormAction(options.action, 'post');
  const kind = destinationKind(redirectUri);
  const name = clientLabel(clientName, unverifiedClient);
  const host = redirectHost(redirectUri);
  const kindNote = kind !== '' && html` <span class="muted">(${kind})</span>`;
  const asker = clientLabel(clientName, false);
  const hidden = hiddenInputs(options.hidden, [CSRF_FIELD, DECISION_FIELD]);
  const body = html`<h1>Allow ${name} to use the grid as you?</h1>
${unverifiedNote(unverifiedClient)}<h2>Where your browser goes next</h2>
<p id="destination"><span class="host">${host}</span>${kindNote}</p>
<p class="muted">Full address: <code>${redirectUri}</code></p>
<p>Only approve if you recognise this address and you have just asked ${asker} to connect. Otherwise, deny.</p>
<h2>As whom</h2>
<dl>
<dt>User</dt><dd>${username}</dd>
<dt>VO</dt><dd>${vo}</dd>
<dt>Group</dt><dd>${group}</dd>
<dt>Properties</dt><dd>${options.properties.length > 0 ? options.properties.join(', ') : 'none'}</dd>
</dl>
<h2>What it will be able to do</h2>
${toolSections(options.tools, options.destructiveSummary)}<form method="post" action="${action}">
${hidden}<input type="hidden" name="${CSRF_FIELD}" value="${options.csrfToken}">
<div class="actions">
<button type="submit" name="${DECISION_FIELD}" value="deny" class="secondary">Deny</button>
<button type="submit" name="${DECISION_FIELD}" ${APPROVE_ATTRIBUTES}>Approve</button>
</div>
</form>`;
  return page({ title: 'Allow access?', body, nonce });
}
