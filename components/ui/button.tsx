'use client';
import Link from 'next/link';
import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'default' | 'link' | 'danger';
const VARIANT: Record<Variant, string> = {
  primary: 'border border-[#ff6a00] bg-[#ff6a00] text-white hover:bg-[#e65f00] hover:border-[#e65f00]',
  default: 'border border-gray-300 bg-white text-gray-800 hover:border-[#ff6a00] hover:text-[#ff6a00]',
  link: 'border border-transparent bg-transparent px-0 text-[#0070cc] hover:text-[#ff6a00] hover:underline',
  danger: 'border border-red-600 bg-red-600 text-white hover:bg-red-700',
};

/**
 * `disabledReason`: the control is disabled, and says why in its title (for example the
 * read-only role); the wrapper carries the title too, as a disabled button gets no hover.
 */
export function Button({
  variant = 'default',
  className = '',
  type = 'button',
  disabledReason,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; disabledReason?: string | null }) {
  const button = (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1 rounded-sm px-3 py-1 text-sm whitespace-nowrap focus:outline-none focus-visible:ring-2 focus-visible:ring-[#ff6a00]/50 disabled:cursor-not-allowed disabled:opacity-50 disabled:no-underline ${VARIANT[variant]} ${className}`}
      {...rest}
      disabled={rest.disabled || Boolean(disabledReason)}
      title={disabledReason ?? rest.title}
    />
  );
  return disabledReason ? (
    <span className="inline-flex cursor-not-allowed" title={disabledReason} data-disabled-reason={disabledReason}>
      {button}
    </span>
  ) : (
    button
  );
}

/**
 * A link that goes to another page of the console (Create Task, Configure Task), or, with
 * `disabledReason`, a disabled button in its place that says why.
 */
export function LinkAction({ href, className, disabledReason, children }: { href: string; className: string; disabledReason?: string | null; children: ReactNode }) {
  if (!disabledReason) {
    return (
      <Link href={href} className={className}>
        {children}
      </Link>
    );
  }
  return (
    <span className="inline-flex cursor-not-allowed" title={disabledReason} data-disabled-reason={disabledReason}>
      <button type="button" disabled title={disabledReason} className={`${className} pointer-events-none opacity-50 hover:no-underline`}>
        {children}
      </button>
    </span>
  );
}
