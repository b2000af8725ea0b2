/**
 * A modal dialog: rendered in a portal over a dimmed backdrop, closed by Escape or a backdrop
 * click, keeps Tab inside itself and gives focus back to where it was on close.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';

/** Props of {@link Modal}. */
export interface ModalProps {
  label: string;
  onClose: () => void;
  children: ReactNode;
  /** Tailwind width class of the panel. */
  width?: string;
  /** Vertical position: near the top (palettes, pickers) or centered. */
  placement?: 'top' | 'center';
  testId?: string;
  /** Focus the panel itself rather than its first control (sheets without inputs). */
  focusPanel?: boolean;
}

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),textarea:not([disabled]),select:not([disabled]),[tabindex]:not([tabindex="-1"]),[contenteditable="true"]';

/** A modal dialog. */
export function Modal({ label, onClose, children, width = 'w-[560px]', placement = 'top', testId, focusPanel = false }: ModalProps) {
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  // Read during the first render, before an autofocused child takes the focus.
  const opener = useRef(document.activeElement as HTMLElement | null);
  // Where the focus goes is decided once, when the dialog opens.
  const focusPanelAtOpen = useRef(focusPanel);

  useEffect(() => {
    const previous = opener.current;
    const el = panel.current;
    if (el && focusPanelAtOpen.current) el.focus();
    else if (el && !el.contains(document.activeElement)) {
      const first = el.querySelector<HTMLElement>('[autofocus],[data-autofocus]') ?? el.querySelector<HTMLElement>(FOCUSABLE);
      (first ?? el).focus();
    }
    return () => previous?.focus?.();
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    // An Escape already handled inside (a menu in an editor) does not close the dialog.
    if (e.key === 'Escape' && !e.nativeEvent.isComposing && !e.defaultPrevented) {
      e.preventDefault();
      e.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (e.key !== 'Tab' || !panel.current) return;
    const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null);
    if (!items.length) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    // biome-ignore lint/a11y/noStaticElementInteractions: the backdrop is not a control; pressing on it is a pointer shortcut for closing, and keyboard users close with Escape on the dialog itself
    <div
      className={`fixed inset-0 z-50 flex justify-center bg-black/25 px-4 dark:bg-black/50 ${placement === 'top' ? 'items-start pt-[12vh]' : 'items-center'}`}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCloseRef.current();
      }}
    >
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        className={`${width} max-w-full overflow-hidden rounded-lg border border-line bg-elevated shadow-overlay outline-none`}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}
