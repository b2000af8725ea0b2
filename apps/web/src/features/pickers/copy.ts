/** What the copy shortcuts put on the clipboard: identifier, git branch name, URL. */

/**
 * A git branch name for an issue: lower-case identifier and title slug, `eng-123-fix-login-page`
 * (Linear's default format without the user prefix, linear-ux.md §1.3). Accents are folded, other
 * characters become dashes, and the slug is cut at a word boundary to keep the name under 60
 * characters (git allows more, but terminals and PR titles read better).
 */
export function branchName(identifier: string, title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const head = identifier.toLowerCase();
  let out = slug ? `${head}-${slug}` : head;
  if (out.length > 60) out = out.slice(0, 60).replace(/-[^-]*$/, '') || out.slice(0, 60);
  return out.replace(/-+$/, '');
}

/**
 * Writes text to the clipboard: the async Clipboard API, else a hidden textarea and
 * `execCommand('copy')` (older browsers, or a denied permission).
 * @returns whether the text was copied
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'fixed -left-[9999px] top-0 opacity-0';
    document.body.append(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}
