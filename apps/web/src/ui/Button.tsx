/** Buttons in the app's three weights. */
import type { ButtonHTMLAttributes } from 'react';

/** Props of {@link Button}. */
export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'ghost';
  size?: 'sm' | 'md';
}

const VARIANTS = {
  primary: 'bg-accent text-white hover:bg-accent-hover border border-transparent shadow-sm',
  secondary: 'bg-elevated text-fg border border-line hover:bg-hover shadow-xs',
  ghost: 'bg-transparent text-muted border border-transparent hover:bg-hover hover:text-fg',
};

/** A button. */
export function Button({ variant = 'secondary', size = 'md', className = '', type = 'button', ...rest }: ButtonProps) {
  const sizes = size === 'sm' ? 'h-6 px-2 text-sm gap-1' : 'h-8 px-3 text-base gap-1.5';
  return (
    <button
      type={type}
      className={`inline-flex select-none items-center justify-center rounded-md font-medium transition-colors disabled:opacity-50 ${sizes} ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}

/** Classes of a text input in the app's style. */
export const inputClass =
  'h-8 w-full rounded-md border border-line bg-bg px-2.5 text-base text-fg placeholder:text-faint outline-none transition-colors focus:border-accent focus:ring-2 focus:ring-accent-soft';
