// The one stylesheet of the approval pages, inline (no third-party or even first-party assets to fetch),
// and the security headers every page is sent with. The Content-Security-Policy allows exactly this
// stylesheet by its SHA-256 hash: no scripts, no images, no other styles, forms only to this origin.
import { createHash } from 'node:crypto';

// Mobile first: one column, 16-px text (no zoom on focus in phone browsers), touch targets of at least 44 px,
// a visible focus ring, and colours with at least 4.5:1 contrast on white (WCAG 2.2 AA).
export const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#1f2328;font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
.page{max-width:42rem;margin:0 auto;padding:0 0 2rem}
header.top{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;padding:.75rem 1rem;color:#4b5563;font-size:.875rem}
header.top p{margin:0}
main{background:#fff;padding:1.25rem 1rem 1.5rem;border-top:4px solid #1d4ed8}
@media (min-width:40rem){main{border-radius:8px;padding:2rem}}
h1{font-size:1.375rem;line-height:1.35;margin:0 0 .75rem}
h2{font-size:1.0625rem;margin:1.75rem 0 .5rem}
p{margin:.5rem 0}
a{color:#1d4ed8;text-underline-offset:2px}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.lead{font-size:1.0625rem}
.muted{color:#4b5563}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0;padding:.75rem 1rem;background:#f9fafb;border:1px solid #e5e7eb;border-radius:6px}
.facts dt{color:#4b5563}
.facts dd{margin:0;overflow-wrap:anywhere}
.overdue{color:#b91c1c;font-weight:600}
ul.plain,ol.history{padding-left:1.25rem;margin:.5rem 0}
ol.history li{margin:.5rem 0}
ol.history .who{color:#4b5563;font-size:.875rem}
ol.history blockquote{margin:.25rem 0 0;padding-left:.75rem;border-left:3px solid #d1d5db;white-space:pre-wrap;overflow-wrap:anywhere}
blockquote.quote{margin:.25rem 0 0;padding:.5rem .75rem;background:#f9fafb;border-left:4px solid #9ca3af;white-space:pre-wrap;overflow-wrap:anywhere}
form{margin-top:1.5rem}
.field{margin:0 0 1.25rem;padding:0;border:0;min-width:0}
label,legend{display:block;font-weight:600;margin-bottom:.25rem;padding:0}
.req{color:#b91c1c;font-weight:400}
.opt{color:#4b5563;font-weight:400}
.help{display:block;color:#4b5563;font-size:.875rem;margin:0 0 .375rem}
input[type=text],input[type=url],input[type=date],textarea{display:block;width:100%;min-height:44px;padding:.5rem .625rem;font:inherit;color:inherit;background:#fff;border:1px solid #6b7280;border-radius:6px}
textarea{min-height:7rem;resize:vertical}
input.score{max-width:8rem}
.choice{display:inline-flex;align-items:center;gap:.375rem;min-height:44px;margin-right:1.5rem;font-weight:400}
.choice input{width:1.25rem;height:1.25rem;margin:0}
.invalid input[type=text],.invalid input[type=url],.invalid input[type=date],.invalid textarea{border:2px solid #b91c1c}
.error{display:block;color:#b91c1c;font-weight:600;margin:0 0 .375rem}
.summary{border:2px solid #b91c1c;border-radius:6px;padding:.75rem 1rem;margin:0 0 1.5rem}
.summary h2{margin:0 0 .25rem;color:#b91c1c}
.summary ul{margin:0;padding-left:1.25rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:.5rem}
.actions button{flex:1 1 10rem;min-height:48px;padding:.625rem 1rem;font:inherit;font-weight:600;border-radius:6px;border:2px solid transparent;cursor:pointer}
.approve{background:#1d4ed8;color:#fff}
.return{background:#fff;color:#1f2328;border-color:#4b5563!important}
.reject{background:#b91c1c;color:#fff}
.status{display:flex;gap:.75rem;align-items:flex-start;padding:1rem;border-radius:6px;margin:0 0 1rem;background:#eff6ff;border:1px solid #bfdbfe}
.status.ok{background:#f0fdf4;border-color:#bbf7d0}
.status.warn{background:#fffbeb;border-color:#fde68a}
.status.stop{background:#fef2f2;border-color:#fecaca}
.status p{margin:0}
footer{padding:1rem;color:#4b5563;font-size:.875rem}
footer p{margin:.25rem 0}
ol.items{list-style:none;padding:0;margin:1rem 0}
ol.items>li.item{border:1px solid #d1d5db;border-radius:8px;padding:.75rem .75rem 1rem;margin:0 0 1rem}
ol.items h2{margin:0 0 .25rem}
ol.items .facts{margin:.5rem 0;padding:.5rem .625rem;gap:.25rem .75rem}
ul.people{list-style:none;padding:0;margin:0}
ul.people li{margin:0 0 .5rem;overflow-wrap:anywhere}
form.nudge{margin-top:.5rem}
.done{color:#166534;font-weight:600}
.more{font-weight:600;color:#1e3a8a}
p.one{margin:.75rem 0 0}
p.one a{display:inline-block;min-height:44px;line-height:44px}
.uploads{margin-top:1.5rem}
.upload-field{padding:.75rem 1rem;border:1px solid #d1d5db;border-radius:8px}
.upload-field h2.label{font-size:1rem;margin:0 0 .25rem}
.upload-field form{margin-top:.75rem}
ul.files{padding-left:1.25rem;margin:.25rem 0 .5rem}
ul.files li{margin:.25rem 0;overflow-wrap:anywhere}
ul.files a{display:inline-block;min-height:44px;line-height:44px}
ul.files .size{color:#4b5563;font-size:.875rem}
ul.files form.remove{display:inline;margin:0 0 0 .5rem}
.btn-remove{min-height:44px;min-width:44px;padding:.25rem .75rem;font:inherit;font-size:.875rem;background:#fff;color:#b91c1c;border:1px solid #fca5a5;border-radius:6px;cursor:pointer}
input[type=file]{display:block;width:100%;min-height:44px;padding:.5rem 0;font:inherit}
.btn-upload{min-height:44px;padding:.5rem 1.25rem;margin:.25rem 0 .5rem;font:inherit;font-weight:600;background:#fff;color:#1d4ed8;border:2px solid #1d4ed8;border-radius:6px;cursor:pointer}
[hidden]{display:none!important}
`.trim();

/** The CSP source that allows exactly the stylesheet above. */
export const CSS_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

/**
 * Sent with every page (and every refusal). `default-src 'none'` forbids scripts, images, fonts, frames and
 * connections; the style is allowed by hash only; forms post only to this origin; no page may frame it
 * (click-jacking the decision buttons); no Referer leaks the signed URL to a linked document.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': `default-src 'none'; style-src ${CSS_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Robots-Tag': 'noindex, nofollow',
});

/** A link page as an HTTP response: its status, the security headers, and no body for HEAD. */
export function htmlResponse(
  method: string,
  page: { status: number; html: string },
): { statusCode: number; headers: Record<string, string>; body: string } {
  return {
    statusCode: page.status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' },
    body: method === 'HEAD' ? '' : page.html,
  };
}
