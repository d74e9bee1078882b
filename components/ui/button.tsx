'use client';
import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'default' | 'link' | 'danger';
const VARIANT: Record<Variant, string> = {
  primary: 'border border-[#ff6a00] bg-[#ff6a00] text-white hover:bg-[#e65f00] hover:border-[#e65f00]',
  default: 'border border-gray-300 bg-white text-gray-800 hover:border-[#ff6a00] hover:text-[#ff6a00]',
  link: 'border border-transparent bg-transparent px-0 text-[#0070cc] hover:text-[#ff6a00] hover:underline',
  danger: 'border border-red-600 bg-red-600 text-white hover:bg-red-700',
};

export function Button({ variant = 'default', className = '', type = 'button', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-1 rounded-sm px-3 py-1 text-sm whitespace-nowrap focus:outline-none focus-visible:ring-2 focus-visible:ring-[#ff6a00]/50 disabled:cursor-not-allowed disabled:opacity-50 ${VARIANT[variant]} ${className}`}
      {...rest}
    />
  );
}
