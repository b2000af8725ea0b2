/**
 * Issue references in text: `ENG-123` where `ENG` is a team key of the workspace (keys are 1–7
 * upper-case letters and digits starting with a letter, server teams.schemas.ts `TeamKey`). The
 * editor shows them as links through a decoration and read-only HTML gets real links, so stored
 * rich text never holds workspace URLs (a renamed workspace URL cannot break them).
 */

/** An identifier-shaped word. Global: reset `lastIndex` (or use matchAll) before reuse. */
export const ISSUE_REF = /\b([A-Z][A-Z0-9]{0,6})-([1-9][0-9]{0,8})\b/g;

/** One reference found in a text. */
export interface IssueRefMatch {
  /** Offset of its first character. */
  from: number;
  /** Offset after its last character. */
  to: number;
  identifier: string;
}

/** References in `text` whose key is one of `keys` (upper-case team keys). */
export function findIssueRefs(text: string, keys: ReadonlySet<string>): IssueRefMatch[] {
  const out: IssueRefMatch[] = [];
  if (!keys.size) return out;
  for (const m of text.matchAll(ISSUE_REF)) {
    if (!keys.has(m[1]!)) continue;
    out.push({ from: m.index, to: m.index + m[0].length, identifier: m[0] });
  }
  return out;
}

/**
 * Turns references in already-sanitized HTML into links to the issue (`hrefFor(identifier)`),
 * leaving text inside links, code and pre blocks alone. Runs in the browser (DOMParser parses
 * without running scripts; the input is the server's sanitized HTML anyway).
 */
export function linkifyIssueRefs(html: string, keys: ReadonlySet<string>, hrefFor: (identifier: string) => string): string {
  if (!keys.size || !/[A-Z]-[1-9]/.test(html)) return html;
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent?.closest('a,code,pre')) continue;
    texts.push(n as Text);
  }
  for (const t of texts) {
    const refs = findIssueRefs(t.data, keys);
    if (!refs.length) continue;
    const frag = doc.createDocumentFragment();
    let at = 0;
    for (const r of refs) {
      if (r.from > at) frag.append(t.data.slice(at, r.from));
      const a = doc.createElement('a');
      a.href = hrefFor(r.identifier);
      a.dataset.issueRef = r.identifier;
      a.textContent = r.identifier;
      frag.append(a);
      at = r.to;
    }
    if (at < t.data.length) frag.append(t.data.slice(at));
    t.replaceWith(frag);
  }
  return doc.body.innerHTML;
}
