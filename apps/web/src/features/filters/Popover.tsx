/**
 * A panel anchored under its trigger (filter menu, display options). Opening it moves focus to
 * its first control (unless something inside already took focus); Escape — from anywhere while
 * it is the top-most open popover — or a click outside closes it, and Escape returns focus to the
 * trigger. Keys typed inside never reach the global shortcut handler. The panel is kept inside
 * the viewport (8 px margin): it is shifted sideways and never wider than the viewport.
 */
import { type ReactNode, useEffect, useLayoutEffect, useRef } from 'react';

/** Props of {@link Popover}. */
export interface PopoverProps {
  open: boolean;
  onClose: () => void;
  trigger: ReactNode;
  children: ReactNode;
  align?: 'left' | 'right';
  label: string;
  testId?: string;
  className?: string;
}

/** Space kept between a panel and the viewport's edges, in CSS pixels. */
const EDGE = 8;

/** Controls that can take focus, in document order. */
const FOCUSABLE = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/** Open popovers, innermost (most recently opened) last: only that one answers Escape. */
const openStack: symbol[] = [];

/**
 * The horizontal shift (px) that brings a box spanning `left`..`right` inside a viewport
 * `viewportWidth` wide with `edge` px margins (the left edge wins when the box is too wide).
 */
export function clampShift(left: number, right: number, viewportWidth: number, edge = EDGE): number {
  let dx = 0;
  if (right > viewportWidth - edge) dx = viewportWidth - edge - right;
  if (left + dx < edge) dx = edge - left;
  return dx;
}

/** An anchored popover. */
export function Popover({ open, onClose, trigger, children, align = 'left', label, testId, className = 'w-72' }: PopoverProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    if (!open) return;
    const id = Symbol('popover');
    openStack.push(id);
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) onCloseRef.current();
    };
    // Capture phase on window: runs before the global shortcuts and before whatever has focus.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || openStack[openStack.length - 1] !== id) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      onCloseRef.current();
      wrap.current?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
    };
    document.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey, true);
    // Focus the first control unless the content focused something itself (an autofocus search box).
    const el = panel.current;
    if (el && !el.contains(document.activeElement)) el.querySelector<HTMLElement>(FOCUSABLE)?.focus({ preventScroll: true });
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey, true);
      const i = openStack.indexOf(id);
      if (i >= 0) openStack.splice(i, 1);
    };
  }, [open]);

  useLayoutEffect(() => {
    const el = panel.current;
    if (!open || !el) return;
    const place = () => {
      el.style.transform = '';
      const r = el.getBoundingClientRect();
      const dx = clampShift(r.left, r.right, document.documentElement.clientWidth);
      el.style.transform = dx ? `translateX(${Math.round(dx)}px)` : '';
    };
    place();
    const ro = new ResizeObserver(place);
    ro.observe(el);
    window.addEventListener('resize', place);
    return () => {
      ro.disconnect();
      window.removeEventListener('resize', place);
    };
  }, [open]);

  return (
    <div ref={wrap} className="relative">
      {trigger}
      {open && (
        <div
          ref={panel}
          role="dialog"
          aria-label={label}
          data-testid={testId}
          onKeyDown={(e) => e.nativeEvent.stopImmediatePropagation()}
          style={{ maxWidth: `calc(100vw - ${2 * EDGE}px)` }}
          className={`absolute top-full z-40 mt-1 ${align === 'right' ? 'right-0' : 'left-0'} ${className} rounded-lg border border-line bg-elevated shadow-overlay`}
        >
          {children}
        </div>
      )}
    </div>
  );
}
