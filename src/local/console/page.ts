/**
 * The local console's page: one HTML document with its style and script inline (no external assets, no
 * framework), built with plain DOM calls. Every value shown is set as text, never as markup: emails and
 * attributes are whatever users typed. It follows the API's change notices (server-sent events) to stay live.
 */
import { escapeHtml } from '../oauth/pages.js';

export interface ConsolePageOptions {
  /** The CSP nonce of the inline style and script. */
  nonce: string;
  userPoolId: string;
  apiUrl: string;
  /** The header the API requires on changes. */
  header: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f4f7;color:#1b1f24}
header{background:#1b2a4a;color:#fff;padding:.9rem 1.5rem;display:flex;flex-wrap:wrap;align-items:baseline;gap:.4rem 1.25rem}
header h1{font-size:1.15rem;margin:0}
header p{margin:0;color:#c8d3ea;font-size:.875rem}
header a{color:#fff}
#live{margin-left:auto;font-size:.8rem;padding:.1rem .55rem;border-radius:1rem;background:#344766}
#live.on{background:#067647}
main{padding:1rem 1.5rem;display:grid;gap:1rem;grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
section{background:#fff;border:1px solid #d0d5dd;border-radius:.5rem;padding:.75rem 1rem;overflow:auto}
section.wide,.panels{grid-column:1/-1}
.panels{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
h2{font-size:1rem;margin:0 0 .5rem}
h2 .count{font-weight:400;color:#475467}
table{border-collapse:collapse;width:100%;font-size:.875rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaecf0;vertical-align:top}
th{font-weight:600;color:#475467;white-space:nowrap}
td.time,td.ms{white-space:nowrap;color:#475467;font-variant-numeric:tabular-nums}
code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.code{font-weight:700;letter-spacing:.08em}
.badge{display:inline-block;padding:0 .45rem;border-radius:.25rem;font-size:.78rem;font-weight:600;background:#eaecf0;color:#344054}
.badge.ok{background:#dcfae6;color:#067647}
.badge.warn{background:#fef0c7;color:#93370d}
.badge.bad{background:#fee4e2;color:#b42318}
.attrs{margin:0;padding:0;list-style:none;font-size:.78rem;color:#475467}
img.picture{border-radius:50%;object-fit:cover;background:#eef}
.actions{white-space:nowrap}
button{font:inherit;font-size:.8rem;padding:.2rem .55rem;margin:0 .25rem .25rem 0;border:1px solid #98a2b3;border-radius:.3rem;background:#fff;color:#1b1f24;cursor:pointer}
button:hover{background:#f2f4f7}
button:focus-visible{outline:3px solid #84adff;outline-offset:1px}
button.danger{border-color:#d92d20;color:#b42318}
dialog button.danger{background:#d92d20;color:#fff}
.empty{color:#667085;font-size:.875rem;margin:.25rem 0}
#status{position:fixed;bottom:1rem;right:1rem;max-width:28rem;padding:.6rem .9rem;border-radius:.375rem;background:#1b2a4a;color:#fff;font-size:.875rem}
#status:empty{display:none}
#status.error{background:#b42318}
dialog{border:1px solid #d0d5dd;border-radius:.5rem;padding:1.25rem;max-width:26rem}
dialog::backdrop{background:rgba(16,24,40,.45)}
dialog p{margin:0 0 1rem}
@media (max-width:900px){main{grid-template-columns:minmax(0,1fr)}}
`;

/** The page's script: renders the API's answers with DOM calls and follows its change notices. */
const SCRIPT = `
'use strict';
const HEADER = document.body.dataset.header;
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}
const time = (iso) => { const d = new Date(iso); return isNaN(d) ? '' : d.toLocaleTimeString(); };
function say(text, isError) {
  const status = $('status');
  status.textContent = text;
  status.className = isError ? 'error' : '';
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { status.textContent = ''; }, 6000);
}
async function getJson(path) {
  const res = await fetch('api/' + path, { headers: { accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}
function statusBadge(user) {
  const kind = user.status === 'CONFIRMED' ? 'ok' : user.status === 'UNCONFIRMED' || user.status === 'RESET_REQUIRED' || user.status === 'FORCE_CHANGE_PASSWORD' ? 'warn' : '';
  return el('span', { class: 'badge ' + kind, text: user.status });
}
const ACTION_DONE = { confirm: 'Confirmed', disable: 'Disabled', enable: 'Enabled', 'reset-password': 'Password reset for', delete: 'Deleted' };
async function act(user, action) {
  const name = user.email || user.username;
  const headers = {};
  headers[HEADER] = '1';
  const path = 'api/users/' + encodeURIComponent(user.username) + (action === 'delete' ? '' : '/' + action);
  try {
    const res = await fetch(path, { method: action === 'delete' ? 'DELETE' : 'POST', headers });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
    say(ACTION_DONE[action] + ' ' + name + (action === 'reset-password' ? ': a code is in the mailbox' : ''));
  } catch (error) {
    say(name + ': ' + error.message, true);
  }
  load('users');
}
let deleting;
function askDelete(user) {
  deleting = user;
  $('delete-name').textContent = user.email || user.username;
  $('confirm-delete').showModal();
}
function renderUsers(users) {
  $('users-count').textContent = '(' + users.length + ')';
  $('users-empty').hidden = users.length > 0;
  const rows = users.map((user) => {
    const attrs = Object.entries(user.attributes).filter(([name]) => name !== 'email');
    const name = user.email || user.username;
    const button = (action, label, cls) => el('button', { type: 'button', class: cls, 'data-action': action, 'aria-label': label.replace('…', '') + ' ' + name, onclick: () => (action === 'delete' ? askDelete(user) : act(user, action)) }, label);
    return el('tr', { 'data-username': user.username, 'data-email': user.email, 'data-status': user.status, 'data-enabled': String(user.enabled) },
      el('td', {}, el('strong', { text: name })),
      el('td', {}, statusBadge(user)),
      el('td', {}, el('span', { class: 'badge ' + (user.enabled ? 'ok' : 'bad'), text: user.enabled ? 'enabled' : 'disabled' })),
      el('td', { 'data-mfa': user.mfa }, user.mfa === 'totp' ? el('span', { class: 'badge ok', title: 'authenticator app (TOTP)' + (user.preferredMfa === 'SOFTWARE_TOKEN_MFA' ? ', preferred' : ''), text: 'TOTP' + (user.preferredMfa === 'SOFTWARE_TOKEN_MFA' ? ' · preferred' : '') }) : '—'),
      el('td', { text: user.groups.length ? user.groups.join(', ') : '—' }),
      el('td', {}, el('ul', { class: 'attrs' }, ...attrs.map(([name, value]) => el('li', {}, el('code', { text: name }), ': ' + value)))),
      el('td', {}, ['http:', 'https:'].includes((user.attributes.picture || '').split('//')[0]) ? el('img', { class: 'picture', src: user.attributes.picture, alt: 'picture of ' + name, width: '48', height: '48' }) : '—'),
      el('td', { class: 'actions' },
        user.status === 'UNCONFIRMED' ? button('confirm', 'Confirm') : null,
        user.enabled ? button('disable', 'Disable') : button('enable', 'Enable'),
        button('reset-password', 'Reset password'),
        button('delete', 'Delete…', 'danger')));
  });
  $('users').tBodies[0].replaceChildren(...rows);
}
function renderMailbox(messages) {
  $('mailbox-count').textContent = '(' + messages.length + ')';
  $('mailbox-empty').hidden = messages.length > 0;
  $('mailbox').tBodies[0].replaceChildren(...messages.map((m) =>
    el('tr', { 'data-to': m.to, 'data-kind': m.kind },
      el('td', { class: 'time', text: time(m.at) }),
      el('td', { text: m.to }),
      el('td', {}, el('span', { class: 'badge', text: m.kind })),
      el('td', {}, el('span', { class: 'code', text: m.code })))));
}
function renderRequests(requests) {
  $('requests-count').textContent = '(' + requests.length + ')';
  $('requests-empty').hidden = requests.length > 0;
  $('requests').tBodies[0].replaceChildren(...requests.map((r) =>
    el('tr', { 'data-status': String(r.status) },
      el('td', { class: 'time', text: time(r.at) }),
      el('td', {}, el('code', { text: r.method })),
      el('td', {}, el('code', { text: r.path }),
        r.code || r.error ? el('div', { class: 'attrs', text: [r.code, r.error].filter(Boolean).join(' · ') }) : null,
        r.functionId ? el('details', { class: 'fn' }, el('summary', { text: 'λ ' + r.functionId + (r.log ? ' output' : '') }), r.log ? el('pre', { text: r.log }) : null) : null),
      el('td', {}, el('span', { class: 'badge ' + (r.status >= 500 ? 'bad' : r.status >= 400 ? 'warn' : 'ok'), text: String(r.status) })),
      el('td', { class: 'ms', text: r.ms.toFixed(1) + ' ms' }))));
}
/** A value of a service's panel: a table for a list of records, rows of name and value for a record, else text. */
function panelBody(data) {
  const cell = (v) => el('td', {}, typeof v === 'object' && v !== null ? el('code', { text: JSON.stringify(v) }) : el('span', { text: String(v) }));
  const table = (columns, rows) => el('table', {}, el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', text: c })))), el('tbody', {}, ...rows));
  if (Array.isArray(data) && data.length > 0 && data.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
    const columns = [...new Set(data.flatMap((r) => Object.keys(r)))];
    return table(columns, data.map((r) => el('tr', {}, ...columns.map((c) => cell(r[c] === undefined ? '' : r[c])))));
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const entries = Object.entries(data);
    // A record holding one list (as {functions: [...]}) shows the list itself.
    if (entries.length === 1 && Array.isArray(entries[0][1])) return panelBody(entries[0][1]);
    return table(['Name', 'Value'], entries.map(([k, v]) => el('tr', {}, el('th', { scope: 'row', text: k }), cell(v))));
  }
  if (Array.isArray(data) && data.length === 0) return el('p', { class: 'empty', text: 'Nothing yet.' });
  return el('pre', { text: typeof data === 'string' ? data : JSON.stringify(data, null, 2) });
}
async function loadPanels() {
  const { panels } = await getJson('panels');
  const read = await Promise.all(panels.map((p) => getJson('panels/' + encodeURIComponent(p.id))));
  const text = JSON.stringify(read);
  if (shown.panels === text) return;
  shown.panels = text;
  $('panels').replaceChildren(...read.map((p) =>
    el('section', { 'data-panel': p.id, 'aria-labelledby': 'panel-' + p.id },
      el('h2', { id: 'panel-' + p.id, text: p.title }), panelBody(p.data))));
}
const shown = {};
/** Renders an answer unless it is what the table already shows, so rows (and buttons) stay put. */
const unlessSame = (topic, render) => (items) => {
  const text = JSON.stringify(items);
  if (shown[topic] === text) return;
  shown[topic] = text;
  render(items);
};
const LOADERS = {
  users: () => getJson('users').then((b) => b.users).then(unlessSame('users', renderUsers)),
  mailbox: () => getJson('mailbox').then((b) => b.messages).then(unlessSame('mailbox', renderMailbox)),
  requests: () => getJson('requests?limit=50').then((b) => b.requests).then(unlessSame('requests', renderRequests)),
  // The panels the stack's services contribute (the function runtime's functions, and any service's own).
  panels: loadPanels,
};
const loading = {};
function load(topic) {
  // One load per topic at a time; a notice during a load loads once more after it.
  if (loading[topic]) { loading[topic].again = true; return; }
  const entry = (loading[topic] = { again: false });
  LOADERS[topic]().catch((error) => say('Could not load the ' + topic + ': ' + error.message, true)).finally(() => {
    delete loading[topic];
    if (entry.again) load(topic);
  });
}
const loadAll = () => Object.keys(LOADERS).forEach(load);
$('delete-cancel').addEventListener('click', () => $('confirm-delete').close());
$('delete-confirm').addEventListener('click', () => { $('confirm-delete').close(); if (deleting) act(deleting, 'delete'); });
if (window.EventSource) {
  const events = new EventSource('api/events');
  events.addEventListener('open', () => { $('live').textContent = 'live'; $('live').className = 'on'; loadAll(); });
  events.addEventListener('error', () => { $('live').textContent = 'reconnecting…'; $('live').className = ''; });
  events.addEventListener('change', (e) => JSON.parse(e.data).topics.forEach(load));
} else {
  setInterval(loadAll, 2000);
}
loadAll();
`;

export function consolePage(opts: ConsolePageOptions): string {
  const section = (id: string, title: string, columns: string[], empty: string, wide = false): string => `
<section${wide ? ' class="wide"' : ''} aria-labelledby="${id}-title">
<h2 id="${id}-title">${title} <span class="count" id="${id}-count"></span></h2>
<table id="${id}"><thead><tr>${columns.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead><tbody></tbody></table>
<p class="empty" id="${id}-empty" hidden>${empty}</p>
</section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>authstack local console</title>
<link rel="icon" href="data:,">
<style nonce="${opts.nonce}">${STYLE}</style>
</head>
<body data-header="${escapeHtml(opts.header)}">
<header>
<h1>authstack local console</h1>
<p>pool <code>${escapeHtml(opts.userPoolId)}</code> · API <a href="${escapeHtml(opts.apiUrl)}/app/health">${escapeHtml(opts.apiUrl)}</a></p>
<span id="live" role="status">connecting…</span>
</header>
<main>
${section('users', 'Users', ['Email', 'Status', 'Enabled', 'MFA', 'Groups', 'Attributes', 'Picture', 'Actions'], 'No users yet: <code>authstack signup &lt;email&gt;</code> creates one.', true)}
${section('mailbox', 'Mailbox', ['Time', 'To', 'Kind', 'Code'], 'Nothing sent yet. Codes Cognito would email land here, newest first.')}
${section('requests', 'API requests', ['Time', 'Method', 'Path', 'Status', 'Latency'], 'No API requests yet.')}
<div id="panels" class="wide panels"></div>
</main>
<div id="status" role="status" aria-live="polite"></div>
<dialog id="confirm-delete" aria-labelledby="delete-title">
<p id="delete-title">Delete <strong id="delete-name"></strong> from the local user pool? This cannot be undone.</p>
<button type="button" id="delete-cancel">Cancel</button>
<button type="button" id="delete-confirm" class="danger">Delete user</button>
</dialog>
<script nonce="${opts.nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
