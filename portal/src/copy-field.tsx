import { useState } from 'preact/hooks';

/** A read-only value with a copy button; the result is announced to screen readers. */
export function CopyField({
  id,
  label,
  value,
  secret = false,
}: {
  id: string;
  label: string;
  value: string;
  secret?: boolean;
}) {
  const [note, setNote] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setNote('Copied.');
    } catch {
      setNote('Copy failed: select the text and copy it yourself.');
    }
  };
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="row">
        <input
          id={id}
          type="text"
          readOnly
          value={value}
          class={secret ? 'mono secret' : 'mono'}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={copy} aria-describedby={`${id}-note`}>
          Copy
        </button>
      </div>
      <p id={`${id}-note`} class="note" role="status" aria-live="polite">
        {note}
      </p>
    </div>
  );
}
