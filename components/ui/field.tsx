'use client';
// Form fields in the DTS console's layout: the label on the left, the control, a help line,
// and the error that names the field.
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

export function Field({ label, required, help, error, children, htmlFor }: { label: string; required?: boolean; help?: ReactNode; error?: string | null; children: ReactNode; htmlFor?: string }) {
  return (
    <div className="grid grid-cols-[200px_1fr] items-start gap-3 py-1.5">
      <label htmlFor={htmlFor} className="pt-1.5 text-right text-sm text-gray-600">
        {required && <span className="mr-0.5 text-red-500">*</span>}
        {label}
      </label>
      <div className="min-w-0">
        {children}
        {help && <p className="mt-1 text-xs text-gray-500">{help}</p>}
        {error && (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

const CONTROL = 'w-full max-w-md rounded-sm border border-gray-300 bg-white px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none disabled:bg-gray-100';

export function TextInput({ className = '', ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`${CONTROL} ${className}`} {...rest} />;
}

export function SelectInput({ className = '', children, ...rest }: SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  return (
    <select className={`${CONTROL} ${className}`} {...rest}>
      {children}
    </select>
  );
}

/** a row of radio buttons shown as segmented choices, as DTS shows its options */
export function Choice<T extends string>({ name, value, options, onChange, disabled }: { name: string; value: T; options: Array<{ value: T; label: string }>; onChange: (v: T) => void; disabled?: boolean }) {
  return (
    <div role="radiogroup" aria-label={name} className="inline-flex flex-wrap gap-0">
      {options.map((o) => (
        <label
          key={o.value}
          className={`-ml-px cursor-pointer border px-3 py-1 text-sm first:ml-0 focus-within:ring-2 focus-within:ring-[#ff6a00]/40 ${value === o.value ? 'z-10 border-[#ff6a00] text-[#ff6a00]' : 'border-gray-300 text-gray-700'} ${disabled ? 'cursor-not-allowed opacity-50' : ''}`}
        >
          <input type="radio" className="sr-only" name={name} value={o.value} checked={value === o.value} disabled={disabled} onChange={() => onChange(o.value)} />
          {o.label}
        </label>
      ))}
    </div>
  );
}
