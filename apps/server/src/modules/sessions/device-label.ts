/**
 * A short, human device label for a session list ("Chrome on macOS", "exponential CLI"), derived
 * from the User-Agent header. Only a label for recognising one's own sessions: never used for a
 * security decision. Unknown agents are labelled "Unknown browser" / "Unknown device".
 *
 * The order of the browser checks follows how agents embed each other's tokens: Edge and Opera
 * include "Chrome", Chrome includes "Safari", so the more specific token is tested first.
 */

const BROWSERS: Array<[RegExp, string]> = [
  [/\bexponential-cli\b/i, 'exponential CLI'],
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\bcurl\//i, 'curl'],
  [/\bnode(-fetch)?\b|\bundici\b/i, 'Node.js'],
  [/\bpython-requests\b|\bpython\b/i, 'Python'],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b|\bdarwin\b/i, 'macOS'],
  [/\bWindows\b|\bwin32\b/i, 'Windows'],
  [/\bLinux\b/i, 'Linux'],
];

/**
 * Labels a User-Agent string.
 * @param userAgent the header value (or null when the client sent none)
 * @returns e.g. "Firefox on Windows", "Safari on iPhone", "curl", "Unknown device"
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `Unknown browser on ${system}`;
  return 'Unknown device';
}
