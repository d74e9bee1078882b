'use client';
// Step 2 of the failover dialogs: what the seed asks the operator to confirm, as checkboxes.
import type { ActionText, Confirmation } from './action-text';

export type Confirmed = Partial<Record<Confirmation['key'], boolean>>;

export function allRequiredChecked(text: ActionText, confirmed: Confirmed): boolean {
  return text.confirmations.every((c) => !c.required || confirmed[c.key] === true);
}

export function ConfirmStep({ text, confirmed, onChange }: { text: ActionText; confirmed: Confirmed; onChange: (c: Confirmed) => void }) {
  return (
    <fieldset className="space-y-3" data-testid="action-confirmations">
      <legend className="mb-2 text-gray-700">Confirm before you run the {text.title.toLowerCase()}:</legend>
      {text.confirmations.map((c) => (
        <label key={c.key} className="flex cursor-pointer items-start gap-2 rounded-sm border border-gray-200 px-3 py-2 hover:border-[#ff6a00]/60">
          <input
            type="checkbox"
            name={c.key}
            className="mt-0.5 accent-[#ff6a00]"
            checked={confirmed[c.key] === true}
            required={c.required}
            onChange={(e) => onChange({ ...confirmed, [c.key]: e.target.checked })}
          />
          <span>
            {c.required && <span className="mr-0.5 text-red-500">*</span>}
            {c.label}
            {c.help && <span className="mt-0.5 block text-xs text-gray-500">{c.help}</span>}
          </span>
        </label>
      ))}
      <p className="text-xs text-gray-500">
        The steps run in the server one after the other; each is shown as it happens. If a step fails, the action stops there and says why.
      </p>
    </fieldset>
  );
}
