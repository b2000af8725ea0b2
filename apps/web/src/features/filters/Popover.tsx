/**
 * A panel anchored under its trigger (filter menu, display options): Escape or a click outside
 * closes it and focus returns to the trigger. Keys typed inside never reach the global shortcut
 * handler.
 */
import { type ReactNode, useEffect, useRef } from 'react';

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

/** An anchored popover. */
export function Popover({ open, onClose, trigger, children, align = 'left', label, testId, className = 'w-72' }: PopoverProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) onCloseRef.current();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  return (
    <div ref={wrap} className="relative">
      {trigger}
      {open && (
        <div
          role="dialog"
          aria-label={label}
          data-testid={testId}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              onCloseRef.current();
              wrap.current?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
            }
            e.nativeEvent.stopImmediatePropagation();
          }}
          className={`absolute top-full z-40 mt-1 ${align === 'right' ? 'right-0' : 'left-0'} ${className} rounded-lg border border-line bg-elevated shadow-overlay`}
        >
          {children}
        </div>
      )}
    </div>
  );
}
