interface Props {
  id: string;
  label: string;
  type: 'text' | 'password';
  value: string;
  onInput: (value: string) => void;
  /** Takes the row's free width (`field grow`). */
  grow?: boolean;
}

/** A labelled, required text input of a form (a password input never autocompletes). */
export function TextField({ id, label, type, value, onInput, grow }: Props) {
  return (
    <div class={grow ? 'field grow' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        {...(type === 'password' ? { autocomplete: 'off' } : {})}
        value={value}
        required
        onInput={(event) => onInput(event.currentTarget.value)}
      />
    </div>
  );
}
