// The dashboard's look: the approval pages' stylesheet (the same product) plus what administrators' pages
// need — a wider page, tables, the matrix's states, the timeline and the graphs — inline, and the one small
// script that refreshes the live parts of a page. Both are allowed by their hashes in the
// Content-Security-Policy; nothing else runs or loads (no third-party assets, no inline styles: the SVGs use
// classes and presentation attributes only).
import { createHash } from 'node:crypto';
import { CSS, SECURITY_HEADERS } from '../pages/style.ts';

// Colours: each state has a text label and a glyph besides its colour; text on its background is at least
// 4.5:1 (WCAG 2.2 AA).
const ADMIN_CSS = `
.page.wide{max-width:84rem}
.page.wide main{overflow-wrap:break-word}
header.top.admin{flex-wrap:wrap;align-items:center}
header.top.admin nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
header.top.admin .brand{font-weight:700;color:#1f2328;text-decoration:none}
header.top.admin form{margin:0}
.linkish{background:none;border:0;padding:0;font:inherit;color:#1d4ed8;text-decoration:underline;cursor:pointer}
.localbar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0 0 .75rem;padding:.5rem 1rem;background:#fffbeb;border:1px solid #fde68a;border-radius:6px;font-size:.875rem}
.localbar form{margin:0;display:flex;gap:.375rem;align-items:center;flex-wrap:wrap}
.localbar button,.btn{min-height:36px;padding:.25rem .75rem;font:inherit;font-weight:600;border-radius:6px;border:1px solid #4b5563;background:#fff;color:#1f2328;cursor:pointer}
.btn.primary{background:#1d4ed8;border-color:#1d4ed8;color:#fff}
.btn.danger{background:#b91c1c;border-color:#b91c1c;color:#fff}
.localbar input{width:6rem;min-height:36px;padding:.25rem .5rem;font:inherit;border:1px solid #6b7280;border-radius:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin:1rem 0}
.card{display:block;padding:.75rem 1rem;border:1px solid #e5e7eb;border-radius:8px;background:#f9fafb;color:inherit;text-decoration:none}
.card strong{display:block;font-size:1.75rem;line-height:1.2}
.card.warn strong{color:#b91c1c}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0 1rem}
table.grid{border-collapse:collapse;width:100%;font-size:.9375rem}
table.grid th,table.grid td{border-bottom:1px solid #e5e7eb;padding:.4rem .5rem;text-align:left;vertical-align:top}
table.grid th{background:#f9fafb;font-weight:600;white-space:nowrap}
table.grid td.num{text-align:right;white-space:nowrap}
.cell{display:inline-block;padding:.125rem .5rem;border-radius:999px;font-size:.8125rem;font-weight:600;white-space:nowrap;border:1px solid transparent}
.cell-not-started{background:#f3f4f6;color:#374151;border-color:#d1d5db}
.cell-running{background:#dbeafe;color:#1e3a8a}
.cell-waiting{background:#fef3c7;color:#78350f}
.cell-overdue{background:#fee2e2;color:#991b1b;border-color:#b91c1c}
.cell-done{background:#dcfce7;color:#14532d}
.cell-failed{background:#fecaca;color:#7f1d1d;border-color:#7f1d1d}
.who{display:block;font-size:.8125rem;color:#4b5563}
table.grid td.sc{font-size:.875rem;font-weight:600;white-space:nowrap}
table.grid td.sc a{color:inherit}
table.grid td.sc .who{font-weight:400;white-space:normal;color:inherit}
.legend{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin:.5rem 0;font-size:.8125rem;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:.375rem}
.swatch{display:inline-block;width:1rem;height:1rem;border-radius:3px;border:1px solid #6b7280}
svg.chart{display:block;font:12px system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
svg .axis{fill:#4b5563}
svg .grid-line{stroke:#e5e7eb}
svg .band-launch{fill:#eff6ff}
svg .band-implementation{fill:#f0fdf4}
svg .band-evaluation{fill:#fdf4ff}
svg .plan-bar{fill:#9ca3af}
svg .plan-label{fill:#fff;font-weight:600}
svg .row-label{fill:#1f2328}
svg a:focus-visible .row-label,svg a:hover .row-label{fill:#1d4ed8;text-decoration:underline}
svg .bar-running,svg .bar-waiting{fill:#2563eb}
svg .bar-overdue{fill:#dc2626}
svg .bar-done{fill:#16a34a}
svg .bar-failed{fill:#7f1d1d}
svg .today{stroke:#b45309;stroke-width:2;stroke-dasharray:4 3}
svg .today-label{fill:#b45309;font-weight:600}
svg .node rect,svg .node circle{stroke-width:1.5}
svg .st-done rect,.swatch.st-done{fill:#dcfce7;background:#dcfce7;stroke:#15803d;border-color:#15803d}
svg .st-current rect,.swatch.st-current{fill:#dbeafe;background:#dbeafe;stroke:#1d4ed8;stroke-width:3;border-color:#1d4ed8;border-width:2px}
svg .st-failed rect,.swatch.st-failed{fill:#fee2e2;background:#fee2e2;stroke:#b91c1c;stroke-width:2;border-color:#b91c1c}
svg .st-not-reached rect,.swatch.st-not-reached{fill:#fff;background:#fff;stroke:#9ca3af;stroke-dasharray:4 3;border-style:dashed}
svg .node text{fill:#1f2328}
svg .st-not-reached text{fill:#4b5563}
svg .type-Choice rect{rx:14px}
svg .terminal circle{fill:#4b5563;stroke:#4b5563}
svg .join circle{fill:#9ca3af;stroke:#9ca3af}
svg .group rect{fill:#f9fafb;stroke:#9ca3af;stroke-dasharray:6 3}
svg .group text{fill:#4b5563;font-size:11px}
svg .edge path{fill:none;stroke:#6b7280;stroke-width:1.25}
svg .edge-catch path{stroke:#b91c1c;stroke-dasharray:5 4}
svg .edge-default path{stroke:#374151}
svg .arrow{fill:#6b7280}
svg .arrow-catch{fill:#b91c1c}
ol.trail{list-style:none;padding:0;margin:.5rem 0}
ol.trail li{padding:.5rem 0 .5rem .75rem;border-left:3px solid #d1d5db;margin-left:.25rem}
ol.trail li.tone-ok{border-color:#16a34a}
ol.trail li.tone-stop{border-color:#b91c1c}
ol.trail li.tone-warn{border-color:#d97706}
ol.trail time{display:block;color:#4b5563;font-size:.8125rem}
ol.trail .values{margin:.25rem 0 0;font-size:.875rem}
details{margin:.25rem 0}
details summary{cursor:pointer;color:#1d4ed8;font-size:.875rem}
pre{margin:.25rem 0;padding:.5rem;background:#f9fafb;border:1px solid #e5e7eb;border-radius:4px;font-size:.8125rem;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere;max-height:24rem;overflow:auto}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.5rem 1rem;align-items:end;margin:1rem 0}
.filters label{font-weight:600;font-size:.875rem;margin:0}
.filters select{display:block;width:100%;min-height:40px;font:inherit;padding:.25rem;border:1px solid #6b7280;border-radius:6px;background:#fff}
form.action{border:1px solid #e5e7eb;border-radius:8px;padding:1rem;margin:1rem 0}
form.action h3{margin:0 0 .5rem;font-size:1rem}
form.action select{display:block;width:100%;min-height:44px;font:inherit;padding:.25rem;border:1px solid #6b7280;border-radius:6px;background:#fff;margin-bottom:.75rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.live-note{font-size:.8125rem;color:#4b5563}
.now-states{margin:.25rem 0 .5rem}
nav.tabs{display:flex;flex-wrap:wrap;gap:.5rem;margin:.75rem 0}
nav.tabs a{display:block;padding:.375rem .75rem;border:1px solid #d1d5db;border-radius:6px;text-decoration:none;color:#1f2328;background:#fff}
nav.tabs a[aria-current]{border-color:#1d4ed8;background:#dbeafe;font-weight:600}
details.raw code{overflow-wrap:anywhere;font-size:.8125rem}
ol.problems li{margin:.25rem 0;overflow-wrap:anywhere}
@media (max-width:39.99rem){
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
table.stack,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;width:auto}
table.stack tr{border:1px solid #e5e7eb;border-radius:8px;margin:0 0 .75rem;padding:.5rem .75rem;background:#fff}
table.grid.stack th,table.grid.stack td{border:0;padding:.25rem 0;white-space:normal}
table.grid.stack td.sc{padding:.25rem .5rem;border-radius:6px;margin:.25rem 0}
table.stack td[data-label]::before{content:attr(data-label);display:inline-block;min-width:4.5rem;margin-right:.5rem;font-size:.8125rem;font-weight:600;color:#4b5563}
table.stack td.sc[data-label]::before{color:inherit}
}
`.trim();

