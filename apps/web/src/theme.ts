/**
 * Light, dark or system theme. The choice is kept in localStorage and applied as a class
 * (`light` / `dark`) on <html> before the first render, so there is no flash and no inline script
 * (the server's CSP allows scripts from 'self' only).
 */

/** A user's theme preference. `system` follows `prefers-color-scheme`. */
export type ThemePreference = 'light' | 'dark' | 'system';

const KEY = 'exponential.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The stored preference (default `system`). */
export function getThemePreference(): ThemePreference {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The theme actually shown for a preference right now. */
export function resolveTheme(pref: ThemePreference): 'light' | 'dark' {
  if (pref !== 'system') return pref;
  return media().matches ? 'dark' : 'light';
}

function apply(pref: ThemePreference): void {
  const theme = resolveTheme(pref);
  const root = document.documentElement;
  root.classList.toggle('dark', theme === 'dark');
  root.classList.toggle('light', theme === 'light');
}

/** Stores and applies a preference. */
export function setThemePreference(pref: ThemePreference): void {
  try {
    if (pref === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, pref);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  apply(pref);
}

/** Applies the stored preference and follows system changes while it is `system`. */
export function initTheme(): void {
  apply(getThemePreference());
  media().addEventListener('change', () => {
    if (getThemePreference() === 'system') apply('system');
  });
}