/** The dashboard's stylesheet: the approval pages' one, then the administrators' additions. */
export const DASHBOARD_CSS = `${CSS}\n${ADMIN_CSS}`;

/**
 * Moves the local cloud's clock from the clock forms (posting to the local cloud's `/_local/clock` with the
 * form's CSRF token in `X-CSRF-Token`, which it asks of a cookie-carried request, and waiting for it to
 * settle, then reloading), and refreshes the parts of the page marked `data-live` every few seconds by
 * fetching the page again (the same server-rendered HTML, so there is one renderer), keeping open `<details>`
 * open; it pauses while the tab is hidden and never touches forms. Pages work without it: the clock forms then
 * post to `/_local/clock` as plain forms, which answers them with a 303 back to the page.
 */
export const LIVE_SCRIPT = `(function(){var b=document.body;document.querySelectorAll('form[data-clock]').forEach(function(f){f.addEventListener('submit',function(ev){ev.preventDefault();var fd=new FormData(f),body={},a=fd.get('advance'),s=fd.get('speed');if(a)body.advance=String(a);else if(s!==null)body.speed=Number(s);f.querySelectorAll('button').forEach(function(x){x.disabled=true});fetch(f.getAttribute('data-clock'),{method:'POST',headers:{'content-type':'application/json','x-csrf-token':String(fd.get('csrf')||'')},credentials:'same-origin',body:JSON.stringify(body)}).then(function(){location.reload()},function(){location.reload()})})});var ms=Number(b.getAttribute('data-live-ms'))||0;if(!ms||!window.fetch||!window.DOMParser)return;var busy=false;function tick(){if(document.hidden||busy)return;busy=true;fetch(location.href,{headers:{Accept:'text/html'},credentials:'same-origin',cache:'no-store'}).then(function(r){if(r.status===401){location.reload();return null}return r.ok?r.text():null}).then(function(html){if(!html)return;var doc=new DOMParser().parseFromString(html,'text/html');document.querySelectorAll('[data-live]').forEach(function(el){var next=doc.getElementById(el.id);if(!next||next.innerHTML===el.innerHTML)return;var open=[];el.querySelectorAll('details[open][id]').forEach(function(d){open.push(d.id)});el.innerHTML=next.innerHTML;open.forEach(function(id){var d=document.getElementById(id);if(d)d.open=true})});var s=document.getElementById('live-at'),n=doc.getElementById('live-at');if(s&&n)s.textContent=n.textContent}).catch(function(){}).then(function(){busy=false})}setInterval(tick,ms);document.addEventListener('visibilitychange',function(){if(!document.hidden)tick()})})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export const DASHBOARD_CSS_HASH = sha256(DASHBOARD_CSS);
export const LIVE_SCRIPT_HASH = sha256(LIVE_SCRIPT);

/**
 * The approval pages' headers with the dashboard's policy: its stylesheet and script by hash, fetches to
 * this origin only (the refresh), forms to this origin only, never framed.
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...SECURITY_HEADERS,
  // Not the approval pages' no-referrer: under it a browser sends `Origin: null` with a form's POST, and the
  // dashboard's forms are checked by their Origin. Its URLs carry no secret, and other sites still get none.
  // https://fetch.spec.whatwg.org/#serializing-a-request-origin
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': `default-src 'none'; style-src ${DASHBOARD_CSS_HASH}; script-src ${LIVE_SCRIPT_HASH}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
});
